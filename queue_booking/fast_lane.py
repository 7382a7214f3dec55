"""Answers a worker already has, given before the middleware: the launch-day lanes.

Two answers make up most of a launch day's traffic, and a worker has each of them ready
before it does any work: an office's availability, which it keeps for a moment
(``offices.api``), and the refusal of a booking for a session the cache marks full
(``applicants.api.booking_create``). Such an answer then cost about as much in Django's ten
middleware as in the view. ``FastLaneMiddleware``, first in ``MIDDLEWARE``, lets the
first answer of each kind go down the whole stack and keeps the headers the stack added
to it (per language and per HTTP or HTTPS: HSTS, ``Content-Language``). After that it
gives the view's own ready answer with those headers, without the rest of the stack.

It only takes requests that the stack would treat alike:

- without cookies: no session, no signed-in staff, no language cookie, so the language
  comes from ``Accept-Language`` alone, as ``LocaleMiddleware`` reads it;
- for a host that is allowed (any other goes down the stack, which refuses it);
- for availability, a ``GET``; for a booking, a JSON ``POST`` of at most 4 kB without an
  ``Idempotency-Key``, whose session the cache marks full and names with its own office,
  date and track. The address's rate limit is
  counted before the refusal, as the view counts it, and a limited request gets the
  view's 429.

Headers are only learned from an answer of the lane's own kind (an availability ``200``;
a body that is exactly the refusal's) that sets no cookie, so a redirect to HTTPS, an
error page or a response that differs per request is never replayed. Anything the lane
does not answer goes down the stack. Tests hold each lane's answers to the stack's,
header for header.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from applicants.api.booking_create import is_sold_out_answer, sold_out_answer
from offices.api import availability_kept_answer

# A booking's body is about 300 bytes; anything much larger goes down the stack.
MAX_BODY = 4096
_SLUG = "[-a-zA-Z0-9_]+"  # Django's slug converter
_PLACEHOLDER = "lane-code"


@dataclass(frozen=True)
class Lane:
    name: str
    method: str
    route: str
    kwargs: tuple[str, ...]
    # The headers the view sets on its own answer; the stack adds the rest.
    view_headers: frozenset[str]
    # Whether the request is one the stack would treat like the learned one.
    takes: Callable[[HttpRequest], bool]
    # The view's ready answer (in the active language), or None.
    answer: Callable[..., HttpResponse | None]
    # Whether a response that came down the stack is this lane's kind of answer.
    learns_from: Callable[[HttpResponse], bool]


def _small_json(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or ""
    return (
        request.content_type == "application/json"
        and "HTTP_IDEMPOTENCY_KEY" not in request.META
        and length.isdigit()
        and int(length) <= MAX_BODY
    )


def _refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):
        return None
    return sold_out_answer(request, data) if isinstance(data, dict) else None


LANES = (
    Lane(
        name="availability",
        method="GET",
        route="api:office-availability",
        kwargs=("code",),
        view_headers=frozenset({"content-type", "content-length", "allow"}),
        takes=lambda request: True,
        answer=availability_kept_answer,
        learns_from=lambda response: response.status_code == 200 and response.get("Content-Type") == "application/json",
    ),
    Lane(
        name="sold_out",
        method="POST",
        route="api:booking-create",
        kwargs=(),
        view_headers=frozenset({"content-type", "content-length", "cache-control", "retry-after"}),
        takes=_small_json,
        answer=_refusal,
        learns_from=is_sold_out_answer,
    ),
)


def _pattern(lane: Lane) -> re.Pattern | None:
    """The lane's path as a pattern (from its route, so it follows the URLs); ``None``
    where the URLs have no such route."""
    try:
        path = reverse(lane.route, kwargs=dict.fromkeys(lane.kwargs, _PLACEHOLDER))
    except NoReverseMatch:
        return None
    return re.compile(re.escape(path).replace(re.escape(_PLACEHOLDER), f"({_SLUG})"))


class FastLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # (lane, language, HTTPS) -> the headers the stack added to that lane's answer.
        self.learned: dict[tuple[str, str, bool], tuple[tuple[str, str], ...]] = {}
        self._patterns: list[tuple[Lane, re.Pattern]] | None = None

    def _match(self, request: HttpRequest) -> tuple[Lane, dict] | None:
        if self._patterns is None:
            self._patterns = [(lane, pattern) for lane in LANES if (pattern := _pattern(lane)) is not None]
        for lane, pattern in self._patterns:
            if request.method == lane.method and (found := pattern.fullmatch(request.path)):
                return lane, dict(zip(lane.kwargs, found.groups(), strict=True))
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = self._match(request)
        if match is None or request.COOKIES or not match[0].takes(request):
            return self.get_response(request)
        lane, kwargs = match
        language = translation.get_language_from_request(request)
        key = (lane.name, language, request.is_secure())
        added = self.learned.get(key)
        if added is None:
            return self._learn(key, lane, self.get_response(request))
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)
        with translation.override(language):
            answer = lane.answer(request, **kwargs)
        if answer is None:
            return self.get_response(request)
        for name, value in added:
            if name not in answer:
                answer[name] = value
        answer["Content-Length"] = str(len(answer.content))
        return answer

    def _learn(self, key: tuple[str, str, bool], lane: Lane, response: HttpResponse) -> HttpResponse:
        language = key[1]
        if response.streaming or response.cookies or response.get("Content-Language") != language:
            return response
        with translation.override(language):
            if not lane.learns_from(response):
                return response
        self.learned[key] = tuple(
            (name, value) for name, value in response.items() if name.lower() not in lane.view_headers
        )
        return response
