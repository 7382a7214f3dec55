"""National holidays and collective leave as closures of every office.

National holidays come from the ``holidays`` package (country ``ID``, names in
Indonesian). Collective leave (cuti bersama) is set by the joint ministerial decree and
is kept in ``offices/data/cuti_bersama.csv``; admins add later changes in the admin.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import holidays as holidays_lib
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from offices.cache import availability_invalidate_many
from offices.models import Closure, LiftedDayOff, Office, Slot
from offices.services.closures import LATEST_ZONE, closure_create

CUTI_BERSAMA_CSV = Path(__file__).resolve().parent.parent / "data" / "cuti_bersama.csv"


@dataclass
class HolidaySyncResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    skipped_past: int = 0
    skipped_lifted: int = 0


def national_days_off(*, years: list[int]) -> list[tuple[dt.date, str, str]]:
    """(date, name, closure kind) for every national holiday and cuti bersama day."""
    days = [
        (date, name, Closure.Kind.NATIONAL_HOLIDAY)
        for date, name in holidays_lib.country_holidays("ID", years=years, language="id").items()
    ]
    with CUTI_BERSAMA_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            date = dt.date.fromisoformat(row["date"])
            if date.year in years:
                days.append((date, row["name"], Closure.Kind.COLLECTIVE_LEAVE))
    return sorted(days)


def holidays_sync(*, years: list[int], actor: AbstractBaseUser | None = None, now: dt.datetime) -> HolidaySyncResult:
    """Record each national day off of ``years`` as a closure of every office.

    Idempotent: a day already recorded (same date and kind) is left alone, or renamed
    when its name changed. Days already past are skipped, and so are days an admin
    lifted (``LiftedDayOff``). Closures admins added by hand are never removed.
    """
    result = HolidaySyncResult()
    today = now.astimezone(LATEST_ZONE).date()
    existing = {
        (c.date, c.kind): c
        for c in Closure.objects.filter(office__isnull=True, start__isnull=True, date__year__in=years)
    }
    lifted = set(LiftedDayOff.objects.filter(date__year__in=years).values_list("date", "kind"))
    for date, name, kind in national_days_off(years=years):
        closure = existing.get((date, kind))
        reason = name[:200]
        if closure is not None:
            if closure.reason == reason:
                result.unchanged += 1
                continue
            with transaction.atomic():
                Slot.objects.filter(date=date, closed=True, closed_reason=closure.reason).update(closed_reason=reason)
                Closure.objects.filter(pk=closure.pk).update(reason=reason)
                office_ids = Office.objects.values_list("id", flat=True)
                availability_invalidate_many(office_dates=[(office_id, date) for office_id in office_ids])
            result.renamed += 1
        elif date < today:
            result.skipped_past += 1
        elif (date, kind) in lifted:
            result.skipped_lifted += 1
        else:
            closure_create(office=None, date=date, start=None, kind=kind, reason=reason, actor=actor, now=now)
            result.created += 1
    return result
