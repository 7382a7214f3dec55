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
import math
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
from applicants.proof import (
    booking_ics,
    checkin_window,
    date_label,
    proof_url,
    session_label,
    what_to_bring,
    what_to_bring_note,
)
from offices.templatetags.public_ui import clock
from queue_booking.redis_cache import cache_available

logger = logging.getLogger(__name__)

SEND_TASK = "applicants.tasks.send_notification"
# One message per event rather than per channel: publishing is a large part of a booking's CPU.
SEND_EVENT_TASK = "applicants.tasks.send_notifications"
# Everything pending, for a burst of events (``NOTIFY_COALESCE_SECONDS``).
DRAIN_TASK = "applicants.tasks.send_pending_notifications"
MAX_ATTEMPTS = 6


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
    Notification.Kind.TOKEN_RENEWED: gettext_lazy("New secret link for your booking %(code)s"),
    Notification.Kind.TOKEN_RENEWED_AT_OFFICE: gettext_lazy(
        "New secret link from the office for your booking %(code)s"
    ),
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
    Notification.Kind.TOKEN_RENEWED: gettext_lazy(
        "The secret link to your booking was just renewed. The old link, and any PDF or calendar link saved "
        "from it, no longer works: use the link below. Your booking code, date, session and QR code are "
        "unchanged, so a proof you printed still gets you in. If you did not renew it yourself, someone else "
        "had your link: open the link below and renew it again, which ends the link they were given."
    ),
    Notification.Kind.TOKEN_RENEWED_AT_OFFICE: gettext_lazy(
        "As you asked at %(office)s, the staff there renewed the secret link to your booking. The old link, and "
        "any PDF or calendar link saved from it, no longer works: use the link below. Your booking code, date, "
        "session and QR code are unchanged, so a proof you printed still gets you in."
    ),
}

# After a renewal at the office: what to do if the person was not the one at the desk.
# The new link was sent only to them; the office should know someone asked in their name.
NOT_AT_OFFICE = gettext_lazy(
    "If you were not at the office, someone asked for it in your name. The new link was sent only to you: "
    "keep it private, and tell the office."
)
NOT_AT_OFFICE_PHONE = gettext_lazy(
    "If you were not at the office, someone asked for it in your name. The new link was sent only to you: "
    "keep it private, and tell the office (phone %(phone)s)."
)

# Said after the link in an SMS, where there is no room for the intro.
SMS_NOTES = {
    Notification.Kind.TOKEN_RENEWED: gettext_lazy("Not you? Open the link and renew it again."),
    Notification.Kind.TOKEN_RENEWED_AT_OFFICE: gettext_lazy(
        "Renewed at %(office)s at your request. Not you? Tell the office."
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


def _intro(notification: Notification) -> str:
    booking = notification.booking
    if notification.kind == Notification.Kind.ROLLED_OVER and booking.slot_id is None:
        return str(ROLLED_OVER_WAITING_INTRO)
    if notification.kind == Notification.Kind.TOKEN_RENEWED_AT_OFFICE:
        office = booking.office
        not_there = NOT_AT_OFFICE_PHONE % {"phone": office.phone} if office.phone else NOT_AT_OFFICE
        return f"{INTROS[notification.kind] % {'office': office.name}} {not_there}"
    return str(INTROS[notification.kind])


def _sms_note(notification: Notification) -> str:
    return str(SMS_NOTES[notification.kind]) % {"office": notification.booking.office.name}


def notification_context(notification: Notification) -> dict:
    booking = notification.booking
    has_session = booking.slot_id is not None and notification.kind in _WITH_SESSION
    window = checkin_window(booking) if has_session else None
    return {
        "kind": notification.kind,
        "booking": booking,
        "office": booking.office,
        "applicant_name": booking.applicant.full_name,
        "intro": _intro(notification),
        "has_session": has_session,
        "date": date_label(booking.slot.date) if has_session else "",
        "requested_date": date_label(booking.requested_date),
        "session": session_label(booking) if has_session else "",
        "checkin_opens": clock(window.opens) if window else "",
        "checkin_closes": clock(window.closes) if window else "",
        "what_to_bring": what_to_bring(booking.service) if has_session else [],
        "what_to_bring_note": what_to_bring_note(booking.service) if has_session else "",
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
            if notification.kind in SMS_NOTES:
                parts.append(_sms_note(notification))
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
        backend = get_sms_backend()
        extra = {"reference": f"antrean-notification-{notification.id}"} if backend.supports_reference else {}
        backend.send(to=applicant.phone, text=render_sms(notification), **extra)


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
            notification.save(update_fields=["attempts", "state"])
            return SendOutcome.FAILED
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
