"""The admin forms a supervisor fills in say what their numbers and times mean, and do
not ask what there is only one answer to."""

import datetime as dt
import re

import pytest
import time_machine

from offices.models import OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _supervisor(client, *offices):
    staff_groups_sync()
    user = factories.UserFactory(username=f"supervisor.{len(offices)}")
    for office in offices:
        membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    return user


def _selected_office(page: str) -> list[str]:
    select = re.search(r'<select name="office".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)" selected', select)


def test_a_supervisor_of_one_office_finds_it_chosen_on_a_new_closure(client, other_office):
    _supervisor(client, other_office)

    page = client.get("/admin/offices/closure/add/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert _selected_office(page) == [str(other_office.pk)]


def test_a_supervisor_of_two_offices_chooses_one(client, office, other_office):
    _supervisor(client, office, other_office)

    page = client.get("/admin/offices/closure/add/").content.decode()

    assert _selected_office(page) == []


def test_a_closures_session_start_is_said_to_be_on_the_offices_clock(client, other_office):
    _supervisor(client, other_office)

    page = client.get("/admin/offices/closure/add/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "its start on the office's own clock" in page


def test_a_sessions_capacity_says_what_is_booked_and_what_a_change_does(client, other_office):
    slot = factories.SlotFactory(office=other_office, date=dt.date(2026, 11, 30), capacity=10, booked=4)
    _supervisor(client, other_office)

    page = client.get(f"/admin/offices/slot/{slot.pk}/change/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    help_text = re.search(r'id="id_capacity_helptext">\s*<div>(.*?)</div>', page, re.S).group(1)
    assert "4 sudah terisi" in help_text
    assert "tidak memindahkan atau membatalkan siapa pun" in help_text
    assert "pengaturan khusus tanggal" in help_text
