"""Sending messages to applicants. Enqueued on commit by ``applicants.notifications.notify``."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from applicants.notifications import MAX_ATTEMPTS, SendOutcome, notification_send, pending_notification_ids

# 30 s, 1 min, 2 min, ... capped at 30 min: a mail server that is down for a while is
# waited for, and never past the broker's visibility timeout.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 1800


@shared_task(
    name="applicants.tasks.send_notification",
    bind=True,
    max_retries=MAX_ATTEMPTS,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=BACKOFF_BASE_SECONDS,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
)
def send_notification(self, notification_id: int) -> str:
    """Send one notification by id; a second run of the same id sends nothing."""
    outcome = notification_send(notification_id=notification_id, now=timezone.now())
    if outcome == SendOutcome.RETRY:
        countdown = min(BACKOFF_BASE_SECONDS * 2**self.request.retries, BACKOFF_MAX_SECONDS)
        raise self.retry(countdown=countdown)
    return outcome


@shared_task(
    name="applicants.tasks.send_notifications",
    bind=True,
    max_retries=MAX_ATTEMPTS,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=BACKOFF_BASE_SECONDS,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
)
def send_notifications(self, booking_id: int, dedupe_key: str) -> list[str]:
    """Send every channel of one ``notify`` call. A retry finds only the rows still
    pending, so a channel that went is not sent again while another is retried."""
    outcomes = [
        notification_send(notification_id=notification_id, now=timezone.now())
        for notification_id in pending_notification_ids(booking_id=booking_id, dedupe_key=dedupe_key)
    ]
    if SendOutcome.RETRY in outcomes:
        countdown = min(BACKOFF_BASE_SECONDS * 2**self.request.retries, BACKOFF_MAX_SECONDS)
        raise self.retry(countdown=countdown)
    return outcomes
