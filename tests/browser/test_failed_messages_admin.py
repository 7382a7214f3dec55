"""A supervisor finds a message that failed (a wrong number), corrects the number on the
booking's page and sends it again, on a phone, in Indonesian."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import Booking, Channel, Notification
from applicants.notifications import SEND_TASK, PermanentSendError, SmsBackend, notification_send
from applicants.services.booking import booking_create
from offices.models import OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "+6281234567890"


class WrongNumberSms(SmsBackend):
    def send(self, *, to: str, text: str) -> None:
        raise PermanentSendError("SMS gateway refused the message with 400: invalid destination [digits]")


def _batam_and_its_supervisor():
    office = factories.OfficeFactory(code="batam", name="Kantor Imigrasi Kelas I Khusus TPI Batam")
    staff_groups_sync()
    supervisor = factories.UserFactory(username="supervisor.batam")
    membership_grant(user=supervisor, office=office, role=OfficeMembership.Role.SUPERVISOR)
    return office, supervisor


def _booked_with_a_wrong_number(slot, serial: int = 1) -> Booking:
    applicant = factories.ApplicantFactory(
        nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial), full_name="Siti Rahayu", phone=WRONG, email=""
    )
    return booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=timezone.now(), channel=Channel.ONLINE
    ).booking


def test_a_supervisor_corrects_the_number_and_sends_the_message_again(
    context, page, live_server, settings, published, screenshot
):
    office, supervisor = _batam_and_its_supervisor()
    slot = factories.SlotFactory(office=office, date=timezone.localdate() + dt.timedelta(days=2), capacity=5)
    booking = _booked_with_a_wrong_number(slot)
    settings.SMS_BACKEND = f"{__name__}.WrongNumberSms"
    sms = booking.notifications.get(channel="sms")
    assert notification_send(notification_id=sms.id, now=timezone.now()) == "failed"
    published.clear()
    sign_in(context, live_server, supervisor)

    page.goto("/admin/applicants/booking/")
    page.get_by_test_id("failed-messages-note").get_by_role("link").click()
    expect(page.locator("#result_list")).to_contain_text(booking.code)
    expect(page.locator("#result_list")).to_contain_text("Gagal (1 percobaan)")
    expect(page.locator("#result_list")).not_to_contain_text("7890")
    screenshot("list")

    page.goto(f"/admin/applicants/booking/{booking.id}/change/")
    page.get_by_test_id("booking-failed-messages").click()
    expect(page.get_by_test_id("failed-message")).to_contain_text("invalid destination")
    expect(page.locator("#content-main")).to_contain_text("•••7890")
    page.get_by_label("Nomor ponsel baru").fill("0813 9876 5432")
    screenshot("form")
    page.get_by_role("button", name="Simpan dan kirim ulang").click()

    expect(page.locator(".messagelist")).to_contain_text("1 pesan akan dikirim ulang")
    expect(page.locator("#transitions-group")).to_contain_text("Kontak diperbaiki oleh petugas")
    expect(page.locator("#transitions-group")).to_contain_text("Pesan gagal dikirim ulang")
    screenshot("done")
    assert Booking.objects.get(id=booking.id).applicant.phone == "+6281398765432"
    assert Notification.objects.get(id=sms.id).state == "pending"
    assert published == [(SEND_TASK, {"notification_id": sms.id})]
    assert page.js_errors == []


def test_the_admin_home_page_leads_a_supervisor_to_the_failed_messages(
    context, page, live_server, settings, published, screenshot
):
    office, supervisor = _batam_and_its_supervisor()
    elsewhere = factories.OfficeFactory(code="sorong", name="Kantor Imigrasi Kelas I TPI Sorong")
    settings.SMS_BACKEND = f"{__name__}.WrongNumberSms"
    day = timezone.localdate() + dt.timedelta(days=2)
    slots = {place: factories.SlotFactory(office=place, date=day, capacity=5) for place in (office, elsewhere)}
    codes = []
    for serial, place in enumerate([office, office, elsewhere], start=1):
        booking = _booked_with_a_wrong_number(slots[place], serial)
        sms = booking.notifications.get(channel="sms")
        assert notification_send(notification_id=sms.id, now=timezone.now()) == "failed"
        codes.append(booking.code)
    sign_in(context, live_server, supervisor)

    page.goto("/admin/")
    note = page.get_by_test_id("unresolved-messages-note")
    expect(note).to_contain_text("2 pesan kepada pemohon gagal terkirim dan belum ditangani")
    screenshot("home")
    note.get_by_role("link").click()

    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text(codes[0])
    expect(page.locator("#result_list")).to_contain_text(codes[1])
    expect(page.locator("#result_list")).not_to_contain_text(codes[2])
    expect(page.locator("#changelist-filter")).to_contain_text("Gagal, belum ditangani")
    assert page.js_errors == []


def test_the_today_page_leads_a_supervisor_of_one_office_to_its_failed_messages(
    context, page, live_server, settings, published, screenshot
):
    office, supervisor = _batam_and_its_supervisor()
    settings.SMS_BACKEND = f"{__name__}.WrongNumberSms"
    slot = factories.SlotFactory(office=office, date=timezone.localdate() + dt.timedelta(days=2), capacity=5)
    booking = _booked_with_a_wrong_number(slot)
    sms = booking.notifications.get(channel="sms")
    assert notification_send(notification_id=sms.id, now=timezone.now()) == "failed"
    sign_in(context, live_server, supervisor)

    page.goto(f"/staff/{office.code}/today/")
    note = page.get_by_test_id("unresolved-messages")
    expect(note).to_contain_text("1 pesan kepada pemohon gagal terkirim dan menunggu ditangani")
    screenshot("today")
    note.get_by_role("link").click()

    # The list of their one office, without the office filter it does not show.
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(booking.code)
    assert "e=1" not in page.url
    assert page.js_errors == []
