"""Check-in at the office door: find the booking, say what is wrong, give a queue number.

Rules (DESIGN.md 7): only at the booked office, on the booked date, within
[session start - ``checkin_early_minutes`` (not before the office opens), session end +
``checkin_late_minutes``] on the office's wall clock (``applicants.proof.checkin_window``).
A second check-in returns the number already given.

A supervisor may let a late arrival in (``allow_late``): people stuck in traffic or a
long document check at the door are common and the session's place is theirs anyway.
Too early is never overridden (they can simply come back); a wrong office or date is
never overridden (the place is not here).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import formats

from applicants.exceptions_staff import (
    BookingNotFoundForStaff,
    CheckinCancelled,
    CheckinFinished,
    CheckinMoved,
    CheckinMovedPending,
    CheckinRefused,
    CheckinTooEarly,
    CheckinTooLate,
    CheckinWaiting,
    CheckinWrongDate,
    CheckinWrongOffice,
)
from applicants.models import Booking, BookingStatus, QueueEvent
from applicants.proof import checkin_window, proof_verify
from applicants.services.queue import queue_event_log, queue_number_next, queue_session_for
from applicants.services.transitions import booking_transition
from offices.formats import clock
from offices.models import Office
from offices.timeutils import office_now, office_today

# A typed booking code is 8 characters; anything much longer is the QR's text (a
# hand-held scanner "types" the QR into the same field).
CODE_MAX_LENGTH = 12

ALREADY_CHECKED_IN = "already_checked_in"
LATE_ALLOWED = "late_allowed"
PRIORITY_GROUP = "priority_group"
WALK_IN = "walk_in"


def booking_code_normalize(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def checkin_find(*, code: str = "", qr: str = "") -> Booking:
    """The booking a typed code or a scanned QR names.

    The QR's signature is checked before anything is looked up, so a tampered or
    foreign QR is refused (``ProofInvalid``, code ``invalid_qr``) without a query.
    """
    text = (qr or "").strip()
    typed = (code or "").strip()
    if not text and len(typed) > CODE_MAX_LENGTH:
        text, typed = typed, ""
    if text:
        typed = proof_verify(text).code
    normalized = booking_code_normalize(typed)
    if not normalized:
        raise BookingNotFoundForStaff()
    booking = Booking.objects.select_related("office", "slot", "applicant", "counter").filter(code=normalized).first()
    if booking is None:
        raise BookingNotFoundForStaff()
    return booking


@dataclass
class CheckinAssessment:
    """What stands between a booking and a queue number at ``office`` now."""

    booking: Booking
    problems: list[CheckinRefused] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None

    @property
    def already_checked_in(self) -> bool:
        return ALREADY_CHECKED_IN in self.notes

    @property
    def flags(self) -> list[str]:
        return [problem.code for problem in self.problems] + self.notes

    def blocking(self, *, allow_late: bool = False) -> list[CheckinRefused]:
        return [p for p in self.problems if not (allow_late and isinstance(p, CheckinTooLate))]


def _time(value: dt.datetime) -> str:
    # "07.00" / "07:00", as the page and the proof write the check-in window.
    return clock(value)


def _date(value: dt.date) -> str:
    # As the booking's card on the check-in page writes it ("Sel, 8 Des 2026").
    return formats.date_format(value, "D, j M Y")


def checkin_assess(*, office: Office, booking: Booking, now: dt.datetime) -> CheckinAssessment:
    """List every reason ``booking`` cannot be checked in at ``office`` now (none: it can)."""
    result = CheckinAssessment(booking=booking)
    if booking.office_id != office.id:
        # Nothing personal is said about a booking of another office.
        result.problems.append(CheckinWrongOffice(office=booking.office.name))
        return result

    status = booking.status
    if status in (BookingStatus.CHECKED_IN, BookingStatus.CALLED) and booking.queue_number:
        result.notes.append(ALREADY_CHECKED_IN)
    elif status == BookingStatus.CANCELLED:
        result.problems.append(CheckinCancelled())
    elif status == BookingStatus.ROLLED_OVER:
        moved_to = Booking.objects.filter(rolled_from=booking).first()
        if moved_to is not None and moved_to.date:
            result.problems.append(CheckinMoved(date=_date(moved_to.date), new_code=moved_to.code))
        else:
            result.problems.append(CheckinMovedPending(new_code=moved_to.code if moved_to else "-"))
    elif status == BookingStatus.WAITING:
        result.problems.append(CheckinWaiting())
    elif status in (BookingStatus.SERVED, BookingStatus.NO_SHOW, BookingStatus.EXPIRED):
        result.problems.append(CheckinFinished(status=booking.get_status_display()))

    if booking.channel == "walk_in":
        result.notes.append(WALK_IN)
    if booking.priority_group:
        result.notes.append(PRIORITY_GROUP)
    if result.problems or result.already_checked_in or booking.date is None or booking.slot is None:
        return result

    today = office_today(office, now)
    if booking.date != today:
        result.problems.append(CheckinWrongDate(date=_date(booking.date)))
        return result
    window = checkin_window(booking)
    opens, closes = window.opens, window.closes
    result.opens_at, result.closes_at = opens, closes
    if now < opens:
        result.problems.append(CheckinTooEarly(opens=_time(office_now(office, opens))))
    elif now > closes:
        result.problems.append(CheckinTooLate(closes=_time(office_now(office, closes))))
    return result


def checkin_preview(*, office: Office, booking: Booking, now: dt.datetime) -> CheckinAssessment:
    """What staff at ``office`` see before confirming. A booking of another office is
    refused outright (``CheckinWrongOffice``): its details are not theirs to see."""
    assessment = checkin_assess(office=office, booking=booking, now=now)
    if booking.office_id != office.id:
        raise assessment.problems[0]
    return assessment


@dataclass
class CheckinResult:
    booking: Booking
    created: bool
    flags: list[str]

    @property
    def queue_number(self) -> str:
        return self.booking.queue_number


def booking_queue(*, booking: Booking, now: dt.datetime, actor=None, reason: str = "checked_in") -> Booking:
    """Give ``booking`` (locked, confirmed) its queue number and put it in the queue.

    Runs inside the caller's transaction; the number and the status change commit or
    roll back together, so numbers have no gaps. A late arrival joins the line of the
    session running now, not of its own (``queue_session_for``).
    """
    seq, number = queue_number_next(office=booking.office, date=booking.date, track=booking.track)
    session_start = queue_session_for(booking=booking, now=now)
    detail = {"queue_number": number}
    if session_start is not None and session_start != booking.slot.start:
        detail["queues_with_session"] = session_start.strftime("%H:%M")
    booking = booking_transition(
        booking=booking,
        to_status=BookingStatus.CHECKED_IN,
        reason=reason,
        now=now,
        actor=actor,
        detail=detail,
        queue_number=number,
        queue_seq=seq,
        checked_in_at=now,
        queued_at=now,
        queue_session_start=session_start,
    )
    queue_event_log(booking=booking, action=QueueEvent.Action.CHECKED_IN, now=now, actor=actor)
    return booking


def checkin_confirm(
    *, office: Office, booking: Booking, now: dt.datetime, actor=None, allow_late: bool = False
) -> CheckinResult:
    """Check ``booking`` in at ``office``; idempotent (a second call returns the same number).

    Raises the first ``CheckinRefused`` that applies. ``allow_late`` is for supervisors.
    """
    with transaction.atomic():
        # The row lock makes two simultaneous scans of one proof wait for each other:
        # the second sees the first's number instead of taking another.
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("office", "slot", "applicant")
            .get(id=booking.id)
        )
        assessment = checkin_assess(office=office, booking=locked, now=now)
        if assessment.already_checked_in:
            return CheckinResult(booking=locked, created=False, flags=assessment.flags)
        blocking = assessment.blocking(allow_late=allow_late)
        if blocking:
            raise blocking[0]
        flags = assessment.flags
        if assessment.problems:
            # Only a too-late arrival can get here, let in by a supervisor.
            flags = [*[f for f in flags if f != CheckinTooLate.code], LATE_ALLOWED]
        queued = booking_queue(booking=locked, now=now, actor=actor)
    return CheckinResult(booking=queued, created=True, flags=flags)
