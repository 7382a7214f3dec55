"""What "My booking" was given, kept when the look-up is refused.

A look-up that finds nothing (or has a mistake) is answered by a redirect to the form
(GET), which shows it again with the same errors (Post/Redirect/Get): after the code was
corrected and the proof opened, the browser's Back lands on that GET, where it used to
land on the refused POST's answer and asked to send the form again ("Confirm Form
Resubmission", ``ERR_CACHE_MISS``).

The NIK is among what was typed, so it is kept as the booking form's draft is
(``applicants.views.booking_draft``): encrypted with the personal-data keys, HttpOnly,
sent to "My booking" only, short-lived, and dropped when a look-up finds the booking.
"""

import json
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.urls import reverse

from applicants.forms import LookupForm
from applicants.identity import secret_decrypt, secret_encrypt

COOKIE = "lookup_draft"
MAX_AGE = 15 * 60  # seconds: enough to find the SMS with the code again
MAX_COOKIE_VALUE = 3800  # see booking_draft.MAX_COOKIE_VALUE


@dataclass(frozen=True)
class LookupDraft:
    data: dict[str, str] = field(default_factory=dict)
    # The form was right but no booking matched: said again, in the page's language.
    not_found: bool = False


def _path() -> str:
    return reverse("applicants:my_booking")


def lookup_draft_save(response, post, *, not_found: bool) -> bool:
    """Keep what was typed with ``response``; ``False`` if it is too big to keep."""
    data = {name: post.get(name, "") for name in LookupForm.base_fields}
    value = secret_encrypt(json.dumps(LookupDraft(data=data, not_found=not_found).__dict__, separators=(",", ":")))
    if len(value) > MAX_COOKIE_VALUE:
        return False
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        path=_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return True


def lookup_draft_load(request) -> LookupDraft | None:
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        return LookupDraft(**json.loads(secret_decrypt(raw, ttl=MAX_AGE)))
    except (InvalidToken, ValueError, TypeError):
        return None


def lookup_draft_drop(response) -> None:
    response.delete_cookie(COOKIE, path=_path(), samesite="Lax")
