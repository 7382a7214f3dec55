"""Messages to applicants: by email (HTML + text) and by SMS/WhatsApp.

``notify`` records what must be sent as ``Notification`` rows inside the caller's
transaction (the unique ``dedupe_key`` makes a second request for the same message a
no-op) and, once that transaction commits, enqueues one task for the event (booking id
and dedupe key only), which sends each of its rows. ``notification_send`` claims one
row, renders the message in the booking's language and sends it; the resend sweep
enqueues it by the row's id.
"""

import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass
from typing import ClassVar

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants import dispatch
from applicants.identity import secret_decrypt
from applicants.models import Applicant, Booking, Notification
from applicants.proof import booking_ics, checkin_window, date_label, proof_url, session_label, what_to_bring

logger = logging.getLogger(__name__)

SEND_TASK = "applicants.tasks.send_notification"
# One message per event rather than per channel: publishing is a large part of a booking's CPU.
SEND_EVENT_TASK = "applicants.tasks.send_notifications"
# Everything pending, for a burst of events (``NOTIFY_COALESCE_SECONDS``).
DRAIN_TASK = "applicants.tasks.send_pending_notifications"
MAX_ATTEMPTS = 6


# --- SMS / WhatsApp backends -------------------------------------------------------------


class SmsBackend:
    """Sends a short text to a phone number in E.164 form. Subclass and name it in ``SMS_BACKEND``."""

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


def notify(*, booking: Booking, kind: str, dedupe_key: str | None = None) -> None:
    """Ask for ``kind`` to be sent to the booking's applicant on every channel they gave.

    Call inside the transaction that made the change: nothing is sent unless it commits.
    The same ``dedupe_key`` (default: ``kind``) never sends twice.
    """
    dedupe = dedupe_key or kind
    channels = notification_channels(booking.applicant)
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
# a flood, one "send what is pending" task serves every commit made until a worker
# starts it. The flag in the shared cache says "a drain has been asked for and has not
# started"; it holds the time the drain starts (it is published with a countdown of
# ``NOTIFY_DRAIN_DELAY_SECONDS``, and the flag lives that long). Nothing is left behind:
# a commit that finds the flag set happened before that drain starts (the drain clears
# the flag first, then reads), so the drain sees it; a commit after the clear or the
# expiry sets the flag again and asks for another drain.
#
# Each process also remembers the start time it set or found, and until
# ``_DRAIN_MARGIN_SECONDS`` before it does not ask at all: its commits are before the
# drain's read even if the worker's clock runs that much ahead. That spares a cache
# round trip on most bookings of a flood. Should a drain still start early (clocks
# further apart, a publish that failed after another process read its flag), the rows
# it missed go with the next drain any commit asks for, or with the resend sweep.

_DRAIN_MARGIN_SECONDS = 0.5
# Until when (this process's clock) a drain already asked for will read new commits.
_drain_reads_until = 0.0


def _kick_key() -> str:
    return "notify:drain-asked"


def _clock() -> float:
    return time.time()


def _drain_flag_set(starts: float) -> float | None:
    """Set the flag to ``starts`` unless it is set: ``None`` if this call set it, else
    the start time already there (``0.0`` if it does not say)."""
    # With a countdown the flag lives no longer than the wait: a commit that finds it
    # set is then always before the drain starts, even when no worker has taken that
    # drain yet, and a lost drain is asked for again after one delay.
    ttl = settings.NOTIFY_DRAIN_DELAY_SECONDS or settings.NOTIFY_COALESCE_SECONDS
    add_or_get = getattr(cache, "add_or_get", None)  # Redis: one round trip
    if add_or_get is not None:
        found = add_or_get(_kick_key(), starts, ttl)
    elif cache.add(_kick_key(), starts, ttl):
        found = None
    else:
        found = cache.get(_kick_key())
    if found is None:
        return None
    return found if isinstance(found, float) else 0.0


def notifications_kick() -> None:
    """After a commit: ask a worker to send pending notifications, unless already asked."""
    global _drain_reads_until
    now = _clock()
    if now < _drain_reads_until:
        return
    delay = settings.NOTIFY_DRAIN_DELAY_SECONDS
    try:
        starts = _drain_flag_set(now + delay)
    except Exception:  # noqa: BLE001 - without the cache, ask every time
        logger.warning("cache unavailable; notification drain asked without coalescing")
        dispatch.publish(DRAIN_TASK, {})
        return
    if starts is None:
        if not dispatch.publish(DRAIN_TASK, {}, countdown=delay or None):
            # Nobody will start that drain: let the next commit ask again.
            notifications_drain_started()
            return
        starts = now + delay
    if not current_app.conf.task_always_eager:  # an eager drain has already run
        _drain_reads_until = starts - _DRAIN_MARGIN_SECONDS


def notifications_drain_started() -> None:
    """Called by the drain before it reads: commits from now on ask for a new one."""
    global _drain_reads_until
    _drain_reads_until = 0.0
    try:
        cache.delete(_kick_key())
    except Exception:  # noqa: BLE001 - the flag expires by itself
        logger.warning("cache unavailable; notification drain flag left to expire")


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


# --- Rendering ----------------------------------------------------------------------------------

SUBJECTS = {
    Notification.Kind.CONFIRMATION: gettext_lazy("Booking confirmed: %(code)s"),
    Notification.Kind.WAITING: gettext_lazy("You are on the waiting list: %(code)s"),
    Notification.Kind.ALLOCATED: gettext_lazy("A place was found for you: %(code)s"),
    Notification.Kind.ROLLED_OVER: gettext_lazy("Your appointment was moved: %(code)s"),
    Notification.Kind.CANCELLED: gettext_lazy("Booking cancelled: %(code)s"),
    Notification.Kind.RESCHEDULED: gettext_lazy("Booking moved to a new session: %(code)s"),
    Notification.Kind.REMINDER: gettext_lazy("Reminder: your passport appointment (%(code)s)"),
    Notification.Kind.EXPIRED: gettext_lazy("No place was found for your request %(code)s"),
}

INTROS = {
    Notification.Kind.CONFIRMATION: gettext_lazy("Your passport appointment is booked."),
    Notification.Kind.WAITING: gettext_lazy(
        "The session you chose was full. You are on the waiting list and will get the earliest free "
        "place from the date you asked for. We will tell you as soon as a place is found."
    ),
    Notification.Kind.ALLOCATED: gettext_lazy("Good news: a place was found for your passport appointment."),
    Notification.Kind.ROLLED_OVER: gettext_lazy(
        "The office cannot serve you at the time booked. Your appointment was moved to the earliest free session."
    ),
    Notification.Kind.CANCELLED: gettext_lazy("Your booking was cancelled. The place is free for someone else."),
    Notification.Kind.RESCHEDULED: gettext_lazy("Your appointment was moved to the session you chose."),
    Notification.Kind.REMINDER: gettext_lazy("This is a reminder of your passport appointment."),
    Notification.Kind.EXPIRED: gettext_lazy(
        "We could not find a place for your request in time. You can book again at any time."
    ),
}

# Rollover: a booking moved off a closed session before a new session was free for it.
ROLLED_OVER_WAITING_INTRO = gettext_lazy(
    "The office cannot serve you at the time booked. You keep your place ahead of new requests and get the "
    "earliest free session as soon as there is one; we will send you the new date."
)

# Kinds after which the applicant holds a session and should see it in full.
_WITH_SESSION = {
    Notification.Kind.CONFIRMATION,
    Notification.Kind.ALLOCATED,
    Notification.Kind.ROLLED_OVER,
    Notification.Kind.RESCHEDULED,
    Notification.Kind.REMINDER,
}


def _booking_link(booking: Booking) -> str:
    if not booking.token_encrypted:
        return ""
    return proof_url(booking, secret_decrypt(booking.token_encrypted))


def notification_context(notification: Notification) -> dict:
    booking = notification.booking
    has_session = booking.slot_id is not None and notification.kind in _WITH_SESSION
    window = checkin_window(booking) if has_session else None
    return {
        "kind": notification.kind,
        "booking": booking,
        "office": booking.office,
        "applicant_name": booking.applicant.full_name,
        "intro": str(
            ROLLED_OVER_WAITING_INTRO
            if notification.kind == Notification.Kind.ROLLED_OVER and booking.slot_id is None
            else INTROS[notification.kind]
        ),
        "has_session": has_session,
        "date": date_label(booking.slot.date) if has_session else "",
        "requested_date": date_label(booking.requested_date),
        "session": session_label(booking) if has_session else "",
        "checkin_opens": f"{window.opens:%H:%M}" if window else "",
        "checkin_closes": f"{window.closes:%H:%M}" if window else "",
        "what_to_bring": what_to_bring(booking.service) if has_session else [],
        "link": _booking_link(booking),
        "site_url": settings.SITE_URL,
    }


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(notification: Notification) -> RenderedEmail:
    with translation.override(notification.booking.language):
        context = notification_context(notification)
        subject = str(SUBJECTS[notification.kind]) % {"code": notification.booking.code}
        return RenderedEmail(
            subject=subject,
            text=render_to_string("emails/booking.txt", context),
            html=render_to_string("emails/booking.html", context),
        )


def render_sms(notification: Notification) -> str:
    with translation.override(notification.booking.language):
        context = notification_context(notification)
        parts = [f"Antrean Paspor: {SUBJECTS[notification.kind] % {'code': notification.booking.code}}."]
        if context["has_session"]:
            parts.append(f"{context['office'].name}, {context['date']}, {context['session']}.")
        if context["link"]:
            parts.append(_("Proof: %(link)s") % {"link": context["link"]})
        return " ".join(parts)


# --- Sending --------------------------------------------------------------------------------------


class SendOutcome:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def _deliver(notification: Notification) -> None:
    applicant = notification.booking.applicant
    if notification.channel == Notification.Channel.EMAIL:
        email = render_email(notification)
        message = EmailMultiAlternatives(email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [applicant.email])
        message.attach_alternative(email.html, "text/html")
        if notification.kind in _WITH_SESSION and notification.booking.slot_id is not None:
            message.attach(f"{notification.booking.code}.ics", booking_ics(notification.booking), "text/calendar")
        message.send()
    else:
        get_sms_backend().send(to=applicant.phone, text=render_sms(notification))


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
        except Exception:  # noqa: BLE001 - any transport failure is retried, then given up
            logger.warning(
                "notification %s (%s by %s) failed, attempt %s",
                notification.id,
                notification.kind,
                notification.channel,
                notification.attempts,
                exc_info=True,
            )
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.FAILED
                notification.save(update_fields=["attempts", "state"])
                return SendOutcome.FAILED
            notification.save(update_fields=["attempts"])
            return SendOutcome.RETRY
        notification.state = Notification.State.SENT
        notification.sent_at = now
        notification.save(update_fields=["attempts", "state", "sent_at"])
        return SendOutcome.SENT
