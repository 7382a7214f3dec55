"""Waiting times over the past days, per day and per office, for supervisors and central
admins: how long people waited from check-in to the call (``applicants.wait_selectors``).

Central admins compare every office; a supervisor sees the offices they supervise.
Officers do not (their menu has no such page): the numbers judge the office's staffing.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from applicants.views.staff import days_chosen, report_scope
from applicants.wait_selectors import waits_by_day, waits_by_office, waits_total
from offices.models import OfficeMembership

WAIT_HISTORY_DAYS = (7, 14, 30)


def _scale(rows) -> int:
    """The longest wait shown fills its bar (an average can outrun the 9-in-10 wait)."""
    return max([m or 0 for row in rows for m in (row.stats.average_minutes, row.stats.p90_minutes)] + [1])


@login_required
@require_GET
def wait_history(request):
    """Average and 9-in-10 waits and people served over the last 7, 14 or 30 days."""
    office_ids, scope = report_scope(request.user, roles=(OfficeMembership.Role.SUPERVISOR,))
    days = days_chosen(request, WAIT_HISTORY_DAYS, default=WAIT_HISTORY_DAYS[0])
    # The last ``days`` days up to today (so far); in WIB, where most offices are, as on
    # the utilization page. Each booking counts on its own office's date.
    end = timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    by_day = waits_by_day(office_ids=office_ids, start=start, days=days)
    by_office = waits_by_office(office_ids=office_ids, start=start, days=days)
    context = {
        "active": "waits",
        "sees_waits": True,
        "scope": scope,
        "days": days,
        "day_choices": WAIT_HISTORY_DAYS,
        "start": start,
        "end": end,
        "total": waits_total(office_ids=office_ids, start=start, days=days),
        "by_day": by_day,
        "day_wait_scale": _scale(by_day),
        "day_served_scale": max([row.stats.served for row in by_day] + [1]),
        # One office needs no comparison with itself.
        "by_office": by_office if len(by_office) > 1 else [],
        "office_wait_scale": _scale(by_office),
    }
    return render(request, "staff/waits.html", context)
