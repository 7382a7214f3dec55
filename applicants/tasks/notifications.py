"""Sending messages to applicants. Enqueued on commit by ``applicants.notifications.notify``."""

import time

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from applicants import dispatch
from applicants.notifications import (
    DRAIN_TASK,
    MAX_ATTEMPTS,
    SendOutcome,
    notification_send,
    notifications_drain_started,
    pending_notification_ids,
    unsent_notification_ids,
)

# 30 s, 1 min, 2 min, ... capped at 30 min: a mail server that is down for a while is
# waited for, and never past the broker's visibility timeout.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 1800
# A drain reads this many rows at a time, and hands what is left to a fresh task after
# this long (well inside the task time limits).
DRAIN_BATCH = 200
DRAIN_SECONDS = 60


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


@shared_task(
    name=DRAIN_TASK,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=MAX_ATTEMPTS,
    retry_backoff=BACKOFF_BASE_SECONDS,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
)
def send_pending_notifications() -> int:
    """Send every notification not tried yet, oldest first; return how many went.

    Asked for by ``notifications_kick`` after commits. Safe beside other drains and the
    per-event tasks: each row is claimed by ``notification_send``. A row that fails is
    handed to ``send_notification``, which retries it with back-off.
    """
    notifications_drain_started()
    deadline = time.monotonic() + DRAIN_SECONDS
    sent, last_id = 0, 0
    while ids := unsent_notification_ids(after_id=last_id, limit=DRAIN_BATCH):
        for notification_id in ids:
            outcome = notification_send(notification_id=notification_id, now=timezone.now())
            if outcome == SendOutcome.RETRY:
                send_notification.apply_async(
                    kwargs={"notification_id": notification_id}, countdown=BACKOFF_BASE_SECONDS, ignore_result=True
                )
            sent += outcome == SendOutcome.SENT
        last_id = ids[-1]
        if time.monotonic() > deadline:
            dispatch.publish(DRAIN_TASK, {})
            break
    return sent
