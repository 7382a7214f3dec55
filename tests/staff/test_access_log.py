"""Staff reads of personal data leave a record: who saw whose data, where, when, how.

One test per place that shows a person's name (and masked NIK) to staff, on the staff
pages and the staff API; none for the public queue, which shows numbers only. A record
never holds the data itself, and a record that cannot be written never stops the work.
"""

import datetime as dt
import logging

import pytest
from django.db import DatabaseError, transaction

from applicants import day_list
from applicants.models import Booking, PersonalDataAccess
from applicants.services import access_log
from applicants.services.access_log import personal_data_access_record
from applicants.services.checkin import checkin_confirm
from applicants.views import staff_day
from offices.models import Track
from tests import factories
from tests.factories import make_nik
from tests.staff.conftest import DAY, at, make_booking

pytestmark = pytest.mark.django_db

Action = PersonalDataAccess.Action
Channel = PersonalDataAccess.Channel
NIK = make_nik(dt.date(1990, 1, 1), female=True, serial=7)


def rows() -> list[PersonalDataAccess]:
    return list(PersonalDataAccess.objects.order_by("id"))


def the_row(action: str) -> PersonalDataAccess:
    [row] = [r for r in rows() if r.action == action]
    return row


def assert_names(row, *, actor, office, channel, booking=None):
    assert row.actor == actor and row.actor_username == actor.get_username()
    assert row.office_id == office.id
    assert row.channel == channel
    if booking is not None:
        assert row.booking_id == booking.id and row.applicant_id == booking.applicant_id


@pytest.fixture
def checked_in(office, slots, morning):
    booking = make_booking(slots[(dt.time(8, 0), Track.REGULAR)], name="Rina Kartika")
    return checkin_confirm(office=office, booking=booking, now=at(8, 10)).booking


# --- The desk pages ---------------------------------------------------------------------


def test_a_desk_look_up_by_nik_records_whose_bookings_were_found_and_never_the_nik(
    officer_client, officer, office, slots, morning
):
    person = factories.ApplicantFactory(nik=NIK, full_name="Siti Rahmawati")
    booking = make_booking(slots[(dt.time(8, 0), Track.REGULAR)])
    Booking.objects.filter(id=booking.id).update(applicant=person, nik_hash=person.nik_hash)

    response = officer_client.post(f"/staff/{office.code}/checkin/by-nik/", {"nik": NIK})

    assert response.status_code == 200
    row = the_row(Action.NIK_LOOKUP)
    assert_names(row, actor=officer, office=office, channel=Channel.DESK)
    assert row.applicant_id == person.id and row.booking_id == booking.id and row.count == 1
    stored = repr(PersonalDataAccess.objects.filter(id=row.id).values().get())
    for secret in (NIK, NIK[-6:], person.nik_masked, person.nik_hash, "Siti"):
        assert secret not in stored


def test_a_look_up_that_finds_nobody_is_recorded_as_one_with_no_one_shown(officer_client, officer, office, morning):
    officer_client.post(f"/staff/{office.code}/checkin/by-nik/", {"nik": NIK})

    row = the_row(Action.NIK_LOOKUP)
    assert (row.applicant_id, row.booking_id, row.count) == (None, None, 0)
    assert NIK not in repr(PersonalDataAccess.objects.filter(id=row.id).values().get())


def test_opening_and_confirming_a_check_in_are_recorded(officer_client, officer, office, booking, morning):
    url = f"/staff/{office.code}/checkin/"

    officer_client.post(url, {"action": "lookup", "code": booking.code})
    officer_client.post(url, {"action": "confirm", "code": booking.code})

    assert [r.action for r in rows()] == [Action.CHECKIN_VIEW, Action.CHECKIN]
    for row in rows():
        assert_names(row, actor=officer, office=office, channel=Channel.DESK, booking=booking)


def test_a_code_of_another_office_shows_nothing_and_records_nothing(
    other_officer_client, other_office, booking, morning
):
    response = other_officer_client.post(
        f"/staff/{other_office.code}/checkin/", {"action": "lookup", "code": booking.code}
    )

    assert "Siti Rahmawati" not in response.text
    assert rows() == []


def test_a_walk_in_registered_at_the_desk_is_recorded(officer_client, officer, office, slots, morning):
    form = {
        "priority_group": "infant",
        "full_name": "Ayah Bayi",
        "birth_date": "1950-05-12",
        "service": "new",
        "track": "regular",
        "session": "",
        "nik": "3578011205500009",
    }

    response = officer_client.post(f"/staff/{office.code}/walkin/", form)

    assert response.status_code == 200
    assert_names(
        the_row(Action.WALK_IN), actor=officer, office=office, channel=Channel.DESK, booking=Booking.objects.get()
    )


def test_the_counter_screen_records_each_person_it_shows_once(officer_client, officer, office, checked_in, desk):
    url = f"/staff/{office.code}/counter/{desk.id}/"

    officer_client.post(url, {"action": "call_next"}, follow=True)
    for _refresh in range(3):
        assert "Rina Kartika" in officer_client.get(url).text

    row = the_row(Action.COUNTER)
    assert_names(row, actor=officer, office=office, channel=Channel.DESK, booking=checked_in)


def test_a_printed_proof_is_recorded(officer_client, officer, office, booking, morning):
    response = officer_client.get(f"/staff/{office.code}/booking/{booking.code}/proof.pdf")

    assert response.status_code == 200
    assert_names(the_row(Action.PROOF_PRINT), actor=officer, office=office, channel=Channel.DESK, booking=booking)


def test_the_link_renewal_page_and_the_renewal_are_recorded_once_each(
    officer_client, officer, office, booking, morning
):
    page = f"/staff/{office.code}/booking/{booking.code}/renew-link/"

    officer_client.get(page)
    posted = officer_client.post(page, {"identity_checked": "on"})
    officer_client.get(posted["Location"])  # the page that says it was done

    assert [r.action for r in rows()] == [Action.LINK_RENEWAL, Action.LINK_RENEWAL]
    for row in rows():
        assert_names(row, actor=officer, office=office, channel=Channel.DESK, booking=booking)


def test_the_day_list_is_one_record_with_the_date_and_how_many_people_it_names(
    officer_client, officer, office, slots, morning
):
    for start in (dt.time(8, 0), dt.time(10, 0)):
        make_booking(slots[(start, Track.REGULAR)])

    officer_client.get(f"/staff/{office.code}/list/")
    officer_client.get(f"/staff/{office.code}/list/?date={DAY.isoformat()}&format=csv")

    listed, downloaded = rows()
    assert (listed.action, listed.date, listed.count, listed.booking_id) == (Action.DAY_LIST, DAY, 2, None)
    assert (downloaded.action, downloaded.date, downloaded.count) == (Action.DAY_LIST_CSV, DAY, 2)
    assert_names(listed, actor=officer, office=office, channel=Channel.DESK)


def test_a_day_list_csv_that_fails_to_build_records_no_read_and_one_that_is_built_records_one(
    officer_client, office, slots, morning, monkeypatch
):
    for name in ("Rina Kartika", "Budi Santoso"):
        make_booking(slots[(dt.time(8, 0), Track.REGULAR)], name=name)
    csv_url = f"/staff/{office.code}/list/?date={DAY.isoformat()}&format=csv"
    real = day_list._spreadsheet_safe

    def fails_on_the_second_name(text):
        if text == "Rina Kartika":
            raise UnicodeEncodeError("utf-8", text, 0, 1, "a name the file could not take")
        return real(text)

    monkeypatch.setattr(day_list, "_spreadsheet_safe", fails_on_the_second_name)
    officer_client.raise_request_exception = False
    failed = officer_client.get(csv_url)

    assert failed.status_code == 500
    assert rows() == []

    monkeypatch.setattr(day_list, "_spreadsheet_safe", real)
    downloaded = officer_client.get(csv_url)

    assert downloaded.status_code == 200 and "Rina Kartika" in downloaded.content.decode("utf-8-sig")
    [row] = rows()
    assert (row.action, row.date, row.count) == (Action.DAY_LIST_CSV, DAY, 2)


def test_a_day_list_page_that_fails_to_render_records_no_read(officer_client, office, slots, morning, monkeypatch):
    make_booking(slots[(dt.time(8, 0), Track.REGULAR)], name="Rina Kartika")

    def broken(*args, **kwargs):
        raise RuntimeError("template failed")

    monkeypatch.setattr(staff_day, "render", broken)
    officer_client.raise_request_exception = False

    assert officer_client.get(f"/staff/{office.code}/list/").status_code == 500
    assert rows() == []


def test_an_empty_day_list_names_no_one_and_is_not_recorded(officer_client, office, slots, morning):
    officer_client.get(f"/staff/{office.code}/list/")

    assert rows() == []


# --- The staff API ----------------------------------------------------------------------


def test_the_check_in_api_records_a_dry_run_and_a_check_in(officer_client, officer, office, booking, morning):
    for dry_run in (True, False):
        response = officer_client.post(
            "/api/v1/staff/checkins/", {"code": booking.code, "dry_run": dry_run}, content_type="application/json"
        )
        assert response.json()["applicant"]["full_name"] == "Siti Rahmawati"

    assert [r.action for r in rows()] == [Action.CHECKIN_VIEW, Action.CHECKIN]
    for row in rows():
        assert_names(row, actor=officer, office=office, channel=Channel.API, booking=booking)


def test_the_walk_in_api_is_recorded(officer_client, officer, office, slots, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": "3578011205500007", "full_name": "Ibu Hamil", "birth_date": "1950-05-12", "priority_group": "pregnant"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert_names(
        the_row(Action.WALK_IN), actor=officer, office=office, channel=Channel.API, booking=Booking.objects.get()
    )


def test_each_counter_answer_of_the_api_that_names_the_person_is_recorded(
    officer_client, officer, office, checked_in, desk
):
    called = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )
    assert called.json()["called"]["applicant"]["full_name"] == "Rina Kartika"
    officer_client.post(f"/api/v1/staff/bookings/{checked_in.code}/served/")

    assert [r.action for r in rows()] == [Action.COUNTER, Action.COUNTER]
    for row in rows():
        assert_names(row, actor=officer, office=office, channel=Channel.API, booking=checked_in)


def test_calling_when_nobody_waits_shows_no_one_and_records_nothing(officer_client, office, desk, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )

    assert response.json()["called"] is None
    assert rows() == []


def test_the_public_queue_names_no_one_and_records_nothing(client, office, checked_in):
    client.get(f"/api/v1/offices/{office.code}/queue/")
    client.get(f"/offices/{office.code}/queue/")

    assert rows() == []


# --- A record that cannot be written ---------------------------------------------------


def test_the_desk_goes_on_when_the_record_cannot_be_written(
    officer_client, office, booking, morning, monkeypatch, caplog
):
    def broken(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(PersonalDataAccess, "save", broken)

    with caplog.at_level(logging.ERROR, logger="applicants.services.access_log"):
        response = officer_client.post(f"/staff/{office.code}/checkin/", {"action": "confirm", "code": booking.code})

    assert response.status_code == 200
    assert 'data-testid="queue-number">A-001<' in response.text
    booking.refresh_from_db()
    assert booking.status == "checked_in"
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "personal_data_access_not_recorded"]
    assert line.action == Action.CHECKIN
    assert rows() == []


def test_the_counter_screen_tries_again_when_a_record_was_not_written(
    officer_client, office, checked_in, desk, monkeypatch
):
    url = f"/staff/{office.code}/counter/{desk.id}/"
    officer_client.post(url, {"action": "call_next"})
    real = access_log._write
    monkeypatch.setattr(access_log, "_write", lambda rows: [])
    officer_client.get(url)
    monkeypatch.setattr(access_log, "_write", real)

    officer_client.get(url)

    assert the_row(Action.COUNTER).booking_id == checked_in.id


def test_a_failed_record_leaves_the_surrounding_transaction_usable(office, officer, booking):
    """Also run on PostgreSQL, where a failed statement breaks the whole transaction
    unless rolled back to a savepoint."""
    with transaction.atomic():
        # A negative count breaks the table's check: a real failure of the database.
        failed = personal_data_access_record(
            actor=officer, office=office, action=Action.PROOF_PRINT, channel=Channel.DESK, now=at(9), count=-1
        )
        written = personal_data_access_record(
            actor=officer, office=office, action=Action.PROOF_PRINT, channel=Channel.DESK, now=at(9), booking=booking
        )
        Booking.objects.filter(id=booking.id).update(missed_count=1)

    assert failed is None and written is not None
    assert [r.booking_id for r in rows()] == [booking.id]
    assert Booking.objects.get(id=booking.id).missed_count == 1
