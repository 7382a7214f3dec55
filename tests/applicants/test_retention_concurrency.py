"""Erasure beside bookings and beside itself, for real on PostgreSQL.

People whose last booking was cancelled on 1 December 2026 are past 90 days of
retention on 1 March 2027, the moment they book again. Whatever the order, a person
who books again keeps the data they just gave; two runs at once erase each person once.
The control removes the erasure's check under lock, to show the race is real.
"""

import datetime as dt
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from applicants.identity import nik_hash
from applicants.models import ACTIVE_STATUSES, Applicant, Booking
from applicants.services import retention
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from applicants.services.changes import booking_cancel
from applicants.services.retention import applicant_erase_expired
from tests.applicants.conftest import BIRTH, NOW, nik_number, payload
from tests.factories import SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/bookings/"
LATER = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC) + dt.timedelta(days=90, seconds=1)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.RATELIMIT_ENABLE = False
    settings.PERSONAL_DATA_RETENTION_DAYS = 90


def cancelled_people(office, count: int) -> list[str]:
    """``count`` people, each with one booking cancelled on 1 December; their NIKs."""
    slot = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=count)
    niks = [nik_number(n) for n in range(1, count + 1)]
    for nik in niks:
        applicant = applicant_upsert(nik=nik, full_name="Siti Rahayu", birth_date=BIRTH, phone="081234567890")
        booked = booking_create(slot=slot, applicant=applicant, track=slot.track, service="new", now=NOW).booking
        booking_cancel(booking=booked, now=NOW)
    return niks


def run_together(jobs: list) -> list:
    """Run every job in its own thread (own connection), released together."""
    results: list = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index: int, job) -> None:
        start.wait()
        try:
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def assert_everyone_booked_keeps_their_data(niks: list[str]) -> None:
    for nik in niks:
        [booking] = Booking.objects.filter(nik_hash=nik_hash(nik), status__in=ACTIVE_STATUSES).select_related(
            "applicant"
        )
        applicant = booking.applicant
        assert (applicant.full_name, applicant.erased_at, applicant.nik_hash) == ("Siti Rahayu", None, nik_hash(nik))
        assert applicant.birth_date == BIRTH and applicant.nik_masked and applicant.nik_encrypted
    assert not Booking.objects.filter(status__in=ACTIVE_STATUSES, applicant__erased_at__isnull=False).exists()


def test_erasure_and_new_bookings_of_the_same_people_at_the_same_moment(office, time_machine_at):
    niks = cancelled_people(office, 24)
    time_machine_at(LATER)
    again = SlotFactory(office=office, date=dt.date(2027, 3, 8), capacity=100)

    def booker(nik):
        return lambda: APIClient().post(URL, payload(again, nik=nik), format="json").status_code

    def eraser():
        return applicant_erase_expired(now=LATER, batch=3)

    results = run_together([booker(nik) for nik in niks] + [eraser, eraser])

    statuses, reports = results[: len(niks)], results[len(niks) :]
    assert statuses == [201] * len(niks), statuses
    assert all(isinstance(r, retention.ErasureReport) for r in reports), reports
    assert_everyone_booked_keeps_their_data(niks)
    # Each old row was either erased before its person booked again (who then got a
    # new row) or refreshed by the booking first (and kept); never both, never twice.
    erased = Applicant.objects.filter(erased_at__isnull=False).count()
    assert sum(r.applicants for r in reports) == erased
    assert Applicant.objects.count() == len(niks) + erased


def test_two_runs_at_once_erase_each_person_once(office, time_machine_at):
    niks = cancelled_people(office, 30)
    time_machine_at(LATER)

    reports = run_together([lambda: applicant_erase_expired(now=LATER, batch=4)] * 3)

    assert all(isinstance(r, retention.ErasureReport) for r in reports), reports
    assert sum(r.applicants for r in reports) == len(niks)
    assert sum(r.bookings for r in reports) == len(niks)
    assert Applicant.objects.filter(erased_at__isnull=True).count() == 0


def _booking_between_read_and_erase(monkeypatch, office, time_machine_at, *, guarded: bool):
    """Erasure reads its candidates; the person books again and commits; erasure goes on."""
    [nik] = cancelled_people(office, 1)
    time_machine_at(LATER)
    again = SlotFactory(office=office, date=dt.date(2027, 3, 8), capacity=10)
    real = retention._erase_batch
    candidates_read, booked = threading.Event(), threading.Event()

    def paused(ids, **kwargs):
        candidates_read.set()
        assert booked.wait(30)
        if guarded:
            return real(ids, **kwargs)
        # The control: erase what was read, without the check under lock.
        with monkeypatch.context() as patch:
            patch.setattr(retention, "_erasable", lambda found, *, cutoff: sorted(found))
            return real(ids, **kwargs)

    monkeypatch.setattr(retention, "_erase_batch", paused)

    def book_again():
        assert candidates_read.wait(30)
        try:
            return APIClient().post(URL, payload(again, nik=nik), format="json").status_code
        finally:
            booked.set()

    erased, status = run_together([lambda: applicant_erase_expired(now=LATER), book_again])

    assert status == 201
    return Booking.objects.select_related("applicant").get(status__in=ACTIVE_STATUSES).applicant, erased


def test_a_person_who_books_while_erasure_runs_keeps_their_data(office, monkeypatch, time_machine_at):
    applicant, report = _booking_between_read_and_erase(monkeypatch, office, time_machine_at, guarded=True)

    assert report.applicants == 0
    assert (applicant.full_name, applicant.erased_at) == ("Siti Rahayu", None)


def test_control_without_the_check_under_lock_the_new_booking_loses_its_data(office, monkeypatch, time_machine_at):
    applicant, report = _booking_between_read_and_erase(monkeypatch, office, time_machine_at, guarded=False)

    assert report.applicants == 1
    assert (applicant.full_name, applicant.erased_at) == ("", LATER)
