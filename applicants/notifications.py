"""Messages to applicants: by email (HTML + text) and by SMS/WhatsApp.

``notify`` records what must be sent as ``Notification`` rows inside the caller's
transaction (the unique ``dedupe_key`` makes a second request for the same message a
no-op) and, once that transaction commits, enqueues one task for the event (booking id
and dedupe key only), which sends each of its rows. ``notification_send`` claims one
row, renders the message in the booking's language and sends it; the resend sweep
enqueues it by the row's id. What each message says, in each language:
``applicants.notification_messages``.
"""

import datetime as dt
import logging
import math
import smtplib
import sys
import time
from dataclasses import dataclass
from typing import ClassVar

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.module_loading import import_string

from applicants import dispatch
from applicants.models import Applicant, Booking, Notification
from applicants.notification_messages import WITH_SESSION, render_email, render_sms
from applicants.proof import (
    booking_ics,
)
from queue_booking.logging import scrub
from queue_booking.redis_cache import cache_available

logger = logging.getLogger(__name__)

SEND_TASK = "applicants.tasks.send_notification"
# One message per event rather than per channel: publishing is a large part of a booking's CPU.
SEND_EVENT_TASK = "applicants.tasks.send_notifications"
# Everything pending, for a burst of events (``NOTIFY_COALESCE_SECONDS``).
DRAIN_TASK = "applicants.tasks.send_pending_notifications"
MAX_ATTEMPTS = 6
# How much of a failure's text a notification keeps (``Notification.last_error``).
LAST_ERROR_CHARS = 300


# --- SMS / WhatsApp backends -------------------------------------------------------------


class PermanentSendError(Exception):
    """The other side refused a message for good (a bad number, bad credentials): sent
    again it would be refused again, so it fails at once instead of being retried. Any
    other exception from a backend is taken as temporary. Its text is logged: never put
    the address, the number or the message in it."""


class SmsBackend:
    """Sends a short text to a phone number in E.164 form. Subclass and name it in ``SMS_BACKEND``.

    ``send`` returns once the message is accepted. Raise ``PermanentSendError`` when it
    never will be; any other exception leaves it to be tried again later. A backend that
    sets ``supports_reference`` is also given ``reference``, the same for every try of one
    message, to let its gateway drop a repeat.
    """

    supports_reference: ClassVar[bool] = False

    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Writes the message to standard output (development)."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"--- SMS to {to} ---\n{text}\n")
        sys.stdout.flush()


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in ``LocmemSmsBackend.outbox`` (tests)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append(SmsMessage(to=to, text=text))


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


# --- Recording and enqueueing ----------------------------------------------------------------


def notification_channels(applicant: Applicant) -> list[str]:
    """The channels a message to ``applicant`` goes by: every contact they gave."""
    channels = []
    if applicant.email:
        channels.append(Notification.Channel.EMAIL)
    if applicant.phone:
        channels.append(Notification.Channel.SMS)
    return channels


def notify(*, booking: Booking, kind: str, dedupe_key: str | None = None, channels: list[str] | None = None) -> None:
    """Ask for ``kind`` to be sent to the booking's applicant on every channel they gave
    (or only on ``channels``, those of them the caller names).

    Call inside the transaction that made the change: nothing is sent unless it commits.
    The same ``dedupe_key`` (default: ``kind``) never sends twice.
    """
    dedupe = dedupe_key or kind
    given = notification_channels(booking.applicant)
    channels = given if channels is None else [channel for channel in given if channel in channels]
    if not channels:
        return
    # On a duplicate the upsert changes nothing; a row already sent is skipped by the task.
    Notification.objects.bulk_create(
        [Notification(booking=booking, kind=kind, channel=channel, dedupe_key=dedupe) for channel in channels],
        update_conflicts=True,
        unique_fields=["booking", "channel", "dedupe_key"],
        update_fields=["kind"],
    )
    notify_enqueue(booking_id=booking.id, dedupe_key=dedupe)


def notify_enqueue(*, booking_id: int, dedupe_key: str) -> None:
    """Have the recorded rows of one ``notify`` event sent, once the transaction commits.

    With ``NOTIFY_COALESCE_SECONDS`` (Redis), by the drain that ``notifications_kick``
    asks for; otherwise by one task for this event.
    """
    if settings.NOTIFY_COALESCE_SECONDS > 0:
        transaction.on_commit(notifications_kick)
    else:
        dispatch.enqueue_on_commit(SEND_EVENT_TASK, booking_id=booking_id, dedupe_key=dedupe_key)


# --- Coalescing: one drain task for a burst of commits -----------------------------------
#
# Publishing a Celery message costs a web process more than the booking's own SQL. Under
# a flood, one "send what is pending" task serves every commit of a window of
# ``NOTIFY_DRAIN_DELAY_SECONDS``. Time is cut into such windows; the first commit of a
# window sets the window's flag in the shared cache (SET NX) and publishes a drain that
# starts ``_DRAIN_MARGIN_SECONDS`` after the window ends. Nothing is left behind: every
# commit of the window happened before its drain reads, and each process, once it has
# set or found the window's flag, asks nobody for the rest of that window (one cache
# round trip per process and window instead of one per booking). The margin covers the
# clocks of web and worker machines being that far apart; should a drain still start
# early, the rows it missed go with the next window's drain or the resend sweep.
#
# With a delay of 0 there are no windows: the flag says "a drain has been asked for and
# has not started", the drain clears it first and then reads, and a commit that finds it
# set is therefore before that drain's read.

_DRAIN_MARGIN_SECONDS = 0.5
# The window whose drain this process knows is asked for (``None``: none known).
_asked_window: int | None = None


def _kick_key(window: int | None = None) -> str:
    return "notify:drain-asked" if window is None else f"notify:drain-asked:{window}"


def _clock() -> float:
    return time.time()


def _window(now: float) -> int | None:
    delay = settings.NOTIFY_DRAIN_DELAY_SECONDS
    return int(now // delay) if delay > 0 else None


def notifications_kick() -> None:
    """After a commit: ask a worker to send pending notifications, unless already asked."""
    global _asked_window
    now = _clock()
    window = _window(now)
    if window is not None and window == _asked_window:
        return
    if window is None:
        key, life, countdown = _kick_key(), settings.NOTIFY_COALESCE_SECONDS, None
    else:
        delay = settings.NOTIFY_DRAIN_DELAY_SECONDS
        starts = (window + 1) * delay + _DRAIN_MARGIN_SECONDS
        key, life, countdown = _kick_key(window), math.ceil(starts - now) + 1, starts - now
    try:
        first = cache.add(key, 1, life)
        shared = cache_available(cache)  # False: Redis is out and ``add`` did nothing
    except Exception:  # noqa: BLE001 - a cache backend that does not fail soft
        shared = False
    if not shared:
        # No shared flag without the cache: ask every time, without coalescing (and not
        # at all for a while if the broker, often the same Redis, is out too).
        dispatch.publish(DRAIN_TASK, {})
        return
    if first and not dispatch.publish(DRAIN_TASK, {}, countdown=countdown):
        # Nobody will start that drain: let the next commit ask again.
        _flag_forget(key)
        return
    if window is not None and not current_app.conf.task_always_eager:  # an eager drain has run
        _asked_window = window


def _flag_forget(key: str) -> None:
    global _asked_window
    _asked_window = None
    try:
        cache.delete(key)
    except Exception:  # noqa: BLE001 - the flag expires by itself
        logger.warning("cache unavailable; notification drain flag left to expire")


def notifications_drain_started() -> None:
    """Called by the drain before it reads: commits from now on ask for a new one.

    A drain normally starts after its window; clearing the current window's flag then
    costs at most one more drain. It matters for a drain started early (by hand, or the
    next part of a long drain): the commits after it must not count on it.
    """
    window = _window(_clock())
    _flag_forget(_kick_key(window))


def unsent_notification_ids(*, after_id: int, limit: int) -> list[int]:
    """Pending rows never tried, by id. A row whose sending failed waits for its own
    retry with back-off instead (``send_notification``)."""
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, attempts=0, id__gt=after_id)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def pending_notification_ids(*, booking_id: int, dedupe_key: str) -> list[int]:
    """The rows of one ``notify`` call still to be sent, in a stable order (email first)."""
    return list(
        Notification.objects.filter(booking_id=booking_id, dedupe_key=dedupe_key, state=Notification.State.PENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )


# --- Sending --------------------------------------------------------------------------------------


class SendOutcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def _smtp_text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def email_refusal(error: smtplib.SMTPRecipientsRefused) -> PermanentSendError | None:
    """The mail server's refusal of the recipient as a failure for good, or ``None``
    when it may take the message later.

    Only an answer of 5xx for every recipient is final (550 no such mailbox, 553 a
    malformed address). A 4xx (451 try later, greylisting, a full mailbox) is the
    server asking for another try, as is a refused connection or a dropped one, which
    never reach here. What the server said is kept with the address taken out: servers
    quote it ("<siti@example.org>: Recipient address rejected").
    """
    answers = list(error.recipients.values())
    if not answers or any(not (500 <= int(code) < 600) for code, _said in answers):
        return None
    said = "; ".join(f"{code} {' '.join(_smtp_text(text).split())}" for code, text in answers)
    return PermanentSendError(scrub(f"mail server refused the recipient: {said}"))


def send_failure_text(error: BaseException) -> str:
    """What ``Notification.last_error`` keeps of a failed try: the exception's kind and
    text, with addresses, numbers, NIK-like digits and the secret of links taken out
    (``queue_booking.logging.scrub``), cut to ``LAST_ERROR_CHARS``."""
    text = " ".join(str(error).split())
    if not isinstance(error, PermanentSendError):
        text = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return scrub(text)[:LAST_ERROR_CHARS]


def _deliver(notification: Notification) -> None:
    applicant = notification.booking.applicant
    if notification.channel == Notification.Channel.EMAIL:
        email = render_email(notification)
        to = notification.recipient or applicant.email
        message = EmailMultiAlternatives(email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [to])
        message.attach_alternative(email.html, "text/html")
        if notification.kind in WITH_SESSION and notification.booking.slot_id is not None:
            message.attach(f"{notification.booking.code}.ics", booking_ics(notification.booking), "text/calendar")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            refusal = email_refusal(error)
            if refusal is None:
                raise
            raise refusal from None
    else:
        backend = get_sms_backend()
        extra = {"reference": f"antrean-notification-{notification.id}"} if backend.supports_reference else {}
        backend.send(to=notification.recipient or applicant.phone, text=render_sms(notification), **extra)


def notification_send(*, notification_id: int, now: dt.datetime) -> str:
    """Send one pending notification; safe to run twice and from several workers.

    The row stays locked while it is sent, so a duplicate task skips it; a worker that
    dies mid-send leaves it pending for the redelivered task. Returns a ``SendOutcome``.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("booking__applicant", "booking__office", "booking__slot")
            .filter(id=notification_id, state=Notification.State.PENDING)
            .first()
        )
        if notification is None:
            return SendOutcome.SKIPPED
        notification.attempts += 1
        try:
            _deliver(notification)
        except PermanentSendError as error:
            logger.error(
                "notification %s (%s by %s) refused for good, not retried: %s",
                notification.id,
                notification.kind,
                notification.channel,
                error,
            )
            notification.state = Notification.State.FAILED
            notification.failed_at = now
            notification.last_error = send_failure_text(error)
            notification.save(update_fields=["attempts", "state", "failed_at", "last_error"])
            return SendOutcome.FAILED
        except Exception as error:  # noqa: BLE001 - any transport failure is retried, then given up
            logger.warning(
                "notification %s (%s by %s) failed, attempt %s",
                notification.id,
                notification.kind,
                notification.channel,
                notification.attempts,
                exc_info=True,
            )
            notification.last_error = send_failure_text(error)
            if notification.attempts >= MAX_ATTEMPTS:
                logger.error(
                    "notification %s (%s by %s) failed %s times, given up",
                    notification.id,
                    notification.kind,
                    notification.channel,
                    notification.attempts,
                )
                notification.state = Notification.State.FAILED
                notification.failed_at = now
                notification.save(update_fields=["attempts", "state", "failed_at", "last_error"])
                return SendOutcome.FAILED
            notification.save(update_fields=["attempts", "last_error"])
            return SendOutcome.RETRY
        notification.state = Notification.State.SENT
        notification.sent_at = now
        notification.last_error = ""
        fields = ["attempts", "state", "sent_at", "last_error"]
        if notification.recipient:
            # A former contact of the person is kept no longer than it takes to tell it.
            notification.recipient = ""
            fields.append("recipient")
        notification.save(update_fields=fields)
        return SendOutcome.SENT
