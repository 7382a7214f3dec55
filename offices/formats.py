"""A time of day as the product writes it: "08.00" in Indonesian, "08:00" in English.

The rule itself is the active language's ``TIME_FORMAT`` in the project's format
modules (``queue_booking/formats``), which Django's admin reads too; this is the one
function everything else writes a time with: models' names, services' messages, the
admin's columns and the template filters (``offices.templatetags.public_ui``).
"""

import datetime as dt

from django.conf import settings
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
