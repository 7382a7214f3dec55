"""Capacity rows for the booking window, and the release of dates (DESIGN rule 3).

Materialization only ever inserts missing rows: a row that exists (with bookings or a
capacity a supervisor set for that one day) is never changed here. Pushing a changed
weekly plan onto existing rows is ``offices.services.quotas.office_slots_resync``.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from offices.cache import availability_invalidate_many
from offices.models import Office, Slot
from offices.selectors.calendar import TRACKS, ClosureIndex, sessions_by_date
from offices.selectors.release import office_materialize_range, office_release_window
from offices.services.capacity import slot_reserve_for

# Offices handled per transaction: bounds memory and lock time on the periodic run.
CHUNK = 40


@dataclass
class MaterializeResult:
    created: int = 0
    office_dates: set[tuple[int, dt.date]] = field(default_factory=set)


@dataclass
class ReleaseReport:
    """What a release run did.

    ``released`` lists the (office id, date) pairs that became bookable since the last
    run: capacity appeared there, so the rollover allocation (a later issue) acts on
    exactly these. Each pair is reported by one run only, even with several workers.
    """

    offices: int = 0
    slots_created: int = 0
    released: list[tuple[int, dt.date]] = field(default_factory=list)


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def slots_materialize(*, office_ranges: Iterable[tuple[Office, dt.date, dt.date]]) -> MaterializeResult:
    """Create the missing capacity rows of each office over its date range (inclusive).

    Idempotent, and never touches an existing row. Rows on a closed date or session
    are created closed, with the closure's reason. Zero-capacity tracks get no row.
    The office rows are locked first, so a closure recorded at the same moment cannot
    slip between reading the closures and inserting open rows.
    """
    result = MaterializeResult()
    office_ranges = [(o, s, e) for o, s, e in office_ranges if s <= e]
    for n in range(0, len(office_ranges), CHUNK):
        chunk = office_ranges[n : n + CHUNK]
        with transaction.atomic():
            _materialize_chunk(chunk, result)
    return result


def _materialize_chunk(chunk: list[tuple[Office, dt.date, dt.date]], result: MaterializeResult) -> None:
    office_ids = sorted(o.id for o, _, _ in chunk)
    list(Office.objects.select_for_update().filter(id__in=office_ids).order_by("id").values_list("id"))
    low, high = min(s for _, s, _ in chunk), max(e for _, _, e in chunk)
    sessions = sessions_by_date(office_ids=office_ids, start=low, end=high)
    closures = ClosureIndex.load(office_ids=office_ids, dates=[low, high])
    existing = set(
        Slot.objects.filter(office_id__in=office_ids, date__range=(low, high)).values_list(
            "office_id", "date", "start", "track"
        )
    )
    new_rows = []
    for office, start, end in chunk:
        for date in _dates(start, end):
            for spec in sessions.get((office.id, date), ()):
                reason = closures.session_reason(office.id, date, spec.start)
                for track in TRACKS:
                    capacity = spec.capacity_for(track)
                    if capacity <= 0 or (office.id, date, spec.start, track) in existing:
                        continue
                    new_rows.append(
                        Slot(
                            office_id=office.id,
                            date=date,
                            start=spec.start,
                            end=spec.end,
                            track=track,
                            capacity=capacity,
                            reserved=slot_reserve_for(capacity),
                            closed=reason is not None,
                            closed_reason=reason or "",
                        )
                    )
    # ignore_conflicts: a concurrent run that inserted the same row first is fine.
    Slot.objects.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
    result.created += len(new_rows)
    touched = {(row.office_id, row.date) for row in new_rows}
    result.office_dates |= touched
    availability_invalidate_many(office_dates=touched)


def _advance_released_through(office: Office, first: dt.date, last: dt.date) -> list[dt.date]:
    """Move ``released_through`` to ``last``; return the dates this call newly released.

    The conditional UPDATE is the claim: when two workers race, one sees its row count
    as 1 and reports the dates, the other sees 0 and reports nothing.
    """
    old = office.released_through
    if old == last:
        return []
    claimed = Office.objects.filter(id=office.id, released_through=old).update(released_through=last)
    office.released_through = last
    if claimed != 1 or last < first:
        return []
    start = first if old is None else max(first, old + dt.timedelta(days=1))
    return _dates(start, last) if start <= last else []


def offices_release(*, now: dt.datetime, offices: Iterable[Office] | None = None) -> ReleaseReport:
    """Materialize every active office's window and report newly released dates.

    Safe to run as often as wanted (the beat runs it every few minutes): each office's
    window is computed in its own zone at ``now``, rows already there are left alone,
    and each released date is reported once.
    """
    if offices is None:
        offices = Office.objects.filter(is_active=True).order_by("id")
    offices = list(offices)
    ranges = [(office, *office_materialize_range(office=office, now=now)) for office in offices]
    materialized = slots_materialize(office_ranges=ranges)
    report = ReleaseReport(offices=len(offices), slots_created=materialized.created)
    for office in offices:
        first, last = office_release_window(office=office, now=now)
        report.released += [(office.id, date) for date in _advance_released_through(office, first, last)]
    return report


def office_release(*, office: Office, now: dt.datetime) -> ReleaseReport:
    """``offices_release`` for one office (after its settings or sessions changed)."""
    return offices_release(now=now, offices=[office])
