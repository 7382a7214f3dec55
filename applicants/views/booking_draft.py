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

from dataclasses import dataclass, field

from django.urls import reverse

from applicants.forms import BookingForm
from applicants.views.sealed_cookie import sealed_cookie_get, sealed_cookie_set

COOKIE = "booking_draft"
MAX_AGE = 60 * 60  # seconds: time enough to find an identity card, not a day on a shared phone


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
    return sealed_cookie_set(response, COOKIE, draft.__dict__, max_age=MAX_AGE, path=_path(draft.office))


def draft_load(request, *, office_code: str) -> Draft | None:
    """The draft for this office, or ``None`` (none, too old, altered, or from keys
    since retired)."""
    values = sealed_cookie_get(request, COOKIE, max_age=MAX_AGE)
    try:
        draft = Draft(**values) if values is not None else None
    except TypeError:
        return None
    return draft if draft is not None and draft.office == office_code else None
