"""Offices with open dates for the applicant's browser tests, on the real clock."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from offices.models import Office, Slot
from offices.timeutils import office_today
from tests import factories

NIK = "3578011705900001"
BIRTH_DATE = dt.date(1990, 5, 17)
SESSIONS = [(dt.time(8, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(12, 0))]


def _add_day(office: Office, date: dt.date, *, full: bool = False) -> None:
    for start, end in SESSIONS:
        for track, capacity in (("regular", 20), ("express", 5)):
            Slot.objects.create(
                office=office,
                date=date,
                start=start,
                end=end,
                track=track,
                capacity=capacity,
                booked=capacity if full else 0,
            )


def bookable_weekday(office: Office | None = None, *, after: int = 2) -> dt.date:
    """A weekday at least ``after`` days from the office's today (WIB if no office)."""
    office = office or Office(timezone="Asia/Jakarta")
    date = office_today(office, timezone.now()) + dt.timedelta(days=after)
    while date.weekday() > 4:
        date += dt.timedelta(days=1)
    return date


def offices_with_sessions(*, full_dates: tuple[dt.date, ...] = ()) -> dict[str, Office]:
    surabaya = factories.OfficeFactory(
        code="surabaya",
        name="Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        province="Jawa Timur",
        city="Kabupaten Sidoarjo",
        address="Jl. Raya Juanda No. 2, Sedati, Sidoarjo",
        latitude=Decimal("-7.37970"),
        longitude=Decimal("112.78730"),
    )
    point = factories.OfficeFactory(
        code="ulp-sidoarjo",
        name="ULP Imigrasi Sidoarjo",
        kind=Office.Kind.ULP,
        parent=surabaya,
        province="Jawa Timur",
        city="Kabupaten Sidoarjo",
        latitude=Decimal("-7.44780"),
        longitude=Decimal("112.71830"),
    )
    makassar = factories.OfficeFactory(
        code="makassar",
        name="Kantor Imigrasi Kelas I TPI Makassar",
        province="Sulawesi Selatan",
        city="Kota Makassar",
        latitude=Decimal("-5.14770"),
        longitude=Decimal("119.43270"),
        timezone="Asia/Makassar",
    )
    today = office_today(surabaya, timezone.now())
    for office in (surabaya, point, makassar):
        for n in range(40):
            date = today + dt.timedelta(days=n)
            if date.weekday() < 5:
                _add_day(office, date, full=(office == surabaya and date in full_dates))
    return {"surabaya": surabaya, "point": point, "makassar": makassar}


def booking_for(office: Office, date: dt.date, *, nik: str = NIK, birth_date: dt.date = BIRTH_DATE):
    """A confirmed booking made through the service, with its secret token."""
    slot = Slot.objects.select_related("office").get(office=office, date=date, start=dt.time(8, 0), track="regular")
    applicant = applicant_upsert(
        nik=nik, full_name="Siti Rahayu", birth_date=birth_date, phone="081234567890", email=""
    )
    return booking_create(slot=slot, applicant=applicant, track="regular", service="renewal", now=timezone.now())
