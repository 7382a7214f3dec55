"""Time in an office's own zone. "Today", windows, releases and cut-offs use these.

``now`` is always an aware datetime passed in from the edge (a view, a task); nothing
here reads the clock.
"""

import datetime as dt

from offices.models import Office


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
