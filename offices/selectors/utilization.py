"""Utilization: how much of the offered capacity is booked, per office and per day.

Central admins compare offices across the country; supervisors see their own. Closed
sessions offer nothing and count for neither side.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from offices.models import Slot


@dataclass(frozen=True)
class Utilization:
    key: str
    label: str
    capacity: int
    booked: int

    @property
    def percent(self) -> int:
        return round(100 * self.booked / self.capacity) if self.capacity else 0


def _open_slots(*, office_ids: Iterable[int] | None, start: dt.date, days: int):
    rows = Slot.objects.filter(date__gte=start, date__lt=start + dt.timedelta(days=days), closed=False)
    return rows if office_ids is None else rows.filter(office_id__in=list(office_ids))


def utilization_by_office(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> list[Utilization]:
    """Per office over ``days`` days from ``start``, fullest first (``None``: every office)."""
    rows = (
        _open_slots(office_ids=office_ids, start=start, days=days)
        .values("office__code", "office__name")
        .annotate(capacity=Sum("capacity"), booked=Sum("booked"))
    )
    result = [Utilization(r["office__code"], r["office__name"], r["capacity"] or 0, r["booked"] or 0) for r in rows]
    return sorted(result, key=lambda u: (-u.percent, -u.booked, u.label))


def utilization_by_day(*, office_ids: Iterable[int] | None, start: dt.date, days: int) -> list[Utilization]:
    """Per date over ``days`` days from ``start``, in date order; dates with no open session are left out."""
    rows = (
        _open_slots(office_ids=office_ids, start=start, days=days)
        .values("date")
        .annotate(capacity=Sum("capacity"), booked=Sum("booked"))
        .order_by("date")
    )
    return [Utilization(r["date"].isoformat(), r["date"], r["capacity"] or 0, r["booked"] or 0) for r in rows]
