"""`manage.py load_demo`: the real office list, bookable at once, and idempotent."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from offices import demo
from offices.models import Closure, Office, OfficeMembership, SessionTemplate, Slot
from offices.selectors import office_availability

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday
MONDAY = dt.date(2026, 11, 30)

# The first test pays for the whole load (167 offices, two weeks of demo days): about 25 s
# on an idle machine, but over 5 minutes on a slow one running two suites side by side
# (session 24's), past the suite's 300 s a test.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


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


# --- The made-up bookings (load_demo_bookings) ---------------------------------------------


def test_the_demo_offices_have_bookings_and_no_session_holds_more_than_its_places(loaded):
    from applicants.models import Booking, Notification

    # A place is held from booking until the end: by a served person too.
    released = ["waiting", "cancelled", "rolled_over", "expired"]
    holding = Q(bookings__isnull=False) & ~Q(bookings__status__in=released)
    slots = Slot.objects.annotate(holders=Count("bookings", filter=holding))
    for slot in slots.filter(booked__gt=0):
        assert slot.booked <= slot.capacity, slot
        assert slot.holders == slot.booked, slot
    booked = Booking.objects.filter(channel="online", status="confirmed")
    assert set(booked.values_list("office__code", flat=True).distinct()) == set(demo.DEMO_OFFICES)
    assert booked.filter(office__code="surabaya").count() > 500
    # Made-up people gave no phone or email: nobody is sent anything.
    assert not Notification.objects.exists()
    assert "demo bookings: " in loaded and " booked, " in loaded


def test_each_demo_office_s_first_bookable_day_is_sold_out_and_the_next_is_not(loaded):
    for code in demo.DEMO_OFFICES:
        days = office_availability(office=Office.objects.get(code=code), start=NOW.date(), days=14, now=NOW)
        statuses = [day["status"] for day in days if day["status"] in ("open", "full")]
        assert statuses[:2] == ["full", "open"], code


def test_some_asked_for_the_next_free_date_of_a_sold_out_day(loaded):
    from applicants.models import Booking

    waiting = Booking.objects.filter(status="waiting", office__code="surabaya")

    assert waiting.count() == 5
    assert {booking.requested_date for booking in waiting} == {dt.date(2026, 11, 26)}


def test_people_are_of_every_age_and_one_person_holds_one_booking(loaded):
    from applicants.models import Applicant, Booking

    years = {birth.year for birth in Applicant.objects.values_list("birth_date", flat=True)}
    assert min(years) <= 1970 and max(years) >= 1995
    assert Booking.objects.count() == Applicant.objects.count()


def test_an_open_office_has_today_s_bookings_and_this_morning_s_queue(loaded):
    from applicants.models import Booking

    today = Booking.objects.filter(office__code="surabaya", date=NOW.date())
    queued = today.exclude(queue_number="")
    statuses = set(queued.values_list("status", flat=True))

    assert today.filter(channel="online").count() > 100
    assert {"served", "checked_in"} <= statuses <= {"served", "checked_in", "called", "no_show"}
    assert {booking.counter.name for booking in queued.filter(status="called")} <= {f"Loket {n}" for n in range(1, 9)}
    walk_ins = queued.filter(channel="walk_in")
    assert walk_ins.exists()
    # Priority walk-ins: the elderly are 60 or over, anyone younger comes with an infant.
    assert walk_ins.count() == walk_ins.filter(track="priority").count()
    assert set(walk_ins.values_list("priority_group", flat=True)) <= {"elderly", "infant"}
    for walk_in in walk_ins.select_related("applicant"):
        aged = (walk_in.date - walk_in.applicant.birth_date).days / 365.25
        assert (aged >= 60) == (walk_in.priority_group == "elderly")
    # Nothing is dated after the moment the demo was loaded, and people waited.
    assert all(booking.checked_in_at <= NOW for booking in queued)
    for booking in queued.filter(status="served"):
        assert booking.checked_in_at <= booking.called_at < booking.served_at <= NOW
    # The afternoon session's people have not come yet.
    assert not queued.filter(slot__start=dt.time(13)).exists()
    assert "arrivals today" in loaded
    assert "past days played" in loaded


def test_an_office_that_is_closed_now_has_no_queue_yet(loaded):
    from applicants.models import Booking

    # 10:00 in Surabaya is 12:00 in Jayapura (WIT): open too; a Saturday is not.
    assert Booking.objects.filter(office__code="jayapura", date=NOW.date()).exclude(queue_number="").exists()
    saturday = dt.date(2026, 11, 28)
    assert not Booking.objects.filter(date=saturday).exists()


def test_running_it_twice_adds_no_bookings(loaded):
    from applicants.models import Booking

    before = sorted(Booking.objects.values_list("id", "status"))
    with time_machine.travel(NOW, tick=False), override_settings(DEBUG=True):
        out = io.StringIO()
        call_command("load_demo_bookings", stdout=out)

    assert sorted(Booking.objects.values_list("id", "status")) == before
    assert "demo bookings: 0 booked, 0 on the waiting list, 0 arrivals today" in out.getvalue()


def test_it_can_be_left_out(loaded):
    from applicants.models import Booking

    before = Booking.objects.count()
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False), override_settings(DEBUG=True):
        out = io.StringIO()
        call_command("load_demo", "--no-bookings", stdout=out)

    assert "demo bookings" not in out.getvalue()
    assert Booking.objects.count() == before


def test_the_bookings_refuse_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo_bookings", stdout=io.StringIO())


def test_the_banner_and_the_load_give_a_demo_applicant_s_proof_link_that_opens(loaded, client):
    from queue_booking.management.commands.runstack import Command as RunStack

    out = io.StringIO()
    RunStack(stdout=out)._banner("127.0.0.1:8000")
    banner = out.getvalue()
    link = re.search(r"a booking   http://127\.0\.0\.1:8000(/b/\S+/)  ", banner).group(1)

    assert f"a booking to open as its applicant: {link}" in loaded
    with time_machine.travel(NOW, tick=False):
        page = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Confirmed" in page.text
