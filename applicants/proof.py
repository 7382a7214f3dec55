"""Proof of registration: the booking code, the secret token, the signed QR payload,
and the printable forms of a booking (PDF, calendar file).

The QR payload is compact text that staff can verify with only the signing keys, even
when the central server cannot be reached::

    AP1.<code>.<office code>.<yyyymmdd>.<hhmm>.<track letter>.<key id>.<HMAC>

The HMAC (SHA-256, truncated to 120 bits, base32) covers everything before it. Keys
rotate: ``PROOF_SIGNING_KEYS`` lists every key that verifies, ``PROOF_SIGNING_KEY_ID``
names the one that signs.
"""

import base64
import datetime as dt
import hashlib
import hmac
import io
import secrets
import unicodedata
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF
from icalendar import Alarm, Calendar, Event

from applicants.exceptions import ProofInvalid
from applicants.models import Booking, BookingStatus, Service
from applicants.privacy import erased_note_text
from offices.formats import clock
from offices.timeutils import office_datetime

# No 0/O, 1/I: a code is read aloud at a counter and typed from paper. 32 symbols,
# 8 of them: 2^40 codes, so a guessed code hits a booking with negligible odds.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8

PAYLOAD_VERSION = "AP1"
_MAC_BYTES = 15
_TRACK_LETTER = {"regular": "R", "express": "E", "priority": "P"}
_LETTER_TRACK = {letter: track for track, letter in _TRACK_LETTER.items()}


# A code is base32 of random bytes, spelled in CODE_ALPHABET: each symbol is 5 whole
# random bits, so every symbol is equally likely. One read of the system's randomness
# per code: secrets.choice read it once or more per symbol (16 system calls per code on
# average, since it draws 6 bits and throws away the half above 31).
_BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CODE_SPELLING = str.maketrans(_BASE32_ALPHABET, CODE_ALPHABET)
_CODE_BYTES = CODE_LENGTH * 5 // 8
assert len(CODE_ALPHABET) == 32 and CODE_LENGTH * 5 % 8 == 0, "a code must be whole bytes of base32"  # noqa: S101


def new_booking_code() -> str:
    return base64.b32encode(secrets.token_bytes(_CODE_BYTES)).decode("ascii").translate(_CODE_SPELLING)


def normalize_code(raw: str) -> str:
    """Codes are typed by people: ignore case and surrounding spaces."""
    return (raw or "").strip().upper()


def is_code_shaped(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


# What a code looks like, for a person who typed something no code can be.
CODE_SHAPE = gettext_lazy(
    "A booking code has 8 characters: the letters A to Z except I and O, and the digits 2 to 9. "
    "Copy it from your proof of registration or our SMS."
)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return bool(token) and bool(stored_hash) and hmac.compare_digest(token_hash(token), stored_hash)


# --- Signed QR payload -------------------------------------------------------------------


@dataclass(frozen=True)
class ProofPayload:
    code: str
    office_code: str
    date: dt.date
    start: dt.time
    track: str
    key_id: str


def _mac(message: str, key_id: str) -> str:
    secret = settings.PROOF_SIGNING_KEYS[key_id]
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(digest).decode()


def proof_sign(*, code: str, office_code: str, date: dt.date, start: dt.time, track: str) -> str:
    key_id = settings.PROOF_SIGNING_KEY_ID
    fields = [code, office_code, date.strftime("%Y%m%d"), start.strftime("%H%M"), _TRACK_LETTER[track], key_id]
    message = ".".join([PAYLOAD_VERSION, *fields])
    return f"{message}.{_mac(message, key_id)}"


def proof_payload(booking: Booking) -> str:
    """The signed text in the booking's QR. Only a booking with a session has one."""
    if booking.slot_id is None:
        raise ValueError("a waiting request has no session to prove")
    slot = booking.slot
    return proof_sign(
        code=booking.code, office_code=booking.office.code, date=slot.date, start=slot.start, track=slot.track
    )


def proof_verify(text: str) -> ProofPayload:
    """Check a scanned payload with the signing keys alone; raise ``ProofInvalid``."""
    parts = (text or "").strip().split(".")
    if len(parts) != 8 or parts[0] != PAYLOAD_VERSION:
        raise ProofInvalid()
    _version, code, office_code, date_text, start_text, letter, key_id, mac = parts
    if key_id not in settings.PROOF_SIGNING_KEYS:
        raise ProofInvalid()
    message = text.strip().rsplit(".", 1)[0]
    if not hmac.compare_digest(_mac(message, key_id), mac):
        raise ProofInvalid()
    try:
        date = dt.datetime.strptime(date_text, "%Y%m%d").date()  # noqa: DTZ007 - a calendar date, no time
        start = dt.datetime.strptime(start_text, "%H%M").time()  # noqa: DTZ007
        track = _LETTER_TRACK[letter]
    except (ValueError, KeyError) as exc:
        raise ProofInvalid() from exc
    return ProofPayload(code=code, office_code=office_code, date=date, start=start, track=track, key_id=key_id)


def _qr(booking: Booking) -> segno.QRCode:
    return segno.make(proof_payload(booking), error="m")


def proof_qr_svg(booking: Booking, *, scale: int = 4) -> str:
    """Inline SVG (for HTML5) of the booking's QR."""
    return _qr(booking).svg_inline(scale=scale, title=_("QR code of booking %(code)s") % {"code": booking.code})


def proof_qr_png(booking: Booking, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _qr(booking).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


# --- What the proof states -----------------------------------------------------------------


@dataclass(frozen=True)
class CheckinWindow:
    opens: dt.datetime
    closes: dt.datetime


def proof_admits(booking: Booking) -> bool:
    """Whether this proof still gets its holder in: an active booking with a session.

    Only then do the page and the PDF show the QR and the check-in window; a booking
    that is cancelled, served, missed, expired or rolled over says it is no longer valid.
    """
    return booking.is_active and booking.slot_id is not None


def checkin_opens(office, date: dt.date, start: dt.time) -> dt.datetime:
    """When check-in opens for a session starting at ``start``: ``checkin_early_minutes``
    before it, but never before the office opens its doors (the first session's people, at
    08.00 with an hour's check-in, were told to come at 07.00 to an office opening at 07.30).
    A session set before the office's opening time (a special early one) opens at its own
    start at the latest."""
    starts = office_datetime(office, date, start)
    doors = min(office_datetime(office, date, office.opening_time), starts)
    return max(starts - dt.timedelta(minutes=office.checkin_early_minutes), doors)


def checkin_window(booking: Booking) -> CheckinWindow | None:
    """From ``checkin_opens`` to ``checkin_late_minutes`` after the session's end."""
    if booking.slot_id is None:
        return None
    office, slot = booking.office, booking.slot
    return CheckinWindow(
        opens=checkin_opens(office, slot.date, slot.start),
        closes=office_datetime(office, slot.date, slot.end) + dt.timedelta(minutes=office.checkin_late_minutes),
    )


def queue_turn_text(queue: dict | None) -> str:
    """What to do now, on the day: wait for the call, or go to the counter that calls you.

    Also sent by the proof page's live refresh (``queue.json``), so the line changes when
    the number is called."""
    if not queue:
        return ""
    if queue["status"] == BookingStatus.CALLED:
        if queue.get("counter"):
            return _("Your number is being called: go to %(counter)s now.") % {"counter": queue["counter"]}
        return _("Your number is being called: go to the counter now.")
    if queue["status"] == BookingStatus.CHECKED_IN:
        return _("You are checked in. Stay in the waiting room and watch the screen until your number is called.")
    return ""


# Documents only: what a person checks off before leaving home. How to bring them is
# said once, as a sentence under the list (``what_to_bring_note``), not as one more item.
WHAT_TO_BRING = {
    Service.NEW: [
        gettext_lazy("Electronic identity card (e-KTP)"),
        gettext_lazy("Family card (Kartu Keluarga)"),
        gettext_lazy("Birth certificate, marriage certificate or school diploma showing your name and birth date"),
    ],
    Service.RENEWAL: [
        gettext_lazy("Electronic identity card (e-KTP)"),
        gettext_lazy("Your current passport"),
    ],
    Service.REPLACEMENT_LOST: [
        gettext_lazy("Electronic identity card (e-KTP)"),
        gettext_lazy("Family card (Kartu Keluarga)"),
        gettext_lazy("Police report of the loss (surat keterangan hilang)"),
        gettext_lazy("Birth certificate, marriage certificate or school diploma showing your name and birth date"),
    ],
    Service.REPLACEMENT_DAMAGED: [
        gettext_lazy("Electronic identity card (e-KTP)"),
        gettext_lazy("The damaged passport"),
        gettext_lazy("Family card (Kartu Keluarga)"),
    ],
}
BRING_ORIGINALS = gettext_lazy("Bring these documents in the original; photocopies are not needed.")


def what_to_bring(service: str) -> list[str]:
    """The documents to bring for ``service``, in the active language."""
    return [str(item) for item in WHAT_TO_BRING.get(service, WHAT_TO_BRING[Service.NEW])]


def what_to_bring_note(service: str) -> str:
    """The instruction that goes with the list of documents (the same for every service today)."""
    return str(BRING_ORIGINALS)


def proof_url(booking: Booking, token: str) -> str:
    # Built by hand rather than reverse(): emails and tasks need it outside a request,
    # and the path is part of every printed proof, so it must never change.
    return f"{settings.SITE_URL}/b/{booking.code}/{token}/"


def session_label(booking: Booking) -> str:
    """``08.00-10.00 WIB`` (``08:00`` in English): the office's own wall clock and zone,
    written as the pages write it, with a plain hyphen for the PDF's Latin-1 font."""
    slot = booking.slot
    return f"{clock(slot.start)}-{clock(slot.end)} {booking.office.tz_abbreviation}"


def date_label(date: dt.date) -> str:
    return formats.date_format(date, "l, j F Y")


# --- PDF -------------------------------------------------------------------------------------


def _latin1(text: str) -> str:
    """The PDF's core fonts know Latin-1 only: fold accents, replace the rest."""
    text = str(text).replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).encode("latin-1", "replace").decode("latin-1")


def proof_pdf(booking: Booking, language: str | None = None) -> bytes:
    """A one-page A4 proof to print or show on a phone: code, QR, where, when, what to bring."""
    with translation.override(language or booking.language):
        pdf = FPDF(format="A4")
        pdf.set_title(_latin1(_("Proof of registration %(code)s") % {"code": booking.code}))
        pdf.set_creator("Antrean Paspor")
        pdf.add_page()
        pdf.set_auto_page_break(auto=True, margin=15)
        width = pdf.w - pdf.l_margin - pdf.r_margin

        def line(text: str, size: int = 11, style: str = "", height: float = 6) -> None:
            pdf.set_font("Helvetica", style, size)
            pdf.multi_cell(width, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

        line("Antrean Paspor", 10)
        line(_("Proof of registration"), 18, "B", 9)
        line(_("Booking code: %(code)s") % {"code": booking.code}, 16, "B", 9)
        line(_("Status: %(status)s") % {"status": booking.get_status_display()}, 11)
        pdf.ln(2)
        if not booking.is_active:
            pdf.set_text_color(179, 38, 30)
            line(f"{booking.get_status_display()}: {_('this booking is no longer valid.')}", 16, "B", 8)
            line(_("Staff cannot check you in with this proof."), 12, "B")
            pdf.set_text_color(0)
            pdf.ln(2)

        admits = proof_admits(booking)
        if admits:
            top = pdf.get_y()
            pdf.image(io.BytesIO(proof_qr_png(booking)), x=pdf.w - pdf.r_margin - 50, y=top, w=50, h=50)
            width -= 55
        office = booking.office
        line(office.name, 12, "B")
        line(office.address_shown)
        pdf.ln(2)
        if booking.slot_id is not None:
            line(_("Date: %(date)s") % {"date": date_label(booking.slot.date)}, 12, "B")
            line(_("Session: %(session)s") % {"session": session_label(booking)}, 12, "B")
            line(_("Track: %(track)s") % {"track": booking.get_track_display()})
        else:
            line(_("Requested date: %(date)s") % {"date": date_label(booking.requested_date)}, 12, "B")
        if admits:
            window = checkin_window(booking)
            line(
                _("Check in between %(opens)s and %(closes)s %(zone)s.")
                % {
                    "opens": clock(window.opens),
                    "closes": clock(window.closes),
                    "zone": office.tz_abbreviation,
                }
            )
            pdf.set_y(max(pdf.get_y(), top + 50))
        elif booking.is_active:
            line(_("You are on the waiting list. We will tell you as soon as a place is found."))
        pdf.ln(2)
        width = pdf.w - pdf.l_margin - pdf.r_margin
        line(_("Service: %(service)s") % {"service": booking.get_service_display()})
        if booking.applicant.is_erased:
            line(erased_note_text(booking.applicant))
        else:
            line(
                _("Applicant: %(name)s, NIK %(nik)s")
                % {"name": booking.applicant.full_name, "nik": booking.applicant.nik_masked}
            )
        pdf.ln(3)
        if booking.is_active:
            line(_("What to bring"), 12, "B")
            for item in what_to_bring(booking.service):
                line(f"- {item}")
            pdf.ln(1)
            line(what_to_bring_note(booking.service))
            pdf.ln(3)
        line(_("The service is free of charge. Never pay anyone for a booking."), 10, "I")
        return bytes(pdf.output())


# --- Calendar file ---------------------------------------------------------------------------


# Bookings whose appointment no longer takes place at its time: their calendar file
# cancels the event (a rollover's new booking has a code, and so an event, of its own).
ICS_CANCELLED_STATUSES = (BookingStatus.CANCELLED, BookingStatus.ROLLED_OVER)


def ics_cancels(booking: Booking) -> bool:
    """Whether the booking's calendar file withdraws the event it once published: a
    calendar keeps an event until told otherwise, and a bare 404 told nobody anything."""
    return booking.slot_id is not None and booking.status in ICS_CANCELLED_STATUSES


def booking_ics(booking: Booking, language: str | None = None) -> bytes:
    """An iCalendar event for the session, with a reminder the day before; for a booking
    cancelled or moved away, the same event (same UID) cancelled (RFC 5545/5546:
    ``METHOD:CANCEL``, ``STATUS:CANCELLED``), which calendar apps take to remove it."""
    if booking.slot_id is None:
        raise ValueError("a waiting request has no session to put in a calendar")
    office, slot = booking.office, booking.slot
    cancelled = ics_cancels(booking)
    with translation.override(language or booking.language):
        cal = Calendar()
        cal.add("prodid", "-//Antrean Paspor//Booking//EN")
        cal.add("version", "2.0")
        cal.add("method", "CANCEL" if cancelled else "PUBLISH")
        event = Event()
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
        event.add("uid", f"{booking.code}@{host}")
        # RFC 5545 3.8.7.4: an event whose time changed must come with a higher SEQUENCE
        # than before under the same UID, or a calendar may keep the old time. Only a
        # reschedule moves a booking (a rollover makes a new booking, with its own code
        # and so its own UID), and each one counts in ``reschedule_count``, staff's too.
        # A cancellation is one change more than the last event published.
        event.add("sequence", booking.reschedule_count + (1 if cancelled else 0))
        event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
        event.add("dtstart", office_datetime(office, slot.date, slot.start))
        event.add("dtend", office_datetime(office, slot.date, slot.end))
        event.add("location", f"{office.name}, {office.address_shown}")
        if cancelled:
            _ics_cancelled(event, booking)
        else:
            _ics_appointment(event, booking)
        cal.add_component(event)
        cal.add_missing_timezones()
        return cal.to_ical()


def _ics_appointment(event: Event, booking: Booking) -> None:
    office = booking.office
    event.add("summary", _("Passport appointment at %(office)s") % {"office": office.name})
    window = checkin_window(booking)
    description = [
        _("Booking code: %(code)s") % {"code": booking.code},
        _("Service: %(service)s") % {"service": booking.get_service_display()},
        _("Check in between %(opens)s and %(closes)s %(zone)s.")
        % {"opens": clock(window.opens), "closes": clock(window.closes), "zone": office.tz_abbreviation},
        _("What to bring"),
        *(f"- {item}" for item in what_to_bring(booking.service)),
        what_to_bring_note(booking.service),
    ]
    event.add("description", "\n".join(description))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Passport appointment tomorrow"))
    alarm.add("trigger", dt.timedelta(days=-1))
    event.add_component(alarm)


def _ics_cancelled(event: Event, booking: Booking) -> None:
    """Said in the event too, for an app that shows the file instead of acting on it."""
    event.add("status", "CANCELLED")
    event.add("summary", _("Cancelled: passport appointment at %(office)s") % {"office": booking.office.name})
    event.add("description", "\n".join((_("Booking code: %(code)s") % {"code": booking.code}, _ics_ended(booking))))


def _ics_ended(booking: Booking) -> str:
    if booking.status == BookingStatus.ROLLED_OVER:
        return _("This appointment was moved to another date. Your proof page shows the new one.")
    return _("This booking is cancelled. Staff cannot check you in with it.")
