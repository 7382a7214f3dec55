"""Personal-data retention: UU PDP (No. 27/2022) keeps personal data no longer than its purpose needs.

An applicant's personal data serves their bookings. It is kept while any of them is
active and for ``PERSONAL_DATA_RETENTION_DAYS`` after the last one ended (questions,
complaints, disputes), then erased by ``applicant_erase_expired`` (daily from beat, or
``manage.py erase_expired_personal_data``). docs/privacy.md says the same for readers.

When a booking ended, on its office's calendar (``_ended_at``):

- ``served`` and ``no_show`` (also checked in and then missed twice): its service date;
- ``cancelled``, ``rolled_over`` and ``expired`` (a waiting request that never had a
  date, too): the day it got that status, as its status log says.

The retention counts from the end of that day (midnight after it, office time): a
person served on 1 March with 90 days is erased once 90 full days have passed since
the end of 1 March. A person refreshed by a booking (``Applicant.updated_at``) within
the retention is kept too, whatever their bookings say.

What erasure does to the NIK's traces (why, in a law's terms):

- ``Applicant.nik_hash`` is replaced by ``erased:<id>``, and ``Booking.nik_hash`` is
  emptied. The keyed hash is pseudonymous, not anonymous: whoever holds
  ``NIK_HASH_KEY`` (this system) can find a person's rows from their NIK, and the NIK
  space is small enough to hash every possible one. Kept, it would still tie the
  bookings to the person. The placeholder keeps the unique index satisfied and can
  never equal a hash (64 hex digits). Nothing needs the old value: the partial unique
  index ("one active booking per person") covers only active bookings, and an erased
  person has none.
- ``nik_masked`` is emptied: province, regency and serial are a large part of the NIK.
- A person who books again after erasure is a new applicant row: the upsert on
  ``nik_hash`` finds no row with their hash and inserts one with everything they give.
  Their old bookings stay with the erased row, anonymous.

Other rows tied to the erased bookings: the booking's encrypted token (it lets "find my
booking" and the emails hand back the link) is emptied; ``token_hash`` stays, so an old
proof link still opens a page that says the data was erased (a hash of a random secret,
not personal data). The bookings' priority group is emptied too (disability and pregnancy
are health data). The notification rows go (who was told what, and on which channel);
their text is never stored. Stored ``Idempotency-Key`` answers that show an erased
booking (name, masked NIK, token) are deleted. ``BookingTransition.detail`` and
``QueueEvent`` hold no personal data (counters, dates, queue numbers, codes) and stay,
with the bookings' dates, sessions, tracks and times, for statistics.

Safe to run on a big table and by two workers at once: candidates are read in batches
of ``batch`` without locks, then each batch is erased in its own short transaction that
locks the applicant rows (in id order) and checks everything again. A booking of the
same person at that moment either comes first (its upsert holds the row: erasure then
sees the active booking and skips) or after (the upsert finds no row with the person's
hash and writes a new one). Running it twice erases nothing twice.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, F, Max, OuterRef, Value
from django.db.models.functions import Cast, Concat

from applicants.models import (
    ACTIVE_STATUSES,
    Applicant,
    Booking,
    BookingStatus,
    BookingTransition,
    IdempotencyKey,
    Notification,
    PriorityGroup,
)
from applicants.services.idempotency import stored_answer_open, stored_answers_in_batches

logger = logging.getLogger(__name__)

BATCH = 500
# What an erased applicant's ``nik_hash`` starts with; no keyed hash (hex digits) does.
ERASED_HASH_PREFIX = "erased:"
# Outcomes that end on the day of service; every other ended status ends the day it was set.
_ENDED_ON_SERVICE_DATE = frozenset({BookingStatus.SERVED, BookingStatus.NO_SHOW})


@dataclass
class ErasureReport:
    """Counts only: what was erased (or, in a dry run, would be)."""

    applicants: int = 0
    bookings: int = 0
    notifications: int = 0
    answers: int = 0
    dry_run: bool = False


def retention_cutoff(*, now: dt.datetime, retention_days: int) -> dt.datetime:
    """A booking that ended before this moment is past its retention."""
    return now - dt.timedelta(days=retention_days)


def _candidate_ids(*, cutoff: dt.datetime, after_id: int, batch: int) -> list[int]:
    """The next ``batch`` applicants (by id) that may be due, read without locks.

    A superset: a booking created after the cutoff cannot have ended before it, and an
    active one protects its person; ``_erasable`` decides on the rest."""
    active = Booking.objects.filter(applicant=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    recent = Booking.objects.filter(applicant=OuterRef("pk"), created_at__gte=cutoff)
    return list(
        Applicant.objects.filter(id__gt=after_id, erased_at__isnull=True, updated_at__lt=cutoff)
        .exclude(Exists(active))
        .exclude(Exists(recent))
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )


def _ended_at(*, status: str, date: dt.date | None, changed: dt.datetime, timezone: str) -> dt.datetime:
    """The end of the office day on which a booking ended (see the module's docstring)."""
    zone = ZoneInfo(timezone)
    day = date if status in _ENDED_ON_SERVICE_DATE and date is not None else changed.astimezone(zone).date()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


def applicants_last_ended(*, applicant_ids: list[int]) -> dict[int, dt.datetime | None]:
    """When each applicant's last booking ended; ``None`` for one with an active booking.

    An applicant without bookings is left out (their ``updated_at`` decides)."""
    rows = list(
        Booking.objects.filter(applicant_id__in=applicant_ids).values_list(
            "id", "applicant_id", "status", "date", "updated_at", "office__timezone"
        )
    )
    undated = [row[0] for row in rows if row[2] not in _ENDED_ON_SERVICE_DATE or row[3] is None]
    # The last time each booking got the status it has now (its status log).
    changed = dict(
        BookingTransition.objects.filter(booking_id__in=undated, to_status=F("booking__status"))
        .order_by()
        .values("booking_id")
        .annotate(last=Max("at"))
        .values_list("booking_id", "last")
    )
    ends: dict[int, dt.datetime | None] = {}
    for booking_id, applicant_id, status, date, updated_at, timezone in rows:
        if status in ACTIVE_STATUSES or (applicant_id in ends and ends[applicant_id] is None):
            ends[applicant_id] = None
            continue
        # A booking without a status log entry (made before the log) ended when last written.
        end = _ended_at(status=status, date=date, changed=changed.get(booking_id, updated_at), timezone=timezone)
        ends[applicant_id] = max(end, ends.get(applicant_id) or end)
    return ends


def _erasable(applicant_ids: list[int], *, cutoff: dt.datetime) -> list[int]:
    """Of ``applicant_ids``, those whose data may go now: not erased yet, not refreshed
    since the cutoff, no active booking, and every booking ended before the cutoff."""
    refreshed = dict(
        Applicant.objects.filter(id__in=applicant_ids, erased_at__isnull=True).values_list("id", "updated_at")
    )
    ends = applicants_last_ended(applicant_ids=list(refreshed))
    due = []
    for applicant_id, updated_at in refreshed.items():
        if applicant_id in ends and ends[applicant_id] is None:
            continue
        if max(updated_at, ends.get(applicant_id) or updated_at) < cutoff:
            due.append(applicant_id)
    return sorted(due)


def _erase_batch(applicant_ids: list[int], *, cutoff: dt.datetime, now: dt.datetime, retention_days: int):
    """Erase those of ``applicant_ids`` still due, in one short transaction; their counts."""
    with transaction.atomic():
        # Locked in id order (no deadlock between two runs), then everything is checked
        # again: a booking made since the candidates were read holds the row until it
        # commits, and is seen here once it has.
        locked = list(
            Applicant.objects.select_for_update()
            .filter(id__in=applicant_ids, erased_at__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        due = _erasable(locked, cutoff=cutoff)
        if not due:
            return 0, 0, 0
        Applicant.objects.filter(id__in=due).update(
            nik_hash=Concat(Value(ERASED_HASH_PREFIX), Cast("id", CharField()), output_field=CharField()),
            nik_encrypted="",
            nik_masked="",
            full_name="",
            birth_date=None,
            sex="",
            phone="",
            email="",
            erased_at=now,
            erased_after_days=retention_days,
            updated_at=now,
        )
        # The priority group goes too: "disabled" and "pregnant" are health data, which
        # UU PDP counts as specific personal data, and nothing counts them afterwards.
        bookings = Booking.objects.filter(applicant_id__in=due).update(
            nik_hash="", token_encrypted="", priority_group=PriorityGroup.NONE
        )
        notifications, _detail = Notification.objects.filter(booking__applicant_id__in=due).delete()
    return len(due), bookings, notifications


def _answers_erase(*, batch: int, also: set[int], dry_run: bool) -> int:
    """Delete the stored ``Idempotency-Key`` answers that show a booking of an erased
    applicant (or, in a dry run, of one in ``also``). They are sealed, so each is opened;
    the hourly purge keeps the table to a day or so of answers."""
    found = 0
    for rows in stored_answers_in_batches(batch):
        shown = {}
        for row in rows:
            code = _answer_code(row.response_body)
            if code:
                shown.setdefault(code, []).append(row.id)
        owners = Booking.objects.filter(code__in=shown).values_list("code", "applicant_id", "applicant__erased_at")
        doomed = [key_id for code, owner, erased in owners if erased or owner in also for key_id in shown[code]]
        found += len(doomed)
        if doomed and not dry_run:
            IdempotencyKey.objects.filter(id__in=doomed).delete()
    return found


def _answer_code(body) -> str:
    """The booking code a stored answer shows ("" for one that cannot be opened). An
    error's machine code (``session_full``) is never a booking's: it matches nothing."""
    if not isinstance(body, dict) or not body.get("sealed"):
        return ""
    try:
        opened = stored_answer_open(body)
    except (InvalidToken, ValueError, TypeError):  # sealed with a retired key, or not JSON
        return ""
    code = opened.get("code") if isinstance(opened, dict) else None
    return code if isinstance(code, str) else ""


def applicant_erase_expired(
    *,
    now: dt.datetime,
    retention_days: int | None = None,
    batch: int = BATCH,
    dry_run: bool = False,
    progress: Callable[[ErasureReport], None] | None = None,
) -> ErasureReport:
    """Erase the personal data of every applicant whose bookings all ended more than
    ``retention_days`` (default ``PERSONAL_DATA_RETENTION_DAYS``) before ``now``.

    Idempotent, in short transactions of ``batch`` applicants, safe beside bookings and
    beside another run. With ``dry_run`` nothing is written and the counts say what
    would be erased. ``progress`` is called with the running counts after each batch.
    """
    days = settings.PERSONAL_DATA_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("the retention must be at least one day")
    cutoff = retention_cutoff(now=now, retention_days=days)
    report = ErasureReport(dry_run=dry_run)
    would_erase: set[int] = set()
    after_id = 0
    while candidates := _candidate_ids(cutoff=cutoff, after_id=after_id, batch=batch):
        after_id = candidates[-1]
        due = _erasable(candidates, cutoff=cutoff)
        if dry_run:
            would_erase.update(due)
            report.applicants += len(due)
            report.bookings += Booking.objects.filter(applicant_id__in=due).count()
            report.notifications += Notification.objects.filter(booking__applicant_id__in=due).count()
        elif due:
            applicants, bookings, notifications = _erase_batch(due, cutoff=cutoff, now=now, retention_days=days)
            report.applicants += applicants
            report.bookings += bookings
            report.notifications += notifications
        if progress is not None:
            progress(report)
    report.answers = _answers_erase(batch=batch, also=would_erase, dry_run=dry_run)
    logger.info(
        "personal data erased applicants=%s bookings=%s notifications=%s answers=%s dry_run=%s",
        report.applicants,
        report.bookings,
        report.notifications,
        report.answers,
        dry_run,
        extra={
            "event": "personal_data_erased",
            "applicants": report.applicants,
            "bookings": report.bookings,
            "notifications": report.notifications,
            "answers": report.answers,
            "dry_run": dry_run,
            "retention_days": days,
        },
    )
    return report
