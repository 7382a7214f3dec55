"""National holidays (holidays package) and cuti bersama become closures of every office."""

import datetime as dt
import io

from django.core.management import call_command

from offices.models import Closure, Slot
from offices.services import holidays_sync, national_days_off, offices_release
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)


def test_the_list_has_public_holidays_and_cuti_bersama():
    days = {(date, kind): name for date, name, kind in national_days_off(years=[2026])}

    assert days[(dt.date(2026, 8, 17), "holiday")] == "Hari Kemerdekaan Republik Indonesia"
    assert days[(dt.date(2026, 12, 25), "holiday")] == "Hari Raya Natal"
    assert days[(dt.date(2026, 12, 24), "cuti_bersama")] == "Cuti Bersama Hari Raya Natal"
    assert all(date.year == 2026 for date, _ in days)


def test_sync_records_future_days_off_once(db):
    first = holidays_sync(years=[2026, 2027], now=NOW)
    count = Closure.objects.count()
    second = holidays_sync(years=[2026, 2027], now=NOW)

    assert first.created == count > 20
    assert first.skipped_past > 0  # January to August 2026 are over
    assert (second.created, second.unchanged) == (0, count)
    assert Closure.objects.count() == count
    assert not Closure.objects.filter(office__isnull=False).exists()
    assert Closure.objects.filter(date=dt.date(2027, 3, 9), kind="cuti_bersama").exists()


def test_sync_closes_rows_already_materialized(db):
    office = weekly_office("denpasar", timezone="Asia/Makassar")
    offices_release(now=NOW)

    holidays_sync(years=[2026], now=NOW)

    assert set(Slot.objects.filter(office=office, date=dt.date(2026, 12, 24)).values_list("closed", flat=True)) == {
        True
    }
    assert not Slot.objects.filter(office=office, date=dt.date(2026, 12, 23), closed=True).exists()


def test_a_renamed_holiday_is_updated_not_duplicated(db):
    holidays_sync(years=[2026], now=NOW)
    Closure.objects.filter(date=dt.date(2026, 12, 25), kind="holiday").update(reason="Natal (old name)")

    result = holidays_sync(years=[2026], now=NOW)

    assert result.renamed == 1
    assert Closure.objects.get(date=dt.date(2026, 12, 25), kind="holiday").reason == "Hari Raya Natal"


def test_the_command_syncs_the_years_asked_for(db, time_machine):
    time_machine.move_to(NOW, tick=False)

    out = io.StringIO()
    call_command("sync_holidays", "--year", "2027", stdout=out)

    assert "2027:" in out.getvalue()

    assert Closure.objects.exists()
    assert set(Closure.objects.dates("date", "year")) == {dt.date(2027, 1, 1)}


def test_a_day_off_an_admin_lifted_is_not_recorded_again(db, admin_user):
    from offices.services import closure_create, closure_lift

    office = weekly_office("denpasar", timezone="Asia/Makassar")
    offices_release(now=NOW)
    holidays_sync(years=[2026], now=NOW)
    cuti = Closure.objects.get(date=dt.date(2026, 12, 24), kind="cuti_bersama")
    closure_lift(closure=cuti, actor=admin_user, now=NOW)  # the decree was changed

    again = holidays_sync(years=[2026], now=NOW)

    assert again.skipped_lifted == 1 and again.created == 0
    assert not Closure.objects.filter(date=dt.date(2026, 12, 24)).exists()
    assert not Slot.objects.filter(office=office, date=dt.date(2026, 12, 24), closed=True).exists()

    # Recorded again by hand, it is the sync's to keep once more.
    closure_create(
        office=None, date=dt.date(2026, 12, 24), start=None, kind="cuti_bersama", reason="Cuti", actor=None, now=NOW
    )
    Closure.objects.filter(date=dt.date(2026, 12, 24)).delete()
    assert holidays_sync(years=[2026], now=NOW).created == 1


def test_lifting_a_local_closure_leaves_the_sync_alone(db):
    from offices.models import LiftedDayOff
    from offices.services import closure_create, closure_lift

    office = weekly_office("denpasar", timezone="Asia/Makassar")
    local = closure_create(
        office=office, date=dt.date(2026, 12, 23), start=None, kind="local", reason="Rapat", actor=None, now=NOW
    ).closure

    closure_lift(closure=local, actor=None, now=NOW)

    assert not LiftedDayOff.objects.exists()
