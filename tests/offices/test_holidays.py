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
    days = {(day.date, day.kind): day.name for day in national_days_off(years=[2026])}

    assert days[(dt.date(2026, 8, 17), "holiday")] == "Hari Kemerdekaan Republik Indonesia"
    assert days[(dt.date(2026, 12, 25), "holiday")] == "Hari Raya Natal"
    assert days[(dt.date(2026, 12, 24), "cuti_bersama")] == "Cuti Bersama Hari Raya Natal"
    assert all(date.year == 2026 for date, _ in days)


def test_each_day_off_has_an_english_name_beside_the_indonesian_one():
    days = {(day.date, day.kind): day for day in national_days_off(years=[2026, 2027])}

    assert days[(dt.date(2026, 1, 1), "holiday")][1:] == ("Tahun Baru Masehi", "holiday", "New Year's Day")
    assert days[(dt.date(2026, 8, 17), "holiday")].name_en == "Independence Day"
    assert days[(dt.date(2026, 12, 24), "cuti_bersama")].name_en == "Collective leave for Christmas"
    assert days[(dt.date(2027, 3, 9), "cuti_bersama")].name_en == "Collective leave for Eid al-Fitr"
    assert all(day.name_en and day.name_en != day.name for day in days.values())


def test_a_decree_day_without_an_english_name_is_named_collective_leave(tmp_path, monkeypatch):
    from offices.services import holidays

    csv = tmp_path / "cuti_bersama.csv"
    csv.write_text(
        "date,name,name_en,type,status,source\r\n2026-12-28,Cuti Bersama Akhir Tahun,,cuti_bersama,official,test\r\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(holidays, "CUTI_BERSAMA_CSV", csv)

    [day] = [day for day in national_days_off(years=[2026]) if day.kind == "cuti_bersama"]

    assert (day.name, day.name_en) == ("Cuti Bersama Akhir Tahun", "Collective leave (Cuti Bersama Akhir Tahun)")


def test_a_holiday_the_package_cannot_name_in_english_keeps_its_indonesian_name(monkeypatch):
    from offices.services import holidays

    real = holidays.holidays_lib.country_holidays

    def without_english(country, *, years, language):
        found = real(country, years=years, language=language)
        if language == "en_US":
            found.pop(dt.date(2026, 1, 1))
        return found

    monkeypatch.setattr(holidays.holidays_lib, "country_holidays", without_english)

    days = {(day.date, day.kind): day for day in national_days_off(years=[2026])}

    assert days[(dt.date(2026, 1, 1), "holiday")].name_en == "Tahun Baru Masehi"


def test_the_sync_records_the_english_name_beside_the_official_one(db):
    holidays_sync(years=[2026], now=NOW)

    christmas = Closure.objects.get(date=dt.date(2026, 12, 25), kind="holiday")
    eve = Closure.objects.get(date=dt.date(2026, 12, 24), kind="cuti_bersama")
    assert (christmas.reason, christmas.reason_en) == ("Hari Raya Natal", "Christmas Day")
    assert (eve.reason, eve.reason_en) == ("Cuti Bersama Hari Raya Natal", "Collective leave for Christmas")


def test_the_sync_gives_a_day_recorded_without_english_its_english_name(db):
    holidays_sync(years=[2026], now=NOW)
    Closure.objects.filter(date=dt.date(2026, 12, 25), kind="holiday").update(reason_en="")

    result = holidays_sync(years=[2026], now=NOW)

    assert result.renamed == 1
    assert Closure.objects.get(date=dt.date(2026, 12, 25), kind="holiday").reason_en == "Christmas Day"


def test_the_migration_names_recorded_days_off_in_english_and_leaves_typed_ones(db):
    import importlib

    from django.apps import apps

    from offices.services import closure_create

    migration = importlib.import_module("offices.migrations.0011_closure_reason_en_fill")
    holidays_sync(years=[2026], now=NOW)
    Closure.objects.update(reason_en="")  # as recorded before English names were kept
    typed = closure_create(
        office=None,
        date=dt.date(2026, 12, 31),
        start=None,
        kind="holiday",
        reason="Libur akhir tahun",
        actor=None,
        now=NOW,
    ).closure
    renamed_by_hand = Closure.objects.get(date=dt.date(2026, 12, 24))
    renamed_by_hand.reason = "Cuti Natal"
    renamed_by_hand.save()

    migration.fill_english_names(apps, None)

    assert Closure.objects.get(date=dt.date(2026, 12, 25)).reason_en == "Christmas Day"
    assert Closure.objects.get(pk=typed.pk).reason_en == ""
    assert Closure.objects.get(pk=renamed_by_hand.pk).reason_en == ""
    assert holidays_sync(years=[2026], now=NOW).renamed == 1  # only the day renamed by hand


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
