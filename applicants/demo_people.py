"""Distinct, valid made-up applicants: for the load generator (`make bench`) and the demo.

A NIK is 16 digits: a 6-digit region code, the birth date as DDMMYY with 40 added to
the day for women, and a 4-digit serial that is never 0000. Applicant ``index`` maps
to exactly one NIK (a bijection on ``0 .. capacity() - 1``), so a run that hands out
consecutive indices never sends the same person twice.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

# Real region codes (province, regency, district) of the cities with the busiest offices.
REGIONS = ("357801", "317401", "327301", "217101", "737101", "517101", "127101", "947101")
SERIALS = 9999  # 0001 .. 9999
FIRST_BIRTH_DATE = dt.date(1960, 1, 1)
BIRTH_DAYS = (dt.date(2005, 12, 31) - FIRST_BIRTH_DATE).days + 1

GIVEN = ("Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Wahyu", "Ayu", "Eko", "Nur", "Andi", "Sri")
FAMILY = ("Santoso", "Rahayu", "Wijaya", "Lestari", "Saputra", "Hidayat", "Kusuma", "Pratama", "Nasution")


@dataclass(frozen=True)
class Person:
    nik: str
    birth_date: dt.date
    female: bool
    full_name: str
    phone: str
    email: str


def capacity() -> int:
    return SERIALS * BIRTH_DAYS * 2 * len(REGIONS)


def person(index: int) -> Person:
    if not 0 <= index < capacity():
        raise ValueError(f"applicant index {index} is outside 0..{capacity() - 1}")
    serial = index % SERIALS + 1
    rest = index // SERIALS
    birth_date = FIRST_BIRTH_DATE + dt.timedelta(days=rest % BIRTH_DAYS)
    rest //= BIRTH_DAYS
    female = bool(rest % 2)
    region = REGIONS[rest // 2]
    day = birth_date.day + (40 if female else 0)
    nik = f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"
    name = f"{GIVEN[index % len(GIVEN)]} {FAMILY[(index // len(GIVEN)) % len(FAMILY)]}"
    return Person(
        nik=nik,
        birth_date=birth_date,
        female=female,
        full_name=name,
        phone=f"0812{index % 100_000_000:08d}",
        email=f"pemohon{index}@example.org",
    )


def elder(index: int, *, born_by: dt.date) -> Person:
    """One of the people born on or before ``born_by`` (the demo's elderly walk-ins): distinct
    indices give distinct people, up to how many there are; larger ones wrap around."""
    days = (born_by - FIRST_BIRTH_DATE).days + 1
    if days <= 0:
        raise ValueError(f"nobody here is born by {born_by}")
    index %= SERIALS * days * 2 * len(REGIONS)
    serial, rest = index % SERIALS, index // SERIALS
    day, rest = rest % days, rest // days
    return person(serial + SERIALS * (day + BIRTH_DAYS * rest))


def people(start: int, count: int) -> Iterator[Person]:
    for index in range(start, start + count):
        yield person(index)


def nik_is_valid(nik: str, birth_date: dt.date) -> bool:
    """The product's NIK rule, restated independently to check the generator."""
    if len(nik) != 16 or not nik.isdigit() or nik[12:] == "0000":
        return False
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    return (day, month, year) == (birth_date.day, birth_date.month, birth_date.year % 100)
