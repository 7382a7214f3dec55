"""A cookie only the server can read: what a refused or unfinished form was given.

The booking form's draft (``booking_draft``) and "My booking"'s look-up
(``lookup_draft``) hold a NIK, so their cookie is encrypted with the personal-data keys
(Fernet: also signed and dated, so it cannot be altered and ends after ``max_age``),
sent only to the pages at ``path``, never to scripts; no copy is kept on the server and
no URL carries it.
"""

import json

from cryptography.fernet import InvalidToken
from django.conf import settings

from applicants.identity import secret_decrypt, secret_encrypt

# Browsers drop a cookie over 4096 bytes, name and attributes included: a value that big
# (only from input far beyond the fields' lengths) is not kept.
MAX_COOKIE_VALUE = 3800


def sealed_cookie_set(response, name: str, values: dict, *, max_age: int, path: str) -> bool:
    """Keep ``values`` with ``response``; ``False`` if they are too big to keep."""
    value = secret_encrypt(json.dumps(values, separators=(",", ":")))
    if len(value) > MAX_COOKIE_VALUE:
        return False
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return True


def sealed_cookie_get(request, name: str, *, max_age: int) -> dict | None:
    """The values kept, or ``None`` (none, too old, altered, or sealed with keys since retired)."""
    raw = request.COOKIES.get(name)
    if not raw:
        return None
    try:
        values = json.loads(secret_decrypt(raw, ttl=max_age))
    except (InvalidToken, ValueError, TypeError):
        return None
    return values if isinstance(values, dict) else None
