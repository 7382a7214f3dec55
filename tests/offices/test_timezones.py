"""DESIGN rule 2: "today" and the booking window are the office's own."""

import datetime as dt

import pytest
import time_machine

from offices.models import Slot
from offices.selectors import office_release_window
from offices.services import offices_release
from offices.timeutils import from_office_today, office_today
from tests import factories
from tests.offices.conftest import weekly_office

UTC = dt.UTC


@pytest.mark.parametrize(
    ("timezone", "flip_hour_utc"),
    [("Asia/Jayapura", 15), ("Asia/Makassar", 16), ("Asia/Jakarta", 17)],
    ids=["WIT", "WITA", "WIB"],
)
def test_today_flips_at_local_midnight(db, timezone, flip_hour_utc):
    office = factories.OfficeFactory(code=f"office-{flip_hour_utc}", timezone=timezone)
    before = dt.datetime(2026, 11, 25, flip_hour_utc - 1, 59, 59, tzinfo=UTC)
    at = dt.datetime(2026, 11, 25, flip_hour_utc, 0, tzinfo=UTC)

    assert office_today(office, before) == dt.date(2026, 11, 25)
    assert office_today(office, at) == dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("timezone", "flip_hour_utc"),
    [("Asia/Jayapura", 15), ("Asia/Makassar", 16), ("Asia/Jakarta", 17)],
    ids=["WIT", "WITA", "WIB"],
)
def test_the_booking_window_rolls_at_local_midnight(db, timezone, flip_hour_utc):
    office = factories.OfficeFactory(code=f"office-{flip_hour_utc}", timezone=timezone)
    before = dt.datetime(2026, 11, 25, flip_hour_utc - 1, 59, tzinfo=UTC)
    at = dt.datetime(2026, 11, 25, flip_hour_utc, 0, tzinfo=UTC)

    assert office_release_window(office=office, now=before) == (dt.date(2026, 11, 26), dt.date(2026, 12, 25))
    assert office_release_window(office=office, now=at) == (dt.date(2026, 11, 27), dt.date(2026, 12, 26))


def test_at_one_instant_offices_in_three_zones_see_different_days(db):
    wib = factories.OfficeFactory(code="batam", timezone="Asia/Jakarta")
    wita = factories.OfficeFactory(code="makassar", timezone="Asia/Makassar")
    wit = factories.OfficeFactory(code="jayapura", timezone="Asia/Jayapura")
    instant = dt.datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 23:30 WIB, 00:30 WITA, 01:30 WIT

    assert office_today(wib, instant) == dt.date(2026, 11, 25)
    assert office_today(wita, instant) == dt.date(2026, 11, 26)
    assert office_today(wit, instant) == dt.date(2026, 11, 26)


def test_the_availability_api_marks_tomorrow_bookable_by_the_office_clock(client, db):
    office = weekly_office("jayapura", timezone="Asia/Jayapura")
    url = f"/api/v1/offices/{office.code}/availability/?start=2026-11-26&days=2"
    # Thursday 26 and Friday 27 November; at 14:59 UTC it is still Wednesday in Jayapura.
    with time_machine.travel(dt.datetime(2026, 11, 25, 14, 59, tzinfo=UTC), tick=False):
        offices_release(now=dt.datetime(2026, 11, 25, 14, 59, tzinfo=UTC))
        before = [day["status"] for day in client.get(url).json()["days"]]
    with time_machine.travel(dt.datetime(2026, 11, 25, 15, 0, tzinfo=UTC), tick=False):
        after = [day["status"] for day in client.get(url).json()["days"]]

    assert before == ["open", "open"]
    assert after == ["closed", "open"]


def test_from_office_today_keeps_each_office_s_dates_from_its_own_today(db):
    jakarta = factories.OfficeFactory(code="jakarta", timezone="Asia/Jakarta")
    makassar = factories.OfficeFactory(code="makassar", timezone="Asia/Makassar")
    jayapura = factories.OfficeFactory(code="jayapura", timezone="Asia/Jayapura")
    day = dt.date(2026, 11, 25)
    for office in (jakarta, makassar, jayapura):
        factories.SlotFactory(office=office, date=day)
        factories.SlotFactory(office=office, date=day + dt.timedelta(days=1))
    # 23:30 WIB on the 25th: 00:30 WITA and 01:30 WIT on the 26th.
    now = dt.datetime(2026, 11, 25, 16, 30, tzinfo=UTC)

    ahead = Slot.objects.filter(from_office_today(now, date_field="date", timezone_field="office__timezone"))

    assert sorted((slot.office.code, slot.date.day) for slot in ahead) == [
        ("jakarta", 25),
        ("jakarta", 26),
        ("jayapura", 26),
        ("makassar", 26),
    ]


def test_from_office_today_refuses_a_naive_now():
    with pytest.raises(ValueError, match="aware"):
        from_office_today(dt.datetime(2026, 11, 25, 16, 30), date_field="date", timezone_field="office__timezone")  # noqa: DTZ001
