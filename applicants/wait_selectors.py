"""How long people waited: from check-in to being called, measured in the database.

The one rule for a measured wait lives here (``MEASURED`` and ``WAIT``), for the
supervisor's today page (per session) and the waits history (per day, per office).
Two numbers describe the waits of a group: the average, and the wait that 9 in 10
people did not exceed (the 90th percentile, nearest rank: the smallest measured wait
with at least 90% of the waits at or below it, so it is always a wait someone had).
An average hides a queue that is long for some: ten people called at once after one
slow counter bring it down while the last of them waited an hour.

Both numbers are aggregated by the database over the bookings asked (``GROUP BY`` and
a window function), the same SQL on SQLite and PostgreSQL; no booking is loaded into
Python.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from applicants.models import CALLED_OR_SERVED, Booking, BookingStatus

# A wait is measured once a counter called the person, from their check-in (the queue's
# start for them) to that call. A person who missed a call and was called again waited
# until the later call. Served on paper has no check-in time and is not measured.
MEASURED = Q(checked_in_at__isnull=False, called_at__isnull=False, called_at__gte=F("checked_in_at"))
WAIT = ExpressionWrapper(F("called_at") - F("checked_in_at"), output_field=DurationField())

# Bookings that were expected at the office that day (not cancelled or moved away).
EXPECTED = (
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.CALLED,
    BookingStatus.SERVED,
    BookingStatus.NO_SHOW,
)


@dataclass(frozen=True)
class WaitStats:
    """The waits of one group: ``None`` minutes when nobody in it was called."""

    measured: int = 0
    served: int = 0
    average_minutes: int | None = None
    p90_minutes: int | None = None


def _minutes(value: dt.timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds() / 60)


def wait_stats(bookings: QuerySet[Booking], *, by: Sequence[str] = ()) -> dict[tuple, WaitStats]:
    """The waits of ``bookings`` per group of the ``by`` fields (keys: tuples of their
    values in that order; ``()`` for all of them as one group). Groups of bookings with no
    measured wait are in the answer too, with ``None`` minutes. Two queries."""
    by = list(by)
    aggregates = {
        "measured": Count("id", filter=MEASURED),
        "served": Count("id", filter=Q(status=BookingStatus.SERVED)),
        "average": Avg(WAIT, filter=MEASURED),
    }
    totals = bookings.values(*by).annotate(**aggregates) if by else [bookings.aggregate(**aggregates)]
    # Nearest rank: the k-th shortest wait of n, k = ceil(9n / 10), in integer arithmetic
    # (both databases divide integers to an integer).
    ranked = (
        bookings.filter(MEASURED)
        .annotate(
            wait=WAIT,
            rank=Window(RowNumber(), partition_by=[F(f) for f in by] or None, order_by=[WAIT.asc(), F("id").asc()]),
            group_size=Window(Count("id"), partition_by=[F(f) for f in by] or None),
        )
        .filter(rank=(F("group_size") * 9 + 9) / 10)
        .values(*by, "wait")
    )
    p90 = {tuple(row[f] for f in by): row["wait"] for row in ranked}
    result = {}
    for row in totals:
        key = tuple(row[f] for f in by)
        result[key] = WaitStats(
            measured=row["measured"] or 0,
            served=row["served"] or 0,
            average_minutes=_minutes(row["average"]),
            p90_minutes=_minutes(p90.get(key)),
        )
    return result


@dataclass(frozen=True)
class WaitRow:
    """One bar group of the waits history: a day or an office."""

    key: str
    label: object
    stats: WaitStats


def _period(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> QuerySet[Booking]:
    # Only the bookings that count (a measured wait needs a call; served is counted with
    # or without one), by the condition of the partial index ``booking_called_day``: the
    # database uses it instead of reading every booking of the period. A day on which
    # nobody was called or served is therefore not in the history.
    rows = Booking.objects.filter(
        CALLED_OR_SERVED, date__gte=start, date__lt=start + dt.timedelta(days=days), status__in=EXPECTED
    ).order_by()
    return rows if office_ids is None else rows.filter(office_id__in=list(office_ids))


def waits_by_day(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> list[WaitRow]:
    """Per date over ``days`` days from ``start``, in date order (``None``: every office);
    dates on which nobody was called or served are left out."""
    stats = wait_stats(_period(office_ids=office_ids, start=start, days=days), by=("date",))
    return [WaitRow(date.isoformat(), date, stats[(date,)]) for (date,) in sorted(stats)]


def waits_by_office(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> list[WaitRow]:
    """Per office over the period, slowest first (the longest wait of 9 in 10, then the
    average); offices where no one was called come last."""
    stats = wait_stats(_period(office_ids=office_ids, start=start, days=days), by=("office__code", "office__name"))
    rows = [WaitRow(code, name, s) for (code, name), s in stats.items()]
    return sorted(
        rows,
        key=lambda r: (
            r.stats.p90_minutes is None,
            -(r.stats.p90_minutes or 0),
            -(r.stats.average_minutes or 0),
            str(r.label),
        ),
    )


def waits_total(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> WaitStats:
    """The whole period as one group."""
    return wait_stats(_period(office_ids=office_ids, start=start, days=days))[()]
