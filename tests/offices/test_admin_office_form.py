"""The central admin's office form refuses settings that would hide an office or shut
its booking without saying so."""

import datetime as dt

import pytest
import time_machine

from offices.models import Office, Slot
from offices.services import offices_release
from tests import factories
from tests.offices.admin_forms import change, errors, office_form
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(db):
    office = weekly_office("batam", name="Kanim Batam")
    offices_release(now=NOW)
    return office


@pytest.fixture
def service_point(office):
    return factories.OfficeFactory(code="ulp-batam", name="ULP Batam", kind=Office.Kind.ULP, parent=office)


@pytest.fixture
def superuser(client, db):
    user = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_a_service_point_cannot_be_its_own_parent(client, superuser, service_point):
    text = errors(change(client, service_point, office_form(service_point, parent=str(service_point.pk))))

    assert "Select a valid choice" in text
    service_point.refresh_from_db()
    assert service_point.parent_id != service_point.pk


def test_a_service_point_cannot_hang_off_another_service_point(client, superuser, office, service_point):
    corner = factories.OfficeFactory(code="corner-batam", name="Imigrasi Corner Batam", kind=Office.Kind.CORNER)
    page = client.get(f"/admin/offices/office/{corner.pk}/change/").content.decode()
    parents = page[page.index('<select name="parent"') :].split("</select>")[0]

    text = errors(change(client, corner, office_form(corner, parent=str(service_point.pk))))

    assert f'<option value="{office.pk}">' in parents and f'<option value="{service_point.pk}">' not in parents
    assert "Select a valid choice" in text


def test_an_office_with_service_points_cannot_become_one(client, superuser, office, service_point):
    other = factories.OfficeFactory(code="tanjung-uban", name="Kanim Tanjung Uban")

    text = errors(change(client, office, office_form(office, parent=str(other.pk))))

    assert "This office has service points of its own" in text
    office.refresh_from_db()
    assert office.parent_id is None


def test_the_first_bookable_day_must_fall_inside_the_window(client, superuser, office):
    text = errors(change(client, office, office_form(office, first_day_offset="40", booking_window_days="30")))

    assert "The first bookable day cannot be after the end of the booking window (30 days ahead)." in text
    office.refresh_from_db()
    assert office.first_day_offset == 1


def test_the_booking_window_is_at_most_a_year(client, superuser, office):
    text = errors(change(client, office, office_form(office, booking_window_days="30000")))

    assert "The booking window is 1 to 365 days ahead." in text
    assert not Slot.objects.filter(office=office, date__gt=dt.date(2027, 1, 1)).exists()


def test_the_office_must_close_after_it_opens(client, superuser, office):
    text = errors(change(client, office, office_form(office, opening_time="17:00", closing_time="16:00"), "id"))

    assert "Kantor harus tutup setelah buka." in text
    office.refresh_from_db()
    assert office.opening_time == dt.time(7, 30)


def test_a_valid_service_point_is_added_with_its_parent(client, superuser, office):
    data = office_form(Office(code="ulp-mall", name="ULP Mall", kind=Office.Kind.ULP, timezone="Asia/Jakarta"))
    data.update(parent=str(office.pk), province="Kepulauan Riau", city="Kota Batam", release_policy="rolling")

    response = client.post("/admin/offices/office/add/", data)

    assert response.status_code == 302, errors(response)
    assert Office.objects.get(code="ulp-mall").parent == office
