"""Jobs tied to an office's own clock: end of day, reminders, releasing held-back places.

Each is run per office by a beat schedule every few minutes and decides for itself
whether the office's local moment has come, so one schedule serves WIB, WITA and WIT
alike, and a run that was missed (a worker down at midnight) is caught up by the next.
Each only moves rows that are still in the state it expects, so running it twice
changes nothing.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from applicants.models import Booking, BookingStatus, Notification
from applicants.notifications import notify
from applicants.services.allocation import AllocationResult, waiting_allocate, waiting_expire
from applicants.services.transitions import booking_transition
from offices.cache import availability_invalidate
from offices.models import Office, Slot
from offices.timeutils import office_now, office_today

logger = logging.getLogger(__name__)

CHUNK_SIZE = 100
# The reason logged when the day's end makes a booking a no-show.
DAY_END_REASON = "day_end"


@dataclass
class DayEndResult:
    office_id: int
    date: dt.date
    no_show: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    allocation: AllocationResult | None = None


def day_has_ended(*, office: Office, date: dt.date, now: dt.datetime) -> bool:
    """Whether ``date`` is over at the office: past, or today after closing time."""
    local = office_now(office, now)
    return date < local.date() or (date == local.date() and local.time() >= office.closing_time)


def day_end_due(*, now: dt.datetime) -> list[tuple[int, dt.date]]:
    """Office-dates whose day has ended and that still have confirmed bookings."""
    # The latest "today" anywhere in Indonesia is WIT's; no date after it can have ended.
    latest = (now + dt.timedelta(hours=9)).astimezone(dt.UTC).date()
    pairs = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, date__lte=latest)
        .values_list("office_id", "date")
        .distinct()
        .order_by("office_id", "date")
    )
    pairs = list(pairs)
    offices = Office.objects.in_bulk({office_id for office_id, _ in pairs})
    return [
        (office_id, date)
        for office_id, date in pairs
        if office_id in offices and day_has_ended(office=offices[office_id], date=date, now=now)
    ]


def day_end(*, office_id: int, date: dt.date, now: dt.datetime) -> DayEndResult:
    """Close a day at an office: confirmed bookings nobody checked in become ``no_show``;
    then waiting requests are looked at again (expired after their time, or placed from
    the window that has just moved on)."""
    office = Office.objects.get(id=office_id)
    result = DayEndResult(office_id=office_id, date=date)
    if not day_has_ended(office=office, date=date, now=now):
        return result
    while True:
        with transaction.atomic():
            # Claimed under row locks and re-checked: a late check-in that commits
            # first keeps its booking out of this.
            rows = list(
                Booking.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(office_id=office_id, date=date, status=BookingStatus.CONFIRMED)
                .order_by("id")[:CHUNK_SIZE]
            )
            for booking in rows:
                booking_transition(
                    booking=booking,
                    to_status=BookingStatus.NO_SHOW,
                    reason=DAY_END_REASON,
                    now=now,
                    detail={"date": date.isoformat()},
                )
                result.no_show.append(booking.id)
        if len(rows) < CHUNK_SIZE:
            break
    result.expired = waiting_expire(office_id=office_id, now=now)
    result.allocation = waiting_allocate(office_id=office_id, now=now)
    if result.no_show or result.expired:
        logger.info(
            "day_end office=%s date=%s no_show=%s expired=%s",
            office_id,
            date,
            len(result.no_show),
            len(result.expired),
        )
    return result


def reminder_due_date(*, office: Office, now: dt.datetime) -> dt.date | None:
    """The date whose bookings get their reminder now: tomorrow, once the local hour has come."""
    local = office_now(office, now)
    if local.hour < settings.REMINDER_LOCAL_HOUR:
        return None
    return local.date() + dt.timedelta(days=1)


def reminders_send(*, now: dt.datetime, office_id: int | None = None) -> list[int]:
    """Remind every confirmed booking of tomorrow (office-local), once per booking and date."""
    offices = Office.objects.filter(is_active=True)
    if office_id is not None:
        offices = offices.filter(id=office_id)
    sent: list[int] = []
    for office in offices:
        date = reminder_due_date(office=office, now=now)
        if date is None:
            continue
        reminded = Notification.objects.filter(
            booking=OuterRef("pk"), kind=Notification.Kind.REMINDER, dedupe_key__endswith=f":{date.isoformat()}"
        )
        pending = (
            Booking.objects.filter(office=office, date=date, status=BookingStatus.CONFIRMED)
            .exclude(Exists(reminded))
            .order_by("id")
        )
        for booking in pending.iterator(chunk_size=CHUNK_SIZE):
            key = f"reminder:{booking.id}:{date.isoformat()}"
            with transaction.atomic():
                notify(booking=booking, kind=Notification.Kind.REMINDER, dedupe_key=key)
            sent.append(booking.id)
    return sent


def reserves_release(*, office_id: int, now: dt.datetime) -> int:
    """Give the held-back places of tomorrow (and any earlier day) to everyone.

    The reserve keeps room for bookings moved by a closure; by the day before, a
    closure that could need it would have happened, so the places go back to new
    bookings and waiting requests. Returns how many slots changed.
    """
    office = Office.objects.get(id=office_id)
    tomorrow = office_today(office, now) + dt.timedelta(days=1)
    with transaction.atomic():
        rows = list(
            Slot.objects.filter(office_id=office_id, date__lte=tomorrow, reserved__gt=0).values_list("id", "date")
        )
        Slot.objects.filter(id__in=[slot_id for slot_id, _ in rows]).update(reserved=0)
        for date in {date for _, date in rows}:
            availability_invalidate(office_id=office_id, date=date, slot_ids=tuple(s for s, d in rows if d == date))
    return len(rows)
