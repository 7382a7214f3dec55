"""The sold-out answer before the middleware: the launch-day flood's cheapest path.

When a session sells out, nearly every booking request of a flood is answered "session
full" (409) from the cache, without validating anything or touching PostgreSQL
(``booking_create_view``). That answer then cost about as much again in Django's ten
middleware as in the view, each adding its headers. This middleware, first in
``MIDDLEWARE``, lets the first such answer of each process and language go through the
whole stack, keeps it (status, body, every header), and gives the same answer itself to
the same kind of request after that: ``POST`` of a JSON booking without cookies or an
``Idempotency-Key``, for a session the cache marks full.

Nothing the stack would decide differently is skipped:

- a request for a host not allowed, or without a JSON object of at most 4 kB, goes down
  the stack, which answers it as always;
- the address's rate limit is counted before the answer, as the view does, and a limited
  request gets the view's 429 body with the kept answer's headers;
- the language comes from ``Accept-Language`` as ``LocaleMiddleware`` reads it (there is
  no cookie to read), and an answer is kept per language and per HTTPS or not (HSTS);
- an answer is only kept when its body is exactly the view's "session full" body and it
  sets no cookie, so a redirect to HTTPS, an error page or a changed setting is never
  replayed.

Anything else goes down the whole stack. A test holds the two answers equal, header for
header.
"""

import json

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from applicants.api.bookings import _json_error, _marked_full, _session_full_body
from applicants.api.guards import limit_by_ip
from applicants.exceptions import RateLimited, SessionFull

# A booking's body is about 300 bytes; anything much larger goes down the stack.
_MAX_BODY = 4096
# The headers of a kept answer that belong to its body, not to the stack.
_BODY_HEADERS = frozenset({"content-length", "content-type"})


class SoldOutLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # (language, HTTPS) -> the kept answer's body and headers.
        self.kept: dict[tuple[str, bool], tuple[bytes, tuple[tuple[str, str], ...]]] = {}
        self._path: str | None = None

    def _bookings_path(self) -> str:
        """The create endpoint's path; empty (the lane never opens) where the URLs have none."""
        if self._path is None:
            try:
                self._path = reverse("api:booking-create")
            except NoReverseMatch:
                self._path = ""
        return self._path

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._eligible(request):
            return self.get_response(request)
        key = (translation.get_language_from_request(request), request.is_secure())
        kept = self.kept.get(key)
        if kept is None:
            return self._keep(key, self.get_response(request))
        try:
            request.get_host()
            data = json.loads(request.body)
        except (DisallowedHost, ValueError):
            data = None  # a host not allowed, or no JSON: the stack answers it, as always
        if not isinstance(data, dict) or not _marked_full(data):
            return self.get_response(request)
        body, headers = kept
        try:
            limit_by_ip(request, group="booking", rate=settings.RATELIMIT_BOOKING_IP)
        except RateLimited as exc:
            with translation.override(key[0]):
                limited = _json_error(exc)
            return _answer(limited.content, limited.status_code, headers, {"Retry-After": limited["Retry-After"]})
        response = _answer(body, SessionFull.status, headers, {})
        # Not one log line per refusal, as in the view.
        response._has_been_logged = True
        return response

    def _eligible(self, request: HttpRequest) -> bool:
        meta = request.META
        return (
            request.method == "POST"
            and request.path == self._bookings_path()
            and "HTTP_IDEMPOTENCY_KEY" not in meta
            and request.content_type == "application/json"
            and _small(meta.get("CONTENT_LENGTH"))
            and not request.COOKIES
        )

    def _keep(self, key: tuple[str, bool], response: HttpResponse) -> HttpResponse:
        """Keep ``response`` if it is the view's "session full" answer in ``key``'s language."""
        with translation.override(key[0]):
            expected = _session_full_body(key[0])
        if (
            response.status_code == SessionFull.status
            and not response.streaming
            and not response.cookies
            and response.get("Content-Language") == key[0]
            and response.content == expected
        ):
            self.kept[key] = (response.content, tuple(response.items()))
        return response


def _small(content_length: str | None) -> bool:
    """Whether the body's stated length is one a booking could have (an odd value: no)."""
    return bool(content_length) and content_length.isdigit() and int(content_length) <= _MAX_BODY


def _answer(body: bytes, status: int, headers, extra: dict[str, str]) -> HttpResponse:
    response = HttpResponse(body, status=status)
    for name, value in headers:
        if name.lower() not in _BODY_HEADERS:
            response[name] = value
    response["Content-Type"] = "application/json"
    response["Content-Length"] = str(len(body))
    for name, value in extra.items():
        response[name] = value
    return response
