"""`manage.py load_demo`: the real office list, bookable at once, and idempotent."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from offices import demo
from offices.models import Closure, Office, OfficeMembership, SessionTemplate, Slot
from offices.selectors import office_availability

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday
MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.slow


def counts() -> dict[str, int]:
    return {
        "offices": Office.objects.count(),
        "templates": SessionTemplate.objects.count(),
        "closures": Closure.objects.count(),
        "slots": Slot.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": OfficeMembership.objects.count(),
        "groups": Group.objects.count(),
    }


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    """Load once for the module, inside a transaction rolled back at the end; each
    test runs in a savepoint within it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], DEBUG=True)
    with django_db_blocker.unblock(), fast, time_machine.travel(NOW, tick=False), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once


def test_running_it_twice_changes_nothing(loaded):
    before = counts()
    slots = list(Slot.objects.order_by("id").values_list("id", "capacity", "closed"))

    with time_machine.travel(NOW, tick=False), override_settings(DEBUG=True):
        out = io.StringIO()
        call_command("load_demo", stdout=out)

    assert counts() == before
    assert list(Slot.objects.order_by("id").values_list("id", "capacity", "closed")) == slots
    assert "0 created, 0 updated, 167 unchanged" in out.getvalue()


def test_it_reports_progress_and_totals(loaded):
    assert "offices: 167 created" in loaded
    assert "capacity rows" in loaded
    assert "Demo data loaded" in loaded


@pytest.mark.parametrize(
    ("code", "province", "timezone"),
    [
        ("surabaya", "Jawa Timur", "Asia/Jakarta"),
        ("kotabumi", "Lampung", "Asia/Jakarta"),
        ("kalianda", "Lampung", "Asia/Jakarta"),
        ("bandar-lampung", "Lampung", "Asia/Jakarta"),
        ("jakarta-selatan", "DKI Jakarta", "Asia/Jakarta"),
        ("batam", "Kepulauan Riau", "Asia/Jakarta"),
        ("denpasar", "Bali", "Asia/Makassar"),
        ("makassar", "Sulawesi Selatan", "Asia/Makassar"),
        ("jayapura", "Papua", "Asia/Jayapura"),
    ],
)
def test_the_real_offices_are_there_with_province_and_time_zone(loaded, code, province, timezone):
    office = Office.objects.get(code=code)

    assert (office.province, office.timezone) == (province, timezone)


def test_there_are_well_over_a_hundred_offices_and_service_points_have_parents(loaded):
    assert Office.objects.filter(kind="kanim").count() >= 100
    assert Office.objects.filter(kind__in=["ulp", "corner"], parent__isnull=True).count() == 0
    assert Office.objects.get(code="ulp-sidoarjo").parent.code == "surabaya"


def test_sessions_add_up_to_the_daily_quota(loaded):
    def daily(code: str) -> int:
        return sum(Slot.objects.filter(office__code=code, date=MONDAY).values_list("capacity", flat=True))

    assert daily("surabaya") == 400
    assert daily("batam") == 200 + 35 + 50
    surabaya_regular = Slot.objects.filter(office__code="surabaya", date=MONDAY, track="regular")
    assert sum(surabaya_regular.values_list("capacity", flat=True)) == 300


def test_release_and_booking_settings_of_the_demo(loaded):
    batam = Office.objects.get(code="batam")

    assert (batam.release_policy, batam.release_weekday, batam.release_time) == ("batch", 4, dt.time(14))
    assert Office.objects.get(code="ulp-wamena").online_booking is False
    assert Office.objects.get(code="surabaya").release_policy == "rolling"


def test_national_holidays_of_the_coming_months_are_closures(loaded):
    assert Closure.objects.filter(office__isnull=True, date=dt.date(2026, 12, 25)).exists()
    assert Closure.objects.filter(office__isnull=True, date__year=2027).count() > 20
    assert not Slot.objects.filter(date=dt.date(2026, 12, 25), closed=False).exists()


def test_every_office_answers_availability_and_online_offices_have_an_open_day(loaded):
    for office in Office.objects.all():
        days = office_availability(office=office, start=dt.date(2026, 11, 26), days=31, now=NOW)
        statuses = {day["status"] for day in days}
        if office.online_booking:
            assert "open" in statuses, office.code
        else:
            assert statuses <= {"closed", "not_released"}, office.code


def test_demo_staff_accounts_exist_with_their_roles(loaded):
    users = get_user_model().objects
    for code in demo.DEMO_OFFICES:
        supervisor = users.get(username=demo.supervisor_username(code))
        officer = users.get(username=demo.officer_username(code))
        assert supervisor.is_staff and supervisor.groups.filter(name="supervisor").exists()
        assert supervisor.memberships.get().office.code == code
        assert officer.memberships.get().role == "officer"
        assert supervisor.check_password(demo.DEMO_PASSWORD)
    assert users.get(username="pusat").groups.filter(name="central_admin").exists()
    assert users.get(username="admin").is_superuser


def test_the_banner_lists_every_demo_login():
    usernames = {login["username"] for login in demo.DEMO_LOGINS}

    assert {"admin", "pusat", "supervisor.surabaya", "petugas.kotabumi"} <= usernames
    assert len(usernames) == 2 + 2 * len(demo.DEMO_OFFICES)
