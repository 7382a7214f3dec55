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

from dataclasses import dataclass, field

from django.urls import reverse

from applicants.forms import LookupForm
from applicants.views.sealed_cookie import sealed_cookie_get, sealed_cookie_set

COOKIE = "lookup_draft"
MAX_AGE = 15 * 60  # seconds: enough to find the SMS with the code again


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
    values = LookupDraft(data=data, not_found=not_found).__dict__
    return sealed_cookie_set(response, COOKIE, values, max_age=MAX_AGE, path=_path())


def lookup_draft_load(request) -> LookupDraft | None:
    values = sealed_cookie_get(request, COOKIE, max_age=MAX_AGE)
    try:
        return LookupDraft(**values) if values is not None else None
    except TypeError:
        return None


def lookup_draft_drop(response) -> None:
    response.delete_cookie(COOKIE, path=_path(), samesite="Lax")
