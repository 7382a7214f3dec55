"""A session's capacity lowered in the admin while a booking arrives (DESIGN rule 1).

The form checks the number against the places booked when the page is sent; the service
checks again under the row's lock. When a booking lands in between, the service refuses:
the supervisor is told so, the page does not say the change was saved, and the audit
trail records no change.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db.models import F

from offices.admin import capacity
from offices.models import OfficeMembership, Slot
from offices.services import membership_grant, staff_groups_sync
from tests import factories

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def supervisor(office_a, client):
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office_a, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    return user


@pytest.fixture
def slot(office_a, rows):
    slot = Slot.objects.get(office=office_a, date=MONDAY, start=dt.time(8), track="regular")
    Slot.objects.filter(pk=slot.pk).update(booked=5)
    return slot


@pytest.fixture
def booking_arrives_meanwhile(monkeypatch):
    """One more place is booked between the form's check and the service's."""
    set_capacity = capacity.slot_set_capacity

    def booked_first(*, slot, **kwargs):
        Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
        return set_capacity(slot=slot, **kwargs)

    monkeypatch.setattr(capacity, "slot_set_capacity", booked_first)


@pytest.mark.parametrize(("language", "refusal"), [("en", "6 places already booked"), ("id", "6 tempat")])
def test_a_capacity_refused_at_the_save_is_not_said_to_be_saved(
    client, supervisor, slot, booking_arrives_meanwhile, language, refusal
):
    client.cookies["django_language"] = language
    url = f"/admin/offices/slot/{slot.pk}/change/"

    response = client.post(url, {"capacity": "5"}, follow=True)

    said = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [tag for tag, _text in said] == ["error"], said
    assert refusal in said[0][1], said
    assert response.redirect_chain[-1][0] == url
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (10, 6)
    assert not LogEntry.objects.filter(object_id=str(slot.pk)).exists()


def test_a_capacity_saved_is_said_and_logged(client, supervisor, slot):
    response = client.post(f"/admin/offices/slot/{slot.pk}/change/", {"capacity": "7"}, follow=True)

    said = [m.level_tag for m in response.context["messages"]]
    assert said == ["success"]
    slot.refresh_from_db()
    assert slot.capacity == 7
    assert LogEntry.objects.get(object_id=str(slot.pk)).get_change_message()
