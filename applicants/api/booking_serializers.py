"""Input and output shapes of the booking API (DESIGN section 5).

Inputs check shape and call the identity rules (``applicants.identity``), so every bad
field is reported at once with its own code; the services decide everything else.
Outputs describe the dict built by ``booking_body``.
"""

import datetime as dt
import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from applicants.exceptions import BookingError, InvalidBirthDate, PhoneRequired
from applicants.identity import (
    email_masked,
    email_normalize,
    nik_check_birth_date,
    nik_parse,
    person_name_clean,
    phone_masked,
    phone_normalize,
)
from applicants.models import Booking, BookingStatus, Service
from applicants.proof import CODE_SHAPE, checkin_window, is_code_shaped, proof_payload, proof_url
from applicants.selectors import booking_position_in_waiting, booking_token
from offices.models import Track


def _reject(exc: BookingError):
    return serializers.ValidationError(str(exc.detail), code=exc.code)


class ApplicantInput(serializers.Serializer):
    nik = serializers.CharField(max_length=40, help_text="16 digits, as on the e-KTP. Never shown again in full.")
    full_name = serializers.CharField(max_length=150)
    birth_date = serializers.DateField(help_text="Must agree with the NIK.")
    phone = serializers.CharField(max_length=32, help_text="Indonesian or international; stored as E.164.")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")

    def validate_nik(self, value: str) -> str:
        try:
            return nik_parse(value).nik
        except BookingError as exc:
            raise _reject(exc) from exc

    def validate_full_name(self, value: str) -> str:
        try:
            return person_name_clean(value)
        except BookingError as exc:
            raise _reject(exc) from exc

    def validate_phone(self, value: str) -> str:
        try:
            return phone_normalize(value)
        except BookingError as exc:
            raise _reject(exc) from exc

    def validate_email(self, value: str) -> str:
        try:
            return email_normalize(value)
        except BookingError as exc:
            raise _reject(exc) from exc

    def validate_birth_date(self, value: dt.date) -> dt.date:
        today = self.context["today"]
        if value > today or value.year < today.year - 130:
            raise serializers.ValidationError(str(InvalidBirthDate.message), code=InvalidBirthDate.code)
        return value

    def validate(self, attrs: dict) -> dict:
        try:
            nik_check_birth_date(nik_parse(attrs["nik"]), attrs["birth_date"])
        except BookingError as exc:
            raise serializers.ValidationError(
                {"birth_date": [ErrorDetail(str(exc.detail), code=exc.code)]}, code=exc.code
            ) from exc
        return attrs


class BookingCreateInput(serializers.Serializer):
    office = serializers.SlugField(max_length=40, help_text="Office code, e.g. `surabaya`.")
    date = serializers.DateField()
    session = serializers.IntegerField(min_value=1, help_text="Session id from the availability read.")
    track = serializers.ChoiceField(choices=Track.choices, default=Track.REGULAR)
    service = serializers.ChoiceField(choices=Service.choices, default=Service.NEW)
    applicant = ApplicantInput()
    if_full = serializers.ChoiceField(
        choices=[("reject", "reject"), ("next_available", "next_available")],
        default="reject",
        help_text="`next_available`: when the session is full, wait for the earliest free place from this date.",
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="Language of emails and messages. Default: the request's language.",
    )


# --- The plain case, without the serializer ------------------------------------------------
#
# On the launch-day path the serializer costs more than a fifth of a booking's CPU
# (field copies and layers of validation). Nearly every request is a plain, valid JSON
# body: ``booking_input_if_plain`` accepts exactly such a body, applying the same
# identity rules, and gives what ``BookingCreateInput`` would give. Anything it does not
# recognise as plainly valid (another type, stray whitespace, a bad value) it leaves to
# the serializer, which decides and words the errors. A test holds it to that: whatever
# it accepts, the serializer accepts with the same result.

_SLUG = re.compile(r"[-a-zA-Z0-9_]+", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TRACKS = frozenset(Track.values)
_SERVICES = frozenset(Service.values)
_IF_FULL = frozenset({"reject", "next_available"})


def _plain_text(value, max_length: int, *, blank: bool = False) -> str | None:
    if not isinstance(value, str) or len(value) > max_length or not value.isprintable() or value != value.strip():
        return None
    return value if (value or blank) else None


def _plain_date(value) -> dt.date | None:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def booking_input_if_plain(data, *, today: dt.date) -> dict | None:
    """``BookingCreateInput``'s validated data for a plainly valid body, else ``None``."""
    if not isinstance(data, dict) or not isinstance(data.get("applicant"), dict):
        return None
    person = data["applicant"]
    office, session = data.get("office"), data.get("session")
    track, service = data.get("track", Track.REGULAR), data.get("service", Service.NEW)
    if_full = data.get("if_full", "reject")
    if not (isinstance(office, str) and len(office) <= 40 and _SLUG.fullmatch(office)):
        return None
    if type(session) is not int or session < 1:
        return None
    choices = ((track, _TRACKS), (service, _SERVICES), (if_full, _IF_FULL))
    if not all(isinstance(value, str) and value in allowed for value, allowed in choices):
        return None
    date, birth_date = _plain_date(data.get("date")), _plain_date(person.get("birth_date"))
    nik = _plain_text(person.get("nik"), 40)
    full_name = _plain_text(person.get("full_name"), 150)
    phone = _plain_text(person.get("phone"), 32)
    email = _plain_text(person.get("email", ""), 254, blank=True)
    if None in (date, birth_date, nik, full_name, phone, email):
        return None
    if birth_date > today or birth_date.year < today.year - 130:
        return None
    try:
        info = nik_parse(nik)
        nik_check_birth_date(info, birth_date)
        phone, email = phone_normalize(phone), email_normalize(email)
    except BookingError:
        return None
    validated = {
        "office": office,
        "date": date,
        "session": session,
        "track": track,
        "service": service,
        "applicant": {
            "nik": info.nik,
            "full_name": full_name,
            "birth_date": birth_date,
            "phone": phone,
            "email": email,
        },
        "if_full": if_full,
    }
    if "language" in data:
        if not isinstance(data["language"], str) or data["language"] not in dict(settings.LANGUAGES):
            return None
        validated["language"] = data["language"]
    return validated


class RescheduleInput(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.IntegerField(min_value=1)


class ContactInput(serializers.Serializer):
    phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The new mobile number, checked as at booking; stored as E.164. Omitted or null: kept. "
        'It cannot be removed (`""` is refused with `phone_required`).',
    )
    email = serializers.CharField(
        max_length=254,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text='The new email address. Omitted or null: kept. `""`: removed (messages go by SMS only).',
    )

    def validate_phone(self, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip():
            raise _reject(PhoneRequired())
        try:
            return phone_normalize(value)
        except BookingError as exc:
            raise _reject(exc) from exc

    def validate_email(self, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return email_normalize(value)
        except BookingError as exc:
            raise _reject(exc) from exc


class LookupInput(serializers.Serializer):
    code = serializers.CharField(max_length=16, help_text="8 characters: A-Z without I and O, and 2-9.")
    nik = serializers.CharField(max_length=40)

    def validate_code(self, value: str) -> str:
        # As "find my booking" does: the shape of a code is public, so a mistyped one is
        # said to be no code at all, before the code's and the NIK's limits count it.
        code = value.strip().upper().replace(" ", "").replace("-", "")
        if not is_code_shaped(code):
            raise serializers.ValidationError(str(CODE_SHAPE), code="invalid_code")
        return code


# --- Output ----------------------------------------------------------------------------------


class OfficeBrief(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    timezone = serializers.CharField()
    timezone_abbreviation = serializers.CharField()


class SessionBrief(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.TimeField(format="%H:%M")
    end = serializers.TimeField(format="%H:%M")
    track = serializers.ChoiceField(choices=Track.choices)


# What an answer says of an erased person (docs/privacy.md), shared with the staff API.
PERSONAL_DATA_ERASED_ON_HELP = (
    "Null while the person's data is kept. Once it has been erased after the retention period "
    "(docs/privacy.md), the day it was erased (on the site's clock, Asia/Jakarta); `full_name` and "
    "`nik_masked` are then empty."
)


class ApplicantBrief(serializers.Serializer):
    full_name = serializers.CharField(allow_blank=True, help_text="Empty once the personal data is erased.")
    nik_masked = serializers.CharField(
        allow_blank=True, help_text="e.g. `3578********0001`; empty once the personal data is erased."
    )
    personal_data_erased_on = serializers.DateField(allow_null=True, help_text=PERSONAL_DATA_ERASED_ON_HELP)


class CheckinWindowOutput(serializers.Serializer):
    opens = serializers.DateTimeField()
    closes = serializers.DateTimeField()


class BookingOutput(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    status_label = serializers.CharField()
    service = serializers.ChoiceField(choices=Service.choices)
    track = serializers.ChoiceField(choices=Track.choices)
    office = OfficeBrief()
    date = serializers.DateField(allow_null=True, help_text="The date of service; null while waiting.")
    session = SessionBrief(allow_null=True)
    requested_date = serializers.DateField()
    waiting_position = serializers.IntegerField(
        allow_null=True, help_text="1 = next to get a place at this office; null unless waiting."
    )
    applicant = ApplicantBrief()
    qr = serializers.CharField(allow_null=True, help_text="Signed payload of the QR code; null while waiting.")
    checkin_window = CheckinWindowOutput(allow_null=True)
    reschedules_left = serializers.IntegerField()
    proof_url = serializers.URLField(help_text="Secret link to the proof page. Keep it private.")
    pdf_url = serializers.URLField()
    ics_url = serializers.URLField(allow_null=True)
    created_at = serializers.DateTimeField()


class ContactBrief(serializers.Serializer):
    phone = serializers.CharField(allow_blank=True, help_text="Masked, e.g. `•••7890`; empty if none.")
    email = serializers.CharField(allow_blank=True, help_text="Masked, e.g. `s•••@e•••.org`; empty if none.")


class ContactChangeOutput(BookingOutput):
    changed = serializers.ListField(
        child=serializers.ChoiceField(choices=[("phone", "phone"), ("email", "email")]),
        help_text="The fields that changed; empty when they already had these values (nothing was sent).",
    )
    contact = ContactBrief(help_text="The person's contact after the change, masked.")


class BookingWithTokenOutput(BookingOutput):
    token = serializers.CharField(help_text="The booking's secret: send it as `X-Booking-Token`.")


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def booking_body(booking: Booking, *, token: str | None = None, include_token: bool = False) -> dict:
    """The booking as the API shows it (``BookingOutput``), ready for JSON.

    Built directly rather than through the output serializer: on the booking path a
    DRF serializer's field copies cost more than the rest of the answer together.
    ``test_booking_api`` checks the two agree. ``booking`` has office, slot and
    applicant loaded.
    """
    office, slot = booking.office, booking.slot
    secret = token if token is not None else booking_token(booking)
    window = checkin_window(booking)
    link = proof_url(booking, secret)
    body = {
        "code": booking.code,
        "status": booking.status,
        # The enum's label: get_status_display() rebuilds the whole choices dict per call.
        "status_label": str(BookingStatus(booking.status).label),
        "service": booking.service,
        "track": booking.track,
        "office": {
            "code": office.code,
            "name": office.name,
            "address": office.address,
            "timezone": office.timezone,
            "timezone_abbreviation": office.tz_abbreviation,
        },
        "date": _iso_date(booking.date),
        "session": (
            {"id": slot.id, "start": f"{slot.start:%H:%M}", "end": f"{slot.end:%H:%M}", "track": slot.track}
            if slot
            else None
        ),
        "requested_date": _iso_date(booking.requested_date),
        "waiting_position": (
            booking_position_in_waiting(booking=booking) if booking.status == BookingStatus.WAITING else None
        ),
        "applicant": {
            "full_name": booking.applicant.full_name,
            "nik_masked": booking.applicant.nik_masked,
            "personal_data_erased_on": _iso_date(booking.applicant.erased_on),
        },
        "qr": proof_payload(booking) if slot else None,
        # On the office's own clock (with its UTC offset), not the server's.
        "checkin_window": {"opens": window.opens.isoformat(), "closes": window.closes.isoformat()} if window else None,
        "reschedules_left": max(settings.BOOKING_FREE_RESCHEDULES - booking.reschedule_count, 0),
        "proof_url": link,
        "pdf_url": f"{link}proof.pdf",
        "ics_url": f"{link}calendar.ics" if slot else None,
        "created_at": timezone.localtime(booking.created_at).isoformat(),
    }
    if include_token:
        body["token"] = secret
    return body


def booking_location(booking: Booking) -> str:
    """The booking's API address, for the ``Location`` of a created booking.

    ``reverse()`` costs about 37 us, 3 % of a booking in-process; the path around the code
    is reversed once per script prefix and URL configuration instead. Booking codes are
    letters and digits (``proof.new_booking_code``), which a URL carries as they are."""
    head, tail = _detail_path_around_code(get_script_prefix(), get_urlconf())
    return f"{head}{booking.code}{tail}"


_ANY_CODE = "CODE0000"


@lru_cache(maxsize=8)
def _detail_path_around_code(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    path = reverse("api:booking-detail", kwargs={"code": _ANY_CODE}, urlconf=urlconf)
    head, _code, tail = path.partition(_ANY_CODE)
    return head, tail


def contact_change_body(booking: Booking, changed: list[str]) -> dict:
    """The answer to a contact change (``ContactChangeOutput``): the booking, what changed,
    and the contact as it now is, masked."""
    applicant = booking.applicant
    return {
        **booking_body(booking),
        "changed": changed,
        "contact": {
            "phone": phone_masked(applicant.phone) if applicant.phone else "",
            "email": email_masked(applicant.email) if applicant.email else "",
        },
    }
