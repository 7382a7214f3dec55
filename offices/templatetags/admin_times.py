"""Moments in admin templates on the page's clock, with that clock named (offices/admin/times.py)."""

import datetime as dt

from django import template

from offices.admin.times import zoned_datetime

register = template.Library()


@register.filter
def zoned(value: dt.datetime | None) -> str:
    """``value`` on the clock the page renders in (an office's, on a page about one
    office) with the zone named: "6 Des. 2026, 18.33 WITA"."""
    return "" if value is None else zoned_datetime(value, None)
