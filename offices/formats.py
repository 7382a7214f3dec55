"""A time of day as the product writes it: "08.00" in Indonesian, "08:00" in English.

The rule itself is the active language's ``TIME_FORMAT`` in the project's format
modules (``queue_booking/formats``), which Django's admin reads too; this is the one
function everything else writes a time with: models' names, services' messages, the
admin's columns and the template filters (``offices.templatetags.public_ui``), with the
long date, the session's hours and a moment on the office's clock that pages and forms
write outside templates too.
"""

import datetime as dt

from django.conf import settings
from django.utils import formats
from django.utils.dateformat import format as datetime_format
from django.utils.dateformat import time_format
from django.utils.formats import get_format
from django.utils.translation import get_language


def time_format_string() -> str:
    """The active language's ``TIME_FORMAT`` ("H.i" / "H:i"); the site's language when
    none is active."""
    return get_format("TIME_FORMAT", lang=get_language() or settings.LANGUAGE_CODE)


def clock(value: dt.time | dt.datetime | None) -> str:
    """'08.00' / '08:00': a time of day, or a moment's wall-clock time as it is given
    (not converted to any zone); "" for none."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        return datetime_format(value, time_format_string())
    return time_format(value, time_format_string())


LONG_DATE = "l, j F Y"


def long_date(value: dt.date | None) -> str:
    """'Senin, 23 November 2026' / 'Monday, 23 November 2026'."""
    if not value:
        return ""
    return formats.date_format(value, LONG_DATE)


def time_range(start: dt.time, end: dt.time, office) -> str:
    """'08.00–10.00 WIB'."""
    return f"{clock(start)}–{clock(end)} {office.tz_abbreviation}"


def office_moment(value: dt.datetime | None, office) -> str:
    """'Jumat, 20 November 2026, 14.00 WIB': an aware moment on the office's clock."""
    if not value:
        return ""
    local = value.astimezone(office.tz)
    return f"{formats.date_format(local.date(), LONG_DATE)}, {clock(local)} {office.tz_abbreviation}"
