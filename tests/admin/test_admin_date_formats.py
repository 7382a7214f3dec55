"""A date field in the admin shows a date as people of its language write it, and takes
that back: "17-12-2026" in Indonesian, "17 Dec 2026" in English (Django's own English
showed "2026-12-17"); ISO 8601 is understood in both (queue_booking/formats). The API
stays ISO 8601 in and out, whatever the language."""

import datetime as dt
import re

import pytest
import time_machine
from django import forms
from django.utils import translation

from offices.models import Closure, DateOverride
from tests import factories

NOW = dt.datetime(2026, 11, 23, 2, 5, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 17)
SHOWN = {"id": "17-12-2026", "en": "17 Dec 2026"}


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_date_field_shows_the_date_as_the_language_writes_it(client, central_admin, office, language):
    DateOverride.objects.create(office=office, date=DAY, start=dt.time(8), end=dt.time(10), capacity_regular=5)

    page = client.get(f"/admin/offices/office/{office.pk}/change/", HTTP_ACCEPT_LANGUAGE=language)

    assert re.search(rf'name="date_overrides-0-date" value="{SHOWN[language]}"', page.content.decode())


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("typed", ["shown", "2026-12-17"])
def test_a_date_field_takes_back_what_it_shows_and_iso(client, central_admin, office, language, typed):
    date = SHOWN[language] if typed == "shown" else typed

    response = client.post(
        "/admin/offices/closure/add/",
        {"office": office.pk, "date": date, "kind": "local", "reason": "Apel pagi"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Closure.objects.get().date == DAY


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", ["17 Dec 2026", "17 December 2026", "2026-12-17", "Dec 17, 2026", "17 dec 2026"]),
        ("id", ["17-12-2026", "17/12/2026", "2026-12-17", "17-12-26"]),
    ],
)
def test_every_way_of_writing_a_date_reads_back_as_the_same_date(language, typed):
    field = forms.DateField()
    with translation.override(language):
        assert {field.clean(value) for value in typed} == {DAY}


def test_english_numbers_that_read_either_way_are_refused_rather_than_guessed():
    field = forms.DateField()
    with translation.override("en"), pytest.raises(forms.ValidationError):
        field.clean("05/06/2026")  # 5 June or 6 May


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_api_keeps_iso_dates_whatever_the_language(client, office, language):
    factories.SlotFactory(office=office, date=DAY)

    answer = client.get(
        f"/api/v1/offices/{office.code}/availability/?start=2026-12-17&days=1", HTTP_ACCEPT_LANGUAGE=language
    )
    localized = client.get(
        f"/api/v1/offices/{office.code}/availability/?start={SHOWN[language]}&days=1", HTTP_ACCEPT_LANGUAGE=language
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["days"][0]["date"] == "2026-12-17"
    assert localized.status_code == 400
    assert localized.json()["code"] == "invalid_date"
