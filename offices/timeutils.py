"""Time in an office's own zone. "Today", windows, releases and cut-offs use these.

``now`` is always an aware datetime passed in from the edge (a view, a task); nothing
here reads the clock.
"""

import datetime as dt
import zoneinfo

from django.db.models import Q

from offices.models import Office, OfficeTimezone


def office_now(office: Office, now: dt.datetime) -> dt.datetime:
    """``now`` seen on the office's wall clock."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(office.tz)


def office_today(office: Office, now: dt.datetime) -> dt.date:
    return office_now(office, now).date()


def office_datetime(office: Office, date: dt.date, time: dt.time) -> dt.datetime:
    """The aware moment of ``time`` on ``date`` at the office (its zone has no DST)."""
    return dt.datetime.combine(date, time, tzinfo=office.tz)


def from_office_today(now: dt.datetime, *, date_field: str, timezone_field: str) -> Q:
    """A filter keeping rows whose ``date_field`` is today or later on the clock of their
    office (whose zone is at ``timezone_field``), for rows of many offices in one query:
    one condition per date that "today" is somewhere (two at most, WIB to WIT being two
    hours apart), each over the zones that share it."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zones_by_day: dict[dt.date, list[str]] = {}
    for zone in OfficeTimezone.values:
        zones_by_day.setdefault(now.astimezone(zoneinfo.ZoneInfo(zone)).date(), []).append(zone)
    condition = Q()
    for day, zones in sorted(zones_by_day.items()):
        condition |= Q(**{f"{timezone_field}__in": zones, f"{date_field}__gte": day})
    return condition
