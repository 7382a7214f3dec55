"""National holidays and collective leave as closures of every office.

National holidays come from the ``holidays`` package (country ``ID``, names in
Indonesian). Collective leave (cuti bersama) is set by the joint ministerial decree and
is kept in ``offices/data/cuti_bersama.csv``; admins add later changes in the admin.

Each closure keeps the official Indonesian name as its reason and the English name
beside it (``Closure.reason_en``), so an English page names the day in English.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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


class NationalDayOff(NamedTuple):
    date: dt.date
    name: str
    """The official Indonesian name."""
    kind: str
    name_en: str
    """The English name; never empty (see ``national_days_off``)."""


def collective_leave_name_en(name: str) -> str:
    """The English name of a cuti bersama day whose decree row gives none: its
    Indonesian name, said to be collective leave."""
    return f"Collective leave ({name})"


def national_days_off(*, years: list[int]) -> list[NationalDayOff]:
    """Every national holiday and cuti bersama day of ``years``, by date.

    English names come from the ``holidays`` package and the decree list's ``name_en``.
    Where those have none, a holiday keeps its Indonesian name (the package gives the
    Indonesian one for a name it has no translation of) and a cuti bersama day is
    ``collective_leave_name_en`` of it.
    """
    indonesian = holidays_lib.country_holidays("ID", years=years, language="id")
    english = holidays_lib.country_holidays("ID", years=years, language="en_US")
    days = [
        NationalDayOff(date, name, Closure.Kind.NATIONAL_HOLIDAY, english.get(date) or name)
        for date, name in indonesian.items()
    ]
    with CUTI_BERSAMA_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            date = dt.date.fromisoformat(row["date"])
            if date.year in years:
                name = row["name"].strip()
                name_en = (row.get("name_en") or "").strip() or collective_leave_name_en(name)
                days.append(NationalDayOff(date, name, Closure.Kind.COLLECTIVE_LEAVE, name_en))
    return sorted(days)


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def day_off_name_en(*, reason: str, date: dt.date) -> str:
    """The English name of the national day off whose official Indonesian name ``reason``
    is (as the holiday sync records it; letter case and spacing aside), or "".

    Names are looked up in the days off of ``date``'s year and the years either side, so
    a day an admin adds that the data does not date (a moved day, an extra cuti bersama
    day, an estimated Idul Fitri named without "(perkiraan)") is still recognised.
    """
    key = _name_key(reason)
    if not key:
        return ""
    days = national_days_off(years=[date.year - 1, date.year + 1, date.year])
    # The closure's own year last, so its names win over a neighbour's.
    names = {_name_key(day.name): day.name_en for day in sorted(days, key=lambda day: day.date.year == date.year)}
    name_en = names.get(key, "")
    return "" if _name_key(name_en) == key else name_en


def holidays_sync(*, years: list[int], actor: AbstractBaseUser | None = None, now: dt.datetime) -> HolidaySyncResult:
    """Record each national day off of ``years`` as a closure of every office.

    Idempotent: a day already recorded (same date and kind) is left alone, or renamed
    when its name (Indonesian or English) changed. Days already past are skipped, and so are days an admin
    lifted (``LiftedDayOff``). Closures admins added by hand are never removed.
    """
    result = HolidaySyncResult()
    today = now.astimezone(LATEST_ZONE).date()
    existing = {
        (c.date, c.kind): c
        for c in Closure.objects.filter(office__isnull=True, start__isnull=True, date__year__in=years)
    }
    lifted = set(LiftedDayOff.objects.filter(date__year__in=years).values_list("date", "kind"))
    for date, name, kind, name_en in national_days_off(years=years):
        closure = existing.get((date, kind))
        reason, reason_en = name[:200], name_en[:200]
        if closure is not None:
            if (closure.reason, closure.reason_en) == (reason, reason_en):
                result.unchanged += 1
                continue
            with transaction.atomic():
                if closure.reason != reason:
                    Slot.objects.filter(date=date, closed=True, closed_reason=closure.reason).update(
                        closed_reason=reason
                    )
                Closure.objects.filter(pk=closure.pk).update(reason=reason, reason_en=reason_en)
                office_ids = Office.objects.values_list("id", flat=True)
                availability_invalidate_many(office_dates=[(office_id, date) for office_id in office_ids])
            result.renamed += 1
        elif date < today:
            result.skipped_past += 1
        elif (date, kind) in lifted:
            result.skipped_lifted += 1
        else:
            closure_create(
                office=None,
                date=date,
                start=None,
                kind=kind,
                reason=reason,
                reason_en=reason_en,
                actor=actor,
                now=now,
            )
            result.created += 1
    return result
