"""A lost database (or cache) on a page: the 503 page with ``Retry-After``, not a bare 500.

The API answers the same failure itself (``queue_booking.api_errors``). An exception
that escapes an API view before DRF's handler sees it (``booking_create_view`` asks
``request.user`` first, which reads the session), or a JSON view outside the API that
the pages poll, gets the API's JSON answer here, never an HTML page.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from queue_booking.api_errors import UNAVAILABLE, exception_handler, log_database_unavailable, response_as_json
from queue_booking.error_pages import error_template

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 1


class DatabaseUnavailableMiddleware:
    """Turns a lost database or Redis (``UNAVAILABLE``) raised by a view into a 503 answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        if _wants_json(request):
            return _api_answer(request, exception)
        log_database_unavailable(logger, exception, request)
        # Without the request no context processor runs, so rendering cannot reach the
        # session, the user or stored messages: all of them may need the database.
        # (Django saves no session on a 5xx answer either.)
        body = loader.render_to_string(error_template(request, "503.html"), {"retry_url": _retry_url(request)})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        # Logged above as a warning; not once more as an error by django.request.
        response._has_been_logged = True
        return response


def _wants_json(request: HttpRequest) -> bool:
    """The API, and the JSON the pages' own scripts poll (a booking's queue.json, the
    waiting-room display's state.json): they get the API's JSON answer, not a page."""
    return request.path_info.startswith(API_PREFIX) or request.path_info.endswith(".json")


def _retry_url(request: HttpRequest) -> str:
    """The page that failed; a form sent by POST is shown again by GET."""
    path = request.get_full_path()
    # A path such as "//elsewhere.example/" would make the link leave the site.
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else "/"


def _api_answer(request: HttpRequest, exception: Exception) -> JsonResponse:
    return response_as_json(exception_handler(exception, {"request": request}))
