"""Recording a day run on paper, once the system is back.

When the system could not be reached, the office served people from the printed day
list (``applicants.day_list``). Afterwards a supervisor records, from that list, who
was served: each such booking goes through the usual life-cycle (checked in, called,
served; DESIGN rule 8), every step logged with the supervisor as actor and the reason
``served_on_paper``. No times are invented: check-in, call and service times stay as
they were (empty), so waits and counter statistics only count what was seen. The
bookings already hold their places, so capacity is not touched.

The system is often back only after the office has closed, or the next morning. By then
the day has ended and everyone not checked in has become ``no_show``
(``applicants.services.dayend``), although the paper list shows them served. So today
and the ``DAYS_BACK`` days before it can be recorded, and a ``no_show`` that the day's
end made (not one that missed their calls while the system ran) is corrected to
``served`` in one logged step. On today, only sessions that have begun count.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from applicants.day_list import DAYS_BACK
from applicants.models import Booking, BookingStatus, BookingTransition
from applicants.services.dayend import DAY_END_REASON
from applicants.services.transitions import booking_transition
from offices.models import Office
from offices.timeutils import office_now, office_today

REASON = "served_on_paper"
S = BookingStatus
# From each status a booking can be in on the day, the steps to "served".
_STEPS = {
    S.CONFIRMED: (S.CHECKED_IN, S.CALLED, S.SERVED),
    S.CHECKED_IN: (S.CALLED, S.SERVED),
    S.CALLED: (S.SERVED,),
    # Made a no-show by the day's end while the office worked on paper.
    S.NO_SHOW: (S.SERVED,),
}


# What can be recorded: whoever had not been served yet, or was counted as not having
# come only because the day ended.
RECORDABLE = (S.CONFIRMED, S.CHECKED_IN, S.CALLED)


@dataclass(frozen=True)
class PaperResult:
    recorded: int
    # Ticked bookings that could not be recorded (already served, cancelled, moved,
    # another day or office): left as they are.
    skipped: int


def paper_dates(*, office: Office, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last date whose day on paper can be recorded now."""
    today = office_today(office, now)
    return today - dt.timedelta(days=DAYS_BACK), today


def paper_record_until(date: dt.date) -> dt.date:
    """The last day on which the day on paper of ``date`` can still be recorded."""
    return date + dt.timedelta(days=DAYS_BACK)


def _recordable(*, office: Office, date: dt.date, now: dt.datetime) -> QuerySet[Booking]:
    first, last = paper_dates(office=office, now=now)
    if not first <= date <= last:
        return Booking.objects.none()
    ended_the_day = BookingTransition.objects.filter(booking=OuterRef("pk"), to_status=S.NO_SHOW, reason=DAY_END_REASON)
    bookings = Booking.objects.filter(office=office, date=date, slot__isnull=False).filter(
        Q(status__in=RECORDABLE) | Q(Exists(ended_the_day), status=S.NO_SHOW)
    )
    if date == last:
        # Nobody is served on paper before their session has begun.
        bookings = bookings.filter(slot__start__lte=office_now(office, now).time())
    return bookings


def paper_recordable_ids(*, office: Office, date: dt.date, now: dt.datetime) -> set[int]:
    """The bookings on ``office``'s list of ``date`` that can be recorded as served on
    paper now: not served yet, or made a no-show by the day's end; on today, only from
    sessions that have begun. Empty for a date outside ``paper_dates``."""
    return set(_recordable(office=office, date=date, now=now).values_list("id", flat=True))


def paper_served_record(
    *, office: Office, date: dt.date, booking_ids: list[int], now: dt.datetime, actor
) -> PaperResult:
    """Record the bookings ``booking_ids`` of ``office`` on ``date`` as served on paper,
    in one transaction (all or none of the recordable ones)."""
    wanted = set(booking_ids)
    with transaction.atomic():
        bookings = list(
            _recordable(office=office, date=date, now=now)
            .filter(id__in=wanted)
            .select_for_update(of=("self",))
            .order_by("id")
        )
        for booking in bookings:
            corrects = {"corrects": S.NO_SHOW} if booking.status == S.NO_SHOW else {}
            for status in _STEPS[booking.status]:
                booking = booking_transition(
                    booking=booking,
                    to_status=status,
                    reason=REASON,
                    now=now,
                    actor=actor,
                    detail={"on_paper": True, "date": date.isoformat(), **corrects},
                )
    return PaperResult(recorded=len(bookings), skipped=len(wanted) - len(bookings))
