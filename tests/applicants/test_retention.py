"""Personal-data retention: who is erased when, what erasure empties, and who comes back.

The world of tests/applicants/conftest.py: bookings are made on Tuesday 1 December 2026
at 10:00 WIB for Monday 7 December. With 90 days of retention a person served on
7 December (their day ends at midnight WIB, 17:00 UTC) is erased after 17:00 UTC on
7 March 2027.
"""

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from applicants.identity import nik_hash
from applicants.models import (
    Applicant,
    Booking,
    BookingStatus,
    BookingTransition,
    IdempotencyKey,
    Notification,
    PriorityGroup,
)
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from applicants.services.changes import booking_cancel
from applicants.services.retention import applicant_erase_expired, applicants_last_ended
from applicants.services.transitions import booking_transition
from applicants.tasks.maintenance import erase_expired_personal_data
from tests.applicants.conftest import BIRTH, NIK, NOW, nik_number, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

S = BookingStatus
DAYS = 90
# The end of 7 December in Jakarta, the day of the session booked.
SERVICE_DAY_END = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)
# The end of 1 December in Jakarta, the day a booking is made (and cancelled) here.
BOOKING_DAY_END = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
RETENTION = dt.timedelta(days=DAYS)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = DAYS


def person(nik: str = NIK, **fields) -> Applicant:
    return applicant_upsert(
        nik=nik,
        full_name=fields.pop("full_name", "Siti Rahayu"),
        birth_date=BIRTH,
        phone=fields.pop("phone", "081234567890"),
        email=fields.pop("email", "siti@example.org"),
        **fields,
    )


def book(slot, applicant=None, **kwargs) -> Booking:
    kwargs.setdefault("track", slot.track)
    kwargs.setdefault("service", "new")
    kwargs.setdefault("now", NOW)
    return booking_create(slot=slot, applicant=applicant or person(), **kwargs).booking


def move(booking: Booking, *statuses: str, at: dt.datetime, reason: str = "test") -> Booking:
    for status in statuses:
        booking = booking_transition(booking=booking, to_status=status, reason=reason, now=at)
    return booking


def served(slot, applicant=None) -> Booking:
    on_the_day = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
    return move(book(slot, applicant), S.CHECKED_IN, S.CALLED, S.SERVED, at=on_the_day)


def erase(now: dt.datetime, **kwargs):
    return applicant_erase_expired(now=now, **kwargs)


def is_erased(applicant: Applicant) -> bool:
    applicant.refresh_from_db()
    return applicant.erased_at is not None


# --- When -----------------------------------------------------------------------------


def test_a_served_person_is_kept_for_exactly_the_retention_and_erased_after(slot):
    booking = served(slot)

    assert erase(SERVICE_DAY_END + RETENTION).applicants == 0
    assert not is_erased(booking.applicant)

    report = erase(SERVICE_DAY_END + RETENTION + SECOND)

    assert (report.applicants, report.bookings) == (1, 1)
    assert is_erased(booking.applicant)


def test_the_retention_counts_from_the_service_date_not_from_when_it_was_recorded(slot):
    """A served-on-paper or late day-end write does not move the end: the service date does."""
    booking = book(slot)
    move(booking, S.NO_SHOW, at=dt.datetime(2026, 12, 12, 3, 0, tzinfo=dt.UTC))

    assert applicants_last_ended(applicant_ids=[booking.applicant_id]) == {booking.applicant_id: SERVICE_DAY_END}
    assert erase(SERVICE_DAY_END + RETENTION + SECOND).applicants == 1


def test_a_person_checked_in_and_missed_twice_ends_on_the_service_date(slot):
    on_the_day = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
    booking = move(book(slot), S.CHECKED_IN, S.CALLED, S.CHECKED_IN, S.CALLED, S.NO_SHOW, at=on_the_day)

    assert booking.status == S.NO_SHOW
    assert applicants_last_ended(applicant_ids=[booking.applicant_id]) == {booking.applicant_id: SERVICE_DAY_END}


def test_a_cancelled_booking_ends_the_day_it_was_cancelled_not_on_its_date(slot):
    booking = booking_cancel(booking=book(slot), now=NOW)

    assert booking.status == S.CANCELLED
    assert erase(BOOKING_DAY_END + RETENTION).applicants == 0
    assert erase(BOOKING_DAY_END + RETENTION + SECOND).applicants == 1


def test_a_waiting_request_that_never_had_a_date_ends_when_it_expired_or_was_cancelled(office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)
    expired = book(full, if_full="next_available")
    move(expired, S.EXPIRED, at=dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC))
    withdrawn = book(full, person(nik_number(2)), if_full="next_available")
    booking_cancel(booking=withdrawn, now=dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC))

    ends = applicants_last_ended(applicant_ids=[expired.applicant_id, withdrawn.applicant_id])

    assert expired.date is None and withdrawn.date is None
    assert ends == {
        expired.applicant_id: dt.datetime(2026, 12, 15, 17, 0, tzinfo=dt.UTC),
        withdrawn.applicant_id: dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC),
    }


def test_a_rolled_over_booking_ends_the_day_it_was_moved(slot):
    booking = move(book(slot), S.ROLLED_OVER, at=dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC))

    assert applicants_last_ended(applicant_ids=[booking.applicant_id]) == {
        booking.applicant_id: dt.datetime(2026, 12, 6, 17, 0, tzinfo=dt.UTC)
    }


def test_the_day_ends_at_midnight_on_the_office_clock(office):
    office.timezone = "Asia/Jayapura"
    office.save()
    slot = SlotFactory(office=office, date=dt.date(2026, 12, 7))

    booking = served(slot)

    # Midnight WIT (UTC+9) after 7 December.
    assert applicants_last_ended(applicant_ids=[booking.applicant_id]) == {
        booking.applicant_id: dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)
    }


def test_the_last_booking_counts_not_the_first(slot, office):
    applicant = person()
    booking_cancel(booking=book(slot, applicant), now=NOW)
    later = SlotFactory(office=office, date=dt.date(2026, 12, 21))
    move(book(later, applicant), S.NO_SHOW, at=dt.datetime(2026, 12, 22, 3, 0, tzinfo=dt.UTC))

    assert erase(BOOKING_DAY_END + RETENTION + SECOND).applicants == 0
    assert erase(dt.datetime(2026, 12, 21, 17, 0, tzinfo=dt.UTC) + RETENTION + SECOND).applicants == 1


@pytest.mark.parametrize("status", [S.WAITING, S.CONFIRMED, S.CHECKED_IN, S.CALLED])
def test_an_active_booking_protects_its_person_however_old(office, slot, status):
    applicant = person()
    booking_cancel(booking=book(slot, applicant), now=NOW)
    other = SlotFactory(office=office, date=dt.date(2026, 12, 8))
    if status == S.WAITING:
        book(SlotFactory(office=office, date=dt.date(2026, 12, 9), capacity=0), applicant, if_full="next_available")
    else:
        steps = {S.CONFIRMED: [], S.CHECKED_IN: [S.CHECKED_IN], S.CALLED: [S.CHECKED_IN, S.CALLED]}[status]
        move(book(other, applicant), *steps, at=NOW)

    assert erase(NOW + dt.timedelta(days=3650)).applicants == 0
    assert not is_erased(applicant)


def test_a_person_refreshed_within_the_retention_is_kept(slot, time_machine_at):
    booking = served(slot)
    time_machine_at(SERVICE_DAY_END + RETENTION - dt.timedelta(days=1))
    person()  # the person types their details again (a booking that then failed, say)

    assert erase(SERVICE_DAY_END + RETENTION + SECOND).applicants == 0
    assert not is_erased(booking.applicant)


def test_the_retention_is_a_setting(slot, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    booking = served(slot)

    erase(SERVICE_DAY_END + dt.timedelta(days=30) + SECOND)

    booking.applicant.refresh_from_db()
    assert booking.applicant.erased_after_days == 30


# --- What -----------------------------------------------------------------------------


def test_erasure_empties_the_person_and_the_traces_of_their_nik(slot):
    booking = served(slot)
    later = SERVICE_DAY_END + RETENTION + SECOND

    erase(later)

    applicant = Applicant.objects.get(id=booking.applicant_id)
    assert (applicant.full_name, applicant.nik_encrypted, applicant.nik_masked) == ("", "", "")
    assert (applicant.birth_date, applicant.sex, applicant.phone, applicant.email) == (None, "", "", "")
    assert (applicant.erased_at, applicant.erased_after_days) == (later, DAYS)
    assert applicant.nik_hash == f"erased:{applicant.id}"
    booking.refresh_from_db()
    assert (booking.nik_hash, booking.token_encrypted) == ("", "")
    assert not Applicant.objects.filter(nik_hash=nik_hash(NIK)).exists()
    assert not Booking.objects.filter(nik_hash=nik_hash(NIK)).exists()


def test_the_priority_group_goes_with_the_person(slot):
    """ "Disabled" and "pregnant" are health data (UU PDP: specific personal data)."""
    booking = served(slot)
    Booking.objects.filter(id=booking.id).update(priority_group=PriorityGroup.PREGNANT)

    erase(SERVICE_DAY_END + RETENTION + SECOND)

    booking.refresh_from_db()
    assert booking.priority_group == PriorityGroup.NONE


def test_what_statistics_need_stays(slot):
    booking = served(slot)
    before = Booking.objects.filter(id=booking.id).values(
        "code", "token_hash", "office", "slot", "date", "track", "service", "channel", "status", "served_at"
    )[0]
    log = list(BookingTransition.objects.filter(booking=booking).values_list("to_status", "at", "reason"))

    erase(SERVICE_DAY_END + RETENTION + SECOND)

    assert Booking.objects.filter(id=booking.id).values(*before)[0] == before
    assert list(BookingTransition.objects.filter(booking=booking).values_list("to_status", "at", "reason")) == log


def test_erasure_deletes_the_notifications_of_the_persons_bookings(slot):
    booking = served(slot)
    kept = book(SlotFactory(office=slot.office, date=dt.date(2026, 12, 8)), person(nik_number(2)))
    assert Notification.objects.filter(booking=booking).exists()

    report = erase(SERVICE_DAY_END + RETENTION + SECOND)

    assert report.notifications == 2  # the confirmation, by email and by SMS
    assert not Notification.objects.filter(booking=booking).exists()
    assert Notification.objects.filter(booking=kept).count() == 2


def test_erasure_deletes_stored_idempotent_answers_that_show_the_booking(api, slot, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24 * 365
    mine = api.post("/api/v1/bookings/", payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="mine-1")
    theirs = api.post(
        "/api/v1/bookings/", payload(slot, nik=nik_number(2)), format="json", HTTP_IDEMPOTENCY_KEY="theirs-1"
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    booking = Booking.objects.get(code=mine.json()["code"])
    booking_cancel(booking=booking, now=NOW)

    report = erase(BOOKING_DAY_END + RETENTION + SECOND)

    assert report.answers == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["theirs-1"]


def test_an_answer_sealed_with_a_retired_key_does_not_stop_the_erasure(slot):
    booking = served(slot)
    IdempotencyKey.objects.create(
        key="old-1",
        scope="bookings",
        fingerprint="f" * 64,
        state=IdempotencyKey.State.DONE,
        response_status=201,
        response_body={"sealed": Fernet(Fernet.generate_key()).encrypt(b'{"code": "X"}').decode()},
        created_at=NOW,
    )

    report = erase(SERVICE_DAY_END + RETENTION + SECOND)

    assert report.applicants == 1
    assert is_erased(Booking.objects.get(id=booking.id).applicant)
    assert IdempotencyKey.objects.filter(key="old-1").exists()  # it shows nobody this run can name


def test_someone_else_is_left_alone(slot, office):
    erased = served(slot)
    other = person(nik_number(2), full_name="Budi Santoso")
    booking_cancel(booking=book(SlotFactory(office=office, date=dt.date(2026, 12, 8)), other), now=NOW)
    move(book(SlotFactory(office=office, date=dt.date(2026, 12, 21)), other), S.NO_SHOW, at=NOW)

    erase(SERVICE_DAY_END + RETENTION + SECOND)

    other.refresh_from_db()
    assert is_erased(erased.applicant)
    assert (other.full_name, other.erased_at, other.nik_hash) == ("Budi Santoso", None, nik_hash(nik_number(2)))


# --- Again ----------------------------------------------------------------------------


def test_erasing_twice_erases_nothing_more(slot):
    served(slot)
    later = SERVICE_DAY_END + RETENTION + SECOND
    erase(later)
    first = Applicant.objects.values("erased_at", "nik_hash").get()

    report = erase(later + dt.timedelta(days=1))

    assert (report.applicants, report.bookings, report.notifications) == (0, 0, 0)
    assert Applicant.objects.values("erased_at", "nik_hash").get() == first


def test_a_person_who_books_again_after_erasure_is_written_again(slot, office, time_machine_at):
    old = served(slot)
    later = SERVICE_DAY_END + RETENTION + SECOND
    erase(later)
    time_machine_at(later)
    new_slot = SlotFactory(office=office, date=dt.date(2027, 3, 15))

    again = book(new_slot, person(full_name="Siti Rahayu", phone="081311112222"), now=later)

    applicant = again.applicant
    applicant.refresh_from_db()
    assert applicant.id != old.applicant_id
    assert (applicant.full_name, applicant.phone) == ("Siti Rahayu", "+6281311112222")
    assert applicant.nik_masked == "3578********0001"
    assert (applicant.erased_at, applicant.birth_date, applicant.nik_hash) == (None, BIRTH, nik_hash(NIK))
    assert again.nik_hash == nik_hash(NIK)
    assert is_erased(old.applicant)


def test_a_person_who_books_again_online_after_erasure_is_written_again(api, slot, office, time_machine_at):
    booking_cancel(booking=book(slot), now=NOW)
    later = BOOKING_DAY_END + RETENTION + SECOND
    erase(later)
    time_machine_at(later)
    new_slot = SlotFactory(office=office, date=dt.date(2027, 3, 15))

    response = api.post("/api/v1/bookings/", payload(new_slot), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["applicant"] == {
        "full_name": "Siti Rahayu",
        "nik_masked": "3578********0001",
        "personal_data_erased_on": None,
    }
    assert Applicant.objects.filter(erased_at__isnull=True, nik_hash=nik_hash(NIK)).count() == 1


def test_the_api_read_of_an_erased_booking_says_when_and_find_my_booking_finds_it_no_more(api, slot):
    created = api.post("/api/v1/bookings/", payload(slot), format="json").json()
    booking = Booking.objects.get(code=created["code"])
    move(booking, S.CHECKED_IN, S.CALLED, S.SERVED, at=dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC))
    # 7 March 2027 at 17:00:01 UTC is already the 8th in Jakarta, the day the pages show.
    erase(SERVICE_DAY_END + RETENTION + SECOND)

    read = api.get(f"/api/v1/bookings/{created['code']}/", HTTP_X_BOOKING_TOKEN=created["token"])
    found = api.post("/api/v1/bookings/lookup/", {"code": created["code"], "nik": NIK}, format="json")

    assert read.status_code == 200
    assert read.json()["applicant"] == {"full_name": "", "nik_masked": "", "personal_data_erased_on": "2027-03-08"}
    assert found.status_code == 404


def test_a_small_batch_erases_everyone_in_short_steps(office):
    slot = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=10)
    for n in range(1, 6):
        served(slot, person(nik_number(n)))
    seen = []

    report = erase(SERVICE_DAY_END + RETENTION + SECOND, batch=2, progress=lambda r: seen.append(r.applicants))

    assert report.applicants == 5
    assert seen == [2, 4, 5]
    assert not Applicant.objects.filter(erased_at__isnull=True).exists()


def test_a_dry_run_counts_and_changes_nothing(slot):
    booking = served(slot)
    before = list(Applicant.objects.values())

    report = erase(SERVICE_DAY_END + RETENTION + SECOND, dry_run=True)

    assert (report.applicants, report.bookings, report.notifications, report.dry_run) == (1, 1, 2, True)
    assert list(Applicant.objects.values()) == before
    assert Notification.objects.filter(booking=booking).count() == 2


# --- The task and the command -----------------------------------------------------------


def test_the_daily_task_erases_and_returns_counts_only(slot, time_machine_at, caplog, product_log):
    served(slot)
    time_machine_at(SERVICE_DAY_END + RETENTION + SECOND)

    result = erase_expired_personal_data()

    assert result == {"applicants": 1, "bookings": 1, "notifications": 2, "answers": 0}
    written = caplog.text + product_log.getvalue()
    assert "personal data erased" in written
    for secret in ("Siti", "Rahayu", NIK, "3578", "siti@example.org", "1234567890"):
        assert secret not in written


def test_the_task_is_on_the_beat_schedule_daily(settings):
    [entry] = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "applicants.tasks.erase_expired_personal_data"
    ]
    assert entry["schedule"].remaining_estimate(NOW).total_seconds() <= 24 * 3600
    assert entry["options"]["expires"] < 24 * 3600


def test_the_command_dry_run_shows_progress_and_counts_and_changes_nothing(slot, time_machine_at):
    served(slot)
    time_machine_at(SERVICE_DAY_END + RETENTION + SECOND)
    out = io.StringIO()

    call_command("erase_expired_personal_data", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "dry run" in text
    assert "would erase 1 applicants so far" in text
    assert "would erase the personal data of 1 applicants (1 bookings, 2 notifications" in text
    assert Applicant.objects.get().erased_at is None


def test_the_command_erases(slot, time_machine_at):
    served(slot)
    time_machine_at(SERVICE_DAY_END + RETENTION + SECOND)
    out = io.StringIO()

    call_command("erase_expired_personal_data", "--batch", "10", stdout=out)

    assert "erased the personal data of 1 applicants" in out.getvalue()
    assert Applicant.objects.get().erased_at is not None
    assert "Siti" not in out.getvalue()


def test_the_command_takes_a_retention_of_its_own(slot, time_machine_at):
    served(slot)
    time_machine_at(SERVICE_DAY_END + dt.timedelta(days=10) + SECOND)

    call_command("erase_expired_personal_data", "--days", "10", stdout=io.StringIO())

    assert Applicant.objects.get().erased_after_days == 10
