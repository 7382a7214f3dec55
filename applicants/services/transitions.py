"""The booking life-cycle's status changes (DESIGN rule 8): the one table of allowed
changes, and the one function that makes them, each logged with who, when and why."""

import datetime as dt

from django.db import transaction

from applicants.exceptions import BookingStateChanged, InvalidTransition
from applicants.models import Booking, BookingStatus, BookingTransition

S = BookingStatus
# DESIGN rule 8. The one table of status changes; ``booking_transition`` refuses others.
# called -> checked_in is "missed, back of the queue"; rolled_over ends a booking that
# a closure or a stopped service moved (its successor starts as waiting). no_show ->
# served is the one way back from an exit: a supervisor correcting, from the paper
# list, a no-show that the day's end made while the office worked on paper
# (``applicants.services.paper``).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.WAITING: frozenset({S.CONFIRMED, S.CANCELLED, S.EXPIRED}),
    S.CONFIRMED: frozenset({S.CHECKED_IN, S.CANCELLED, S.NO_SHOW, S.ROLLED_OVER}),
    S.CHECKED_IN: frozenset({S.CALLED, S.NO_SHOW, S.ROLLED_OVER}),
    S.CALLED: frozenset({S.SERVED, S.CHECKED_IN, S.NO_SHOW, S.ROLLED_OVER}),
    S.SERVED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset({S.SERVED}),
    S.ROLLED_OVER: frozenset(),
    S.EXPIRED: frozenset(),
}


def transition_record(
    *,
    booking: Booking,
    from_status: str,
    to_status: str,
    reason: str,
    now: dt.datetime,
    actor=None,
    detail: dict | None = None,
) -> None:
    BookingTransition.objects.create(
        booking=booking,
        from_status=from_status,
        to_status=to_status,
        at=now,
        actor=actor,
        reason=reason,
        detail=detail or {},
    )


def booking_transition(
    *,
    booking: Booking,
    to_status: str,
    reason: str,
    now: dt.datetime,
    actor=None,
    detail: dict | None = None,
    **fields,
) -> Booking:
    """Move ``booking`` to ``to_status`` (with ``fields`` set on the row) and log it.

    The only function that changes a booking's status. The write is conditional on the
    status the caller saw, so of two concurrent changes exactly one wins; the other gets
    ``BookingStateChanged`` and nothing is written for it. A change the life-cycle does
    not allow raises ``InvalidTransition``. Capacity is the caller's business.
    """
    from_status = booking.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransition(from_status=BookingStatus(from_status).label, to_status=BookingStatus(to_status).label)
    with transaction.atomic(savepoint=False):
        updated = Booking.objects.filter(id=booking.id, status=from_status).update(
            status=to_status, updated_at=now, **fields
        )
        if updated == 1:
            transition_record(
                booking=booking,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                now=now,
                actor=actor,
                detail=detail,
            )
    # Raised outside the block: nothing was written, and the caller's transaction
    # stays usable (it may reload the booking and decide).
    if updated != 1:
        raise BookingStateChanged()
    booking.status = to_status
    booking.updated_at = now
    expressions = []
    for name, value in fields.items():
        if hasattr(value, "resolve_expression"):
            expressions.append(name)
        else:
            setattr(booking, name, value)
    if expressions:
        booking.refresh_from_db(fields=expressions)
    return booking
