"""Dates and times as an applicant reads them: localized, with the office's zone name.

Indonesian writes times as "08.00 WIB" and dates as "Senin, 23 November 2026"; English
gets "08:00 WIB" and "Monday, 23 November 2026". The zone abbreviation always follows a
time because an office in Makassar and one in Jakarta are an hour apart.
"""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.dateformat import format as datetime_format

from offices.formats import clock, long_date, office_moment, time_format_string, time_range

register = template.Library()

# '08.00' / '08:00', 'Senin, 23 November 2026', '08.00–10.00 WIB' and 'Jumat, 20 November
# 2026, 14.00 WIB' (offices.formats, where the rules are, for code outside templates too).
register.filter("clock", clock)
register.filter("long_date", long_date)
register.simple_tag(time_range, name="time_range")
register.filter("office_moment", office_moment)


@register.filter
def short_date(value: dt.date | None) -> str:
    """'Sen, 23 Nov' / 'Mon, 23 Nov': for lists where the year is obvious."""
    if not value:
        return ""
    return formats.date_format(value, "D, j M")


@register.filter
def local_clock(value: dt.datetime | None, seconds: str = "") -> str:
    """'14.11' / '14:11' ('14.11.49' / '14:11:49' with an argument, e.g. ``|local_clock:"s"``):
    an aware moment on the current time zone's wall clock, which on a staff page is its
    office's (the ``|date`` filter's conversion, written as every other time on the site)."""
    if not value:
        return ""
    fmt = time_format_string()
    if seconds:
        fmt += fmt[1] + "s"
    return datetime_format(timezone.localtime(value), fmt)


@register.filter
def iso_clock(value: str | None) -> str:
    """'14.16' / '14:16': the wall-clock time of an ISO 8601 moment already on the office's
    clock (as the queue's JSON gives it), or of a time of day ("16:00"), written as every
    other time on the site."""
    if not value:
        return ""
    if len(value) <= 8:
        return clock(dt.time.fromisoformat(value))
    return clock(dt.datetime.fromisoformat(value))


@register.filter
def office_time(value: dt.time | dt.datetime | None, office) -> str:
    """'08.00 WIB': a wall-clock time at the office, or an aware moment shown on it."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(office.tz) if value.tzinfo else value
    return f"{clock(value)} {office.tz_abbreviation}"
