"""Closing and reopening a date or a session, for one office or for every office.

Recording a closure marks the matching capacity rows closed (so nothing more can be
booked there: ``slot_take`` only takes from open rows) and makes availability show
``closed``. Bookings already on those rows are not moved here: the result names the
rows that hold bookings, and the rollover (a later issue) moves them after the
closure is recorded.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from offices import signals
from offices.cache import availability_invalidate_many
from offices.exceptions import ClosureNotAllowed
from offices.models import Closure, LiftedDayOff, Office, Slot
from offices.selectors.calendar import closure_lift_split
from offices.timeutils import office_today

# The westernmost zone is the last to reach a date, so a date before "today" there has
# passed in every office.
LATEST_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")
# National days off the holiday sync records; one an admin lifts stays lifted.
NATIONAL_DAYS_OFF = (Closure.Kind.NATIONAL_HOLIDAY, Closure.Kind.COLLECTIVE_LEAVE)
PAST_CLOSURE_STAYS = _("A closure in the past cannot be lifted.")


def _is_national_day_off(office: Office | None, start: dt.time | None, kind: str) -> bool:
    return office is None and start is None and kind in NATIONAL_DAYS_OFF


def closure_is_national_day_off(*, closure: Closure) -> bool:
    """A national holiday or cuti bersama of every office: lifting it is remembered
    (``LiftedDayOff``) so the holiday sync does not record it again."""
    return _is_national_day_off(closure.office, closure.start, closure.kind)


@dataclass
class ClosureResult:
    closure: Closure
    slot_ids: list[int] = field(default_factory=list)
    """Rows this closure closed (they were open before)."""
    booked_slot_ids: list[int] = field(default_factory=list)
    """Those among them with bookings: the ones the rollover must move."""
    booked_places: int = 0
    """Places taken in them: the bookings the rollover moves."""


@dataclass
class ClosureLiftResult:
    reopened_slot_ids: list[int] = field(default_factory=list)
    """Rows open again: capacity appeared there."""


def closure_earliest_date(*, office: Office | None, now: dt.datetime) -> dt.date:
    """The first date that may still be closed or reopened: today at the office (for a
    national closure, today in the westernmost zone, the last to reach a date)."""
    return office_today(office, now) if office is not None else now.astimezone(LATEST_ZONE).date()


def _scope(office_id: int | None, date: dt.date, start: dt.time | None):
    rows = Slot.objects.filter(date=date)
    if office_id is not None:
        rows = rows.filter(office_id=office_id)
    if start is not None:
        rows = rows.filter(start=start)
    return rows


def _lock_offices(office: Office | None) -> list[int]:
    """Lock the office row(s) so materialization cannot insert open rows meanwhile."""
    offices = Office.objects.select_for_update().order_by("id")
    if office is not None:
        offices = offices.filter(id=office.id)
    return list(offices.values_list("id", flat=True))


def closure_create(
    *,
    office: Office | None,
    date: dt.date,
    start: dt.time | None,
    kind: str,
    reason: str,
    reason_en: str = "",
    actor: AbstractBaseUser | None,
    now: dt.datetime,
) -> ClosureResult:
    """Close ``date`` (or only the session starting at ``start``) at ``office``, or at
    every office when ``office`` is None. Today may be closed (an outage); the past not.

    ``reason_en`` is a national day off's English name: the holiday sync's, or the one
    the admin's form finds for a reason typed as a day off's official name
    (``day_off_name_en``), or one typed beside it; without one the reason is shown as typed.
    """
    if date < closure_earliest_date(office=office, now=now):
        raise ClosureNotAllowed()
    reason = (reason or "").strip()[:200] or str(Closure.Kind(kind).label)
    reason_en = (reason_en or "").strip()[:200]
    with transaction.atomic():
        office_ids = _lock_offices(office)
        closure = Closure.objects.create(
            office=office, date=date, start=start, kind=kind, reason=reason, reason_en=reason_en, created_by=actor
        )
        if _is_national_day_off(office, start, kind):
            LiftedDayOff.objects.filter(date=date, kind=kind).delete()  # recorded again: the sync may keep it
        rows = _scope(office.id if office else None, date, start).filter(closed=False)
        affected = list(rows.values_list("id", "booked"))
        ids = [slot_id for slot_id, _ in affected]
        Slot.objects.filter(id__in=ids).update(closed=True, closed_reason=reason)
        availability_invalidate_many(office_dates=[(office_id, date) for office_id in office_ids], slot_ids=ids)
        # the bookings on these rows move to the next sessions with room.
        signals.sessions_closed.send(
            sender=Slot,
            slot_ids=[slot_id for slot_id, booked in affected if booked > 0],
            date=date,
            start=start,
            actor_id=actor.pk if actor is not None else None,
        )
    return ClosureResult(
        closure=closure,
        slot_ids=ids,
        booked_slot_ids=[slot_id for slot_id, booked in affected if booked > 0],
        booked_places=sum(booked for _slot_id, booked in affected),
    )


def closure_can_be_lifted(*, closure: Closure, now: dt.datetime) -> bool:
    """Whether ``closure_lift`` would lift it: a closure of a past date stays."""
    return closure.date >= closure_earliest_date(office=closure.office, now=now)


def closure_lift(*, closure: Closure, actor: AbstractBaseUser | None, now: dt.datetime) -> ClosureLiftResult:
    """Remove a closure and reopen the rows no other closure still covers."""
    if not closure_can_be_lifted(closure=closure, now=now):
        raise ClosureNotAllowed(PAST_CLOSURE_STAYS)
    with transaction.atomic():
        office_ids = _lock_offices(closure.office)
        closure.delete()
        if closure_is_national_day_off(closure=closure):
            LiftedDayOff.objects.get_or_create(date=closure.date, kind=closure.kind, defaults={"lifted_by": actor})
        split = closure_lift_split(office_id=closure.office_id, date=closure.date, start=closure.start)
        reopen = [slot_id for slot_id, _, _ in split.reopen]
        Slot.objects.filter(id__in=reopen).update(closed=False, closed_reason="")
        # room appeared, waiting requests may have it.
        signals.capacity_appeared.send(sender=Slot, office_ids={office_id for _, office_id, _ in split.reopen})
        for name, rows in split.still_closed.items():
            Slot.objects.filter(id__in=[slot_id for slot_id, _, _ in rows]).update(closed_reason=name.reason)
        availability_invalidate_many(
            office_dates=[(office_id, closure.date) for office_id in office_ids], slot_ids=reopen
        )
    return ClosureLiftResult(reopened_slot_ids=reopen)
