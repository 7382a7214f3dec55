"""Bookings for the demo (`make run`), so that every screen has something to show.

Offices, sessions and staff come from ``load_demo`` (offices app); this adds what people
would have done: online bookings over the coming days of the offices that have demo
staff (the first of them sold out, so "full" and "put me on the next date" can be
tried), a few requests on the waiting list, and, while an office is open, today's
bookings with the last hour's arrivals checked in and in its queue, some of them
already called and served.

Everything goes through the same services as real use (``booking_create``,
``walkin_register``, ``queue_call_next``, ...), so the capacity counters, status logs
and queue numbers are exactly what the product would have written. The people are made
up (``applicants.demo_people``) and give no phone or email, so no message is sent for
them. Idempotent: an office-day that already has bookings, or a queue that has already
begun, is left as it is.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from applicants import demo_people
from applicants.exceptions import BookingError
from applicants.exceptions_staff import StaffError
from applicants.models import Booking, BookingStatus, Channel, PriorityGroup, Service
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create, booking_token_ensure
from applicants.services.checkin import checkin_assess, checkin_confirm
from applicants.services.queue import counter_open, queue_call_next, queue_served
from applicants.services.walkin import walkin_register
from offices import demo
from offices.models import Office, Slot, Track
from offices.timeutils import office_datetime, office_today

# Share of each session's places booked on the office's first bookable days, in order.
# The first day is sold out; the rest thin out, as a release's first days do.
DAY_FILL = (1.0, 0.85, 0.6, 0.4, 0.25, 0.1)
# How busy each demo office is, against that.
OFFICE_BUSY = {"surabaya": 1.0, "jakarta-selatan": 1.0, "batam": 0.8, "denpasar": 0.6, "makassar": 0.5}
OTHER_OFFICE_BUSY = 0.35
# Requests for the sold-out first day that asked for the next free date instead.
WAITING_REQUESTS = 5
# Today, while an office is open: its sessions booked this much (times how busy it is),
# and the last hour's arrivals, one every few minutes, every fourth an elderly walk-in.
TODAY_FILL = 0.8
ARRIVALS = 12
ARRIVAL_EVERY = dt.timedelta(minutes=6)
CALL_EVERY = dt.timedelta(minutes=5)
COUNTERS = ("Loket 1", "Loket 2")
SERVICES = (Service.NEW, Service.NEW, Service.RENEWAL, Service.NEW, Service.REPLACEMENT_LOST)
# Demo people are numbered per day (within ten years), office and place in that day.
_PER_OFFICE_DAY = 1000
_FIRST_WALK_IN = 900
_SPREAD = 1_000_003


@dataclass
class DemoBookings:
    booked: int = 0
    waiting: int = 0
    arrivals: int = 0
    served: int = 0
    days_kept: int = 0
    skipped_today: list[str] = field(default_factory=list)


def _person_index(*, office_number: int, date: dt.date, seq: int, offices: int) -> int:
    return ((date.toordinal() % 3650) * offices + office_number) * _PER_OFFICE_DAY + seq


def _person(index: int) -> demo_people.Person:
    # Spread consecutive numbers over the whole range, so that the demo's people are of
    # every age and from every region (a bijection: the multiplier is prime to it).
    return demo_people.person(index * _SPREAD % demo_people.capacity())


def _applicant(index: int):
    person = _person(index)
    return applicant_upsert(nik=person.nik, full_name=person.full_name, birth_date=person.birth_date, phone="")


def _bookable_dates(office: Office, now: dt.datetime) -> list[dt.date]:
    today = office_today(office, now)
    dates = (
        Slot.objects.filter(office=office, date__gt=today, closed=False, capacity__gt=0)
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )
    return list(dates[: len(DAY_FILL)])


def _booked(*, slot: Slot, index: int, service: str, now: dt.datetime, if_full: str = "reject") -> bool:
    """Book (or put on the waiting list) demo person ``index`` in ``slot``; False if refused."""
    try:
        # A savepoint: a refused booking takes its person's row with it.
        with transaction.atomic():
            booking_create(
                slot=slot, applicant=_applicant(index), track=slot.track, service=service, now=now, if_full=if_full
            )
    except BookingError:
        return False
    return True


def _book_day(*, office: Office, date: dt.date, fill: float, first_index: int, now: dt.datetime) -> int | None:
    """Book ``fill`` of each online session of ``office`` on ``date``: how many; ``None``
    when the day already has bookings."""
    slots = list(
        Slot.objects.filter(office=office, date=date, closed=False, track__in=(Track.REGULAR, Track.EXPRESS))
        .select_related("office")
        .order_by("start", "track")
    )
    if any(slot.booked for slot in slots):
        return None
    booked = 0
    with transaction.atomic():
        for slot in slots:
            for _place in range(round(slot.capacity * min(fill, 1.0))):
                if not _booked(
                    slot=slot, index=first_index + booked, service=SERVICES[booked % len(SERVICES)], now=now
                ):
                    break  # Not released yet, full, or closed after all: this session is done.
                booked += 1
    return booked


def _waiting_requests(*, office: Office, date: dt.date, first_index: int, now: dt.datetime) -> int:
    slot = (
        Slot.objects.filter(office=office, date=date, track=Track.REGULAR, closed=False)
        .select_related("office")
        .order_by("start")
        .first()
    )
    if slot is None or slot.booked < slot.capacity:
        return 0
    made = 0
    with transaction.atomic():
        for n in range(WAITING_REQUESTS):
            if not _booked(slot=slot, index=first_index + n, service=Service.NEW, now=now, if_full="next_available"):
                break
            made += 1
    return made


def _arrive(*, office: Office, expected: list[Booking], index: int, n: int, at: dt.datetime) -> Booking | None:
    """The ``n``-th arrival of the morning: every fourth an elderly walk-in, the others
    the next booked person whose session's check-in is open at ``at``."""
    if n % 4 == 3:
        person = _person(index)
        try:
            return walkin_register(
                office=office,
                nik=person.nik,
                full_name=person.full_name,
                birth_date=person.birth_date,
                now=at,
                # Walk-ins are for priority groups while online booking works.
                priority_group=PriorityGroup.ELDERLY,
            ).booking
        except (BookingError, StaffError):
            return None
    for booking in expected:
        if (
            booking.status == BookingStatus.CONFIRMED
            and not checkin_assess(office=office, booking=booking, now=at).problems
        ):
            booking.status = BookingStatus.CHECKED_IN
            return checkin_confirm(office=office, booking=booking, now=at).booking
    return None


def _todays_queue(*, office: Office, first_index: int, now: dt.datetime) -> tuple[int, int] | None:
    """This morning at ``office``: today's sessions booked (the day before, as the booking
    window allows), the last hour's arrivals checked in within their sessions' check-in
    windows, a few elderly walk-ins, and the counters calling and serving them. ``None``
    when the office is not open now or its queue has begun."""
    today = office_today(office, now)
    slots = list(Slot.objects.filter(office=office, date=today, closed=False).order_by("start"))
    if not slots or Booking.objects.filter(office=office, date=today).exclude(queue_number="").exists():
        return None
    opened = office_datetime(office, today, slots[0].start)
    first = max(opened - dt.timedelta(minutes=office.checkin_early_minutes), now - ARRIVALS * ARRIVAL_EVERY)
    if first >= now:
        return None
    if not Booking.objects.filter(office=office, date=today).exists():
        busy = OFFICE_BUSY.get(office.code, OTHER_OFFICE_BUSY)
        _book_day(
            office=office, date=today, fill=TODAY_FILL * busy, first_index=first_index, now=now - dt.timedelta(days=1)
        )
    expected = list(
        Booking.objects.filter(office=office, date=today, status=BookingStatus.CONFIRMED)
        .select_related("office", "slot", "applicant")
        .order_by("slot__start", "id")
    )
    # The morning in time order: arrivals, and from a quarter of an hour after the first
    # one the two counters calling in turn, each person served when their counter calls
    # the next; the last person called at each counter is still there.
    counters = [counter_open(office=office, name=name) for name in COUNTERS]
    calls_from = max(opened, first + dt.timedelta(minutes=15))
    events = [(first + n * ARRIVAL_EVERY, 1, n) for n in range(ARRIVALS)]
    events += [(calls_from + turn * CALL_EVERY, 2, turn) for turn in range(ARRIVALS // 2)]
    arrived, at_counter, served = [], {}, 0
    for at, kind, n in sorted(events):
        if at > now:
            break
        if kind == 1:
            booking = _arrive(office=office, expected=expected, index=first_index + _FIRST_WALK_IN + n, n=n, at=at)
            if booking is not None:
                arrived.append(booking)
            continue
        counter = counters[n % len(counters)]
        finishing = at_counter.pop(counter.id, None)
        if finishing is not None:
            queue_served(booking=finishing, now=at)
            served += 1
        called = queue_call_next(office=office, counter=counter, now=at)
        if called is not None:
            at_counter[counter.id] = called
    if not arrived:
        return None
    return len(arrived), served


def demo_bookings_load(
    *, offices: list[Office], now: dt.datetime, progress: Callable[[str], None] | None = None
) -> DemoBookings:
    """Book the demo's coming days and start today's queue at ``offices`` (see the module)."""
    say = progress or (lambda _message: None)
    result = DemoBookings()
    for number, office in enumerate(offices):
        busy = OFFICE_BUSY.get(office.code, OTHER_OFFICE_BUSY)
        booked_here = 0
        for day, date in enumerate(_bookable_dates(office, now)):
            fill = 1.0 if day == 0 else DAY_FILL[day] * busy
            first = _person_index(office_number=number, date=date, seq=0, offices=len(offices))
            made = _book_day(office=office, date=date, fill=fill, first_index=first, now=now)
            if made is None:
                result.days_kept += 1
                continue
            booked_here += made
            if day == 0:
                result.waiting += _waiting_requests(
                    office=office, date=date, first_index=first + _FIRST_WALK_IN - WAITING_REQUESTS, now=now
                )
        result.booked += booked_here
        today = office_today(office, now)
        first = _person_index(office_number=number, date=today, seq=0, offices=len(offices))
        queue = _todays_queue(office=office, first_index=first, now=now)
        if queue is None:
            result.skipped_today.append(office.code)
        else:
            result.arrivals += queue[0]
            result.served += queue[1]
        say(f"{office.code}: {booked_here} bookings" + (f", {queue[0]} arrivals today" if queue else ""))
    return result


def demo_booking_link() -> str | None:
    """The proof path of one of the demo's confirmed online bookings (the first made), for
    the ``make run`` banner; ``None`` without one."""
    booking = (
        Booking.objects.filter(
            office__code__in=demo.DEMO_OFFICES, channel=Channel.ONLINE, status=BookingStatus.CONFIRMED
        )
        .order_by("id")
        .first()
    )
    if booking is None:
        return None
    return reverse("applicants:proof", args=[booking.code, booking_token_ensure(booking=booking)])
