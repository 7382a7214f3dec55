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
  online), a closure, no sessions that day, every session of the online tracks closed,
  or an office whose online booking is off. ``reason`` carries a closure's reason (or
  null), in the reader's language where it has one in it: a national day off is
  cached with its English name beside the official one, and one of them is picked per
  request, so the shared cache serves readers of every language alike.
- ``full``: released and open, but no session of a track bookable online has room.
- ``open``: at least one session of a track bookable online has room.

Every session is listed, but only those of the tracks an applicant may book online
(``online_tracks``: regular and express, and priority where
``BOOKING_ONLINE_PRIORITY_TRACK`` allows it) show their room; the others show 0, as a
booking for them is refused. Priority places are for people served at the office.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext as _

from offices.cache import (
    availability_entry_ttl,
    availability_key,
    availability_ttl,
    local_get,
    local_set,
    local_ttl,
    warm_all_claim,
)
from offices.models import Office, Slot, Track, closure_reason_shown
from offices.selectors.calendar import ClosureIndex
from offices.selectors.release import office_next_release_at, office_release_window
from queue_booking.redis_cache import cache_available

logger = logging.getLogger(__name__)

TRACK_ORDER = {track: n for n, track in enumerate(Track.values)}


class DayStatus(models.TextChoices):
    OPEN = "open", "open"
    FULL = "full", "full"
    CLOSED = "closed", "closed"
    NOT_RELEASED = "not_released", "not released"


MAX_AVAILABILITY_DAYS = 62


SLOT_COLUMNS = (
    "office_id",
    "id",
    "date",
    "start",
    "end",
    "track",
    "capacity",
    "booked",
    "reserved",
    "closed",
    "closed_reason",
)


def _day_entries_from_db(
    office_ids: list[int], dates: list[dt.date], now: dt.datetime
) -> dict[int, dict[dt.date, dict]]:
    """The cacheable part of each office's days: two queries for any number of offices
    and dates. ``at`` is when it was read, so no layer above serves it past the cache life.

    ``closure`` is the whole-day closure's reason as recorded (``None``: not closed), and
    ``closure_en``, present only when there is one, a national day off's English name:
    the entry holds no language's choice, so every language can read it."""
    at = now.timestamp()
    entries = {
        office_id: {date: {"closure": None, "sessions": [], "at": at} for date in dates} for office_id in office_ids
    }
    closures = ClosureIndex.load(office_ids=office_ids, dates=dates)
    for office_id, days in entries.items():
        for date, entry in days.items():
            name = closures.day_name(office_id, date)
            if name is not None:
                entry["closure"] = name.reason
                if name.reason_en:
                    entry["closure_en"] = name.reason_en
    rows = (
        Slot.objects.filter(office_id__in=office_ids, date__in=dates)
        .order_by()  # sorted below; compiling an ORDER BY costs more than the query
        .values_list(*SLOT_COLUMNS)
    )
    for office_id, slot_id, date, start, end, track, capacity, booked, reserved, closed, closed_reason in rows:
        entries[office_id][date]["sessions"].append(
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
    for days in entries.values():
        for entry in days.values():
            entry["sessions"].sort(key=lambda s: (s["start"], TRACK_ORDER.get(s["track"], 99)))
    return entries


# The most days read for every office at once on a cold cache (offices.cache.WARM_ALL_SECONDS):
# the window the booking page shows. A longer read is an applicant looking further ahead.
WARM_ALL_MAX_DAYS = 14


def _cache_days(days_by_office: dict[int, dict[dt.date, dict]]) -> None:
    """Cache each office's days with a life of its own (``availability_entry_ttl``), in
    one round trip per distinct life."""
    by_life: dict[int, dict[str, dict]] = {}
    for office_id, days in days_by_office.items():
        batch = by_life.setdefault(availability_entry_ttl(), {})
        batch.update({availability_key(office_id, date): entry for date, entry in days.items()})
    for life, batch in by_life.items():
        cache.set_many(batch, life)


def office_day_entries(*, office: Office, dates: list[dt.date], now: dt.datetime) -> dict[dt.date, dict]:
    """Cached per office-date; misses are read together and cached together. When none
    of the dates is cached and the cache looks cold, they are read for every active
    office at once (``offices.cache.warm_all_claim``)."""
    keys = {availability_key(office.id, date): date for date in dates}
    cached = cache.get_many(list(keys))
    entries = {keys[key]: value for key, value in cached.items()}
    missing = [date for date in dates if date not in entries]
    if not missing:
        return entries
    office_ids = [office.id]
    # One claim for every window: a caller asking for many different windows cannot make
    # every office be read more than once per WARM_ALL_SECONDS.
    if not entries and len(dates) <= WARM_ALL_MAX_DAYS and warm_all_claim("days"):
        office_ids += list(Office.objects.filter(is_active=True).exclude(id=office.id).values_list("id", flat=True))
    fresh = _day_entries_from_db(office_ids, missing, now)
    _cache_days(fresh)
    entries.update(fresh[office.id])
    return entries


def online_tracks() -> list[str]:
    """The tracks an applicant may book online; the booking path refuses the others."""
    tracks = [Track.REGULAR.value, Track.EXPRESS.value]
    if settings.BOOKING_ONLINE_PRIORITY_TRACK:
        tracks.append(Track.PRIORITY.value)
    return tracks


def _public_sessions(sessions: list[dict], *, bookable: bool, tracks: list[str] = ()) -> list[dict]:
    return [
        {
            "id": s["id"],
            "start": s["start"],
            "end": s["end"],
            "track": s["track"],
            "capacity": s["capacity"],
            "available": s["available"] if bookable and s["track"] in tracks else 0,
        }
        for s in sessions
    ]


def _day(office: Office, date: dt.date, entry: dict, *, first: dt.date, last: dt.date, now: dt.datetime) -> dict:
    reason = None if entry["closure"] is None else closure_reason_shown(entry["closure"], entry.get("closure_en", ""))
    day = {"date": date.isoformat(), "status": "closed", "reason": reason, "release_at": None}
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
    tracks = online_tracks()
    online = [s for s in sessions if s["track"] in tracks]
    open_sessions = [s for s in online if s["closed_reason"] is None]
    if not open_sessions:
        day["reason"] = online[0]["closed_reason"] if online else None
        day["sessions"] = _public_sessions(sessions, bookable=False)
        return day
    day["sessions"] = _public_sessions(sessions, bookable=True, tracks=tracks)
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


# --- The first free date of every office at once ----------------------------------------
#
# The office list shows, for each office, its first date with room online: what people
# asked for ("seeing availability across offices at once"). One process reads it for
# every active office with two queries (closures and sessions of the offices' windows)
# and caches the small summary for the availability cache life, so it never shows room
# for longer than the availability read does; the others read the summary in one
# round trip (or from their micro-cache). While one process reads it, the others show
# the list without it rather than read it too.
NEXT_FREE_KEY = "nextfree:v1"
NEXT_FREE_CLAIM_SECONDS = 10


@dataclass(frozen=True)
class NextFree:
    date: dt.date
    places: int


def offices_next_free(*, now: dt.datetime) -> dict[int, NextFree | None] | None:
    """``{office_id: NextFree or None}`` for every active office (None: no date with room
    online in its window); ``None`` when not known right now (being read elsewhere)."""
    summary = local_get(("nextfree",))
    if summary is not None:
        return summary
    try:
        summary = cache.get(NEXT_FREE_KEY)
        if summary is None:
            claimed = cache.add(f"{NEXT_FREE_KEY}:claim", 1, NEXT_FREE_CLAIM_SECONDS)
            if not claimed and cache_available(cache):
                return None
            if not claimed:
                # Redis is out (queue_booking/redis_cache.py): there is no claim to share,
                # so each process reads it itself, once per local cache life.
                summary = _next_free_from_db(now)
            else:
                try:
                    summary = _next_free_from_db(now)
                    cache.set(NEXT_FREE_KEY, summary, availability_ttl())
                finally:
                    cache.delete(f"{NEXT_FREE_KEY}:claim")
    except Exception:  # noqa: BLE001 - an extra on the list: without the cache, the list without it
        logger.warning("cache unavailable; the office list shows no free dates")
        return None
    local_set(("nextfree",), summary, local_ttl())
    return summary


def _next_free_from_db(now: dt.datetime) -> dict[int, NextFree | None]:
    offices = list(Office.objects.filter(is_active=True).order_by())
    windows = {office.id: office_release_window(office=office, now=now) for office in offices}
    firsts = [first for first, last in windows.values() if first <= last]
    if not firsts:
        return {office.id: None for office in offices}
    start = min(firsts)
    end = max(last for first, last in windows.values() if first <= last)
    dates = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    entries = _day_entries_from_db([office.id for office in offices], dates, now)
    summary: dict[int, NextFree | None] = {}
    for office in offices:
        first, last = windows[office.id]
        summary[office.id] = None
        date = first
        while date <= last:
            day = _day(office, date, entries[office.id][date], first=first, last=last, now=now)
            if day["status"] == DayStatus.OPEN:
                summary[office.id] = NextFree(date=date, places=sum(s["available"] for s in day["sessions"]))
                break
            date += dt.timedelta(days=1)
    return summary
