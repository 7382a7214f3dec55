"""What the booking form was given, kept between its review and its confirmation.

The form is sent (POST) to ``book``, which keeps what was typed here and redirects to
the review page, itself a GET (Post/Redirect/Get). The browser's Back from the proof
then lands on a page it can load again, where it used to land on the answer to a POST
and asked to send the form again ("Confirm Form Resubmission", ``ERR_CACHE_MISS``).

The draft holds the NIK, so it lives in a cookie encrypted with the personal-data keys
(Fernet: also signed and dated, so it cannot be altered and ends after ``MAX_AGE``),
sent only to the office's booking pages, never to scripts, and short-lived; no copy is
kept on the server and no URL carries it. Once the booking is made, the cookie keeps
only the proof's address: the review page reached by Back then points at the proof.

A form sent with mistakes, or refused on confirmation (the session filled, the person
already holds a booking), is kept here too (``refused``) and the answer is a redirect to
the form (GET), which shows it again with the same errors: after it was corrected and
booked, Back lands on that GET, where it used to land on the refused POST's answer.
The errors of the form's own checks are found again by checking the draft again; the
ones only the booking service could tell are kept, as shown (``errors``).
"""

import json
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.urls import reverse

from applicants.forms import BookingForm
from applicants.identity import secret_decrypt, secret_encrypt

COOKIE = "booking_draft"
MAX_AGE = 60 * 60  # seconds: time enough to find an identity card, not a day on a shared phone
# Browsers drop a cookie over 4096 bytes, name and attributes included: a draft that big
# (only from values far beyond the fields' lengths) is not kept.
MAX_COOKIE_VALUE = 3800


@dataclass(frozen=True)
class Draft:
    office: str
    date: str
    data: dict[str, str] = field(default_factory=dict)
    request_key: str = ""
    proof_path: str = ""
    # Sent and refused: the form shows it again with its errors.
    refused: bool = False
    # The refusal's errors that only the booking service could tell, as shown:
    # (field name, or "" for the whole form; message; machine code).
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    # The refusal was "you already hold a booking": the page also shows the way to it.
    active_booking_exists: bool = False

    @property
    def booked(self) -> bool:
        return bool(self.proof_path)


def draft_typed(post) -> dict[str, str]:
    """The booking form's own values from a POST (the birth date comes in three boxes,
    ``birth_date_0`` to ``_2``); the CSRF token, the step and the like are left out."""
    names = tuple(BookingForm.base_fields)
    return {key: post.get(key, "") for key in post if key in names or key.startswith(tuple(f"{n}_" for n in names))}


def _path(office_code: str) -> str:
    return reverse("applicants:book", kwargs={"code": office_code})


def draft_save(response, draft: Draft) -> bool:
    """Keep ``draft`` with ``response``; ``False`` if it is too big to keep."""
    value = secret_encrypt(json.dumps(draft.__dict__, separators=(",", ":")))
    if len(value) > MAX_COOKIE_VALUE:
        return False
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        path=_path(draft.office),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return True


def draft_load(request, *, office_code: str) -> Draft | None:
    """The draft for this office, or ``None`` (none, too old, altered, or from keys
    since retired)."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        values = json.loads(secret_decrypt(raw, ttl=MAX_AGE))
        draft = Draft(**values)
    except (InvalidToken, ValueError, TypeError):
        return None
    return draft if draft.office == office_code else None
