"""Lifting a closure in the admin: a page that states the closure and what lifting it does,
then the lift itself through ``closure_lift``, for the same people as before."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.models import DELETION, LogEntry

from offices.models import Closure, LiftedDayOff, OfficeMembership, Slot
from offices.services import closure_create, membership_grant, staff_groups_sync
from tests import factories
from tests.rollover.helpers import make_waiting

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday
MONDAY = dt.date(2026, 11, 30)
ALLOCATE = "applicants.tasks.allocate_waiting"


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _supervisor(username: str, office):
    staff_groups_sync()
    user = factories.UserFactory(username=username)
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    return user


@pytest.fixture
def supervisor_a(office_a, client):
    user = _supervisor("supervisor.surabaya", office_a)
    client.force_login(user)
    return user


@pytest.fixture
def power_cut(office_a, supervisor_a, rows):
    """Surabaya closed all Monday, and its 08:00 session on its own as well."""
    closure = closure_create(
        office=office_a, date=MONDAY, start=None, kind="local", reason="Pemadaman listrik", actor=supervisor_a, now=NOW
    ).closure
    closure_create(
        office=office_a, date=MONDAY, start=dt.time(8), kind="local", reason="Apel pagi", actor=None, now=NOW
    )
    return closure


def lift_url(closure: Closure) -> str:
    return f"/admin/offices/closure/{closure.pk}/delete/"


def text(response) -> str:
    """What the page's content says, as words."""
    html = response.content.decode()
    html = html[html.index('<div id="content"') : html.index("<footer")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def closed_starts(office, date=MONDAY) -> set[dt.time]:
    return set(Slot.objects.filter(office=office, date=date, closed=True).values_list("start", flat=True))


def test_the_lift_page_states_the_closure_and_what_lifting_it_does_in_indonesian(client, power_cut):
    response = client.get(lift_url(power_cut))

    page = text(response)

    assert "Cabut penutupan" in page
    # One closure, asked about as one: not "Cabut 1 penutupan ini?".
    assert "Cabut penutupan ini? Akibatnya dijelaskan di bawah." in page and "1 penutupan" not in page
    for fact in (
        "Kanim Surabaya (surabaya)",
        "Senin, 30 November 2026",
        "Sepanjang hari",
        "Penutupan lokal",
        "Pemadaman listrik",
        "25 Nov. 2026, 10.00 WIB, oleh supervisor.surabaya",
    ):
        assert fact in page, fact
    assert "Sesi ini dibuka kembali: 10.00, 13.00 WIB." in page
    assert "Yang ini tetap ditutup karena masih tercakup penutupan lain: 08.00 WIB (Apel pagi)." in page
    assert "daftar tunggu tiap kantor terkait langsung diproses" in page
    assert "tetap pada tanggal barunya: tidak dipindahkan kembali" in page
    assert 'type="submit" value="Ya, cabut penutupan ini"' in response.content.decode()
    # Not Django's generic page: no list of objects to be deleted.
    assert "Apakah Anda yakin" not in page and "Objek" not in page


def test_opening_the_lift_page_changes_nothing(client, power_cut, office_a, published):
    client.get(lift_url(power_cut))
    client.post("/admin/offices/closure/", {"action": "lift_selected", "_selected_action": [power_cut.pk]})

    assert Closure.objects.filter(pk=power_cut.pk).exists()
    assert closed_starts(office_a) == {dt.time(8), dt.time(10), dt.time(13)}
    assert not LogEntry.objects.exists()
    assert published == []


def test_confirming_lifts_it_through_the_service(
    client, supervisor_a, power_cut, office_a, published, django_capture_on_commit_callbacks
):
    make_waiting(office_a, 1, requested_date=MONDAY, since=NOW)
    availability = "/api/v1/offices/surabaya/availability/?start=2026-11-30&days=1"
    assert client.get(availability).json()["days"][0]["status"] == "closed"  # and cached

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(lift_url(power_cut), {"post": "yes"}, follow=True)

    assert done.redirect_chain == [("/admin/offices/closure/", 302)]
    assert [str(m) for m in done.context["messages"]] == [
        "Penutupan dicabut: Kanim Surabaya, 30 Nov. 2026 (Pemadaman listrik).",
        "2 sesi dibuka kembali.",
    ]
    assert not Closure.objects.filter(pk=power_cut.pk).exists()
    assert closed_starts(office_a) == {dt.time(8)}  # the other closure still holds it
    assert published == [(ALLOCATE, {"office_id": office_a.id})]  # the waiting list is served
    assert client.get(availability).json()["days"][0]["status"] == "open"  # the cached answer was forgotten
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.user, entry.object_id) == (DELETION, supervisor_a, str(power_cut.pk))


def test_lifting_a_national_day_off_says_and_does_that_the_holiday_sync_keeps_it_lifted(
    client, central_admin, office_b, rows
):
    closure_create(office=office_b, date=MONDAY, start=dt.time(8), kind="local", reason="Apel", actor=None, now=NOW)
    holiday = closure_create(
        office=None, date=MONDAY, start=None, kind="holiday", reason="Libur nasional", actor=None, now=NOW
    ).closure

    page = text(client.get(lift_url(holiday)))
    client.post(lift_url(holiday), {"post": "yes"})

    assert "Semua kantor" in page and "Sesi dibuka kembali di 2 kantor." in page
    assert "Kanim Makassar (Apel)" in page
    assert "Sinkronisasi hari libur tidak akan mencatat hari libur nasional ini lagi" in page
    assert LiftedDayOff.objects.filter(date=MONDAY, kind="holiday").exists()
    assert closed_starts(office_b) == {dt.time(8)}


def test_a_past_closure_is_shown_but_not_offered_for_lifting(client, supervisor_a, office_a):
    past = Closure.objects.create(office=office_a, date=dt.date(2026, 11, 24), kind="outage", reason="Banjir")

    page = text(client.get(lift_url(past)))

    assert "Penutupan yang sudah lewat tidak dapat dicabut." in page
    assert "Ya, cabut" not in page
    assert Closure.objects.filter(pk=past.pk).exists()


def test_a_forged_lift_of_a_past_closure_changes_nothing_and_logs_nothing(client, supervisor_a, office_a):
    past = Closure.objects.create(office=office_a, date=dt.date(2026, 11, 24), kind="outage", reason="Banjir")

    single = client.post(lift_url(past), {"post": "yes"}, follow=True)
    bulk = client.post(
        "/admin/offices/closure/",
        {"action": "lift_selected", "_selected_action": [past.pk], "post": "yes"},
        follow=True,
    )

    for response in (single, bulk):
        assert "Penutupan yang sudah lewat tidak dapat dicabut." in [str(m) for m in response.context["messages"]]
    assert Closure.objects.filter(pk=past.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_a_supervisor_of_another_office_can_neither_open_nor_lift_it(client, power_cut, office_a, office_b):
    client.force_login(_supervisor("supervisor.makassar", office_b))

    opened = client.get(lift_url(power_cut))
    posted = client.post(lift_url(power_cut), {"post": "yes"})

    # As before: the admin's "does not exist" redirect, and nothing lifted.
    assert opened.status_code == posted.status_code == 302
    assert opened.url == posted.url == "/admin/"
    assert Closure.objects.filter(pk=power_cut.pk).exists()
    assert closed_starts(office_a) == {dt.time(8), dt.time(10), dt.time(13)}


def test_a_supervisor_cannot_lift_a_national_closure(client, supervisor_a, office_a, rows):
    national = closure_create(
        office=None, date=MONDAY, start=None, kind="holiday", reason="Libur nasional", actor=None, now=NOW
    ).closure

    assert client.get(lift_url(national)).status_code == 403
    assert client.post(lift_url(national), {"post": "yes"}).status_code == 403
    assert Closure.objects.filter(pk=national.pk).exists()


def test_the_bulk_action_asks_with_the_same_facts_and_offers_only_what_can_be_lifted(
    client, supervisor_a, power_cut, office_a
):
    morning = Closure.objects.get(reason="Apel pagi")
    both = {"action": "lift_selected", "_selected_action": [power_cut.pk, morning.pk]}
    together = text(client.post("/admin/offices/closure/", both))
    national = closure_create(
        office=None, date=MONDAY, start=None, kind="holiday", reason="Libur nasional", actor=None, now=NOW
    ).closure
    past = Closure.objects.create(office=office_a, date=dt.date(2026, 11, 24), kind="outage", reason="Banjir")
    selected = {**both, "_selected_action": [power_cut.pk, morning.pk, national.pk, past.pk]}

    asked = client.post("/admin/offices/closure/", selected)

    # Lifted together, the whole day and its 08:00 session leave every session open...
    assert "Sesi ini dibuka kembali: 08.00, 10.00, 13.00 WIB." in together
    assert "Sesi ini dibuka kembali: 08.00 WIB." in together
    # ...but not while a national closure holds the day.
    page = text(asked)
    assert "Cabut 2 penutupan ini? Akibatnya dijelaskan di bawah." in page
    assert "tercakup penutupan lain: 08.00, 10.00, 13.00 WIB (Libur nasional)." in page
    assert "Penutupan nasional hanya dapat dicabut oleh admin pusat." in page
    assert "Penutupan yang sudah lewat tidak dapat dicabut." in page
    offered = re.findall(r'name="_selected_action" value="(\d+)"', asked.content.decode())
    assert sorted(offered) == sorted([str(power_cut.pk), str(morning.pk)])
    assert Closure.objects.count() == 4

    done = client.post("/admin/offices/closure/", {**selected, "_selected_action": offered, "post": "yes"}, follow=True)

    assert set(Closure.objects.values_list("reason", flat=True)) == {"Libur nasional", "Banjir"}
    assert closed_starts(office_a) == {dt.time(8), dt.time(10), dt.time(13)}  # the national closure stands
    assert "Penutupan dicabut: Kanim Surabaya, 30 Nov. 2026 (Pemadaman listrik)." in [
        str(m) for m in done.context["messages"]
    ]
    assert LogEntry.objects.filter(action_flag=DELETION, user=supervisor_a).count() == 2
    # As before, a selection holding a closure out of the user's reach is refused whole.
    assert client.post("/admin/offices/closure/", {**selected, "post": "yes"}).status_code == 403


def test_the_closure_list_offers_lifting_not_deleting(client, power_cut):
    listing = client.get("/admin/offices/closure/").content.decode()
    detail = client.get(f"/admin/offices/closure/{power_cut.pk}/change/").content.decode()

    assert 'value="lift_selected"' in listing and "Cabut penutupan yang dipilih" in listing
    assert 'value="delete_selected"' not in listing
    assert f'href="{lift_url(power_cut)}" class="deletelink">Cabut penutupan</a>' in detail
