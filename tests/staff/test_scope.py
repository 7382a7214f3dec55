"""Staff act only at their own offices: pages and API alike."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from applicants.models import BookingStatus
from tests import factories

pytestmark = pytest.mark.django_db

OFFICE_PAGES = ["staff:checkin", "staff:walkin", "staff:counters", "staff:today"]


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_an_officer_of_another_office_gets_403_on_every_office_page(other_officer_client, office, name):
    response = other_officer_client.get(reverse(name, args=[office.code]))

    assert response.status_code == 403


def test_an_officer_of_another_office_gets_403_on_the_counter_screen(other_officer_client, office, desk):
    response = other_officer_client.get(reverse("staff:counter", args=[office.code, desk.id]))

    assert response.status_code == 403


def test_an_officer_of_another_office_cannot_check_in_by_posting_the_form(
    other_officer_client, office, booking, morning
):
    response = other_officer_client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "confirm", "code": booking.code}
    )

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("name", ["staff:checkin", "staff:walkin", "staff:counters"])
def test_an_officer_reaches_the_pages_of_their_own_office(officer_client, office, name):
    assert officer_client.get(reverse(name, args=[office.code])).status_code == 200


def test_the_supervisor_board_is_for_supervisors_only(officer_client, office):
    assert officer_client.get(reverse("staff:today", args=[office.code])).status_code == 403
    assert officer_client.get(reverse("staff:stop-service", args=[office.code])).status_code == 403


def test_a_supervisor_sees_the_board(supervisor_client, office, slots):
    assert supervisor_client.get(reverse("staff:today", args=[office.code])).status_code == 200


def test_a_central_admin_acts_at_every_office(client, office, other_office):
    user = factories.UserFactory(username="pusat")
    user.groups.add(Group.objects.get_or_create(name="central_admin")[0])
    client.force_login(user)

    for target in (office, other_office):
        assert client.get(reverse("staff:today", args=[target.code])).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client, office):
    response = client.get(reverse("staff:checkin", args=[office.code]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("staff:login"))


def test_staff_home_lists_only_the_users_offices(client, officer, office, other_office):
    factories.MembershipFactory(user=officer, office=factories.OfficeFactory(code="batam"))
    client.force_login(officer)

    response = client.get(reverse("staff:home"))

    assert response.status_code == 200
    assert office.name in response.text
    assert other_office.name not in response.text


# --- API --------------------------------------------------------------------------------


def test_api_check_in_at_another_office_is_403(other_officer_client, office, booking, morning):
    response = other_officer_client.post(
        "/api/v1/staff/checkins/", {"code": booking.code, "office": office.code}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_office_staff"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_api_call_next_at_another_office_is_403(other_officer_client, office, desk):
    response = other_officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize("action", ["served", "missed", "recall"])
def test_api_counter_actions_on_another_offices_booking_are_403(other_officer_client, booking, action):
    response = other_officer_client.post(f"/api/v1/staff/bookings/{booking.code}/{action}/")

    assert response.status_code == 403


def test_api_walk_in_at_another_office_is_403(other_officer_client, office):
    response = other_officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": "3578011205500001", "full_name": "Budi", "birth_date": "1950-05-12", "priority_group": "elderly"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_api_without_a_session_is_refused(client, office, desk):
    response = client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_api_enforces_csrf_for_signed_in_staff(officer, office, desk):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer)

    response = csrf_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_staff_home_leads_to_each_offices_day_list(client, officer, office):
    """The list is printed first thing each morning; every other screen is one click away."""
    batam = factories.OfficeFactory(code="batam")
    factories.MembershipFactory(user=officer, office=batam)
    client.force_login(officer)

    response = client.get(reverse("staff:home"))

    for target in (office, batam):
        assert f'href="{reverse("staff:day-list", args=[target.code])}"' in response.text
