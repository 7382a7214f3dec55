"""Recording a day run on paper, once the system is back.

When the system could not be reached, the office served people from the printed day
list (``applicants.day_list``). Afterwards a supervisor records, from that list, who
was served: each such booking goes through the usual life-cycle (checked in, called,
served; DESIGN rule 8), every step logged with the supervisor as actor and the reason
``served_on_paper``. No times are invented: check-in, call and service times stay as
they were (empty), so waits and counter statistics only count what was seen. The
bookings already hold their places, so capacity is not touched.

Only the office's today can be recorded, and only for sessions that have begun. It must
be done before the office's closing time: then the day ends, and bookings not checked in
become ``no_show`` (``applicants.services.dayend``), an exit of the life-cycle.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from applicants.models import Booking, BookingStatus
from applicants.services.booking import booking_transition
from offices.models import Office
from offices.timeutils import office_now, office_today

REASON = "served_on_paper"
S = BookingStatus
# From each status a booking can be in on the day, the steps to "served".
_STEPS = {
    S.CONFIRMED: (S.CHECKED_IN, S.CALLED, S.SERVED),
    S.CHECKED_IN: (S.CALLED, S.SERVED),
    S.CALLED: (S.SERVED,),
}


# What can be recorded: whoever had not been served yet.
RECORDABLE = tuple(_STEPS)


@dataclass(frozen=True)
class PaperResult:
    recorded: int
    # Ticked bookings that could not be recorded (already served, cancelled, moved,
    # another day or office): left as they are.
    skipped: int


def _clock(office: Office, now: dt.datetime) -> dt.time:
    return office_now(office, now).time()


def paper_recordable(booking: Booking, *, office: Office, now: dt.datetime) -> bool:
    """Whether ``booking`` (on today's list) can be recorded now: not served yet, and its
    session has begun (nobody is served on paper before their session)."""
    return booking.status in RECORDABLE and booking.slot_id is not None and booking.slot.start <= _clock(office, now)


def paper_served_record(*, office: Office, booking_ids: list[int], now: dt.datetime, actor) -> PaperResult:
    """Record the bookings ``booking_ids`` of ``office`` today as served on paper, in one
    transaction (all or none of the recordable ones)."""
    today = office_today(office, now)
    wanted = set(booking_ids)
    with transaction.atomic():
        bookings = list(
            Booking.objects.select_for_update()
            .filter(
                id__in=wanted, office=office, date=today, status__in=RECORDABLE, slot__start__lte=_clock(office, now)
            )
            .order_by("id")
        )
        for booking in bookings:
            for status in _STEPS[booking.status]:
                booking = booking_transition(
                    booking=booking, to_status=status, reason=REASON, now=now, actor=actor, detail={"on_paper": True}
                )
    return PaperResult(recorded=len(bookings), skipped=len(wanted) - len(bookings))
