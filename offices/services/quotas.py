"""Changing how much room there is: one row's capacity, or an office's weekly plan.

DESIGN rule 1: nothing may lower a capacity below what is already booked. Lowering
refuses (one row: ``CapacityBelowBooked``) or, when a whole plan is pushed onto many
rows, lowers a row that holds more bookings than the plan gives only down to its
bookings, so it takes no new ones, and reports it, so a supervisor can move the
excess explicitly. The CHECK constraint ``booked <= capacity`` is the backstop.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, ProtectedError

from offices import signals
from offices.cache import availability_invalidate, availability_invalidate_many
from offices.exceptions import CapacityBelowBooked, InvalidQuota
from offices.models import MAX_PLACES, Office, SessionTemplate, Slot
from offices.selectors.calendar import TRACKS, ClosureIndex, sessions_by_date
from offices.selectors.release import office_materialize_range
from offices.services.capacity import slot_reserve_for
from offices.timeutils import office_today

# The weekly plan load_demo and "set a daily quota" give an office that has none.
DEFAULT_SESSIONS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 0), dt.time(10, 0)),
    (dt.time(10, 0), dt.time(12, 0)),
    (dt.time(13, 0), dt.time(15, 0)),
)
DEFAULT_WEEKDAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class CapacityChange:
    slot: Slot
    old: int
    new: int

    @property
    def raised(self) -> bool:
        """Room appeared: waiting requests may now be allocated here."""
        return self.new > self.old


@dataclass(frozen=True)
class SlotConflict:
    """A row the new plan could not be applied to, because of its bookings."""

    slot_id: int
    date: dt.date
    start: dt.time
    track: str
    booked: int
    wanted: int  # the capacity the plan asked for (0: the session is gone)
    # The row now holds exactly ``booked`` places: it takes no new bookings, and the
    # ``booked - wanted`` excess stays until someone moves it.


@dataclass
class ResyncResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    conflicts: list[SlotConflict] = field(default_factory=list)
    raised_slot_ids: list[int] = field(default_factory=list)
    """Rows whose capacity went up (capacity appeared there)."""


def slot_set_capacity(*, slot: Slot, capacity: int, actor: AbstractBaseUser | None, now: dt.datetime) -> CapacityChange:
    """Set one row's capacity. Refuses to go below what is booked on it, or above
    ``MAX_PLACES``."""
    if not 0 <= capacity <= MAX_PLACES:
        raise InvalidQuota()
    with transaction.atomic():
        # The lock holds bookings off between reading ``booked`` and writing.
        locked = Slot.objects.select_for_update().get(pk=slot.pk)
        if capacity < locked.booked:
            raise CapacityBelowBooked(booked=locked.booked)
        Slot.objects.filter(pk=slot.pk).update(capacity=capacity, planned_capacity=None)
        availability_invalidate(office_id=locked.office_id, date=locked.date, slot_ids=(locked.pk,))
        if capacity > locked.capacity:
            # room appeared, waiting requests may have it.
            signals.capacity_appeared.send(sender=Slot, office_ids=[locked.office_id])
    old = locked.capacity
    slot.capacity, slot.booked = capacity, locked.booked
    return CapacityChange(slot=slot, old=old, new=capacity)


def split_quota(total: int, parts: int) -> list[int]:
    """``total`` places over ``parts`` sessions as evenly as possible, earlier ones first."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def office_set_daily_quota(
    *, office: Office, regular: int, express: int, priority: int, actor: AbstractBaseUser | None, now: dt.datetime
) -> ResyncResult:
    """Give every service day of ``office`` these places per track, spread over its sessions.

    Weekdays that have sessions keep them (only capacities change); an office with no
    weekly sessions gets the default Monday-Friday plan. The plan is then pushed onto
    future rows with ``office_slots_resync`` (rows that would go below booked are
    left and reported).
    """
    totals = {"regular": regular, "express": express, "priority": priority}
    if any(not isinstance(v, int) or not 0 <= v <= MAX_PLACES for v in totals.values()):
        raise InvalidQuota()
    with transaction.atomic():
        templates = list(SessionTemplate.objects.select_for_update().filter(office=office).order_by("weekday", "start"))
        if not templates:
            templates = [
                SessionTemplate(office=office, weekday=weekday, start=start, end=end)
                for weekday in DEFAULT_WEEKDAYS
                for start, end in DEFAULT_SESSIONS
            ]
        by_weekday: dict[int, list[SessionTemplate]] = {}
        for template in templates:
            by_weekday.setdefault(template.weekday, []).append(template)
        for day_templates in by_weekday.values():
            for track, total in totals.items():
                for template, places in zip(day_templates, split_quota(total, len(day_templates)), strict=True):
                    setattr(template, f"capacity_{track}", places)
        fields = ["capacity_regular", "capacity_express", "capacity_priority"]
        SessionTemplate.objects.bulk_update([t for t in templates if t.pk], fields)
        SessionTemplate.objects.bulk_create([t for t in templates if not t.pk])
        return office_slots_resync(office=office, now=now)


def office_slots_resync(*, office: Office, now: dt.datetime) -> ResyncResult:
    """Make the office's future rows (from tomorrow, office-local) follow its plan.

    For each date the plan is its overrides, or else its weekly sessions. Rows the plan
    lacks are created; rows whose capacity or end differs are updated; rows the plan no
    longer has are removed if nothing is booked on them. A row with more bookings than
    the plan gives it (0 for a removed session) is lowered to its bookings, never
    below, so it takes no new ones, and is reported in ``conflicts``: keeping its old
    capacity would go on selling places the supervisor took away (and a session moved
    to another time would count twice on dates that hold bookings). Closed rows stay
    closed. Today and the past are never touched: they are being served.
    """
    result = ResyncResult()
    first = office_today(office, now) + dt.timedelta(days=1)
    last = office_materialize_range(office=office, now=now)[1]
    with transaction.atomic():
        list(Office.objects.select_for_update().filter(id=office.id).values_list("id"))
        latest = Slot.objects.filter(office=office, date__gte=first).order_by("-date").values_list("date", flat=True)
        last = max(last, latest.first() or last)
        plan = sessions_by_date(office_ids=[office.id], start=first, end=last)
        closures = ClosureIndex.load(office_ids=[office.id], dates=[first, last])
        rows = {
            (row.date, row.start, row.track): row
            for row in Slot.objects.filter(office=office, date__range=(first, last)).order_by("id")
        }
        wanted: dict[tuple[dt.date, dt.time, str], tuple[dt.time, int]] = {}
        for (_, date), specs in plan.items():
            for spec in specs:
                for track in TRACKS:
                    if spec.capacity_for(track) > 0:
                        wanted[(date, spec.start, track)] = (spec.end, spec.capacity_for(track))
        touched: set[dt.date] = set()
        _create_missing(office, wanted, rows, closures, result, touched)
        _update_changed(wanted, rows, result, touched)
        _remove_dropped(wanted, rows, result, touched)
        availability_invalidate_many(
            office_dates=[(office.id, date) for date in touched],
            slot_ids=[row.id for row in rows.values() if row.date in touched],
        )
        if result.created or result.raised_slot_ids:
            # room appeared, waiting requests may have it.
            signals.capacity_appeared.send(sender=Slot, office_ids=[office.id])
    return result


def _create_missing(office, wanted, rows, closures: ClosureIndex, result: ResyncResult, touched: set) -> None:
    new_rows = []
    for (date, start, track), (end, capacity) in wanted.items():
        if (date, start, track) in rows:
            continue
        reason = closures.session_reason(office.id, date, start)
        new_rows.append(
            Slot(
                office=office,
                date=date,
                start=start,
                end=end,
                track=track,
                capacity=capacity,
                reserved=slot_reserve_for(capacity),
                closed=reason is not None,
                closed_reason=reason or "",
            )
        )
        touched.add(date)
    Slot.objects.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
    result.created += len(new_rows)


def _update_changed(wanted, rows, result: ResyncResult, touched: set) -> None:
    # Grouped by target values: a weekly change hits many rows with the same numbers.
    groups: dict[tuple[dt.time, int], list[Slot]] = {}
    for key, (end, capacity) in wanted.items():
        row = rows.get(key)
        # A row still following its bookings down to an older, lower plan (an override since
        # removed, a quota since raised) is changed too, even where its capacity is the plan's.
        stale = row is not None and row.planned_capacity is not None and row.planned_capacity != capacity
        if row is not None and (row.capacity != capacity or row.end != end or stale):
            groups.setdefault((end, capacity), []).append(row)
    for (end, capacity), group in groups.items():
        ids = [row.id for row in group]
        Slot.objects.filter(id__in=ids).exclude(end=end).update(end=end)
        # Conditional on booked, so a booking that lands meanwhile cannot be squeezed out:
        # each UPDATE re-checks its row under the row lock.
        result.updated += Slot.objects.filter(id__in=ids, booked__lte=capacity).update(
            capacity=capacity, planned_capacity=None
        )
        result.raised_slot_ids += [row.id for row in group if capacity > row.capacity]
        _lower_to_booked(Slot.objects.filter(id__in=ids, booked__gt=capacity), capacity, result)
        touched.update(row.date for row in group)


def _lower_to_booked(rows, wanted: int, result: ResyncResult) -> None:
    """Rows with more bookings than ``wanted``: as low as their bookings allow, reported."""
    # The capacity follows the bookings down to ``wanted`` as places are given back
    # (``offices.services.capacity.slot_release``).
    rows.update(capacity=F("booked"), planned_capacity=wanted)
    for row in rows.order_by("date", "start", "track"):
        result.conflicts.append(SlotConflict(row.id, row.date, row.start, row.track, row.booked, wanted))


def _remove_dropped(wanted, rows, result: ResyncResult, touched: set) -> None:
    for key, row in rows.items():
        if key in wanted:
            continue
        touched.add(row.date)
        deleted = 0
        try:
            with transaction.atomic():
                deleted, _ = Slot.objects.filter(id=row.id, booked=0).delete()
        except ProtectedError:
            # A past booking (cancelled, moved) still points at it: keep the row, shut.
            deleted = Slot.objects.filter(id=row.id, booked=0).update(capacity=0, closed=True)
            result.updated += deleted
            continue
        if deleted:
            result.removed += 1
        else:
            _lower_to_booked(Slot.objects.filter(id=row.id, booked__gt=0), 0, result)


def slot_excess(slot: Slot) -> int:
    """How many places ``slot`` holds beyond its plan (0 when within it)."""
    if slot.planned_capacity is None:
        return 0
    return max(slot.booked - slot.planned_capacity, 0)


def slots_excess_move(*, slots, actor: AbstractBaseUser | None) -> list[Slot]:
    """Ask for the bookings beyond the plan of ``slots`` to be moved (DESIGN rule 1: the
    excess of a lowered quota is rolled over explicitly). Returns the rows that hold such
    an excess; the move itself is the applicants' (``sessions_over_plan``), after commit:
    the most recently made confirmed bookings of each row go to the next sessions with
    room, ahead of everyone waiting, and each person is told."""
    over = [slot for slot in slots if slot_excess(slot) > 0]
    if over:
        with transaction.atomic():
            signals.sessions_over_plan.send(
                sender=Slot, slot_ids=[slot.id for slot in over], actor_id=getattr(actor, "pk", None)
            )
    return over
