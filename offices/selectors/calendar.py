"""What an office's days look like on paper: sessions (weekly or overridden) and closures.

Reads only. Materialization and the availability read both use these, so "which
sessions does this date have" and "is this session closed" are answered in one place.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, Sum
from django.utils.dates import WEEKDAYS

from offices.models import Closure, DateOverride, SessionTemplate, Slot, Track, closure_reason_shown

TRACKS: tuple[str, ...] = tuple(Track.values)


@dataclass(frozen=True)
class SessionSpec:
    """One session of a date, with its capacity per track."""

    start: dt.time
    end: dt.time
    regular: int
    express: int
    priority: int

    def capacity_for(self, track: str) -> int:
        return getattr(self, track)

    @classmethod
    def from_row(cls, row: SessionTemplate | DateOverride) -> "SessionSpec":
        return cls(row.start, row.end, row.capacity_regular, row.capacity_express, row.capacity_priority)


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def sessions_by_date(
    *, office_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], list[SessionSpec]]:
    """The sessions of each office on each date from ``start`` to ``end`` inclusive.

    A date with any override uses only its overrides; other dates use the weekly
    templates of their weekday. Dates without sessions are absent. Two queries in all.
    """
    office_ids = list(office_ids)
    weekly: dict[tuple[int, int], list[SessionSpec]] = defaultdict(list)
    for row in SessionTemplate.objects.filter(office_id__in=office_ids).order_by("start"):
        weekly[(row.office_id, row.weekday)].append(SessionSpec.from_row(row))
    overridden: dict[tuple[int, dt.date], list[SessionSpec]] = defaultdict(list)
    for row in DateOverride.objects.filter(office_id__in=office_ids, date__range=(start, end)).order_by("start"):
        overridden[(row.office_id, row.date)].append(SessionSpec.from_row(row))

    result: dict[tuple[int, dt.date], list[SessionSpec]] = {}
    for office_id in office_ids:
        for date in _dates(start, end):
            sessions = overridden.get((office_id, date)) or weekly.get((office_id, date.weekday()))
            if sessions:
                result[(office_id, date)] = sessions
    return result


class ClosureName(NamedTuple):
    """A closure's reason as recorded, and a national day off's English name beside it."""

    reason: str
    reason_en: str = ""

    @property
    def shown(self) -> str:
        """In the reader's language (``closure_reason_shown``)."""
        return closure_reason_shown(self.reason, self.reason_en)


class ClosureIndex:
    """Closures of some offices over some dates, national ones included, for look-ups."""

    def __init__(self, closures: Iterable[Closure]):
        self._whole_day: dict[tuple[int | None, dt.date], ClosureName] = {}
        self._sessions: dict[tuple[int | None, dt.date, dt.time], ClosureName] = {}
        # Oldest first, so the first closure recorded gives the reason shown.
        for closure in sorted(closures, key=lambda c: (c.created_at or dt.datetime.min.replace(tzinfo=dt.UTC), c.pk)):
            name = ClosureName(closure.reason, closure.reason_en)
            if closure.start is None:
                self._whole_day.setdefault((closure.office_id, closure.date), name)
            else:
                self._sessions.setdefault((closure.office_id, closure.date, closure.start), name)

    @classmethod
    def load(
        cls, *, office_ids: Iterable[int] | None, dates: Iterable[dt.date], excluding_ids: Iterable[int] = ()
    ) -> "ClosureIndex":
        """``office_ids=None`` loads closures of every office; ``excluding_ids`` leaves some out."""
        dates = list(dates)
        if not dates:
            return cls([])
        # Unordered: __init__ sorts them, and compiling Meta.ordering costs more than the query.
        queryset = Closure.objects.filter(date__range=(min(dates), max(dates))).order_by()
        if office_ids is not None:
            queryset = queryset.filter(Q(office__isnull=True) | Q(office_id__in=list(office_ids)))
        if excluding_ids := list(excluding_ids):
            queryset = queryset.exclude(pk__in=excluding_ids)
        return cls(queryset)

    def day_name(self, office_id: int, date: dt.date) -> ClosureName | None:
        """Why the whole day is closed, or ``None``."""
        return self._whole_day.get((office_id, date)) or self._whole_day.get((None, date))

    def session_name(self, office_id: int, date: dt.date, start: dt.time) -> ClosureName | None:
        """Why this session is closed (whole day or the session), or ``None``."""
        return (
            self.day_name(office_id, date)
            or self._sessions.get((office_id, date, start))
            or self._sessions.get((None, date, start))
        )

    def day_reason(self, office_id: int, date: dt.date) -> str | None:
        """The reason the whole day is closed, as recorded, or ``None``."""
        name = self.day_name(office_id, date)
        return name.reason if name else None

    def session_reason(self, office_id: int, date: dt.date, start: dt.time) -> str | None:
        """The reason this session is closed (whole day or the session), as recorded
        (what a closed row keeps), or ``None``."""
        name = self.session_name(office_id, date, start)
        return name.reason if name else None


def slot_closure_name(slot: Slot) -> ClosureName:
    """Why a closed row is closed: its reason as the row keeps it, with the English name
    of a national day off that closed it with that reason."""
    english = (
        Closure.objects.filter(Q(office_id=slot.office_id) | Q(office__isnull=True), date=slot.date)
        .filter(reason=slot.closed_reason)
        .exclude(reason_en="")
        .values_list("reason_en", flat=True)
        .first()
    )
    return ClosureName(slot.closed_reason, english or "")


def sessions_counted(slot_ids: Iterable[int]) -> int:
    """How many sessions the rows ``slot_ids`` are, as staff count them: one for each
    office, date and start, whatever the tracks it has a row for."""
    return Slot.objects.filter(id__in=list(slot_ids)).values("office_id", "date", "start").distinct().count()


def closures_in_range(*, office_ids: Iterable[int] | None, start: dt.date, end: dt.date):
    """Closures over a date range, national ones included (``office_ids=None``: all)."""
    queryset = Closure.objects.filter(date__range=(start, end)).select_related("office")
    if office_ids is not None:
        queryset = queryset.filter(Q(office__isnull=True) | Q(office_id__in=list(office_ids)))
    return queryset.order_by("date", "start")


@dataclass(frozen=True)
class ClosurePreview:
    """What a closure would do, before it is recorded."""

    booked_places: int
    """Places booked on the open sessions it would close: the bookings it would move."""
    session_starts: tuple[dt.time, ...]
    """The session starts of the office that day (plan and existing rows), sorted."""


def closure_preview(*, office_id: int | None, date: dt.date, start: dt.time | None) -> ClosurePreview:
    """The bookings a closure of ``date`` (or only of the session at ``start``) at one
    office, or at every office (``office_id=None``), would move, and the office's sessions
    that day (empty for every office)."""
    rows = Slot.objects.filter(date=date, closed=False)
    if office_id is not None:
        rows = rows.filter(office_id=office_id)
    if start is not None:
        rows = rows.filter(start=start)
    booked = rows.aggregate(total=Sum("booked"))["total"] or 0
    starts: set[dt.time] = set()
    if office_id is not None:
        plan = sessions_by_date(office_ids=[office_id], start=date, end=date)
        starts |= {spec.start for spec in plan.get((office_id, date), ())}
        starts |= set(Slot.objects.filter(office_id=office_id, date=date).values_list("start", flat=True))
    return ClosurePreview(booked_places=booked, session_starts=tuple(sorted(starts)))


SlotRow = tuple[int, int, dt.time]
"""A capacity row as the lift sees it: (slot id, office id, session start)."""


@dataclass(frozen=True)
class ClosureLiftSplit:
    """The closed rows a closure covers, as lifting it leaves them."""

    reopen: tuple[SlotRow, ...]
    """Rows no other closure covers: lifting opens them."""
    still_closed: dict[ClosureName, tuple[SlotRow, ...]]
    """Rows another closure still covers, by that closure's reason: they stay closed."""


def closure_lift_split(
    *, office_id: int | None, date: dt.date, start: dt.time | None, excluding_ids: Iterable[int] = ()
) -> ClosureLiftSplit:
    """Which closed rows of a closure (of ``date``, or of its session at ``start``, at one
    office or at every office for ``office_id=None``) reopen when it is lifted.

    ``closure_lift`` calls it once the closure is gone; the admin calls it beforehand, to
    say what a lift would do, leaving out with ``excluding_ids`` that closure and any
    lifted together with it.
    """
    rows = Slot.objects.filter(date=date, closed=True)
    if office_id is not None:
        rows = rows.filter(office_id=office_id)
    if start is not None:
        rows = rows.filter(start=start)
    rows = list(rows.values_list("id", "office_id", "start"))
    remaining = ClosureIndex.load(
        office_ids={row_office for _, row_office, _ in rows}, dates=[date], excluding_ids=excluding_ids
    )
    reopen: list[SlotRow] = []
    still_closed: dict[ClosureName, list[SlotRow]] = {}
    for row in rows:
        name = remaining.session_name(row[1], date, row[2])
        if name is None:
            reopen.append(row)
        else:
            still_closed.setdefault(name, []).append(row)
    return ClosureLiftSplit(
        reopen=tuple(reopen), still_closed={name: tuple(held) for name, held in still_closed.items()}
    )


@dataclass(frozen=True)
class WeekdayQuota:
    """An office's places per track on one weekday of its weekly plan."""

    weekday: int  # 0 = Monday
    sessions: int
    regular: int
    express: int
    priority: int

    @property
    def total(self) -> int:
        return self.regular + self.express + self.priority

    @property
    def name(self) -> str:
        return WEEKDAYS[self.weekday]

    def places(self) -> dict[str, int]:
        return {"regular": self.regular, "express": self.express, "priority": self.priority}


def office_weekday_quotas(*, office_ids: Iterable[int]) -> dict[int, list[WeekdayQuota]]:
    """Each office's places per track on each weekday that has weekly sessions, Monday
    first (an empty list for an office without weekly sessions). Weekdays may differ: a
    shorter Friday has fewer sessions and places."""
    office_ids = list(office_ids)
    totals: dict[int, dict[int, list[int]]] = {}
    rows = SessionTemplate.objects.filter(office_id__in=office_ids).values_list(
        "office_id", "weekday", "capacity_regular", "capacity_express", "capacity_priority"
    )
    for office_id, weekday, regular, express, priority in rows:
        day = totals.setdefault(office_id, {}).setdefault(weekday, [0, 0, 0, 0])
        day[0] += 1
        day[1] += regular
        day[2] += express
        day[3] += priority
    return {
        office_id: [WeekdayQuota(weekday, *totals[office_id][weekday]) for weekday in sorted(totals.get(office_id, {}))]
        for office_id in office_ids
    }


def busiest_weekday(days: Iterable[WeekdayQuota]) -> WeekdayQuota | None:
    """The weekday with the most places (the earliest of equals); None without sessions."""
    return max(days, key=lambda day: (day.total, day.regular), default=None)


def office_daily_quotas(*, office_ids: Iterable[int]) -> dict[int, dict[str, int] | None]:
    """Each office's places per track on its busiest weekday (``None`` for an office
    without weekly sessions)."""
    quotas: dict[int, dict[str, int] | None] = {}
    for office_id, days in office_weekday_quotas(office_ids=office_ids).items():
        busiest = busiest_weekday(days)
        quotas[office_id] = busiest.places() if busiest else None
    return quotas
