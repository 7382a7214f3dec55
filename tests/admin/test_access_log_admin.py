"""The record of staff reads in the admin: read-only, scoped like every office page.

Opening a booking's page or the list of bookings in the admin is itself a recorded
read. A supervisor sees the rows of their own offices, a central admin all; no one may
add, change or delete a row. Rows older than the retention are purged in batches.
"""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from applicants.models import Booking, Channel, PersonalDataAccess
from applicants.services.access_log import personal_data_access_purge, personal_data_access_record
from applicants.services.booking import booking_create
from applicants.tasks.maintenance import purge_personal_data_access
from offices.models import Slot
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 26)
LIST = "/admin/applicants/personaldataaccess/"
Action = PersonalDataAccess.Action


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(office, serial: int) -> Booking:
    slot = Slot.objects.filter(office=office, date=DAY).first() or factories.SlotFactory(
        office=office, date=DAY, capacity=5
    )
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial))
    return booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=NOW, channel=Channel.ONLINE
    ).booking


def _read(office, user, action=Action.PROOF_PRINT, *, booking=None, at=NOW):
    return personal_data_access_record(
        actor=user, office=office, action=action, channel=PersonalDataAccess.Channel.DESK, now=at, booking=booking
    )


def test_a_booking_opened_in_the_admin_is_recorded_and_links_to_who_accessed_it(client, supervisor_a, office):
    booking = _book(office, 1)
    client.force_login(supervisor_a)

    page = client.get(f"/admin/applicants/booking/{booking.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    [row] = PersonalDataAccess.objects.all()
    assert (row.action, row.channel, row.actor, row.office, row.booking, row.applicant_id) == (
        Action.ADMIN_BOOKING,
        PersonalDataAccess.Channel.ADMIN,
        supervisor_a,
        office,
        booking,
        booking.applicant_id,
    )
    assert f'href="{LIST}?booking={booking.pk}"' in page.text
    assert "Who accessed this booking" in page.text


def test_who_accessed_a_booking_lists_that_bookings_rows_only(client, supervisor_a, office):
    booking, other = _book(office, 1), _book(office, 2)
    _read(office, supervisor_a, booking=booking)
    _read(office, supervisor_a, booking=other)
    client.force_login(supervisor_a)

    page = client.get(LIST, {"booking": booking.pk}, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert booking.code in page.text and other.code not in page.text
    assert f"<h1>Who accessed booking {booking.code}</h1>" in page.text


def test_who_accessed_a_booking_includes_a_look_up_by_nik_that_found_the_person(client, supervisor_a, office):
    booking, stranger = _book(office, 1), _book(office, 2)
    for applicant in (booking.applicant, stranger.applicant):
        personal_data_access_record(
            actor=supervisor_a,
            office=office,
            action=Action.NIK_LOOKUP,
            channel=PersonalDataAccess.Channel.DESK,
            now=NOW,
            applicant=applicant,
        )
    client.force_login(supervisor_a)

    page = client.get(LIST, {"booking": booking.pk})

    assert page.text.count(f"#{booking.applicant_id}<") == 1
    assert f"#{stranger.applicant_id}<" not in page.text


def test_the_admin_list_of_bookings_records_one_row_per_office_with_how_many_it_showed(
    client, central_admin, office, other_office
):
    _book(office, 1), _book(office, 2), _book(other_office, 3)

    client.get("/admin/applicants/booking/")

    rows = PersonalDataAccess.objects.order_by("office__code")
    assert [(r.office, r.count, r.action, r.actor) for r in rows] == [
        (other_office, 1, Action.ADMIN_BOOKING_LIST, central_admin),
        (office, 2, Action.ADMIN_BOOKING_LIST, central_admin),
    ]


def test_a_supervisor_sees_only_their_offices_reads(client, supervisor_a, supervisor_b, office, other_office):
    mine = _read(office, supervisor_a, booking=_book(office, 1))
    theirs = _read(other_office, supervisor_b, booking=_book(other_office, 2))
    client.force_login(supervisor_a)

    listed = client.get(LIST)

    assert listed.status_code == 200
    assert mine.booking.code in listed.text
    assert theirs.booking.code not in listed.text and "supervisor.makassar" not in listed.text
    assert client.get(f"{LIST}{mine.pk}/change/").status_code == 200
    assert client.get(f"{LIST}{theirs.pk}/change/").status_code in (302, 403, 404)


def test_a_central_admin_sees_every_office_s_reads(
    client, central_admin, supervisor_a, supervisor_b, office, other_office
):
    _read(office, supervisor_a, booking=_book(office, 1))
    _read(other_office, supervisor_b, booking=_book(other_office, 2))

    listed = client.get(LIST)

    assert "supervisor.surabaya" in listed.text and "supervisor.makassar" in listed.text


def test_the_list_filters_by_user_action_and_office(
    client, central_admin, supervisor_a, supervisor_b, office, other_office
):
    a, b = _book(office, 1), _book(other_office, 2)
    _read(office, supervisor_a, booking=a)
    _read(other_office, supervisor_b, Action.NIK_LOOKUP, booking=b)

    by_user = client.get(LIST, {"actor": supervisor_b.pk})
    by_action = client.get(LIST, {"action__exact": Action.PROOF_PRINT})
    by_office = client.get(LIST, {"office": other_office.pk})
    today = client.get(LIST, {"at__gte": "2026-11-23 00:00:00+07:00", "at__lt": "2026-11-24 00:00:00+07:00"})
    yesterday = client.get(LIST, {"at__gte": "2026-11-22 00:00:00+07:00", "at__lt": "2026-11-23 00:00:00+07:00"})

    assert b.code in by_user.text and a.code not in by_user.text
    assert a.code in by_action.text and b.code not in by_action.text
    assert b.code in by_office.text and a.code not in by_office.text
    assert a.code in today.text and b.code in today.text
    assert a.code not in yesterday.text and b.code not in yesterday.text


def test_the_list_names_bookings_by_code_never_the_person(client, central_admin, supervisor_a, office):
    booking = _book(office, 1)
    _read(office, supervisor_a, booking=booking)

    listed = client.get(LIST)

    assert booking.code in listed.text
    assert booking.applicant.full_name not in listed.text
    assert booking.applicant.nik_masked not in listed.text


@pytest.mark.parametrize("who", ["supervisor", "central", "superuser"])
def test_nobody_can_add_change_or_delete_a_row(client, who, supervisor_a, central_admin_user, admin_user, office):
    row = _read(office, supervisor_a, booking=_book(office, 1))
    client.force_login({"supervisor": supervisor_a, "central": central_admin_user, "superuser": admin_user}[who])

    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{row.pk}/change/", {"action": Action.DAY_LIST}).status_code == 403
    assert client.post(f"{LIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(
        LIST, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    ).status_code in (
        200,
        302,
    )
    row.refresh_from_db()
    assert row.action == Action.PROOF_PRINT


def test_an_officer_does_not_see_the_record(client, officer, office):
    client.force_login(officer)

    assert client.get(LIST).status_code in (302, 403)


# --- Retention ---------------------------------------------------------------------


@override_settings(STAFF_ACCESS_LOG_RETENTION_DAYS=30)
def test_the_purge_deletes_rows_past_the_retention_in_batches_and_keeps_the_rest(supervisor_a, office):
    old = [_read(office, supervisor_a, at=NOW - dt.timedelta(days=31, minutes=n)) for n in range(5)]
    kept = [_read(office, supervisor_a, at=NOW - dt.timedelta(days=29)), _read(office, supervisor_a)]

    deleted = personal_data_access_purge(now=NOW, batch_size=2)

    assert deleted == len(old) == 5
    assert sorted(PersonalDataAccess.objects.values_list("id", flat=True)) == sorted(r.id for r in kept)


def test_the_daily_task_purges_after_a_year_by_default(supervisor_a, office):
    _read(office, supervisor_a, at=NOW - dt.timedelta(days=366))
    kept = _read(office, supervisor_a, at=NOW - dt.timedelta(days=364))

    assert purge_personal_data_access() == 1
    assert list(PersonalDataAccess.objects.values_list("id", flat=True)) == [kept.id]


def test_the_purge_runs_daily_from_beat(settings):
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("purge_personal_data_access")]
    assert entry["schedule"] == 86400.0
