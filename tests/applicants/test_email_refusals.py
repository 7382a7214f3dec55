"""A mail server that refuses the recipient for good fails the message at once; one that
cannot be reached, or asks to try later, is tried again. What it said is kept for the
people who run the office, without the address."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from applicants.models import Notification
from applicants.notification_messages import render_email
from applicants.notifications import MAX_ATTEMPTS, notification_send
from tests.applicants.conftest import NOW, payload

pytestmark = pytest.mark.django_db

ADDRESS = "siti@example.org"


class RefusingBackend(BaseEmailBackend):
    """Raises ``error`` for every message, as Django's SMTP backend does with ``fail_silently`` off."""

    error: Exception | None = None

    def send_messages(self, email_messages):
        raise type(self).error


@pytest.fixture
def email_id(api, slot, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/bookings/", payload(slot), format="json")
    assert response.status_code == 201
    return Notification.objects.get(channel="email").id


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    def refuse(error: Exception) -> None:
        RefusingBackend.error = error

    yield refuse
    RefusingBackend.error = None


def refused(code: int, text: bytes) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({ADDRESS: (code, text)})


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (550, b"5.1.1 <siti@example.org>: Recipient address rejected: User unknown in virtual mailbox table"),
        (553, b"5.1.3 Bad recipient address syntax"),
    ],
)
def test_a_recipient_refused_with_5xx_fails_at_once_without_the_address(email_id, refusing, caplog, code, text):
    refusing(refused(code, text))

    with caplog.at_level(logging.ERROR, logger="applicants.notifications"):
        outcome = notification_send(notification_id=email_id, now=NOW)

    notification = Notification.objects.get(id=email_id)
    assert outcome == "failed"
    assert (notification.state, notification.attempts, notification.failed_at) == ("failed", 1, NOW)
    assert notification.last_error.startswith(f"mail server refused the recipient: {code} 5.1.")
    assert ADDRESS not in notification.last_error
    assert f"notification {email_id} (confirmation by email) refused for good" in caplog.text


@pytest.mark.parametrize(
    "error",
    [
        refused(450, b"4.2.0 <siti@example.org>: Recipient address rejected: Greylisted, try again later"),
        refused(452, b"4.2.2 Mailbox full"),
        smtplib.SMTPConnectError(421, b"Service not available"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        # The server refusing our sender, or the message's data: ours to fix, not the person's address.
        smtplib.SMTPSenderRefused(550, b"5.7.1 Sender not allowed", "no-reply@example.org"),
        smtplib.SMTPDataError(451, b"4.3.0 Temporary failure"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_server_out_of_reach_or_asking_to_try_later_is_tried_again(email_id, refusing, error):
    refusing(error)

    outcome = notification_send(notification_id=email_id, now=NOW)

    notification = Notification.objects.get(id=email_id)
    assert outcome == "retry"
    assert (notification.state, notification.attempts, notification.failed_at) == ("pending", 1, None)
    assert notification.last_error.startswith(type(error).__name__)
    assert ADDRESS not in notification.last_error


def test_a_refusal_with_4xx_for_one_try_and_5xx_for_another_is_temporary_until_all_say_5xx(email_id, refusing):
    refusing(smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"no"), "other@example.org": (451, b"later")}))

    assert notification_send(notification_id=email_id, now=NOW) == "retry"


def test_out_of_attempts_it_is_failed_with_the_last_error_and_sent_after_a_retry_it_is_cleared(email_id, refusing):
    refusing(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))

    outcomes = [notification_send(notification_id=email_id, now=NOW) for _ in range(MAX_ATTEMPTS)]

    notification = Notification.objects.get(id=email_id)
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert (notification.state, notification.failed_at) == ("failed", NOW)
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"


def test_a_message_sent_after_a_failed_try_keeps_no_error(email_id, refusing, settings):
    refusing(TimeoutError("timed out"))
    notification_send(notification_id=email_id, now=NOW)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert notification_send(notification_id=email_id, now=NOW) == "sent"

    notification = Notification.objects.get(id=email_id)
    assert (notification.state, notification.attempts, notification.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


class RefusingSmtp:
    """``smtplib.SMTP`` as a server that takes the connection and refuses the recipient."""

    def __init__(self, *args, **kwargs):
        pass

    def ehlo_or_helo_if_needed(self):
        pass

    def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({to: (550, f"5.1.1 <{to}>: User unknown".encode()) for to in to_addrs})

    def quit(self):
        pass

    def close(self):
        pass


def test_django_smtp_backend_hands_the_refusal_up_and_it_fails_for_good(email_id, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = (
        "mail.test",
        25,
        False,
        False,
    )
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setattr(smtplib, "SMTP", RefusingSmtp)

    assert notification_send(notification_id=email_id, now=NOW) == "failed"

    notification = Notification.objects.get(id=email_id)
    assert notification.last_error == "mail server refused the recipient: 550 5.1.1 <[email]>: User unknown"


def test_the_email_gives_the_office_s_address_with_its_city_once(email_id, slot):
    """As the proof does (``Office.address_shown``): a street typed alone gets its city and
    province, a directory address already ending in its province is given as it is."""
    office = slot.office
    office.address, office.city, office.province = "Jl. Raya Juanda No. 2", "Sidoarjo", "Jawa Timur"
    office.save()
    email = render_email(Notification.objects.select_related("booking__office").get(id=email_id))
    assert "Jl. Raya Juanda No. 2, Sidoarjo, Jawa Timur" in email.text
    assert "Jl. Raya Juanda No. 2, Sidoarjo, Jawa Timur" in email.html

    office.address = "Jl. Raya Juanda No. 2, Sedati, Sidoarjo, Jawa Timur"
    office.save()
    email = render_email(Notification.objects.select_related("booking__office").get(id=email_id))
    assert email.text.count("Jawa Timur") == 1
