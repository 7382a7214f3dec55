"""Bookings for the demo (`make run`), so that every screen has something to show at any hour.

Offices, sessions and staff come from ``load_demo`` (offices app); this adds what people
would have done at the offices that have demo staff:

- the past two weeks' working days, each booked the day before, with a few
  cancellations, and played at the desk (``applicants.services.demo_day``): arrivals,
  elderly walk-ins, counters calling and serving, and the day's end making no-shows of
  those who never came, so the waits history and the utilization have days to show;
- today, on a working day: its sessions booked the day before, and the day played up to
  now: nobody yet before check-in opens, the queue as it stands while the office is
  open, a finished day after closing. A later run on the same day carries the queue on
  from where the earlier run left it up to its own moment (``demo_day``), finishing the
  day if it comes after closing. On a closed day (a weekend, a holiday) the last
  working day is the latest of the past days;
- the coming bookable days, booked from full to nearly empty (the first sold out, so
  "full" and "put me on the next date" can be tried), and a few requests on the waiting
  list.

Everything goes through the same services as real use (``booking_create``,
``walkin_register``, ``queue_call_next``, ...), so the capacity counters, status logs
and queue numbers are exactly what the product would have written. The people are made
up (``applicants.demo_people``) and give no phone or email, so no message is sent for
them. Idempotent: a coming day that already has bookings, a past day whose queue has
already begun, or a today that an earlier run finished, is left as it is; a past day
booked by an earlier run (as a coming day then) but never played is played from its
bookings; a run at the same moment as the last adds nothing to today.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from applicants import demo_people
from applicants.exceptions import BookingError
from applicants.models import Booking, BookingStatus, Channel, Service
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create, booking_token_ensure
from applicants.services.changes import booking_cancel
from applicants.services.dayend import day_has_ended
from applicants.services.demo_day import DayPlayed, demo_day_play
from applicants.services.walkin import ELDERLY_FROM_AGE
from offices import demo
from offices.models import Office, Slot, Track
from offices.services import national_days_off, slots_materialize
from offices.timeutils import office_datetime, office_now, office_today

# Share of each session's places booked on the office's first bookable days, in order.
# The first day is sold out; the rest thin out, as a release's first days do.
DAY_FILL = (1.0, 0.85, 0.6, 0.4, 0.25, 0.1)
# How busy each demo office is, against that.
OFFICE_BUSY = {"surabaya": 1.0, "jakarta-selatan": 1.0, "batam": 0.8, "denpasar": 0.6, "makassar": 0.5}
OTHER_OFFICE_BUSY = 0.35
# Requests for the sold-out first day that asked for the next free date instead.
WAITING_REQUESTS = 5
# Past days and today: sessions booked this much (times how busy the office is, times
# the weekday's share: Mondays are the busiest, Fridays the quietest), the day before.
# Each person then takes several service calls at the desk; fuller past days would make
# `make run` start minutes later. Today, the day people look at, is fuller.
PAST_DAY_FILL = 0.2
TODAY_FILL = 0.5
WEEKDAY_FILL = (1.0, 0.95, 0.9, 0.9, 0.8, 0.7, 0.7)
BOOKED_THE_DAY_BEFORE_AT = dt.time(10, 0)
# One booking in this many is cancelled by its applicant a few hours after booking.
CANCEL_ONE_IN = 30
# How far back the past days go (calendar days: two weeks, ten working days).
HISTORY_DAYS = 14
SERVICES = (Service.NEW, Service.NEW, Service.RENEWAL, Service.NEW, Service.REPLACEMENT_LOST)
# Demo people are numbered per day (within ten years), office and place in that day.
_PER_OFFICE_DAY = 1000
_FIRST_WALK_IN = 900
_SPREAD = 1_000_003


@dataclass
class DemoBookings:
    booked: int = 0
    waiting: int = 0
    past_days: int = 0
    past_served: int = 0
    arrivals: int = 0
    served: int = 0
    days_kept: int = 0
    closed_today: list[str] = field(default_factory=list)
    kept_today: list[str] = field(default_factory=list)
    carried_on_today: list[str] = field(default_factory=list)


def _person_index(*, office_number: int, date: dt.date, seq: int, offices: int) -> int:
    return ((date.toordinal() % 3650) * offices + office_number) * _PER_OFFICE_DAY + seq


def _person(index: int) -> demo_people.Person:
    # Spread consecutive numbers over the whole range, so that the demo's people are of
    # every age and from every region (a bijection: the multiplier is prime to it).
    return demo_people.person(index * _SPREAD % demo_people.capacity())


def _walk_in(index: int, date: dt.date) -> demo_people.Person:
    """A day's walk-in: every other one is 60 or over (an elderly walk-in), the rest are of
    any age (under 60, a parent with an infant: ``applicants.services.demo_day``)."""
    if index % 2:
        return _person(index)
    sixty_years_before = date.replace(year=date.year - ELDERLY_FROM_AGE, day=min(date.day, 28))
    return demo_people.elder(index * _SPREAD, born_by=sixty_years_before)


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


def _booked(*, slot: Slot, index: int, service: str, now: dt.datetime, if_full: str = "reject") -> Booking | None:
    """Book (or put on the waiting list) demo person ``index`` in ``slot``; None if refused."""
    try:
        # A savepoint: a refused booking takes its person's row with it.
        with transaction.atomic():
            return booking_create(
                slot=slot, applicant=_applicant(index), track=slot.track, service=service, now=now, if_full=if_full
            ).booking
    except BookingError:
        return None


def _book_day(
    *, office: Office, date: dt.date, fill: float, first_index: int, now: dt.datetime, cancel: bool = False
) -> int | None:
    """Book ``fill`` of each online session of ``office`` on ``date`` at ``now``: how many;
    ``None`` when the day already has bookings. With ``cancel``, one booking in
    ``CANCEL_ONE_IN`` is cancelled by its applicant two hours later."""
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
                service = SERVICES[booked % len(SERVICES)]
                booking = _booked(slot=slot, index=first_index + booked, service=service, now=now)
                if booking is None:
                    break  # Not released yet, full, or closed after all: this session is done.
                booked += 1
                if cancel and booked % CANCEL_ONE_IN == 0:
                    booking_cancel(booking=booking, now=now + dt.timedelta(hours=2))
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


def _served_day(
    *, office: Office, date: dt.date, fill: float, first_index: int, until: dt.datetime, carry_on: bool = False
) -> DayPlayed | None:
    """``office``'s day ``date`` booked the day before (unless an earlier run booked it as a
    coming day) and played at the desk up to ``until``; ``None`` when it has no open
    session, or its queue has begun (an earlier run played it) and ``carry_on`` is off or
    the day is over. With ``carry_on``, a day whose queue has begun is played on from
    where the earlier run left it."""
    if not Slot.objects.filter(office=office, date=date, closed=False).exists():
        return None
    day = Booking.objects.filter(office=office, date=date)
    if day.exclude(queue_number="").exists() and (not carry_on or _day_over(office=office, date=date, now=until)):
        return None
    with transaction.atomic():
        if not day.exists():
            fill *= OFFICE_BUSY.get(office.code, OTHER_OFFICE_BUSY) * WEEKDAY_FILL[date.weekday()]
            booked_at = office_datetime(office, date - dt.timedelta(days=1), BOOKED_THE_DAY_BEFORE_AT)
            _book_day(office=office, date=date, fill=fill, first_index=first_index, now=booked_at, cancel=True)
        return demo_day_play(
            office=office, date=date, until=until, walk_in=lambda n: _walk_in(first_index + _FIRST_WALK_IN + n, date)
        )


def _day_over(*, office: Office, date: dt.date, now: dt.datetime) -> bool:
    """Whether nothing is left to happen on ``date``: it has ended and its end has run."""
    pending = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.CALLED)
    return (
        day_has_ended(office=office, date=date, now=now)
        and not Booking.objects.filter(office=office, date=date, status__in=pending).exists()
    )


def _past_dates(office: Office, today: dt.date) -> list[dt.date]:
    """The office's working days of the last ``HISTORY_DAYS`` days, their capacity rows
    made. National holidays already past are not recorded as closures (``load_demo``
    records the coming ones), so they are left out here."""
    first = today - dt.timedelta(days=HISTORY_DAYS)
    days_off = {day.date for day in national_days_off(years=sorted({first.year, today.year}))}
    dates = [first + dt.timedelta(days=n) for n in range(HISTORY_DAYS)]
    dates = [date for date in dates if date not in days_off]
    slots_materialize(office_ranges=[(office, date, date) for date in dates])
    open_dates = set(
        Slot.objects.filter(office=office, date__in=dates, closed=False).values_list("date", flat=True).distinct()
    )
    return [date for date in dates if date in open_dates]


def _end_of(office: Office, date: dt.date) -> dt.datetime:
    return office_datetime(office, date + dt.timedelta(days=1), dt.time(0)) - dt.timedelta(seconds=1)


def demo_bookings_load(
    *, offices: list[Office], now: dt.datetime, progress: Callable[[str], None] | None = None
) -> DemoBookings:
    """The demo's past days, today and coming days at ``offices`` (see the module)."""
    say = progress or (lambda _message: None)
    result = DemoBookings()
    for number, office in enumerate(offices):

        def first_index(date: dt.date, number: int = number) -> int:
            return _person_index(office_number=number, date=date, seq=0, offices=len(offices))

        today = office_today(office, now)
        past_days = past_served = 0
        for date in _past_dates(office, today):
            played = _served_day(
                office=office, date=date, fill=PAST_DAY_FILL, first_index=first_index(date), until=_end_of(office, date)
            )
            if played is not None:
                past_days += 1
                past_served += played.served
        result.past_days += past_days
        result.past_served += past_served
        say(f"{office.code}: {past_days} past days played ({past_served} served)")

        queue = _served_day(
            office=office, date=today, fill=TODAY_FILL, first_index=first_index(today), until=now, carry_on=True
        )
        if queue is None:
            has_sessions = Slot.objects.filter(office=office, date=today, closed=False).exists()
            (result.kept_today if has_sessions else result.closed_today).append(office.code)
        else:
            result.arrivals += queue.arrivals
            result.served += queue.served
            if queue.carried_on_from is not None:
                result.carried_on_today.append(office.code)

        busy = OFFICE_BUSY.get(office.code, OTHER_OFFICE_BUSY)
        booked_here = 0
        for day, date in enumerate(_bookable_dates(office, now)):
            fill = 1.0 if day == 0 else DAY_FILL[day] * busy
            first = first_index(date)
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
        today_line = ""
        if queue is not None:
            today_line = f", {queue.arrivals} arrivals today"
            if queue.carried_on_from is not None:
                today_line += f" since {office_now(office, queue.carried_on_from):%H:%M}"
        say(f"{office.code}: {booked_here} bookings{today_line}")
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
