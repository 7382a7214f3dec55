"""Closing a date or a session records it, shuts its rows, and names the booked ones."""

import datetime as dt

import pytest

from offices.exceptions import ClosureNotAllowed
from offices.models import Closure, Slot
from offices.services import closure_create, closure_lift, offices_release
from offices.services.capacity import slot_take
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def office(weekly):
    offices_release(now=NOW)
    return weekly


def test_closing_a_day_closes_its_rows_and_names_those_with_bookings(office, admin_user):
    booked = Slot.objects.get(office=office, date=MONDAY, start=dt.time(10), track="express")
    Slot.objects.filter(pk=booked.pk).update(booked=2)

    result = closure_create(
        office=office, date=MONDAY, start=None, kind="outage", reason="Gangguan jaringan", actor=admin_user, now=NOW
    )

    monday = Slot.objects.filter(office=office, date=MONDAY)
    assert set(monday.values_list("closed", "closed_reason")) == {(True, "Gangguan jaringan")}
    assert sorted(result.slot_ids) == sorted(monday.values_list("id", flat=True))
    assert result.booked_slot_ids == [booked.id]
    assert result.closure.created_by == admin_user
    assert not Slot.objects.filter(office=office, date=dt.date(2026, 12, 1), closed=True).exists()


def test_nothing_can_be_taken_from_a_closed_row(office):
    closure_create(office=office, date=MONDAY, start=dt.time(8), kind="local", reason="x", actor=None, now=NOW)
    closed = Slot.objects.get(office=office, date=MONDAY, start=dt.time(8), track="regular")

    assert slot_take(slot_id=closed.id) is False


def test_a_session_closure_closes_only_that_session(office):
    closure_create(office=office, date=MONDAY, start=dt.time(13), kind="local", reason="Rapat", actor=None, now=NOW)

    closed = set(Slot.objects.filter(office=office, date=MONDAY, closed=True).values_list("start", flat=True))
    assert closed == {dt.time(13)}


def test_a_national_closure_closes_every_office(office):
    other = weekly_office("jayapura", timezone="Asia/Jayapura")
    offices_release(now=NOW)

    closure_create(office=None, date=MONDAY, start=None, kind="holiday", reason="Libur", actor=None, now=NOW)

    assert set(Slot.objects.filter(date=MONDAY).values_list("office_id", "closed").distinct()) == {
        (office.id, True),
        (other.id, True),
    }


def test_today_can_be_closed_but_not_the_past(office):
    closure_create(office=office, date=NOW.date(), start=None, kind="outage", reason="Banjir", actor=None, now=NOW)

    with pytest.raises(ClosureNotAllowed):
        closure_create(
            office=office, date=dt.date(2026, 11, 24), start=None, kind="local", reason="", actor=None, now=NOW
        )


def test_a_closure_without_a_reason_gets_its_kind_as_reason(office):
    result = closure_create(office=office, date=MONDAY, start=None, kind="outage", reason="  ", actor=None, now=NOW)

    assert result.closure.reason == str(Closure.Kind.OUTAGE.label)


def test_lifting_reopens_rows_no_other_closure_covers(office):
    day = closure_create(office=office, date=MONDAY, start=None, kind="local", reason="Renovasi", actor=None, now=NOW)
    morning = closure_create(
        office=office, date=MONDAY, start=dt.time(8), kind="local", reason="Apel pagi", actor=None, now=NOW
    )
    assert morning.slot_ids == []  # already closed by the whole-day closure

    lifted = closure_lift(closure=day.closure, actor=None, now=NOW)

    still = Slot.objects.filter(office=office, date=MONDAY, closed=True)
    assert set(still.values_list("start", "closed_reason")) == {(dt.time(8), "Apel pagi")}
    assert len(lifted.reopened_slot_ids) == 6
    assert not Closure.objects.filter(pk=day.closure.pk).exists()


def test_a_past_closure_cannot_be_lifted(office):
    result = closure_create(office=office, date=MONDAY, start=None, kind="local", reason="x", actor=None, now=NOW)

    with pytest.raises(ClosureNotAllowed):
        closure_lift(closure=result.closure, actor=None, now=dt.datetime(2026, 12, 1, 8, tzinfo=WIB))


def test_rows_materialized_later_on_a_closed_date_are_created_closed(db):
    office = weekly_office("batam")
    closure_create(
        office=None, date=dt.date(2026, 12, 25), start=None, kind="holiday", reason="Natal", actor=None, now=NOW
    )
    closure_create(office=office, date=MONDAY, start=dt.time(10), kind="local", reason="Rapat", actor=None, now=NOW)

    offices_release(now=NOW)

    assert set(Slot.objects.filter(date=dt.date(2026, 12, 25)).values_list("closed", "closed_reason")) == {
        (True, "Natal")
    }
    assert set(Slot.objects.filter(date=MONDAY, closed=True).values_list("start", flat=True)) == {dt.time(10)}
