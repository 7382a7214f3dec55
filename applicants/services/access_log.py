"""Recording staff reads of applicants' personal data, and forgetting old records.

The record answers "who processed whose data" (UU PDP No. 27/2022), and it is written
beside the read, in the same request (inside the request's transaction where there is
one, e.g. the admin's change page), so it cannot be lost to a queue. It must never stand
in the way of the work at the desk: a person at the counter is served even if the record
cannot be written (a lock, a full disk, a migration not yet run). So a failed write is
rolled back to its own savepoint, logged as an error for operations to see, and the
read goes on; the rest of the request's transaction is unharmed.
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from applicants.access_models import PersonalDataAccess
from applicants.models import Applicant, Booking
from offices.models import Office

logger = logging.getLogger(__name__)

Action = PersonalDataAccess.Action
Channel = PersonalDataAccess.Channel

PURGE_BATCH = 2000


def _row(*, actor, office_id, action, channel, now, booking=None, applicant=None, date=None, count=1):
    return PersonalDataAccess(
        at=now,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=actor.get_username() if actor is not None and actor.is_authenticated else "",
        office_id=office_id,
        action=action,
        channel=channel,
        booking=booking,
        applicant_id=applicant.id if applicant is not None else (booking.applicant_id if booking else None),
        date=date,
        count=count,
    )


def _write(rows: list[PersonalDataAccess]) -> list[PersonalDataAccess]:
    try:
        with transaction.atomic():
            if len(rows) == 1:
                rows[0].save(force_insert=True)
            else:
                PersonalDataAccess.objects.bulk_create(rows)
    except Exception:
        # Never the data itself in the line: the action, the office, who.
        first = rows[0]
        logger.exception(
            "personal data access not recorded: %s by user %s",
            first.action,
            first.actor_id,
            extra={
                "event": "personal_data_access_not_recorded",
                "action": first.action,
                "user_id": first.actor_id,
                "office_id": first.office_id,
                "rows": len(rows),
            },
        )
        return []
    return rows


def personal_data_access_record(
    *,
    actor,
    office: Office | None,
    action: str,
    channel: str,
    now: dt.datetime,
    booking: Booking | None = None,
    applicant: Applicant | None = None,
    date: dt.date | None = None,
    count: int = 1,
) -> PersonalDataAccess | None:
    """Record that ``actor`` saw the data of ``booking``'s person (or of ``applicant``,
    or of ``count`` people on a list). Returns the row, or ``None`` when it could not be
    written (logged; the caller goes on)."""
    row = _row(
        actor=actor,
        office_id=office.id if office is not None else None,
        action=action,
        channel=channel,
        now=now,
        booking=booking,
        applicant=applicant,
        date=date,
        count=count,
    )
    written = _write([row])
    return written[0] if written else None


def personal_data_access_record_list(
    *, actor, action: str, channel: str, now: dt.datetime, counts: dict[int | None, int], date: dt.date | None = None
) -> list[PersonalDataAccess]:
    """Record a list of people shown across offices: one row per office (by id) with how
    many of its people were shown, in one statement. Offices with none are left out."""
    rows = [
        _row(actor=actor, office_id=office_id, action=action, channel=channel, now=now, date=date, count=count)
        for office_id, count in sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0))
        if count
    ]
    return _write(rows) if rows else []


def personal_data_access_count_by_office(bookings: Iterable[Booking]) -> dict[int | None, int]:
    """How many of ``bookings`` belong to each office: the ``counts`` of a list."""
    return dict(Counter(booking.office_id for booking in bookings))


def personal_data_access_purge(*, now: dt.datetime, batch_size: int = PURGE_BATCH) -> int:
    """Delete records older than ``STAFF_ACCESS_LOG_RETENTION_DAYS``, oldest first, in
    batches (short statements, no long lock on a big table); returns how many."""
    cutoff = now - dt.timedelta(days=settings.STAFF_ACCESS_LOG_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(
            PersonalDataAccess.objects.filter(at__lt=cutoff)
            .order_by("at", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        count, _detail = PersonalDataAccess.objects.filter(id__in=ids).delete()
        deleted += count
        if len(ids) < batch_size:
            return deleted
