"""A time of day as the product writes it: "08.00" in Indonesian, "08:00" in English.

The one function everything writes a time with: models' names, services' messages, the
admin's columns and the template filters (``offices.templatetags.public_ui``), so that
a model or a service does not lean on a template tag library.
"""

import datetime as dt

from django.utils.dateformat import format as datetime_format
from django.utils.dateformat import time_format
from django.utils.translation import get_language


def time_format_string() -> str:
    """Indonesian "H.i" (also when no language is active), English "H:i"."""
    return "H.i" if (get_language() or "id").startswith("id") else "H:i"


def clock(value: dt.time | dt.datetime | None) -> str:
    """'08.00' / '08:00': a time of day, or a moment's wall-clock time as it is given
    (not converted to any zone); "" for none."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        return datetime_format(value, time_format_string())
    return time_format(value, time_format_string())
