"""Utilization: how much of the offered capacity is booked, per office and per day.

Central admins compare offices across the country; supervisors see their own. Closed
sessions offer nothing and count for neither side.

Beside the share of every place, each row has the share of the places applicants can book
online (``online_tracks``). Priority places are kept for people served at the office, so a
day whose online places are all taken can stand at 90 %: its calendar says "full" while the
share of every place does not.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, Sum

from offices.models import Slot
from offices.selectors.availability import online_tracks


@dataclass(frozen=True)
class Utilization:
    key: str
    label: str
    capacity: int
    booked: int
    online_capacity: int = 0
    online_booked: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.booked / self.capacity) if self.capacity else 0

    @property
    def online_percent(self) -> int:
        return round(100 * self.online_booked / self.online_capacity) if self.online_capacity else 0

    @property
    def online_full(self) -> bool:
        """No place left that an applicant could book online (while others may be left)."""
        return self.online_capacity > 0 and self.online_booked >= self.online_capacity


def _open_slots(*, office_ids: Iterable[int] | None, start: dt.date, days: int):
    rows = Slot.objects.filter(date__gte=start, date__lt=start + dt.timedelta(days=days), closed=False)
    return rows if office_ids is None else rows.filter(office_id__in=list(office_ids))


def _sums() -> dict:
    # Not named after the columns: an annotation called "capacity" would stand for the
    # column in the sums after it.
    online = Q(track__in=online_tracks())
    return {
        "places": Sum("capacity"),
        "taken": Sum("booked"),
        "online_places": Sum("capacity", filter=online),
        "online_taken": Sum("booked", filter=online),
    }


def _utilization(key: str, label, row: dict) -> Utilization:
    return Utilization(
        key,
        label,
        row["places"] or 0,
        row["taken"] or 0,
        row["online_places"] or 0,
        row["online_taken"] or 0,
    )


def utilization_by_office(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> list[Utilization]:
    """Per office over ``days`` days from ``start``, fullest first (``None``: every office)."""
    rows = (
        _open_slots(office_ids=office_ids, start=start, days=days)
        .values("office__code", "office__name")
        .annotate(**_sums())
    )
    result = [_utilization(r["office__code"], r["office__name"], r) for r in rows]
    return sorted(result, key=lambda u: (-u.percent, -u.booked, u.label))


def utilization_by_day(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> list[Utilization]:
    """Per date over ``days`` days from ``start``, in date order; dates with no open session are left out."""
    rows = (
        _open_slots(office_ids=office_ids, start=start, days=days).values("date").annotate(**_sums()).order_by("date")
    )
    return [_utilization(r["date"].isoformat(), r["date"], r) for r in rows]
