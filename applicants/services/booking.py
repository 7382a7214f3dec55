"""Taking a place: creating a booking or a waiting request (DESIGN rules 1, 4, 6).

Cancelling and moving a booking are in ``applicants.services.changes``, status changes
in ``applicants.services.transitions``.

Every path that takes capacity does it with ``offices.services.capacity.slot_take`` (one
conditional UPDATE) inside the same transaction as the booking row that uses it, so a
place is taken exactly when that row commits. The database backs both rules up:
``CHECK (booked <= capacity)`` and a partial unique index on (NIK hash, person slot)
over active bookings.

Lock order, the same on every path so that two of them never wait on each other:
applicant row, booking row(s), then slot rows in ascending id.
"""

import datetime as dt
import logging
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from applicants.dispatch import enqueue_on_commit
from applicants.exceptions import (
    ActiveBookingExists,
    DateNotReleased,
    OnlineBookingClosed,
    SessionClosed,
    SessionFull,
    SessionNotFound,
    TrackNotAllowed,
)
from applicants.identity import secret_decrypt, secret_encrypt
from applicants.models import (
    ACTIVE_STATUSES,
    Applicant,
    Booking,
    BookingStatus,
    BookingTransition,
    Channel,
    Notification,
)
from applicants.notifications import notification_channels, notify, notify_enqueue
from applicants.proof import new_booking_code, new_token, token_hash
from applicants.services.applicants import applicant_prepare, applicant_save
from applicants.services.one_statement import Taken, booking_insert_confirmed
from applicants.services.transitions import transition_record
from offices.cache import availability_invalidate, slot_mark_full
from offices.models import Slot, Track
from offices.selectors import office_is_released
from offices.services.capacity import slot_take
from offices.timeutils import office_datetime

logger = logging.getLogger(__name__)

__all__ = [
    "ALLOCATE_TASK",
    "BookingResult",
    "booking_code_new",
    "booking_create",
    "booking_request",
    "booking_token_ensure",
    "enqueue_allocation",
    "slot_check_bookable",
]

ALLOCATE_TASK = "applicants.tasks.allocate_waiting"

S = BookingStatus
_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    # The secret of the proof link, returned once to the person who booked.
    token: str


def booking_code_new() -> str:
    return new_booking_code()


def enqueue_allocation(office_id: int) -> None:
    """Ask the allocation worker to look at the office's waiting requests, after commit.

    Sent by name: the worker lives in ``applicants.tasks``. A broker that is down is
    logged and the beat sweep catches up; it never fails the booking.
    """
    enqueue_on_commit(ALLOCATE_TASK, office_id=office_id)


def booking_token_ensure(*, booking: Booking) -> str:
    """The booking's secret token; a booking stored without one (made before tokens were
    kept encrypted, or by hand) gets a new one, which ends any older link."""
    if booking.token_encrypted:
        return secret_decrypt(booking.token_encrypted)
    token = new_token()
    fields = {"token_hash": token_hash(token), "token_encrypted": secret_encrypt(token)}
    if Booking.objects.filter(id=booking.id, token_encrypted="").update(**fields) != 1:
        booking.refresh_from_db(fields=["token_hash", "token_encrypted"])
        return secret_decrypt(booking.token_encrypted)
    booking.token_hash, booking.token_encrypted = fields["token_hash"], fields["token_encrypted"]
    return token


# --- Checks shared with reschedule (applicants.services.changes) ---------------------------------------------------


def slot_check_bookable(*, slot: Slot, track: str, channel: str, now: dt.datetime) -> None:
    office = slot.office
    if slot.track != track:
        raise SessionNotFound()
    if channel == Channel.ONLINE:
        if not (office.is_active and office.online_booking):
            raise OnlineBookingClosed()
        if track == Track.PRIORITY and not settings.BOOKING_ONLINE_PRIORITY_TRACK:
            raise TrackNotAllowed(fields={"track": [str(TrackNotAllowed.message)]})
        if not office_is_released(office=office, date=slot.date, now=now):
            raise DateNotReleased()
    if slot.closed:
        raise SessionClosed()
    if office_datetime(office, slot.date, slot.end) <= now:
        raise DateNotReleased()


def _constraint_of(exc: IntegrityError) -> str:
    """The violated constraint's name (PostgreSQL) or the backend's message (SQLite)."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or str(exc)


def _is_person_limit(exc: IntegrityError) -> bool:
    text = _constraint_of(exc)
    return "booking_one_active_per_person_slot" in text or "person_slot" in text


def _free_person_slot(nik_hash: str) -> int:
    limit = settings.BOOKING_MAX_ACTIVE_PER_PERSON
    if limit <= 1:
        return 1
    used = set(
        Booking.objects.filter(nik_hash=nik_hash, status__in=ACTIVE_STATUSES).values_list("person_slot", flat=True)
    )
    free = [n for n in range(1, limit + 1) if n not in used]
    if not free:
        raise ActiveBookingExists()
    return free[0]


def _is_code_collision(exc: IntegrityError) -> bool:
    return "code" in _constraint_of(exc)


def _booking_new(
    *,
    slot: Slot,
    applicant: Applicant,
    track: str,
    service: str,
    channel: str,
    priority_group: str,
    language: str,
) -> tuple[Booking, str]:
    """An unsaved confirmed booking of ``slot`` with a fresh code, and its new secret token."""
    token = new_token()
    booking = Booking(
        code=new_booking_code(),
        token_hash=token_hash(token),
        token_encrypted=secret_encrypt(token),
        applicant=applicant,
        nik_hash=applicant.nik_hash,
        office=slot.office,
        slot=slot,
        date=slot.date,
        requested_date=slot.date,
        requested_slot=slot,
        track=track,
        service=service,
        channel=channel,
        priority_group=priority_group or "",
        status=BookingStatus.CONFIRMED,
        language=language,
    )
    return booking, token


# --- Create ---------------------------------------------------------------------------------


def booking_create(
    *,
    slot: Slot,
    applicant: Applicant,
    track: str,
    service: str,
    now: dt.datetime,
    if_full: str = "reject",
    channel: str = Channel.ONLINE,
    priority_group: str = "",
    actor=None,
    language: str = "id",
) -> BookingResult:
    """Book one place in ``slot`` for ``applicant``, or record a waiting request.

    ``slot`` must come with its office loaded (``select_related("office")``). With
    ``if_full="reject"`` a full session raises ``SessionFull``; with
    ``"next_available"`` the request is kept as ``waiting`` (HTTP 202) and the
    allocation worker is asked to place it. Online bookings respect the office's
    ``online_booking`` switch, the release window and the priority-track rule; walk-ins
    (``channel=WALK_IN``) take capacity just the same.

    Inside the caller's transaction when there is one, so ``applicant_upsert`` +
    ``booking_create`` commit or roll back together; a failure rolls back only this
    call's savepoint.
    """
    slot_check_bookable(slot=slot, track=track, channel=channel, now=now)
    booking, token = _booking_new(
        slot=slot,
        applicant=applicant,
        track=track,
        service=service,
        channel=channel,
        priority_group=priority_group,
        language=language,
    )
    reason = "walk_in" if channel == Channel.WALK_IN else "booked"
    person_retries = settings.BOOKING_MAX_ACTIVE_PER_PERSON - 1
    for _attempt in range(_CODE_ATTEMPTS + max(person_retries, 0)):
        try:
            # A savepoint only when the caller has a transaction (the API's, a walk-in
            # loop's): a failure here then leaves the caller's transaction usable.
            with transaction.atomic():
                return _create(booking, token=token, reason=reason, if_full=if_full, now=now, actor=actor)
        except IntegrityError as exc:
            booking.pk, booking._state.adding = None, True
            if _is_person_limit(exc):
                # Someone else took the free person slot first; with a limit of one
                # (the default) that means "already booked".
                if person_retries <= 0:
                    raise ActiveBookingExists() from exc
                person_retries -= 1
                continue
            if not _is_code_collision(exc):
                raise
            booking.code = new_booking_code()
    raise RuntimeError("could not find a free booking code")


def booking_request(
    *,
    slot: Slot,
    nik: str,
    full_name: str,
    birth_date: dt.date,
    phone: str,
    email: str,
    track: str,
    service: str,
    if_full: str,
    now: dt.datetime,
    language: str = "id",
) -> BookingResult:
    """An applicant's own online booking: who they are, then their place, in one transaction.

    The API and the booking pages both come here, so the person is never saved without
    the booking they asked for (or the waiting request), and never booked twice.
    Identity errors (``IDENTITY_ERRORS``) come from the person's data, before anything
    is written; callers map them onto their own field names.

    On PostgreSQL a place that is free is taken in one statement
    (``booking_insert_confirmed``); everything else (a full or closed session, the
    waiting list, several active bookings per person, SQLite) goes the general way.
    """
    applicant = applicant_prepare(
        nik=nik, full_name=full_name, birth_date=birth_date, phone=phone, email=email, language=language
    )
    slot_check_bookable(slot=slot, track=track, channel=Channel.ONLINE, now=now)
    if _one_statement_possible():
        result = _request_in_one_statement(
            slot=slot, applicant=applicant, track=track, service=service, now=now, language=language
        )
        if result is not None:
            return result
        if if_full != "next_available":
            # No room (or closed since the copy was made): the general path would write
            # the person and the booking only to roll both back, three round trips more
            # for each of the requests already past the "full" mark when a session sells
            # out. Its answer is the same: the session marked full, and refused.
            slot_mark_full(slot.id)
            raise SessionFull()
    with transaction.atomic():
        applicant = _applicant_for_online_booking(applicant)
        return booking_create(
            slot=slot,
            applicant=applicant,
            track=track,
            service=service,
            now=now,
            if_full=if_full,
            channel=Channel.ONLINE,
            language=language,
        )


def _applicant_for_online_booking(applicant: Applicant) -> Applicant:
    """The person to book for: saved with the details just given, unless they already
    hold an active booking. Then the stored details stay: an online booking proves
    nothing but knowledge of the NIK (the birth date is in it), so a second booking
    (where ``BOOKING_MAX_ACTIVE_PER_PERSON`` allows one) must not send the first one's
    messages, and their secret proof link, to a new phone or email. With the default
    limit of one, a second booking is refused and rolls back anyway."""
    if settings.BOOKING_MAX_ACTIVE_PER_PERSON > 1:
        holder = (
            Applicant.objects.filter(nik_hash=applicant.nik_hash, bookings__status__in=ACTIVE_STATUSES)
            .distinct()
            .first()
        )
        if holder is not None:
            return holder
    return applicant_save(applicant=applicant)


def _one_statement_possible() -> bool:
    # With several active bookings per person allowed, the person's free "slot number"
    # must be found first: the general path does that.
    return connection.vendor == "postgresql" and settings.BOOKING_MAX_ACTIVE_PER_PERSON == 1


def _request_in_one_statement(
    *, slot: Slot, applicant: Applicant, track: str, service: str, now: dt.datetime, language: str
) -> BookingResult | None:
    """Book a free place with one statement; ``None`` when the session had no room
    (nothing was written, and the general path gives the answer)."""
    booking, token = _booking_new(
        slot=slot,
        applicant=applicant,
        track=track,
        service=service,
        channel=Channel.ONLINE,
        priority_group="",
        language=language,
    )
    transition = BookingTransition(from_status="", to_status=S.CONFIRMED, at=now, reason="booked", detail={})
    kind = Notification.Kind.CONFIRMATION
    notifications = [
        Notification(kind=kind, channel=channel, dedupe_key=kind) for channel in notification_channels(applicant)
    ]
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            # Its own transaction in autocommit; a savepoint inside a caller's transaction.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                taken = booking_insert_confirmed(
                    applicant=applicant, booking=booking, transition=transition, notifications=notifications
                )
        except IntegrityError as exc:
            if _is_person_limit(exc):
                raise ActiveBookingExists() from exc
            if not _is_code_collision(exc):
                raise
            booking.code = new_booking_code()
            continue
        if taken is Taken.NONE:
            return None
        if taken is Taken.LAST:
            # Sold out: say so at once to the cache (the "full" answer) and to the
            # availability pages. A booking that leaves room does not touch the cache:
            # the counts shown may lag by the cache life (display only), which spares
            # a round trip per booking and the re-reads a flood of deletes would cause.
            slot_mark_full(slot.id)
            availability_invalidate(office_id=slot.office_id, date=slot.date)
        if notifications:
            notify_enqueue(booking_id=booking.id, dedupe_key=kind)
        return BookingResult(booking=booking, token=token)
    raise RuntimeError("could not find a free booking code")


def _create(booking: Booking, *, token: str, reason: str, if_full: str, now: dt.datetime, actor) -> BookingResult:
    slot, office = booking.slot, booking.office
    booking.person_slot = _free_person_slot(booking.nik_hash)
    # The booking row goes in first and the capacity UPDATE last: the slot's row lock,
    # which every concurrent booker of this session queues on, is then held only for
    # the short rest of the transaction.
    booking.save(force_insert=True)
    if slot_take(slot_id=slot.id):
        transition_record(booking=booking, from_status="", to_status=S.CONFIRMED, reason=reason, now=now, actor=actor)
        availability_invalidate(office_id=office.id, date=slot.date)
        notify(booking=booking, kind=Notification.Kind.CONFIRMATION)
        return BookingResult(booking=booking, token=token)

    slot_mark_full(slot.id)
    if if_full != "next_available":
        raise SessionFull()
    Booking.objects.filter(id=booking.id).update(
        status=S.WAITING, slot=None, date=None, waiting_since=now, updated_at=now
    )
    booking.status, booking.slot, booking.date, booking.waiting_since = S.WAITING, None, None, now
    transition_record(
        booking=booking,
        from_status="",
        to_status=S.WAITING,
        reason="session_full_waiting",
        now=now,
        actor=actor,
        detail={"requested_slot": slot.id},
    )
    enqueue_allocation(office.id)
    notify(booking=booking, kind=Notification.Kind.WAITING)
    return BookingResult(booking=booking, token=token)
