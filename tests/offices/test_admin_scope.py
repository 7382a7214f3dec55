"""Supervisors manage only their own offices in the admin; central admins manage all."""

import datetime as dt
import re

import pytest
import time_machine

from offices.models import Closure, Office, OfficeMembership, SessionTemplate, Slot
from offices.services import closure_create, membership_grant, staff_groups_sync
from tests import factories
from tests.offices.admin_forms import office_form

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def supervisor_a(office_a, client):
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office_a, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    return user


def change_url(model: str, pk: int) -> str:
    return f"/admin/offices/{model}/{pk}/change/"


def test_a_supervisor_lists_only_their_office(client, supervisor_a, office_b):
    page = client.get("/admin/offices/office/").content.decode()

    assert "Kanim Surabaya" in page
    assert "Kanim Makassar" not in page


def test_a_supervisor_cannot_open_another_office(client, supervisor_a, office_a, office_b):
    assert client.get(change_url("office", office_a.pk)).status_code == 200
    response = client.get(change_url("office", office_b.pk))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "Kanim Makassar" not in client.get(response.url).content.decode()


def test_a_supervisor_cannot_edit_another_office(client, supervisor_a, office_b):
    client.post(change_url("office", office_b.pk), {"phone": "0411-000", "online_booking": ""})

    office_b.refresh_from_db()
    assert office_b.online_booking is True and office_b.phone == ""


def test_a_supervisor_can_edit_sessions_of_their_office_and_future_rows_follow(client, supervisor_a, office_a, rows):
    data = office_form(office_a, phone="031-123")
    data["session_templates-0-capacity_regular"] = "25"

    response = client.post(change_url("office", office_a.pk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    office_a.refresh_from_db()
    assert office_a.phone == "031-123"
    assert Slot.objects.get(office=office_a, date=MONDAY, start=dt.time(8), track="regular").capacity == 25


def test_a_supervisor_cannot_change_the_release_schedule(client, supervisor_a, office_a):
    page = client.get(change_url("office", office_a.pk)).content.decode()

    assert 'name="release_policy"' not in page
    assert 'name="online_booking"' in page


def test_the_date_list_shows_only_their_rows_with_booked_of_capacity(client, supervisor_a, office_a, office_b, rows):
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8), track="regular").update(booked=3)

    # Their one office: the list opens without the office filter it does not show.
    query = f"date__gte=2026-11-30&date__lt=2026-12-01&office={office_a.pk}"
    page = client.get(f"/admin/offices/slot/?{query}", follow=True)
    other = Slot.objects.filter(office=office_b).first()

    assert "3 / 10" in page.content.decode()
    assert "Kanim Makassar" not in client.get("/admin/offices/slot/").content.decode()
    assert client.get(change_url("slot", other.pk)).status_code == 302


def test_a_supervisor_cannot_set_a_capacity_below_booked_in_the_admin(client, supervisor_a, office_a, rows):
    slot = Slot.objects.get(office=office_a, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=slot.pk).update(booked=6)

    response = client.post(change_url("slot", slot.pk), {"capacity": "5"})

    assert response.status_code == 200
    assert "6" in response.content.decode()
    slot.refresh_from_db()
    assert slot.capacity == 10
    client.post(change_url("slot", slot.pk), {"capacity": "6"})
    slot.refresh_from_db()
    assert slot.capacity == 6


def test_a_supervisor_closes_a_day_of_their_office_only(client, supervisor_a, office_a, office_b, rows):
    client.post(
        "/admin/offices/closure/add/",
        {"office": office_b.pk, "date": "2026-11-30", "kind": "local", "reason": "Bukan kantor saya"},
    )
    client.post(
        "/admin/offices/closure/add/",
        {"office": office_a.pk, "date": "2026-11-30", "kind": "local", "reason": "Pemadaman listrik"},
    )

    assert list(Closure.objects.values_list("office__code", "reason")) == [("surabaya", "Pemadaman listrik")]
    assert set(Slot.objects.filter(date=MONDAY, closed=True).values_list("office__code", flat=True)) == {"surabaya"}


def test_a_supervisor_sees_national_closures_but_cannot_lift_them(client, supervisor_a, office_b, rows):
    national = closure_create(
        office=None, date=MONDAY, start=None, kind="holiday", reason="Libur nasional", actor=None, now=NOW
    ).closure
    local_b = closure_create(
        office=office_b, date=MONDAY, start=None, kind="local", reason="Makassar", actor=None, now=NOW
    )

    listing = client.get("/admin/offices/closure/").content.decode()
    client.post(f"/admin/offices/closure/{national.pk}/delete/", {"post": "yes"})

    assert "Libur nasional" in listing and "Makassar" not in listing
    assert Closure.objects.filter(pk=national.pk).exists()
    assert client.get(change_url("closure", local_b.closure.pk)).status_code == 302


def test_memberships_are_for_central_admins_only(client, supervisor_a):
    assert client.get("/admin/offices/officemembership/").status_code == 403


def test_an_officer_cannot_use_the_offices_admin(client, office_a):
    staff_groups_sync()
    officer = factories.StaffFactory(username="petugas", membership__office=office_a, membership__role="officer")
    client.force_login(officer)

    assert client.get("/admin/offices/office/").status_code == 403


def test_a_central_admin_sees_every_office_and_membership(client, central_admin, office_a, office_b):
    page = client.get("/admin/offices/office/").content.decode()

    assert "Kanim Surabaya" in page and "Kanim Makassar" in page
    assert client.get("/admin/offices/officemembership/").status_code == 200
    assert client.get(change_url("office", office_b.pk)).status_code == 200


def test_the_bulk_quota_action_asks_then_sets_the_quota_of_many_offices(
    client, central_admin, office_a, office_b, rows
):
    selected = {"action": "set_daily_quota", "_selected_action": [office_a.pk, office_b.pk]}

    form = client.post("/admin/offices/office/", selected)
    client.post("/admin/offices/office/", {**selected, "apply": "1", "regular": "45", "express": "6", "priority": "0"})

    assert form.status_code == 200 and 'name="regular"' in form.content.decode()
    for office in (office_a, office_b):
        assert sum(t.capacity_regular for t in SessionTemplate.objects.filter(office=office, weekday=0)) == 45
        monday = Slot.objects.filter(office=office, date=MONDAY)
        assert set(monday.filter(track="regular").values_list("capacity", flat=True)) == {15}
        assert not monday.filter(track="priority").exists()


def test_the_quota_form_says_each_offices_current_quota_and_starts_from_it(client, central_admin, office_a, office_b):
    one = client.post(
        "/admin/offices/office/",
        {"action": "set_daily_quota", "_selected_action": [office_a.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    both = client.post(
        "/admin/offices/office/",
        {"action": "set_daily_quota", "_selected_action": [office_a.pk, office_b.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    # Three sessions of 10 regular, 2 express and 1 priority places, Monday to Friday.
    monday = re.compile(r'<th scope="row">Monday</th>\s*<td class="number">3</td>\s*<td class="number">30</td>')
    assert len(monday.findall(one)) == 1
    assert 'name="regular" value="30"' in one and 'name="priority" value="3"' in one
    # Several offices: each shows its own weekdays; the form starts empty.
    assert len(monday.findall(both)) == 2
    assert 'name="regular" value=' not in both


def test_the_quota_form_says_when_an_office_has_no_weekly_sessions(client, central_admin):
    bare = factories.OfficeFactory(code="kotabumi")

    page = client.post(
        "/admin/offices/office/",
        {"action": "set_daily_quota", "_selected_action": [bare.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert "No weekly sessions yet: Monday to Friday get three sessions" in page


def test_the_bulk_quota_action_lowers_booked_sessions_only_to_their_bookings_and_says_so(
    client, central_admin, office_a, rows
):
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8), track="regular").update(booked=9)

    done = client.post(
        "/admin/offices/office/",
        {
            "action": "set_daily_quota",
            "_selected_action": [office_a.pk],
            "apply": "1",
            "regular": "15",
            "express": "0",
            "priority": "0",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert Slot.objects.get(office=office_a, date=MONDAY, start=dt.time(8), track="regular").capacity == 9
    assert Slot.objects.get(office=office_a, date=MONDAY, start=dt.time(10), track="regular").capacity == 5
    # The date as the rest of the admin writes it: "11/30/2026" reads as a month in Jakarta.
    assert "30 Nov 2026 08:00 Regular: 9 booked, plan 5" in done.content.decode()
    assert "takes no new ones" in done.content.decode()
    assert not Office.objects.filter(pk=office_a.pk, session_templates__capacity_express__gt=0).exists()


def test_the_sessions_a_new_plan_cannot_lower_are_listed_in_indonesian(client, supervisor_a, office_a, rows):
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8), track="regular").update(booked=9)
    data = office_form(office_a)
    data["session_templates-0-capacity_regular"] = "2"

    done = client.post(change_url("office", office_a.pk), data, follow=True, HTTP_ACCEPT_LANGUAGE="id")

    text = " ".join(str(m) for m in done.context["messages"])
    assert "30 Nov. 2026 08.00 Reguler: 9 terisi, rencana 2" in text
    assert "booked" not in text and "regular" not in text


def test_closing_a_day_says_how_many_bookings_are_being_moved(client, supervisor_a, office_a, rows):
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8), track="regular").update(booked=2)

    response = client.post(
        "/admin/offices/closure/add/",
        {
            "office": office_a.pk,
            "date": "2026-11-30",
            "kind": "local",
            "reason": "Pemadaman listrik",
            "confirm_move": "on",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    text = " ".join(str(m) for m in response.context["messages"])
    assert "sessions closed." in text
    assert "2 bookings in them are being moved to the next free sessions" in text
    assert "must be moved" not in text


def test_closing_sessions_with_bookings_asks_first_and_changes_nothing_until_then(client, supervisor_a, office_a, rows):
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8), track="regular").update(booked=2)
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(10), track="express").update(booked=1)

    asked = client.post(
        "/admin/offices/closure/add/",
        {"office": office_a.pk, "date": "2026-11-30", "kind": "outage", "reason": "Banjir"},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    assert asked.status_code == 200
    assert "3 tempat sudah terisi pada sesi yang akan ditutup." in asked.content.decode()
    assert "Kosongkan untuk semua kantor." not in asked.content.decode()  # a supervisor cannot
    assert not Closure.objects.exists()
    assert not Slot.objects.filter(office=office_a, closed=True).exists()


def test_a_closure_of_a_session_the_office_does_not_have_is_refused(client, supervisor_a, office_a, rows):
    response = client.post(
        "/admin/offices/closure/add/",
        {"office": office_a.pk, "date": "2026-11-30", "start": "09:00", "kind": "local", "reason": "Rapat"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    weekend = client.post(
        "/admin/offices/closure/add/",
        {"office": office_a.pk, "date": "2026-11-29", "start": "08:00", "kind": "local", "reason": "Rapat"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "its sessions start at 08:00, 10:00, 13:00" in response.content.decode()
    assert "This office has no sessions on that date." in weekend.content.decode()
    assert not Closure.objects.exists()


def test_a_closure_of_a_session_the_office_does_not_have_is_refused_with_its_hours_in_indonesian(
    client, supervisor_a, office_a, rows
):
    response = client.post(
        "/admin/offices/closure/add/",
        {"office": office_a.pk, "date": "2026-11-30", "start": "09.00", "kind": "local", "reason": "Rapat"},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    # As the field's help text writes its example ("misalnya 08.00").
    assert "dimulai pukul 09.00 pada tanggal itu; sesinya dimulai pukul 08.00, 10.00, 13.00." in response.text


def test_a_supervisor_opens_a_closure_to_read_it(client, supervisor_a, office_a, rows):
    national = closure_create(
        office=None, date=MONDAY, start=None, kind="holiday", reason="Libur nasional", actor=None, now=NOW
    ).closure
    local = closure_create(office=office_a, date=MONDAY, start=None, kind="local", reason="Rapat", actor=None, now=NOW)

    for closure in (national, local.closure):
        page = client.get(change_url("closure", closure.pk))

        assert page.status_code == 200
        assert closure.reason in page.content.decode()
        assert "confirm" not in page.content.decode().lower()


def test_lifting_a_closure_of_one_session_says_session_not_sessions(client, supervisor_a, office_a, rows):
    Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8)).exclude(track="regular").delete()
    closure = closure_create(
        office=office_a, date=MONDAY, start=dt.time(8), kind="local", reason="Rapat", actor=None, now=NOW
    ).closure

    done = client.post(
        f"/admin/offices/closure/{closure.pk}/delete/", {"post": "yes"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "1 session reopened." in [str(m) for m in done.context["messages"]]


def test_the_bulk_quota_action_refuses_an_absurd_number(client, central_admin, office_a, rows):
    response = client.post(
        "/admin/offices/office/",
        {
            "action": "set_daily_quota",
            "_selected_action": [office_a.pk],
            "apply": "1",
            "regular": "9000000000",
            "express": "0",
            "priority": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "less than or equal to 100000" in response.content.decode()
    assert Slot.objects.get(office=office_a, date=MONDAY, start=dt.time(8), track="regular").capacity == 10


def test_a_supervisor_issues_a_new_display_board_link_and_the_old_one_stops_working(
    client, supervisor_a, office_a, office_b
):
    old_a, old_b = office_a.display_token, office_b.display_token
    assert client.get(f"/display/{old_a}/").status_code == 200

    response = client.post(
        "/admin/offices/office/", {"action": "renew_display_link", "_selected_action": [office_a.pk, office_b.pk]}
    )

    assert response.status_code == 302
    page = client.get("/admin/offices/office/").content.decode()
    assert "Tautan papan tampilan baru dibuat untuk 1 kantor" in page
    office_a.refresh_from_db()
    office_b.refresh_from_db()
    assert office_a.display_token != old_a and len(office_a.display_token) >= 32
    assert office_b.display_token == old_b  # not the supervisor's office
    assert client.get(f"/display/{old_a}/").status_code == 404
    assert client.get(f"/display/{office_a.display_token}/").status_code == 200


def test_closing_and_lifting_one_session_count_it_once_whatever_its_tracks(client, supervisor_a, office_a, rows):
    """A session has a row per track: closing the 08:00 session said "3 sessions closed"."""
    tracks = Slot.objects.filter(office=office_a, date=MONDAY, start=dt.time(8)).count()
    assert tracks > 1

    response = client.post(
        "/admin/offices/closure/add/",
        {"office": office_a.pk, "date": "2026-11-30", "start": "08:00", "kind": "local", "reason": "Rapat"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "1 session closed." in " ".join(str(m) for m in response.context["messages"])
    closure = Closure.objects.get(office=office_a, date=MONDAY)
    lifted = client.post(
        f"/admin/offices/closure/{closure.pk}/delete/", {"post": "yes"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "1 session reopened." in " ".join(str(m) for m in lifted.context["messages"])
