"""Staff and admin sign-in: failed attempts are limited per username and per address.

A staff account opens the names and masked NIKs of everyone booked at its office, a
supervisor's the admin. Only failures count (``RATELIMIT_LOGIN_USERNAME``,
``RATELIMIT_LOGIN_IP``), so a busy office signing in each morning from one address is
not held back; once either limit is reached, even the right password waits for the
window to pass. Like the booking limits they live in the "limits" cache, which counts in
each process while Redis is out (queue_booking/redis_cache.py), each process allowing its
share of the limit (queue_booking/rate_limits.py), so guessing stays limited then too.
"""

import logging
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, ngettext_lazy

from queue_booking.rate_limits import rate_usage

logger = logging.getLogger(__name__)

GROUP = "sign-in"


def _usages(request, username: str, *, increment: bool) -> list[dict]:
    if not settings.RATELIMIT_ENABLE:
        return []
    name = username.strip().casefold()
    checks = [
        ("ip", "ip", settings.RATELIMIT_LOGIN_IP),
        ("username", lambda _group, _request: name, settings.RATELIMIT_LOGIN_USERNAME),
    ]
    usages = []
    for part, key, rate in checks:
        try:
            usage = rate_usage(request, group=f"{GROUP}:{part}", key=key, rate=rate, increment=increment)
        except Exception:  # noqa: BLE001 - a cache outage must not lock staff out
            logger.warning("rate limit store unavailable; sign-in %s not limited", part, exc_info=True)
            continue
        if usage is not None:
            usages.append(usage)
    return usages


def sign_in_wait(request, username: str) -> int:
    """Seconds until ``username`` may try again from this address (0: now)."""
    waits = [max(u["time_left"], 1) for u in _usages(request, username, increment=False) if u["count"] >= u["limit"]]
    return max(waits, default=0)


def sign_in_failed(request, username: str) -> None:
    _usages(request, username, increment=True)


class ThrottledSignIn:
    """For an ``AuthenticationForm``: refuse while the limits are reached, count failures."""

    too_many = ngettext_lazy(
        "Too many failed sign-ins. Please try again in %(minutes)d minute.",
        "Too many failed sign-ins. Please try again in %(minutes)d minutes.",
        "minutes",
    )

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        wait = sign_in_wait(self.request, username)
        if wait:
            minutes = math.ceil(wait / 60)
            raise ValidationError(self.too_many % {"minutes": minutes}, code="too_many_attempts")
        try:
            return super().clean()
        except ValidationError:
            sign_in_failed(self.request, username)
            raise


# Our own words for a refused sign-in: Django's Indonesian catalogue puts "nama pengguna"
# before the "%(username)s" placeholder, which is itself "nama pengguna", so officers read
# "Masukkan nama pengguna nama pengguna dan sandi yang benar".
class StaffSignInForm(ThrottledSignIn, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The username or password is wrong. Capital and small letters count: check Caps Lock."
        ),
    }


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The username or password is wrong, or this is not a staff account. "
            "Capital and small letters count: check Caps Lock."
        ),
    }
