"""Bookings in the admin: supervisors see only their offices' bookings and change them only through services."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.utils import translation

from applicants.models import Booking, BookingStatus, Channel
from applicants.services.booking import booking_create
from offices.models import OfficeMembership, Slot
from offices.selectors import CENTRAL_ADMIN_GROUP
from offices.services import membership_grant, staff_groups_sync
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def slot_a(office):
    return factories.SlotFactory(office=office, date=DAY, capacity=5)


@pytest.fixture
def slot_b(other_office):
    return factories.SlotFactory(office=other_office, date=DAY, capacity=5)


def _book(slot, nik_serial: int) -> Booking:
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=nik_serial))
    result = booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=NOW, channel=Channel.ONLINE
    )
    return result.booking


@pytest.fixture
def supervisor_a(office, client):
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    return user


def test_a_supervisor_lists_only_their_offices_bookings(client, supervisor_a, slot_a, slot_b):
    mine, theirs = _book(slot_a, 1), _book(slot_b, 2)

    page = client.get("/admin/applicants/booking/")

    assert page.status_code == 200
    assert mine.code in page.content.decode()
    assert theirs.code not in page.content.decode()
    assert client.get(f"/admin/applicants/booking/{theirs.pk}/change/").status_code in (302, 403, 404)


def test_the_admin_finds_a_booking_by_code_and_never_shows_a_full_nik(client, supervisor_a, slot_a):
    booking = _book(slot_a, 7)
    other = _book(slot_a, 8)
    nik = factories.make_nik(dt.date(1990, 1, 1), serial=7)

    found = client.get("/admin/applicants/booking/", {"q": booking.code.lower()})
    detail = client.get(f"/admin/applicants/booking/{booking.pk}/change/")

    assert booking.code in found.content.decode()
    assert other.code not in found.content.decode()
    assert detail.status_code == 200
    assert nik not in found.content.decode() + detail.content.decode()
    assert booking.applicant.nik_masked in detail.content.decode()


def test_cancelling_from_the_admin_frees_the_place_through_the_service(client, supervisor_a, slot_a):
    booking = _book(slot_a, 3)
    assert Slot.objects.get(pk=slot_a.pk).booked == 1

    response = client.post(
        "/admin/applicants/booking/",
        {"action": "cancel_bookings", "_selected_action": [booking.pk], "confirm": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Slot.objects.get(pk=slot_a.pk).booked == 0
    transition = booking.transitions.last()
    assert (transition.to_status, transition.actor, transition.reason) == (
        "cancelled",
        supervisor_a,
        "cancelled_by_staff",
    )


def test_cancelling_from_the_admin_asks_first_and_names_the_bookings(client, supervisor_a, slot_a):
    booking, served = _book(slot_a, 4), _book(slot_a, 5)
    Booking.objects.filter(pk=served.pk).update(status=BookingStatus.SERVED)
    selected = {"action": "cancel_bookings", "_selected_action": [booking.pk, served.pk]}

    asked = client.post("/admin/applicants/booking/", selected, HTTP_ACCEPT_LANGUAGE="id")

    page = asked.content.decode()
    assert asked.status_code == 200
    assert booking.code in page and "Batalkan 1 pendaftaran ini?" in page and "Ya, batalkan 1 pendaftaran ini" in page
    assert f"{served.code} (Selesai dilayani)" in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Slot.objects.get(pk=slot_a.pk).booked == 2

    client.post("/admin/applicants/booking/", {**selected, "confirm": "yes"})

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_bookings_cannot_be_added_or_deleted_in_the_admin(client, db):
    staff_groups_sync()
    user = factories.UserFactory(username="pusat", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    client.force_login(user)

    assert client.get("/admin/applicants/booking/").status_code == 200
    assert client.get("/admin/applicants/booking/add/").status_code == 403


def test_a_supervisor_reads_times_on_the_office_clock(client, other_office, slot_b):
    """Makassar is WITA (UTC+8); the server's zone is WIB (UTC+7)."""
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.makassar")
    membership_grant(user=user, office=other_office, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    booking = _book(slot_b, 9)  # created at 09:00 UTC: 17:00 WITA

    detail = client.get(f"/admin/applicants/booking/{booking.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    listing = client.get("/admin/applicants/booking/", HTTP_ACCEPT_LANGUAGE="en")

    for page in (detail.content.decode(), listing.content.decode()):
        assert "23 Nov 2026, 17:00" in page and "16:00" not in page
        assert 'data-admin-utc-offset="28800"' in page


@pytest.mark.parametrize("group", ["supervisor", "central_admin"])
def test_supervisors_and_central_admins_read_a_bookings_status_log(client, office, slot_a, group):
    staff_groups_sync()
    user = factories.UserFactory(username="reader", is_staff=True)
    if group == "supervisor":
        membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    else:
        user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    client.force_login(user)
    booking = _book(slot_a, 3)

    page = client.get(f"/admin/applicants/booking/{booking.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Booking transitions" in page
    assert "– → Confirmed (Booked)" in page


def test_a_bookings_page_is_read_only_and_offers_no_save(client, supervisor_a, slot_a):
    booking = _book(slot_a, 11)

    page = client.get(f"/admin/applicants/booking/{booking.pk}/change/", HTTP_ACCEPT_LANGUAGE="id")
    posted = client.post(f"/admin/applicants/booking/{booking.pk}/change/", {"_save": "Simpan"})

    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in body and 'name="_continue"' not in body
    assert "Lihat pendaftaran" in body and "Ubah pendaftaran" not in body
    assert posted.status_code == 403


def test_a_cancellation_in_the_admin_is_in_the_bookings_history_and_the_audit_trail(client, supervisor_a, slot_a):
    booking = _book(slot_a, 12)

    client.post(
        "/admin/applicants/booking/",
        {"action": "cancel_bookings", "_selected_action": [booking.pk], "confirm": "yes"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    history = client.get(f"/admin/applicants/booking/{booking.pk}/history/", HTTP_ACCEPT_LANGUAGE="en")
    riwayat = client.get(f"/admin/applicants/booking/{booking.pk}/history/", HTTP_ACCEPT_LANGUAGE="id")

    entry = LogEntry.objects.get(object_id=str(booking.pk), content_type__model="booking")
    assert (entry.user, entry.action_flag) == (supervisor_a, CHANGE)
    body = history.content.decode()
    assert "Cancelled in the admin; the applicant is told." in body
    assert "23 Nov 2026, 16:00 WIB" in body
    assert "is in the status log on its page" in body
    # Read in each reader's language, whatever the language of the one who cancelled.
    assert "Dibatalkan di halaman admin; pemohon diberi tahu." in riwayat.content.decode()


def test_the_audit_trail_reads_an_admin_cancellation_in_the_readers_language(client, supervisor_a, slot_a):
    booking = _book(slot_a, 13)
    client.post(
        "/admin/applicants/booking/",
        {"action": "cancel_bookings", "_selected_action": [booking.pk], "confirm": "yes"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    central = factories.UserFactory(username="pusat", is_staff=True)
    central.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    client.force_login(central)

    trail = client.get("/admin/admin/logentry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Cancelled in the admin; the applicant is told." in trail
    assert "Dibatalkan di halaman admin" not in trail


def test_a_bookings_page_names_its_language_in_words(client, supervisor_a, slot_a):
    booking = _book(slot_a, 3)

    page = client.get(f"/admin/applicants/booking/{booking.id}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Bahasa Indonesia" in page


def test_a_membership_names_its_role_in_the_readers_language(office):
    officer = factories.UserFactory(username="petugas.surabaya")
    membership = membership_grant(user=officer, office=office, role=OfficeMembership.Role.OFFICER)

    with translation.override("id"):
        assert str(membership) == "petugas.surabaya @ surabaya (Petugas)"
    with translation.override("en"):
        assert str(membership) == "petugas.surabaya @ surabaya (Officer)"
