"""The waits history reads its bookings through the partial index ``booking_called_day``
(called or served bookings by date and office) instead of the whole booking table, and
that index leaves the booking path alone: a new booking is not in it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants.models import CALLED_OR_SERVED, Booking, BookingStatus
from applicants.services.booking import booking_create
from applicants.wait_selectors import EXPECTED, waits_by_day, waits_by_office, waits_total
from offices.models import Track
from tests import factories
from tests.staff.conftest import DAY, at, make_booking, make_slots

pytestmark = pytest.mark.django_db

INDEX = "booking_called_day"
START = DAY - dt.timedelta(days=6)


def _fill(office, other_office) -> None:
    for place in (office, other_office):
        slots = make_slots(place)
        regular = slots[(dt.time(8), Track.REGULAR)]
        for minute in range(3):
            checked_in = at(8, minute)
            make_booking(regular, status=BookingStatus.SERVED, checked_in_at=checked_in, called_at=at(8, 20 + minute))
        make_booking(regular, status=BookingStatus.CONFIRMED)
        make_booking(regular, status=BookingStatus.CHECKED_IN, checked_in_at=at(9))


def _plans(queries) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.postgres
def test_the_history_of_every_office_reads_the_called_bookings_through_the_partial_index(office, other_office):
    _fill(office, other_office)
    with connection.cursor() as cursor:
        # Few rows here: without this the planner rightly reads the small table whole.
        cursor.execute("SET LOCAL enable_seqscan = off")

    with CaptureQueriesContext(connection) as history:
        by_day = waits_by_day(office_ids=None, start=START, days=7)
        waits_by_office(office_ids=None, start=START, days=7)
        total = waits_total(office_ids=None, start=START, days=7)

    assert (by_day[0].stats.measured, total.measured, total.served) == (6, 6, 6)
    plans = _plans(history.captured_queries)
    assert len(plans) == 6
    for plan in plans:
        assert INDEX in plan, plan
    # The control: the same rows without the index's condition cannot use it.
    unbounded = Booking.objects.filter(date__gte=START, date__lte=DAY, status__in=EXPECTED).values("date")
    assert INDEX not in unbounded.explain()


@pytest.mark.parametrize("status", [BookingStatus.CONFIRMED, BookingStatus.WAITING, BookingStatus.CHECKED_IN])
def test_a_booking_not_yet_called_is_outside_the_index_condition(office, status):
    slot = make_slots(office)[(dt.time(8), Track.REGULAR)]
    booking = make_booking(slot, status=status, checked_in_at=at(8) if status == BookingStatus.CHECKED_IN else None)

    assert not Booking.objects.filter(CALLED_OR_SERVED, id=booking.id).exists()


def test_a_booking_made_by_the_booking_path_is_outside_the_index_condition(office):
    slot = make_slots(office)[(dt.time(8), Track.REGULAR)]
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=7))

    booking = booking_create(
        slot=slot,
        applicant=applicant,
        track=Track.REGULAR,
        service="new",
        now=at(7, day=DAY - dt.timedelta(days=3)),
        channel="online",
    ).booking

    assert not Booking.objects.filter(CALLED_OR_SERVED, id=booking.id).exists()
    booking.called_at = at(9)
    booking.save(update_fields=["called_at"])
    assert Booking.objects.filter(CALLED_OR_SERVED, id=booking.id).exists()
