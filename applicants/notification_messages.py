"""What a message to an applicant says: the email's subject, HTML and text, and the
SMS/WhatsApp text, for each kind of notification, in the booking's language.
``applicants.notifications`` records, queues and sends them."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.identity import secret_decrypt
from applicants.models import Booking, Notification
from applicants.proof import (
    checkin_window,
    date_label,
    proof_url,
    session_label,
    what_to_bring,
    what_to_bring_note,
)
from offices.formats import clock

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
    Notification.Kind.CONTACT_CHANGED: gettext_lazy("Contact details changed for booking %(code)s"),
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
    Notification.Kind.CONTACT_CHANGED: gettext_lazy(
        "The phone number or email address for messages about this passport booking was just changed on the "
        "booking's page. If you changed it yourself, there is nothing to do. If you did not, someone else has "
        "the secret link to your booking: open “My booking” on our website with your booking code and NIK, "
        "renew the secret link (which ends theirs) and change the contact back. If you never made this "
        "booking, you can ignore this message."
    ),
}

# Sent to a contact as it was before the applicant changed it (DESIGN: whoever had it
# learns of the change). That address may be a stranger's, the very mistake being
# corrected, so these messages carry neither the person's name nor the secret link.
WITHOUT_PERSON = frozenset({Notification.Kind.CONTACT_CHANGED})

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

# The SMS of a contact change: what to do, and where, without the link.
CONTACT_CHANGED_SMS_NOTE = gettext_lazy(
    "Not you? Open %(url)s with the code and your NIK, renew the secret link and change the contact back."
)

# Rollover: a booking moved off a closed session before a new session was free for it.
ROLLED_OVER_WAITING_INTRO = gettext_lazy(
    "The office cannot serve you at the time booked. You keep your place ahead of new requests and get the "
    "earliest free session as soon as there is one; we will send you the new date."
)

# Kinds after which the applicant holds a session and should see it in full.
WITH_SESSION = {
    Notification.Kind.CONFIRMATION,
    Notification.Kind.ALLOCATED,
    Notification.Kind.ROLLED_OVER,
    Notification.Kind.RESCHEDULED,
    Notification.Kind.REMINDER,
}


def _booking_link(booking: Booking, kind: str) -> str:
    if kind in WITHOUT_PERSON or not booking.token_encrypted:
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
    has_session = booking.slot_id is not None and notification.kind in WITH_SESSION
    window = checkin_window(booking) if has_session else None
    return {
        "kind": notification.kind,
        "booking": booking,
        "office": booking.office,
        "applicant_name": "" if notification.kind in WITHOUT_PERSON else booking.applicant.full_name,
        "intro": _intro(notification),
        "has_session": has_session,
        "date": date_label(booking.slot.date) if has_session else "",
        "requested_date": date_label(booking.requested_date),
        "session": session_label(booking) if has_session else "",
        "checkin_opens": clock(window.opens) if window else "",
        "checkin_closes": clock(window.closes) if window else "",
        "what_to_bring": what_to_bring(booking.service) if has_session else [],
        "what_to_bring_note": what_to_bring_note(booking.service) if has_session else "",
        "link": _booking_link(booking, notification.kind),
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
        elif notification.kind == Notification.Kind.CONTACT_CHANGED:
            parts.append(str(CONTACT_CHANGED_SMS_NOTE) % {"url": settings.SITE_URL + reverse("applicants:my_booking")})
        return " ".join(parts)
