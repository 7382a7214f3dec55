"""Availability of an office, day by day, for display (DESIGN section 5).

Each office-date is cached as the database says it is (sessions with capacity and room
left, and the whole-day closure reason); the parts that depend on the clock or on the
office's settings (released or not, bookable online) are applied per request, so a
release at 14:00 shows at 14:00 without any cache being touched. Writes that change
room call ``offices.cache.availability_invalidate`` after commit; the cache life
bounds how long a reader can see more room than exists. The booking path never
decides on these numbers.

Statuses:

- ``not_released``: after the last released date; ``release_at`` says when it opens.
  Sessions are not shown. A date known to be closed shows ``closed`` instead.
- ``closed``: before the first bookable day (today and the past are not bookable
  online), a closure, no sessions that day, every session closed, or an office whose
  online booking is off. ``reason`` carries a closure's reason (or null).
- ``full``: released and open, but no session of any track has room.
- ``open``: at least one session of one track has room.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext as _

from offices.cache import availability_entry_ttl, availability_key
from offices.models import Office, Slot, Track
from offices.selectors.calendar import ClosureIndex
from offices.selectors.release import office_next_release_at, office_release_window

TRACK_ORDER = {track: n for n, track in enumerate(Track.values)}


class DayStatus(models.TextChoices):
    OPEN = "open", "open"
    FULL = "full", "full"
    CLOSED = "closed", "closed"
    NOT_RELEASED = "not_released", "not released"


MAX_AVAILABILITY_DAYS = 62


def _day_entries_from_db(office: Office, dates: list[dt.date], now: dt.datetime) -> dict[dt.date, dict]:
    """The cacheable part of each day: two queries for any number of dates. ``at`` is
    when it was read, so no layer above serves it past the cache life."""
    at = now.timestamp()
    entries: dict[dt.date, dict] = {date: {"closure": None, "sessions": [], "at": at} for date in dates}
    closures = ClosureIndex.load(office_ids=[office.id], dates=dates)
    for date, entry in entries.items():
        entry["closure"] = closures.day_reason(office.id, date)
    rows = (
        Slot.objects.filter(office_id=office.id, date__in=dates)
        .order_by("date", "start")
        .values_list("id", "date", "start", "end", "track", "capacity", "booked", "reserved", "closed", "closed_reason")
    )
    for slot_id, date, start, end, track, capacity, booked, reserved, closed, closed_reason in rows:
        entries[date]["sessions"].append(
            {
                "id": slot_id,
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "track": track,
                "capacity": capacity,
                "available": 0 if closed else max(capacity - reserved - booked, 0),
                "closed_reason": closed_reason if closed else None,
            }
        )
    for entry in entries.values():
        entry["sessions"].sort(key=lambda s: (s["start"], TRACK_ORDER.get(s["track"], 99)))
    return entries


def office_day_entries(*, office: Office, dates: list[dt.date], now: dt.datetime) -> dict[dt.date, dict]:
    """Cached per office-date; misses are read together and cached together."""
    keys = {availability_key(office.id, date): date for date in dates}
    cached = cache.get_many(list(keys))
    entries = {keys[key]: value for key, value in cached.items()}
    missing = [date for date in dates if date not in entries]
    if missing:
        fresh = _day_entries_from_db(office, missing, now)
        cache.set_many({availability_key(office.id, date): fresh[date] for date in missing}, availability_entry_ttl())
        entries.update(fresh)
    return entries


def _public_sessions(sessions: list[dict], *, bookable: bool) -> list[dict]:
    return [
        {
            "id": s["id"],
            "start": s["start"],
            "end": s["end"],
            "track": s["track"],
            "capacity": s["capacity"],
            "available": s["available"] if bookable else 0,
        }
        for s in sessions
    ]


def _day(office: Office, date: dt.date, entry: dict, *, first: dt.date, last: dt.date, now: dt.datetime) -> dict:
    day = {"date": date.isoformat(), "status": "closed", "reason": entry["closure"], "release_at": None}
    sessions = entry["sessions"]
    if date > last and entry["closure"] is None:
        release_at = office_next_release_at(office=office, date=date, now=now)
        day.update(status="not_released", release_at=release_at.isoformat() if release_at else None, sessions=[])
        return day
    if date < first or date > last or entry["closure"] is not None:
        day["sessions"] = _public_sessions(sessions, bookable=False)
        return day
    if not office.online_booking:
        day.update(reason=_("Online booking is not available at this office."))
        day["sessions"] = _public_sessions(sessions, bookable=False)
        return day
    open_sessions = [s for s in sessions if s["closed_reason"] is None]
    if not open_sessions:
        day["reason"] = sessions[0]["closed_reason"] if sessions else None
        day["sessions"] = _public_sessions(sessions, bookable=False)
        return day
    day["sessions"] = _public_sessions(sessions, bookable=True)
    day["status"] = "open" if any(s["available"] > 0 for s in open_sessions) else "full"
    return day


@dataclass(frozen=True)
class AvailabilitySnapshot:
    days: list[dict]
    read_at: float
    """When the oldest data in it was read from the database (a POSIX timestamp)."""


def office_availability_snapshot(
    *, office: Office, start: dt.date, days: int, now: dt.datetime
) -> AvailabilitySnapshot:
    """``office_availability`` with the age of its data, for layers that keep answers."""
    dates = [start + dt.timedelta(days=n) for n in range(days)]
    entries = office_day_entries(office=office, dates=dates, now=now)
    first, last = office_release_window(office=office, now=now)
    return AvailabilitySnapshot(
        days=[_day(office, date, entries[date], first=first, last=last, now=now) for date in dates],
        read_at=min((entry.get("at", 0.0) for entry in entries.values()), default=now.timestamp()),
    )


def office_availability(*, office: Office, start: dt.date, days: int, now: dt.datetime) -> list[dict]:
    """One dict per date from ``start``: ``date``, ``status``, ``reason``, ``release_at``
    and ``sessions`` (``id``, ``start``, ``end``, ``track``, ``capacity``, ``available``).

    ``available`` is capacity minus places held back for rollover minus booked, never
    negative, and 0 on a day or session that cannot be booked online.
    """
    return office_availability_snapshot(office=office, start=start, days=days, now=now).days
