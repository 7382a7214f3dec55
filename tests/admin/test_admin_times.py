"""Moments in the admin lists read on the clock of the office they belong to, with its zone.

The server's zone is WIB (UTC+7); Makassar is WITA (UTC+8). A central admin's lists
cover every office, so a WITA office's 17.00 must not read "16.00" with nothing said.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry

from applicants.admin import BookingAdmin
from applicants.models import Booking, Channel, QueueEvent
from applicants.services.booking import booking_create
from offices.models import Closure, Office
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)  # 16.00 WIB, 17.00 WITA
DAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(office: Office, serial: int) -> Booking:
    slot = factories.SlotFactory(office=office, date=DAY, capacity=5)
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial))
    return booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=NOW, channel=Channel.ONLINE
    ).booking


def _row(page: str, text: str) -> str:
    """The list row holding ``text``."""
    return next(row for row in re.findall(r"<tr.*?</tr>", page, re.S) if text in row)


def test_a_central_admin_reads_each_offices_bookings_on_its_own_clock(client, central_admin, office, other_office):
    wib, wita = _book(office, 1), _book(other_office, 2)

    page = client.get("/admin/applicants/booking/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "23 Nov. 2026, 16.00 WIB" in _row(page, wib.code)
    assert "23 Nov. 2026, 17.00 WITA" in _row(page, wita.code)
    assert "16.00" not in _row(page, wita.code)


def test_the_booking_page_names_the_zone_of_each_moment_and_of_its_status_log(client, admin_user, other_office):
    booking = _book(other_office, 3)
    Booking.objects.filter(pk=booking.pk).update(checked_in_at=NOW + dt.timedelta(hours=1))
    client.force_login(admin_user)  # the status log is shown to superusers

    page = client.get(f"/admin/applicants/booking/{booking.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "23 Nov 2026, 18:00 WITA" in page  # checked in
    # created, updated, and the time of the status log's line
    assert page.count("23 Nov 2026, 17:00 WITA") == 3
    # No moment in WIB (a zone follows a time after a space; a booking code or a CSRF token
    # may hold the letters).
    assert " WIB" not in page


def test_the_counters_trail_shows_each_event_on_its_offices_clock(client, central_admin, office, other_office):
    for booking, minutes in ((_book(office, 4), 15), (_book(other_office, 5), 45)):
        QueueEvent.objects.create(
            office=booking.office,
            date=DAY,
            booking=booking,
            action=QueueEvent.Action.CALLED,
            at=NOW + dt.timedelta(minutes=minutes),
        )

    page = client.get("/admin/applicants/queueevent/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    event = QueueEvent.objects.get(office=other_office)
    detail = client.get(f"/admin/applicants/queueevent/{event.pk}/change/", HTTP_ACCEPT_LANGUAGE="id")

    assert "23 Nov. 2026, 16.15 WIB" in page
    assert "23 Nov. 2026, 17.45 WITA" in page and "16.45" not in page
    assert "23 Nov. 2026, 17.45 WITA" in detail.content.decode()


def test_closures_say_when_they_were_recorded_on_the_offices_clock(client, central_admin, other_office):
    Closure.objects.create(office=other_office, date=DAY, kind="local", reason="Renovasi loket")
    Closure.objects.create(office=None, date=DAY, kind="holiday", reason="Libur nasional")

    page = client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    detail = client.get(
        f"/admin/offices/closure/{Closure.objects.get(office=other_office).pk}/change/", HTTP_ACCEPT_LANGUAGE="id"
    )

    assert "23 Nov. 2026, 17.00 WITA" in _row(page, "Renovasi loket")
    assert "23 Nov. 2026, 16.00 WIB" in _row(page, "Libur nasional")  # every office: the page's clock, named
    assert "23 Nov. 2026, 17.00 WITA" in detail.content.decode()


def test_the_audit_trail_names_the_zone_it_is_shown_in(client, central_admin, other_office):
    LogEntry.objects.log_actions(
        user_id=central_admin.pk,
        queryset=[other_office],
        action_flag=ADDITION,
        change_message="",
        single_object=True,
    )

    page = client.get("/admin/admin/logentry/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "23 Nov. 2026, 16.00 WIB" in page


def test_the_zoned_columns_still_sort_by_the_moment(client, central_admin, office, other_office):
    newer, older = _book(office, 7), _book(other_office, 6)
    Booking.objects.filter(pk=older.pk).update(created_at=NOW - dt.timedelta(hours=2))
    column = BookingAdmin.list_display.index("created_at_zoned") + 1  # after the action checkbox

    page = client.get("/admin/applicants/booking/").content.decode()
    oldest_first = client.get(f"/admin/applicants/booking/?o={column}").content.decode()
    newest_first = client.get(f"/admin/applicants/booking/?o=-{column}").content.decode()

    assert 'class="sortable column-created_at_zoned"' in page
    assert oldest_first.index(older.code) < oldest_first.index(newer.code)
    assert newest_first.index(newer.code) < newest_first.index(older.code)
