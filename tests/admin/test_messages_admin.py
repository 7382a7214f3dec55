"""Messages to applicants in the admin: failures seen and sent again by the people who
run the office, scoped to their offices, without showing anyone's contact or text."""

import datetime as dt

import pytest
import time_machine
from celery import current_app
from django.contrib.admin.models import LogEntry
from django.core import mail

from applicants.models import Applicant, Booking, BookingTransition, Channel, Notification, PersonalDataAccess
from applicants.notifications import SEND_TASK, PermanentSendError, SmsBackend, notification_send
from applicants.services.booking import booking_create
from applicants.services.changes import booking_cancel
from applicants.tasks import notifications as _registers_the_tasks  # noqa: F401
from offices.models import Slot
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 26)
LIST = "/admin/applicants/notification/"
PHONE = "+6281234567890"
NEW_PHONE = "+6281398765432"
REFUSAL = "SMS gateway refused the message with 400: invalid destination [digits]"

# No message leaves for a real gateway.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_outbox")]


class BadNumberSms(SmsBackend):
    """A gateway that refuses every number, as ``HttpSmsBackend`` does on a 400."""

    def send(self, *, to: str, text: str) -> None:
        raise PermanentSendError(REFUSAL)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def eager():
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


def _book(office, serial: int, *, email: str = "") -> Booking:
    slot = Slot.objects.filter(office=office, date=DAY).first() or factories.SlotFactory(
        office=office, date=DAY, capacity=5
    )
    applicant = factories.ApplicantFactory(
        nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial),
        full_name=f"Siti Rahayu {serial}",
        phone=PHONE,
        email=email or f"siti{serial}@example.org",
    )
    return booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=NOW, channel=Channel.ONLINE
    ).booking


def _message(booking: Booking, channel: str) -> Notification:
    return booking.notifications.get(channel=channel)


def _fail_sms(booking: Booking, settings) -> Notification:
    """The confirmation SMS refused for good by the gateway; the email sent."""
    old = settings.SMS_BACKEND
    settings.SMS_BACKEND = f"{__name__}.BadNumberSms"
    assert notification_send(notification_id=_message(booking, "sms").id, now=NOW) == "failed"
    settings.SMS_BACKEND = old
    assert notification_send(notification_id=_message(booking, "email").id, now=NOW) == "sent"
    return _message(booking, "sms")


@pytest.fixture
def failed(office, settings):
    booking = _book(office, 1)
    return _fail_sms(booking, settings)


def _resend_action(client, ids, *, confirm=True):
    data = {"action": "resend_failed", "_selected_action": [str(i) for i in ids]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(LIST, data)


# --- The list -----------------------------------------------------------------------


def test_a_supervisor_sees_their_offices_messages_with_state_and_error_but_no_contact(
    client, supervisor_a, failed, other_office, settings
):
    theirs = _fail_sms(_book(other_office, 2), settings)
    client.force_login(supervisor_a)

    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    booking = failed.booking
    assert f'href="/admin/applicants/booking/{booking.id}/change/">{booking.code}</a>' in page
    assert "Failed (1 attempt)" in page and "Sent (1 attempt)" in page
    assert REFUSAL in page
    assert "SMS / WhatsApp" in page and "Booking confirmed" in page
    assert theirs.booking.code not in page
    # Never whom it went to, nor what it said.
    assert PHONE not in page and "81234567890" not in page
    assert booking.applicant.email not in page and booking.applicant.full_name not in page
    assert "/b/" not in page
    assert not PersonalDataAccess.objects.exists()


def test_a_supervisor_of_another_office_sees_nothing_of_it(client, supervisor_b, failed):
    client.force_login(supervisor_b)

    page = client.get(LIST).content.decode()

    assert failed.booking.code not in page
    assert client.get(f"{LIST}{failed.id}/change/").status_code in (302, 403, 404)


def test_a_central_admin_sees_every_office(client, admin_user, failed, other_office, settings):
    theirs = _fail_sms(_book(other_office, 2), settings)
    client.force_login(admin_user)

    page = client.get(LIST).content.decode()

    assert failed.booking.code in page and theirs.booking.code in page


def test_the_list_filters_by_state_channel_kind_office_and_date(client, admin_user, failed, other_office, settings):
    theirs = _fail_sms(_book(other_office, 2), settings)
    client.force_login(admin_user)

    def codes(**query):
        response = client.get(LIST, query)
        assert response.status_code == 200
        return {n.booking.code + ":" + n.channel for n in response.context_data["cl"].result_list}

    mine = failed.booking.code
    assert codes(state="failed") == {f"{mine}:sms", f"{theirs.booking.code}:sms"}
    assert codes(state="sent", office=failed.booking.office_id) == {f"{mine}:email"}
    assert codes(channel="email", office=theirs.booking.office_id) == {f"{theirs.booking.code}:email"}
    assert codes(kind="cancelled") == set()
    assert len(codes(created_at__gte="2026-11-23 00:00+07:00", created_at__lt="2026-11-24 00:00+07:00")) == 4
    assert codes(created_at__gte="2026-11-24 00:00+07:00") == set()
    assert codes(q=mine.lower()) == {f"{mine}:sms", f"{mine}:email"}


def test_the_failures_of_the_last_7_days_are_counted_on_the_booking_list(client, supervisor_a, failed, settings):
    old = _fail_sms(_book(failed.booking.office, 3), settings)
    Notification.objects.filter(id=old.id).update(failed_at=NOW - dt.timedelta(days=8))
    client.force_login(supervisor_a)

    page = client.get("/admin/applicants/booking/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    listed = client.get(LIST, {"state": "failed_7d"}).context_data["cl"].result_list

    assert "1 message to applicants failed in the last 7 days." in page
    assert f'href="{LIST}?state=failed_7d"' in page
    assert [n.id for n in listed] == [failed.id]


def test_no_failure_note_when_nothing_failed_or_only_elsewhere(client, supervisor_a, other_office, settings):
    _fail_sms(_book(other_office, 2), settings)
    client.force_login(supervisor_a)

    page = client.get("/admin/applicants/booking/").content.decode()

    assert 'data-testid="failed-messages-note"' not in page


def test_rows_cannot_be_added_changed_or_deleted(client, admin_user, failed):
    client.force_login(admin_user)

    page = client.get(f"{LIST}{failed.id}/change/").content.decode()

    assert 'name="_save"' not in page
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{failed.id}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(id=failed.id).exists()


# --- Send again (the list's action) ------------------------------------------------------


def test_the_action_asks_first_and_changes_nothing_until_confirmed(client, supervisor_a, failed, published):
    client.force_login(supervisor_a)

    page = _resend_action(client, [failed.id], confirm=False)

    assert page.status_code == 200
    assert failed.booking.code in page.content.decode()
    assert Notification.objects.get(id=failed.id).state == "failed"
    assert published == []


def test_a_failed_message_sent_again_goes_exactly_once_through_the_task(
    client, supervisor_a, failed, eager, sms_outbox, django_capture_on_commit_callbacks
):
    client.force_login(supervisor_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = _resend_action(client, [failed.id])
    with django_capture_on_commit_callbacks(execute=True):
        _resend_action(client, [failed.id])  # a second click: it was sent

    assert response.status_code == 302
    notification = Notification.objects.get(id=failed.id)
    assert (notification.state, notification.attempts, notification.last_error) == ("sent", 1, "")
    [sms] = sms_outbox
    assert sms.to == PHONE and failed.booking.code in sms.text
    assert len(mail.outbox) == 1  # the email that went before, not again
    [logged] = BookingTransition.objects.filter(booking=failed.booking, reason="messages_resent")
    assert logged.actor == supervisor_a
    assert logged.detail == {"messages": [{"kind": "confirmation", "channel": "sms"}]}
    assert PHONE not in str(logged.detail)
    entry = LogEntry.objects.get(object_id=str(failed.booking_id))
    assert entry.user == supervisor_a


def test_sent_and_pending_messages_are_left_alone(client, supervisor_a, office, failed, published):
    pending = _message(_book(office, 4), "sms")
    sent = _message(failed.booking, "email")
    client.force_login(supervisor_a)

    _resend_action(client, [failed.id, pending.id, sent.id])

    assert Notification.objects.get(id=failed.id).state == "pending"
    assert Notification.objects.get(id=pending.id).attempts == 0
    assert Notification.objects.get(id=sent.id).state == "sent"
    assert [kwargs for name, kwargs in published if name == SEND_TASK] == []  # enqueued only on commit

    fresh = Notification.objects.get(id=failed.id)
    assert (fresh.attempts, fresh.failed_at) == (0, None)


def test_only_the_failed_one_is_enqueued(
    client, supervisor_a, office, failed, published, django_capture_on_commit_callbacks
):
    pending = _message(_book(office, 4), "sms")
    sent = _message(failed.booking, "email")
    client.force_login(supervisor_a)

    with django_capture_on_commit_callbacks(execute=True):
        _resend_action(client, [failed.id, pending.id, sent.id])

    assert published == [(SEND_TASK, {"notification_id": failed.id})]


def test_a_supervisor_of_another_office_cannot_send_it_again(client, supervisor_b, failed, published):
    client.force_login(supervisor_b)

    _resend_action(client, [failed.id])
    page = client.get(f"/admin/applicants/booking/{failed.booking_id}/messages/")
    post = client.post(f"/admin/applicants/booking/{failed.booking_id}/messages/", {"phone": NEW_PHONE})

    assert page.status_code in (403, 404) and post.status_code in (403, 404)
    assert Notification.objects.get(id=failed.id).state == "failed"
    assert Booking.objects.get(id=failed.booking_id).applicant.phone == PHONE
    assert not BookingTransition.objects.filter(reason__in=("messages_resent", "contact_corrected")).exists()


def test_an_officer_cannot_open_the_messages(client, office, failed):
    officer = factories.StaffFactory(username="officer", membership__office=office, membership__role="officer")
    client.force_login(officer)

    assert client.get(LIST).status_code in (302, 403)


def test_a_confirmation_is_not_sent_again_once_the_booking_is_cancelled_but_its_cancellation_is(
    client, supervisor_a, failed, settings, published
):
    booking = failed.booking
    booking_cancel(booking=booking, now=NOW, actor=supervisor_a, reason="cancelled_by_staff")
    settings.SMS_BACKEND = f"{__name__}.BadNumberSms"
    cancellation = booking.notifications.get(kind="cancelled", channel="sms")
    notification_send(notification_id=cancellation.id, now=NOW)
    client.force_login(supervisor_a)

    _resend_action(client, [failed.id, cancellation.id])

    assert Notification.objects.get(id=failed.id).state == "failed"
    assert Notification.objects.get(id=cancellation.id).state == "pending"


# --- A booking's failed messages: correct the contact, send again ----------------------------


def test_the_booking_page_links_to_its_failed_messages(client, supervisor_a, failed):
    client.force_login(supervisor_a)

    page = client.get(f"/admin/applicants/booking/{failed.booking_id}/change/").content.decode()
    clean = client.get(f"/admin/applicants/booking/{_book(failed.booking.office, 5).id}/change/").content.decode()

    assert f'href="/admin/applicants/booking/{failed.booking_id}/messages/"' in page
    assert 'data-testid="booking-failed-messages"' not in clean


def test_the_messages_page_masks_the_contacts_and_is_recorded_as_a_read(client, supervisor_a, failed):
    client.force_login(supervisor_a)

    page = client.get(f"/admin/applicants/booking/{failed.booking_id}/messages/").content.decode()

    assert "7890" in page and PHONE not in page and "81234567890" not in page
    assert failed.booking.applicant.email not in page
    assert REFUSAL in page
    [read] = PersonalDataAccess.objects.all()
    assert (read.action, read.booking_id, read.actor, read.office_id) == (
        "admin_messages",
        failed.booking_id,
        supervisor_a,
        failed.booking.office_id,
    )


def test_a_corrected_number_is_what_the_message_goes_to(
    client, supervisor_a, failed, eager, sms_outbox, django_capture_on_commit_callbacks
):
    client.force_login(supervisor_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/applicants/booking/{failed.booking_id}/messages/", {"phone": "0813-9876-5432"})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/applicants/booking/{failed.booking_id}/change/"
    applicant = Booking.objects.get(id=failed.booking_id).applicant
    assert applicant.phone == NEW_PHONE
    assert applicant.email == failed.booking.applicant.email  # left empty: kept
    [sms] = sms_outbox
    assert sms.to == NEW_PHONE
    assert Notification.objects.get(id=failed.id).state == "sent"
    reasons = list(
        BookingTransition.objects.filter(booking_id=failed.booking_id)
        .exclude(reason="booked")
        .values_list("reason", "actor", "detail")
    )
    assert reasons == [
        ("contact_corrected", supervisor_a.id, {"fields": ["phone"]}),
        ("messages_resent", supervisor_a.id, {"messages": [{"kind": "confirmation", "channel": "sms"}]}),
    ]
    history = " ".join(
        LogEntry.objects.filter(object_id=str(failed.booking_id)).values_list("change_message", flat=True)
    )
    assert "5432" not in history


def test_a_wrong_new_number_is_refused_and_nothing_changes(client, supervisor_a, failed, published):
    client.force_login(supervisor_a)

    page = client.post(f"/admin/applicants/booking/{failed.booking_id}/messages/", {"phone": "12345"})

    assert page.status_code == 200
    assert page.context_data["form"].errors["phone"]
    assert Booking.objects.get(id=failed.booking_id).applicant.phone == PHONE
    assert Notification.objects.get(id=failed.id).state == "failed"


def test_sending_again_without_a_correction_uses_the_stored_contact(
    client, supervisor_a, failed, eager, sms_outbox, django_capture_on_commit_callbacks
):
    client.force_login(supervisor_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/applicants/booking/{failed.booking_id}/messages/", {"phone": "", "email": ""})

    [sms] = sms_outbox
    assert sms.to == PHONE
    assert not BookingTransition.objects.filter(reason="contact_corrected").exists()


def test_a_booking_without_failed_messages_has_nothing_to_send_again(client, supervisor_a, office):
    booking = _book(office, 6)
    client.force_login(supervisor_a)

    response = client.get(f"/admin/applicants/booking/{booking.id}/messages/")

    assert response.status_code == 302
    assert not PersonalDataAccess.objects.exists()


# --- The admin's home page: failed messages still to be dealt with ---------------------------

INDEX = "/admin/"


def _unresolved_listed(client) -> list[int]:
    response = client.get(LIST, {"state": "unresolved"})
    assert response.status_code == 200
    return sorted(n.id for n in response.context_data["cl"].result_list)


def test_the_home_page_counts_the_failed_messages_of_the_supervisor_s_offices_and_links_to_them(
    client, supervisor_a, failed, other_office, settings
):
    second = _fail_sms(_book(failed.booking.office, 3), settings)
    _fail_sms(_book(other_office, 2), settings)  # another office's: not theirs
    client.force_login(supervisor_a)

    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-testid="unresolved-messages-note"' in page
    assert f'<a href="{LIST}?state=unresolved">2 messages to applicants failed and have not been dealt with' in page
    assert _unresolved_listed(client) == sorted([failed.id, second.id])


def test_the_home_page_says_it_in_indonesian(client, supervisor_a, failed):
    client.force_login(supervisor_a)

    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "1 pesan kepada pemohon gagal terkirim dan belum ditangani" in page


def test_a_central_admin_counts_every_office_and_another_office_s_supervisor_sees_no_note(
    client, admin_user, supervisor_b, failed, other_office, settings
):
    theirs = _fail_sms(_book(other_office, 2), settings)
    client.force_login(admin_user)
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 messages to applicants failed" in page
    assert _unresolved_listed(client) == sorted([failed.id, theirs.id])

    Notification.objects.filter(id=theirs.id).delete()
    client.force_login(supervisor_b)
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="unresolved-messages-note"' not in page
    assert _unresolved_listed(client) == []


def test_an_officer_sees_no_count(client, office, failed):
    officer = factories.StaffFactory(
        username="officer", membership__office=office, membership__role="officer", is_staff=True
    )
    client.force_login(officer)

    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "messages to applicants failed" not in page and "message to applicants failed" not in page


def test_a_message_sent_again_or_of_a_booking_over_is_no_longer_counted_but_a_failed_cancellation_is(
    client, supervisor_a, failed, settings, published
):
    client.force_login(supervisor_a)
    resent = _fail_sms(_book(failed.booking.office, 3), settings)
    _resend_action(client, [resent.id])
    assert Notification.objects.get(id=resent.id).state == "pending"
    assert _unresolved_listed(client) == [failed.id]

    # Cancelled: its confirmation is past helping, its cancellation notice is not (yet).
    booking = failed.booking
    booking_cancel(booking=booking, now=NOW, actor=supervisor_a, reason="cancelled_by_staff")
    settings.SMS_BACKEND = f"{__name__}.BadNumberSms"
    cancellation = booking.notifications.get(kind="cancelled", channel="sms")
    assert notification_send(notification_id=cancellation.id, now=NOW) == "failed"
    assert _unresolved_listed(client) == [cancellation.id]

    # Once the booked date has passed, nobody can come for it any more.
    with time_machine.travel(dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(3), tzinfo=dt.UTC)):
        assert _unresolved_listed(client) == []
        page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="unresolved-messages-note"' not in page


def _failed_cancellation(office, serial: int, *, actor, settings) -> Notification:
    booking = _book(office, serial)
    booking_cancel(booking=booking, now=NOW, actor=actor, reason="cancelled_by_staff")
    old = settings.SMS_BACKEND
    settings.SMS_BACKEND = f"{__name__}.BadNumberSms"
    notice = booking.notifications.get(kind="cancelled", channel="sms")
    assert notification_send(notification_id=notice.id, now=NOW) == "failed"
    settings.SMS_BACKEND = old
    return notice


def test_a_failed_cancellation_stops_counting_at_its_office_s_own_midnight(
    client, admin_user, office, settings, published
):
    jayapura = factories.OfficeFactory(
        code="jayapura", name="Kantor Imigrasi Kelas I TPI Jayapura", timezone="Asia/Jayapura"
    )
    east = _failed_cancellation(jayapura, 2, actor=admin_user, settings=settings)
    west = _failed_cancellation(office, 3, actor=admin_user, settings=settings)
    client.force_login(admin_user)

    # 23:30 on the booked day in Jakarta (the server's date), 01:30 the day after in Jayapura.
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(16, 30), tzinfo=dt.UTC), tick=False):
        assert _unresolved_listed(client) == [west.id]
        page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 message to applicants failed" in page

    # An hour earlier it is still the booked day in Jayapura too.
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(14, 59), tzinfo=dt.UTC), tick=False):
        assert _unresolved_listed(client) == sorted([east.id, west.id])


def test_a_failure_of_a_person_whose_data_was_erased_is_not_counted(client, supervisor_a, failed):
    Applicant.objects.filter(id=failed.booking.applicant_id).update(erased_at=NOW)
    client.force_login(supervisor_a)

    assert _unresolved_listed(client) == []
