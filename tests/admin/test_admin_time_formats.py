"""Django's own formats do not leak into the admin: a time reads 08.00 in Indonesian and
08:00 in English, with two digits and no seconds, in lists, read-only fields and time
inputs alike (queue_booking/formats); typing 07.30, 07:30 or 7.30 is understood in both."""

import datetime as dt
import re

import pytest
import time_machine
from django import forms
from django.utils import formats, translation

from applicants.models import Channel, QueueEvent
from applicants.services.booking import booking_create
from offices.models import Closure, Office
from tests import factories

NOW = dt.datetime(2026, 11, 23, 2, 5, tzinfo=dt.UTC)  # 09.05 WIB, 10.05 WITA
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _cell(page: str, css_class: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'class="{css_class}[ "][^>]*>(.*?)</t[dh]>', page)
    ]


@pytest.mark.parametrize(("language", "written"), [("id", "08.00"), ("en", "08:00")])
def test_the_closure_list_writes_a_session_start_as_the_product_does(client, central_admin, office, language, written):
    Closure.objects.create(office=office, date=MONDAY, start=dt.time(8), kind="local", reason="Apel pagi")

    page = client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert _cell(page, "field-start") == [written]  # Django's own: "8 a.m." / "8.00"


@pytest.mark.parametrize(
    ("language", "moment"), [("id", "23 Nov. 2026, 10.05 WITA"), ("en", "23 Nov 2026, 10:05 WITA")]
)
def test_a_moment_has_a_two_digit_hour_in_lists_and_on_its_page(client, central_admin, other_office, language, moment):
    slot = factories.SlotFactory(office=other_office, date=MONDAY)
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1)))
    booking = booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=NOW, channel=Channel.ONLINE
    ).booking
    event = QueueEvent.objects.create(
        office=other_office, date=MONDAY, booking=booking, action=QueueEvent.Action.CALLED, at=NOW
    )

    listing = client.get("/admin/applicants/queueevent/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    detail = client.get(
        f"/admin/applicants/queueevent/{event.pk}/change/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    session = client.get(f"/admin/offices/slot/{slot.pk}/change/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert moment in listing and moment in detail  # Django's own: "10.05" / "10:05 a.m."
    start, end = ("08.00", "10.00") if language == "id" else ("08:00", "10:00")
    assert re.search(rf'<div class="readonly">{start}</div>', session)
    assert re.search(rf'<div class="readonly">{end}</div>', session)


@pytest.mark.parametrize(("language", "shown"), [("id", "07.30"), ("en", "07:30")])
def test_a_time_input_shows_hours_and_minutes_only(client, central_admin, office, language, shown):
    Office.objects.filter(pk=office.pk).update(opening_time=dt.time(7, 30))

    page = client.get(f"/admin/offices/office/{office.pk}/change/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert re.search(rf'name="opening_time" value="{shown}"', page)  # Django's own: "07.30.00" / "07:30:00"


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("typed", ["08.00", "08:00", "8.00", "8:00"])
def test_a_session_start_is_understood_however_it_is_typed(client, central_admin, office, language, typed):
    factories.SlotFactory(office=office, date=MONDAY, start=dt.time(8))

    response = client.post(
        "/admin/offices/closure/add/",
        {"office": office.pk, "date": MONDAY.isoformat(), "start": typed, "kind": "local", "reason": "Apel pagi"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Closure.objects.get().start == dt.time(8)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_way_of_writing_a_time_reads_back_as_the_same_time(language):
    field = forms.TimeField()
    with translation.override(language):
        assert {field.clean(typed) for typed in ("07.30", "07:30", "7.30", "7:30")} == {dt.time(7, 30)}
        assert field.clean("07.30.15") == field.clean("07:30:15") == dt.time(7, 30, 15)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [("id", "6 Des. 2026, 09.05", "06-12-2026 09.05"), ("en", "6 Dec 2026, 09:05", "6 Dec 2026 09:05")],
)
def test_django_s_date_and_time_formats_write_the_hour_with_two_digits(language, long, short):
    moment = dt.datetime(2026, 12, 6, 9, 5, 30)  # noqa: DTZ001 - a wall-clock reading, no zone needed
    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == long
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == short
        assert formats.time_format(moment.time()) == short[-5:]
        # A date alone: Django's own in Indonesian; in English day first, as the product's
        # pages write it (Django's own was "Dec. 6, 2026").
        assert formats.date_format(moment.date()) == long.rsplit(",", 1)[0]
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == short.rsplit(" ", 1)[0]
