"""Messages to applicants: recorded in the booking's transaction, sent by a task with ids only."""

import datetime as dt
from smtplib import SMTPException

import pytest
from celery.exceptions import Retry
from django.core import mail

from applicants.models import Booking, Notification
from applicants.notifications import SEND_EVENT_TASK, SEND_TASK, notification_send, notify
from applicants.tasks.maintenance import resend_pending_notifications
from applicants.tasks.notifications import send_notification, send_notifications
from tests.applicants.conftest import NOW, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def booked(api, slot, published, django_capture_on_commit_callbacks):
    def book(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(URL, payload(slot, **overrides), format="json")
        assert response.status_code in (201, 202), response.json()
        return response.json()

    return book


def sent_ids(published) -> list[int]:
    return [kwargs["notification_id"] for name, kwargs in published if name == SEND_TASK]


def event_sends(published) -> list[dict]:
    return [kwargs for name, kwargs in published if name == SEND_EVENT_TASK]


def run_all(published) -> list[str]:
    outcomes = [send_notification.apply(kwargs={"notification_id": i}).get() for i in sent_ids(published)]
    for kwargs in event_sends(published):
        outcomes += send_notifications.apply(kwargs=kwargs).get()
    return outcomes


def test_a_booking_enqueues_one_send_for_all_channels_with_ids_only(booked, published):
    body = booked()

    assert sent_ids(published) == []
    [kwargs] = event_sends(published)
    assert kwargs == {"booking_id": Booking.objects.get(code=body["code"]).id, "dedupe_key": "confirmation"}


def test_the_confirmation_email_has_text_html_the_proof_link_and_the_calendar(booked, published):
    body = booked(language="en")

    assert run_all(published) == ["sent", "sent"]

    [email] = mail.outbox
    assert email.to == ["siti@example.org"]
    assert email.subject == f"Booking confirmed: {body['code']}"
    assert body["proof_url"] in email.body
    assert "Monday, 7 December 2026" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert body["proof_url"] in html
    assert body["code"] in html
    assert [a[0] for a in email.attachments] == [f"{body['code']}.ics"]


def test_the_email_lists_documents_and_says_how_to_bring_them_after_the_list(booked, published):
    booked(language="en")

    run_all(published)

    [email] = mail.outbox
    lines = email.body.splitlines()
    documents = lines[lines.index("What to bring:") + 1 :]
    assert documents[:5] == [
        "- Electronic identity card (e-KTP)",
        "- Family card (Kartu Keluarga)",
        "- Birth certificate, marriage certificate or school diploma showing your name and birth date",
        "",
        "Bring these documents in the original; photocopies are not needed.",
    ]
    html, _mimetype = email.alternatives[0]
    items = html[html.index("<ul") : html.index("</ul>")]
    assert "photocopies" not in items
    assert '<p style="margin:8px 0 0;">Bring these documents in the original; photocopies are not needed.</p>' in html


def test_the_email_is_in_the_bookings_language(booked, published):
    booked(language="id")

    run_all(published)

    assert "Senin, 7 Desember 2026" in mail.outbox[0].body


def test_the_sms_goes_to_the_e164_number_with_the_link(booked, published, sms_outbox):
    body = booked(language="en")

    run_all(published)

    [sms] = sms_outbox
    assert sms.to == "+6281234567890"
    assert body["code"] in sms.text
    assert body["proof_url"] in sms.text


def test_sending_twice_sends_once(booked, published):
    booked()
    ids = list(Notification.objects.values_list("id", flat=True))

    run_all(published)
    again = [notification_send(notification_id=i, now=NOW) for i in ids]

    assert again == ["skipped", "skipped"]
    assert run_all(published) == []
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_a_failing_mail_server_is_retried_then_given_up(booked, published, monkeypatch):
    booked()
    email_id = Notification.objects.get(channel="email").id

    def refuse(self, *args, **kwargs):
        raise SMTPException("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    outcomes = [notification_send(notification_id=email_id, now=NOW) for _ in range(6)]

    assert outcomes == ["retry"] * 5 + ["failed"]
    notification = Notification.objects.get(id=email_id)
    assert (notification.state, notification.attempts) == ("failed", 6)


def test_one_failing_channel_is_retried_without_resending_the_other(booked, published, monkeypatch, sms_outbox):
    booked()
    [kwargs] = event_sends(published)

    def refuse(self, *args, **kwargs):
        raise SMTPException("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(Retry):
            send_notifications.apply(kwargs=kwargs)
    assert len(sms_outbox) == 1
    assert Notification.objects.get(channel="email").state == "pending"

    assert send_notifications.apply(kwargs=kwargs).get() == ["sent"]
    assert len(sms_outbox) == 1
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("state", "attempts")) == {("sent", 1), ("sent", 2)}


def test_notify_is_deduplicated_by_key(booked):
    code = booked()["code"]
    booking = Booking.objects.get(code=code)

    notify(booking=booking, kind=Notification.Kind.REMINDER, dedupe_key="reminder:2026-12-06")
    notify(booking=booking, kind=Notification.Kind.REMINDER, dedupe_key="reminder:2026-12-06")

    assert Notification.objects.filter(booking=booking, kind="reminder").count() == 2  # one per channel


def test_a_waiting_request_is_told_it_waits(api, office, published, django_capture_on_commit_callbacks):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post(URL, payload(full, if_full="next_available", language="en"), format="json").json()

    run_all(published)

    assert mail.outbox[0].subject == f"You are on the waiting list: {body['code']}"
    assert not mail.outbox[0].attachments


def test_the_sweep_resends_notifications_whose_task_was_lost(booked, published, time_machine_at):
    booked()
    published.clear()
    time_machine_at(NOW + dt.timedelta(minutes=11))

    assert resend_pending_notifications.apply().get() == 2
    assert len(sent_ids(published)) == 2
