"""DESIGN rule 3: rolling and batch release, and the periodic job that materializes."""

import datetime as dt

import pytest

from offices.models import Office, Slot
from offices.selectors import office_next_release_at, office_release_window
from offices.services import offices_release
from offices.tasks import release_dates
from tests.offices.conftest import weekly_office

UTC = dt.UTC
WIB = dt.timezone(dt.timedelta(hours=7))


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


@pytest.fixture
def batam(db):
    # Friday 14:00 local releases the following Monday..Sunday.
    return weekly_office(
        "batam",
        release_policy=Office.ReleasePolicy.BATCH,
        release_weekday=4,
        release_time=dt.time(14, 0),
        release_block_days=7,
    )


def test_rolling_window_is_tomorrow_to_thirty_days_ahead(weekly):
    assert office_release_window(office=weekly, now=wib(2026, 11, 25, 10)) == (
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 25),
    )


def test_rolling_window_follows_the_office_offsets(weekly):
    weekly.first_day_offset, weekly.booking_window_days = 2, 14

    assert office_release_window(office=weekly, now=wib(2026, 11, 25, 10)) == (
        dt.date(2026, 11, 27),
        dt.date(2026, 12, 9),
    )


def test_a_rolling_date_opens_at_local_midnight(weekly):
    opens = office_next_release_at(office=weekly, date=dt.date(2026, 12, 26), now=wib(2026, 11, 25, 10))

    assert opens == wib(2026, 11, 26, 0, 0)
    assert office_release_window(office=weekly, now=opens)[1] == dt.date(2026, 12, 26)
    assert office_release_window(office=weekly, now=opens - dt.timedelta(seconds=1))[1] == dt.date(2026, 12, 25)


def test_batch_before_friday_release_shows_only_this_week(batam):
    # Wednesday 25 Nov: the last release (Friday 20 Nov 14:00) opened Mon 23 - Sun 29 Nov.
    assert office_release_window(office=batam, now=wib(2026, 11, 25, 10)) == (
        dt.date(2026, 11, 26),
        dt.date(2026, 11, 29),
    )


def test_batch_releases_the_next_week_at_friday_1400_local(batam):
    just_before = wib(2026, 11, 27, 13, 59, 59)
    at = wib(2026, 11, 27, 14, 0)

    assert office_release_window(office=batam, now=just_before)[1] == dt.date(2026, 11, 29)
    assert office_release_window(office=batam, now=at)[1] == dt.date(2026, 12, 6)


def test_batch_tells_when_an_unreleased_date_opens(batam):
    now = wib(2026, 11, 25, 10)

    assert office_next_release_at(office=batam, date=dt.date(2026, 12, 2), now=now) == wib(2026, 11, 27, 14, 0)
    assert office_next_release_at(office=batam, date=dt.date(2026, 12, 9), now=now) == wib(2026, 12, 4, 14, 0)
    assert office_next_release_at(office=batam, date=dt.date(2026, 11, 27), now=now) is None  # already open
    assert office_next_release_at(office=batam, date=dt.date(2026, 11, 24), now=now) is None  # past


def test_batch_release_time_is_read_on_the_office_clock(db):
    # Friday 14:00 WIT is 05:00 UTC; 14:00 WIB would be 07:00 UTC.
    jayapura = weekly_office(
        "jayapura",
        timezone="Asia/Jayapura",
        release_policy=Office.ReleasePolicy.BATCH,
        release_weekday=4,
        release_time=dt.time(14, 0),
    )

    assert office_release_window(office=jayapura, now=dt.datetime(2026, 11, 27, 4, 59, tzinfo=UTC))[1] == dt.date(
        2026, 11, 29
    )
    assert office_release_window(office=jayapura, now=dt.datetime(2026, 11, 27, 5, 0, tzinfo=UTC))[1] == dt.date(
        2026, 12, 6
    )


def test_batch_never_releases_beyond_the_booking_window(batam):
    batam.booking_window_days = 5
    now = wib(2026, 11, 27, 15)  # the block to Sun 6 Dec is out, but the window ends Wed 2 Dec

    assert office_release_window(office=batam, now=now)[1] == dt.date(2026, 12, 2)
    assert office_next_release_at(office=batam, date=dt.date(2026, 12, 4), now=now) == wib(2026, 11, 29, 0, 0)


def test_materialization_creates_rows_for_the_window_and_twice_changes_nothing(weekly):
    now = wib(2026, 11, 25, 10)

    first = offices_release(now=now)
    rows = list(Slot.objects.order_by("id").values_list("id", "date", "start", "track", "capacity"))
    second = offices_release(now=now)

    # Today (Wed 25) through 31 days ahead (Sat 26 Dec): 23 weekdays x 3 sessions x 3 tracks.
    assert first.slots_created == 23 * 3 * 3
    assert second.slots_created == 0
    assert list(Slot.objects.order_by("id").values_list("id", "date", "start", "track", "capacity")) == rows
    assert min(r[1] for r in rows) == dt.date(2026, 11, 25)
    assert max(r[1] for r in rows) == dt.date(2026, 12, 25)


def test_materialization_never_touches_an_existing_row(weekly):
    now = wib(2026, 11, 25, 10)
    offices_release(now=now)
    slot = Slot.objects.get(office=weekly, date=dt.date(2026, 11, 30), start=dt.time(8), track="regular")
    Slot.objects.filter(pk=slot.pk).update(capacity=4, booked=3)

    offices_release(now=now)

    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (4, 3)


def test_materialization_skips_zero_capacity_tracks(db):
    weekly_office("kotabumi", priority=0)

    offices_release(now=wib(2026, 11, 25, 10))

    assert not Slot.objects.filter(track="priority").exists()
    assert Slot.objects.filter(track="regular").exists()


def test_each_newly_released_date_is_reported_once(weekly):
    offices_release(now=wib(2026, 11, 25, 10))

    same_day = offices_release(now=wib(2026, 11, 25, 23, 59))
    next_day = offices_release(now=wib(2026, 11, 26, 0, 1))
    again = offices_release(now=wib(2026, 11, 26, 0, 6))

    assert same_day.released == []
    assert next_day.released == [(weekly.id, dt.date(2026, 12, 26))]
    assert again.released == []


def test_a_batch_release_reports_the_whole_block_and_its_rows_already_exist(batam):
    offices_release(now=wib(2026, 11, 27, 13, 55))
    rows_before = Slot.objects.count()

    report = offices_release(now=wib(2026, 11, 27, 14, 0))

    assert report.released == [(batam.id, dt.date(2026, 11, 30) + dt.timedelta(days=n)) for n in range(7)]
    # Rows are made ahead for the whole window, so opening is a matter of the clock.
    assert report.slots_created == 0
    assert Slot.objects.count() == rows_before


def test_a_racing_worker_with_a_stale_office_reports_nothing(weekly):
    offices_release(now=wib(2026, 11, 25, 10))
    stale = Office.objects.get(pk=weekly.pk)
    offices_release(now=wib(2026, 11, 26, 0, 1))  # the other worker got there first

    assert offices_release(now=wib(2026, 11, 26, 0, 1), offices=[stale]).released == []


def test_the_periodic_task_runs_the_release_and_is_idempotent(weekly, time_machine):
    time_machine.move_to(wib(2026, 11, 25, 10), tick=False)

    first = release_dates.apply().get()
    second = release_dates.apply().get()

    assert first["slots_created"] == 23 * 3 * 3
    assert second == {"offices": 1, "slots_created": 0, "released": []}
    assert first["released"][0] == [weekly.id, "2026-11-26"]
