"""Loading the office directory (``offices/data/offices.csv``) into Office rows."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from offices.models import Office, OfficeTimezone

OFFICES_CSV = Path(__file__).resolve().parent.parent / "data" / "offices.csv"

# CSV column -> Office field, for the columns copied as they are.
COLUMNS = {
    "name": "name",
    "kind": "kind",
    "kanim_class": "kanim_class",
    "province": "province",
    "city": "city",
    "address": "address",
    "timezone": "timezone",
    "confidence": "data_confidence",
    "notes": "data_notes",
}


@dataclass(frozen=True)
class DirectoryRow:
    code: str
    parent_code: str
    fields: dict
    daily_quota: int


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def office_directory_read(path: Path = OFFICES_CSV) -> list[DirectoryRow]:
    """Parse and check the CSV; raise ``ValueError`` naming the first bad row."""
    kinds, zones = set(Office.Kind.values), set(OfficeTimezone.values)
    rows: list[DirectoryRow] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            fields = {target: (raw[column] or "").strip() for column, target in COLUMNS.items()}
            if fields["kind"] not in kinds or fields["timezone"] not in zones or not raw["code"]:
                raise ValueError(f"{path.name}:{line}: bad code, kind or time zone")
            for coordinate in ("latitude", "longitude"):
                fields[coordinate] = Decimal(raw[coordinate]).quantize(Decimal("0.00001")) if raw[coordinate] else None
            rows.append(
                DirectoryRow(raw["code"].strip(), (raw["parent_code"] or "").strip(), fields, int(raw["daily_quota"]))
            )
    codes = {row.code for row in rows}
    for row in rows:
        if row.parent_code and row.parent_code not in codes:
            raise ValueError(f"{path.name}: {row.code} names an unknown parent {row.parent_code}")
    return rows


def offices_import(*, rows: list[DirectoryRow]) -> ImportResult:
    """Create or update offices from directory rows. Idempotent: an office whose data
    already matches is not written. Settings not in the file (release policy, online
    booking, sessions) are left as they are."""
    result = ImportResult()
    with transaction.atomic():
        existing = {office.code: office for office in Office.objects.filter(code__in=[r.code for r in rows])}
        # Parents first: service points point at them.
        for row in sorted(rows, key=lambda r: bool(r.parent_code)):
            parent_id = existing[row.parent_code].id if row.parent_code else None
            wanted = {**row.fields, "parent_id": parent_id}
            office = existing.get(row.code)
            if office is None:
                existing[row.code] = Office.objects.create(code=row.code, **wanted)
                result.created.append(row.code)
                continue
            changed = [name for name, value in wanted.items() if getattr(office, name) != value]
            if changed:
                for name in changed:
                    setattr(office, name, wanted[name])
                office.save(update_fields=[*changed, "updated_at"])
                result.updated.append(row.code)
            else:
                result.unchanged += 1
    return result
