"""Each object's History page reads on the clock of the object's office, with its zone named.

Django's History printed a moment on the server's clock (WIB) with no zone: a WITA office's
17.00 read "16.00", and nothing said which clock it was. Its Indonesian title read "Ubah
riwayat" ("change the history"), an instruction rather than a heading.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry

from offices.models import OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)  # 16.00 WIB, 17.00 WITA


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _logged(user, obj) -> None:
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[obj], action_flag=CHANGE, change_message="Ditinjau", single_object=True
    )


def test_an_offices_history_reads_on_that_offices_clock_with_its_zone(client, central_admin, other_office):
    _logged(central_admin, other_office)

    page = client.get(f"/admin/offices/office/{other_office.pk}/history/", HTTP_ACCEPT_LANGUAGE="id")

    body = page.content.decode()
    assert "23 Nov. 2026, 17.00 WITA" in body
    assert "16.00" not in body


def test_a_slot_history_for_a_supervisor_reads_on_the_offices_clock(client, db, other_office):
    staff_groups_sync()
    supervisor = factories.UserFactory(username="supervisor.makassar")
    membership_grant(user=supervisor, office=other_office, role=OfficeMembership.Role.SUPERVISOR)
    slot = factories.SlotFactory(office=other_office, date=dt.date(2026, 11, 30), capacity=5)
    _logged(supervisor, slot)
    client.force_login(supervisor)

    body = client.get(f"/admin/offices/slot/{slot.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "23 Nov 2026, 17:00 WITA" in body


def test_a_membership_history_reads_on_its_offices_clock(client, central_admin, other_office):
    membership = membership_grant(
        user=factories.UserFactory(username="petugas.makassar"),
        office=other_office,
        role=OfficeMembership.Role.OFFICER,
    )
    _logged(central_admin, membership)

    body = client.get(
        f"/admin/offices/officemembership/{membership.pk}/history/", HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()

    assert "23 Nov. 2026, 17.00 WITA" in body


def test_a_history_of_no_office_names_the_clock_it_is_shown_on(client, central_admin):
    account = factories.UserFactory(username="petugas.baru")
    _logged(central_admin, account)

    body = client.get(f"/admin/auth/user/{account.pk}/history/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "23 Nov. 2026, 16.00 WIB" in body


def test_the_history_is_titled_as_a_history_in_each_language(client, central_admin, other_office):
    indonesian = client.get(f"/admin/offices/office/{other_office.pk}/history/", HTTP_ACCEPT_LANGUAGE="id")
    english = client.get(f"/admin/offices/office/{other_office.pk}/history/", HTTP_ACCEPT_LANGUAGE="en")

    assert f"<h1>Riwayat: {other_office.name}</h1>" in indonesian.content.decode()
    assert "Ubah riwayat" not in indonesian.content.decode()
    assert f"<h1>History: {other_office.name}</h1>" in english.content.decode()
