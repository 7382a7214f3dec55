"""The admin audit trail: every change of capacity is recorded with who and how much,
and central admins read the whole trail."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry

from offices.admin.history import change_message_text
from offices.models import OfficeMembership, Slot
from offices.services import membership_grant, offices_release, staff_groups_sync
from tests import factories
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(db):
    office = weekly_office("surabaya", name="Kanim Surabaya")
    offices_release(now=NOW)
    return office


@pytest.fixture
def supervisor(office):
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    return user


def _set_daily_quota(client, office, *, regular: int, express: int, priority: int, language: str) -> None:
    """The admin's "Set a daily quota" action on ``office``, in ``language``."""
    client.post(
        "/admin/offices/office/",
        {
            "action": "set_daily_quota",
            "_selected_action": [office.pk],
            "apply": "1",
            "regular": str(regular),
            "express": str(express),
            "priority": str(priority),
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_bulk_daily_quota_is_recorded_in_each_offices_history(client, central_admin_user, office):
    client.force_login(central_admin_user)

    _set_daily_quota(client, office, regular=45, express=6, priority=0, language="en")
    history = client.get(f"/admin/offices/office/{office.pk}/history/", HTTP_ACCEPT_LANGUAGE="en")

    entry = LogEntry.objects.get(object_id=str(office.pk))
    assert entry.user == central_admin_user
    assert "Daily quota set: 45 regular, 6 express, 0 priority places." in history.content.decode()


def test_a_capacity_change_is_recorded_with_the_numbers(client, supervisor, office):
    slot = Slot.objects.get(office=office, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=slot.pk).update(booked=4)
    client.force_login(supervisor)

    client.post(f"/admin/offices/slot/{slot.pk}/change/", {"capacity": "6"}, HTTP_ACCEPT_LANGUAGE="en")

    entry = LogEntry.objects.get(object_id=str(slot.pk))
    assert (entry.user, change_message_text(entry)) == (supervisor, "Capacity 10 → 6 (4 booked).")


def test_central_admins_read_the_whole_trail_and_supervisors_do_not(client, supervisor, central_admin_user, office):
    slot = Slot.objects.get(office=office, date=MONDAY, start=dt.time(8), track="regular")
    client.force_login(supervisor)
    client.post(f"/admin/offices/slot/{slot.pk}/change/", {"capacity": "12"}, HTTP_ACCEPT_LANGUAGE="en")
    refused = client.get("/admin/admin/logentry/")

    client.force_login(central_admin_user)
    trail = client.get("/admin/admin/logentry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert refused.status_code == 403
    assert "supervisor.surabaya" in trail and "Capacity 10 → 12 (0 booked)." in trail
    assert client.get(f"/admin/admin/logentry/{LogEntry.objects.get().pk}/delete/").status_code == 403


def test_the_history_names_the_changed_fields_in_the_readers_language(client, supervisor, office):
    from tests.offices.admin_forms import office_form

    client.force_login(supervisor)
    data = office_form(office, opening_time="07:00")
    data["session_templates-0-start"] = "07:30"
    client.post(f"/admin/offices/office/{office.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="en")

    history = client.get(f"/admin/offices/office/{office.pk}/history/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "jam buka berubah" in history.lower()
    assert "mulai diubah untuk sesi mingguan" in history.lower()
    assert "Opening time" not in history and "Start" not in history


def test_the_admin_links_to_the_utilization_of_the_coming_days(client, central_admin_user):
    client.force_login(central_admin_user)

    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert '<a href="/staff/utilization/">Keterisian kuota</a>' in page
    assert client.get("/staff/utilization/").status_code == 200


def test_a_quota_set_in_indonesian_reads_in_english_to_an_english_reader(client, central_admin_user, office):
    client.force_login(central_admin_user)
    _set_daily_quota(client, office, regular=300, express=60, priority=40, language="id")

    english = client.get(f"/admin/offices/office/{office.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    indonesian = client.get(f"/admin/offices/office/{office.pk}/history/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    trail = client.get("/admin/admin/logentry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    line = "Daily quota set: 300 regular, 60 express, 40 priority places."
    assert line in english and line in trail
    assert "reguler" not in english and "reguler" not in trail
    assert "Kuota harian ditetapkan: 300 reguler, 60 percepatan" in indonesian


def test_a_capacity_change_made_in_english_reads_in_indonesian_to_an_indonesian_reader(
    client, supervisor, central_admin_user, office
):
    slot = Slot.objects.get(office=office, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=slot.pk).update(booked=2)
    client.force_login(supervisor)
    client.post(f"/admin/offices/slot/{slot.pk}/change/", {"capacity": "3"}, HTTP_ACCEPT_LANGUAGE="en")

    history = client.get(f"/admin/offices/slot/{slot.pk}/history/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    client.force_login(central_admin_user)
    trail = client.get("/admin/admin/logentry/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    entry_page = client.get(
        f"/admin/admin/logentry/{LogEntry.objects.get().pk}/change/", HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()

    for page in (history, trail, entry_page):
        assert "Kuota 10 → 3 (2 terisi)." in page
        assert "Capacity 10" not in page
    assert "Tidak ada bidang yang berubah" not in entry_page  # Django's "No fields changed."


def test_lines_stored_as_plain_text_still_read_in_each_language(client, central_admin_user, office):
    client.force_login(central_admin_user)
    client.post(
        "/admin/offices/office/",
        {"action": "renew_display_link", "_selected_action": [office.pk]},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    english = client.get(f"/admin/offices/office/{office.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "New display-board link issued; the old one no longer works." in english


def test_a_capacity_of_nine_quintillion_is_refused_in_the_admin_and_changes_nothing(client, supervisor, office):
    slot = Slot.objects.get(office=office, date=MONDAY, start=dt.time(8), track="regular")
    client.force_login(supervisor)

    response = client.post(
        f"/admin/offices/slot/{slot.pk}/change/", {"capacity": "9223372036854775807"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "less than or equal to 100000" in response.content.decode()
    slot.refresh_from_db()
    assert slot.capacity == 10
    assert not LogEntry.objects.filter(object_id=str(slot.pk)).exists()
