"""DESIGN rule 1: nothing lowers a capacity below what is booked."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from offices.exceptions import CapacityBelowBooked, InvalidQuota
from offices.models import DateOverride, SessionTemplate, Slot
from offices.services import office_set_daily_quota, office_slots_resync, offices_release, slot_set_capacity
from offices.services.capacity import slot_release, slot_take
from offices.services.quotas import split_quota
from tests import factories

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def slot(db):
    return factories.SlotFactory(date=MONDAY, capacity=10, booked=7)


def test_capacity_can_be_raised_or_lowered_to_what_is_booked(slot):
    raised = slot_set_capacity(slot=slot, capacity=20, actor=None, now=NOW)
    lowered = slot_set_capacity(slot=slot, capacity=7, actor=None, now=NOW)

    assert raised.raised and (raised.old, raised.new) == (10, 20)
    assert not lowered.raised
    slot.refresh_from_db()
    assert slot.capacity == 7


def test_it_refuses_a_capacity_below_booked_and_names_how_many_are_booked(slot):
    with pytest.raises(CapacityBelowBooked) as refused:
        slot_set_capacity(slot=slot, capacity=6, actor=None, now=NOW)

    assert refused.value.code == "capacity_below_booked"
    assert refused.value.status == 409
    assert "7" in refused.value.detail
    slot.refresh_from_db()
    assert slot.capacity == 10


def test_it_decides_on_the_database_not_on_a_stale_object(slot):
    Slot.objects.filter(pk=slot.pk).update(booked=9)  # booked since the object was read

    with pytest.raises(CapacityBelowBooked):
        slot_set_capacity(slot=slot, capacity=8, actor=None, now=NOW)


def test_a_negative_capacity_is_refused(slot):
    with pytest.raises(InvalidQuota):
        slot_set_capacity(slot=slot, capacity=-1, actor=None, now=NOW)


def test_the_database_refuses_capacity_below_booked_even_without_the_service(slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(capacity=6)


def test_the_database_refuses_booked_below_zero(slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=-1)


@pytest.mark.postgres
def test_postgres_check_refuses_booked_above_capacity_through_raw_sql(slot):
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE offices_slot SET booked = capacity + 1 WHERE id = %s", [slot.pk])

    assert "slot_booked_lte_capacity" in str(refused.value)


def test_split_quota_spreads_evenly_with_the_remainder_first():
    assert split_quota(100, 3) == [34, 33, 33]
    assert split_quota(2, 3) == [1, 1, 0]
    assert split_quota(5, 0) == []


def test_a_daily_quota_is_spread_over_the_sessions_and_pushed_to_future_rows(weekly):
    offices_release(now=NOW)

    result = office_set_daily_quota(office=weekly, regular=300, express=60, priority=40, actor=None, now=NOW)

    monday = Slot.objects.filter(office=weekly, date=MONDAY)
    assert sum(monday.filter(track="regular").values_list("capacity", flat=True)) == 300
    assert sum(monday.filter(track="express").values_list("capacity", flat=True)) == 60
    assert sum(monday.values_list("capacity", flat=True)) == 400
    assert result.conflicts == []
    # Today is being served: its rows keep the old plan.
    assert set(
        Slot.objects.filter(office=weekly, date=NOW.date(), track="regular").values_list("capacity", flat=True)
    ) == {10}


def test_an_office_without_sessions_gets_the_default_weekday_plan(db):
    office = factories.OfficeFactory(code="kotabumi")

    office_set_daily_quota(office=office, regular=75, express=15, priority=10, actor=None, now=NOW)

    assert SessionTemplate.objects.filter(office=office).count() == 15
    assert Slot.objects.filter(office=office, date=MONDAY).count() == 9


def test_lowering_a_plan_lowers_a_row_with_more_booked_to_its_bookings_and_reports_it(weekly):
    offices_release(now=NOW)
    full = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=full.pk).update(booked=8)

    result = office_set_daily_quota(office=weekly, regular=15, express=3, priority=3, actor=None, now=NOW)

    full.refresh_from_db()
    assert full.capacity == 8  # 8 booked; the plan wanted 5: never below booked, no new bookings
    assert not slot_take(slot_id=full.id)
    assert [(c.slot_id, c.booked, c.wanted) for c in result.conflicts] == [(full.id, 8, 5)]
    assert Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(10), track="regular").capacity == 5


def test_a_removed_session_is_deleted_when_empty_and_takes_no_new_bookings_when_booked(weekly):
    offices_release(now=NOW)
    booked = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(13), track="regular")
    Slot.objects.filter(pk=booked.pk).update(booked=1)
    SessionTemplate.objects.filter(office=weekly, start=dt.time(13)).delete()

    result = office_slots_resync(office=weekly, now=NOW)

    assert not Slot.objects.filter(office=weekly, date=MONDAY, start=dt.time(13), track="express").exists()
    booked.refresh_from_db()
    assert (booked.booked, booked.capacity) == (1, 1)
    assert [(c.slot_id, c.wanted) for c in result.conflicts] == [(booked.id, 0)]


def test_moving_a_session_to_another_time_does_not_keep_selling_the_old_one(weekly):
    """A booked date keeps its old session for the people booked on it, but the day's
    places are the plan's, not the old session's and the new one's added together."""
    offices_release(now=NOW)
    old = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=old.pk).update(booked=3)
    SessionTemplate.objects.filter(office=weekly, start=dt.time(8)).update(start=dt.time(8, 30), end=dt.time(10))

    result = office_slots_resync(office=weekly, now=NOW)

    old.refresh_from_db()
    moved = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(8, 30), track="regular")
    assert (old.booked, old.capacity, moved.capacity) == (3, 3, 10)
    assert not slot_take(slot_id=old.id)
    assert [(c.slot_id, c.booked, c.wanted) for c in result.conflicts] == [(old.id, 3, 0)]


def test_an_override_added_later_is_applied_by_resync(weekly):
    offices_release(now=NOW)
    DateOverride.objects.create(office=weekly, date=MONDAY, start=dt.time(8), end=dt.time(12), capacity_regular=30)

    office_slots_resync(office=weekly, now=NOW)

    assert list(Slot.objects.filter(office=weekly, date=MONDAY).values_list("start", "end", "track", "capacity")) == [
        (dt.time(8), dt.time(12), "regular", 30)
    ]


def test_resync_twice_changes_nothing(weekly):
    offices_release(now=NOW)
    office_set_daily_quota(office=weekly, regular=31, express=6, priority=4, actor=None, now=NOW)
    rows = list(Slot.objects.order_by("id").values_list("id", "capacity", "end"))

    again = office_slots_resync(office=weekly, now=NOW)

    assert (again.created, again.updated, again.removed, again.conflicts) == (0, 0, 0, [])
    assert list(Slot.objects.order_by("id").values_list("id", "capacity", "end")) == rows


def test_resync_keeps_closed_rows_closed(weekly):
    from offices.services import closure_create

    offices_release(now=NOW)
    closure_create(office=weekly, date=MONDAY, start=None, kind="local", reason="Libur", actor=None, now=NOW)

    office_set_daily_quota(office=weekly, regular=60, express=6, priority=3, actor=None, now=NOW)

    assert set(Slot.objects.filter(office=weekly, date=MONDAY).values_list("closed", flat=True)) == {True}


def test_a_row_lowered_to_its_bookings_comes_down_with_them_to_the_plan(weekly):
    """A place given back on a row the plan lowered does not reopen above the plan."""
    offices_release(now=NOW)
    row = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=row.pk).update(booked=8)
    office_set_daily_quota(office=weekly, regular=15, express=3, priority=3, actor=None, now=NOW)  # plan: 5

    seen = []
    for _ in range(4):
        slot_release(slot_id=row.id)
        row.refresh_from_db()
        seen.append((row.booked, row.capacity, row.planned_capacity))

    assert seen == [(7, 7, 5), (6, 6, 5), (5, 5, None), (4, 5, None)]
    assert slot_take(slot_id=row.id)  # within the plan again: the place is open


def test_raising_the_plan_again_ends_the_follow_down(weekly):
    offices_release(now=NOW)
    row = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=row.pk).update(booked=8)
    office_set_daily_quota(office=weekly, regular=15, express=3, priority=3, actor=None, now=NOW)

    office_set_daily_quota(office=weekly, regular=45, express=3, priority=3, actor=None, now=NOW)  # plan: 15
    slot_release(slot_id=row.id)

    row.refresh_from_db()
    assert (row.booked, row.capacity, row.planned_capacity) == (7, 15, None)


def test_removing_an_override_gives_a_full_row_its_weekly_plan_back(weekly):
    """A full session lowered by an override keeps no trace of it once the override is gone:
    a place given back afterwards is offered again."""
    offices_release(now=NOW)
    row = Slot.objects.get(office=weekly, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=row.pk).update(booked=row.capacity)  # full at its weekly 10
    override = DateOverride.objects.create(
        office=weekly, date=MONDAY, start=dt.time(8), end=dt.time(10), capacity_regular=4
    )
    office_slots_resync(office=weekly, now=NOW)
    row.refresh_from_db()
    assert (row.capacity, row.planned_capacity) == (10, 4)  # lowered to its bookings, plan 4

    override.delete()
    office_slots_resync(office=weekly, now=NOW)
    slot_release(slot_id=row.id)

    row.refresh_from_db()
    assert (row.booked, row.capacity, row.planned_capacity) == (9, 10, None)
    assert slot_take(slot_id=row.id)
    assert Slot.objects.filter(office=weekly, date=MONDAY, start=dt.time(10), track="regular").exists()


def test_a_capacity_past_what_any_office_serves_is_refused(slot):
    with pytest.raises(InvalidQuota):
        slot_set_capacity(slot=slot, capacity=9223372036854775807, actor=None, now=NOW)
    slot.refresh_from_db()
    assert slot.capacity == 10
