"""A message that cannot be delivered is logged without the address or number it was for.

A refusing mail server names the recipient in its error (``SMTPRecipientsRefused``),
and SMS gateways quote the number; the failure is logged with the exception, so the
log filter masks email addresses and phone numbers as it masks NIKs.
"""

from smtplib import SMTPRecipientsRefused

import pytest

from applicants.models import Notification
from applicants.notifications import notification_send
from tests.applicants.conftest import NOW, payload

pytestmark = pytest.mark.django_db

EMAIL = "siti.rahayu@example.org"
PHONE = "+6281234567890"


@pytest.fixture
def booking(api, slot):
    response = api.post("/api/v1/bookings/", payload(slot, applicant={"email": EMAIL}), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_refused_email_is_logged_without_the_address(booking, monkeypatch, product_log):
    def refuse(self, *args, **kwargs):
        raise SMTPRecipientsRefused({EMAIL: (550, f"5.1.1 <{EMAIL}>: Recipient address rejected".encode())})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)

    outcome = notification_send(notification_id=Notification.objects.get(channel="email").id, now=NOW)

    # A 5xx for the recipient is final: failed at once, logged as such.
    assert outcome == "failed"
    written = product_log.getvalue()
    assert "refused for good" in written and "550 5.1.1" in written  # the failure is logged
    assert EMAIL not in written
    assert "siti.rahayu" not in written


def test_an_email_the_server_asks_to_retry_is_logged_without_the_address(booking, monkeypatch, product_log):
    def refuse(self, *args, **kwargs):
        raise SMTPRecipientsRefused({EMAIL: (450, f"4.2.0 <{EMAIL}>: Greylisted".encode())})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)

    outcome = notification_send(notification_id=Notification.objects.get(channel="email").id, now=NOW)

    assert outcome == "retry"
    written = product_log.getvalue()
    assert "SMTPRecipientsRefused" in written
    assert EMAIL not in written
    assert "siti.rahayu" not in written


def test_a_failed_sms_is_logged_without_the_number(booking, monkeypatch, product_log):
    def refuse(self, *, to, text):
        raise RuntimeError(f"gateway refused {to} (local form 0{to[3:]})")

    monkeypatch.setattr("applicants.notifications.LocmemSmsBackend.send", refuse)

    outcome = notification_send(notification_id=Notification.objects.get(channel="sms").id, now=NOW)

    assert outcome == "retry"
    written = product_log.getvalue()
    assert "gateway refused" in written
    assert PHONE not in written
    assert PHONE[3:] not in written  # 81234567890, in either form
