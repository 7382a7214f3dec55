"""The base of every API view: what a request may carry as its body.

DRF reads a body only when a view asks for ``request.data``. A view that needs none
(cancelling a booking, renewing its secret, a counter's "served") therefore acted on a
request whose body was broken JSON or a list, as if it had sent nothing: a client with a
bug was told its cancellation succeeded. ``ApiView`` reads every body that is sent
before the view acts (DESIGN 3.9: bad input gets a translated error and changes nothing):

- a body in any media type but JSON is 415 ``unsupported_media_type``: bodies are read
  as JSON only (``DEFAULT_PARSER_CLASSES``), on every endpoint, as the HTML forms post
  to the pages and never to the API;
- broken JSON is 400 ``malformed_request`` (``queue_booking.api_errors``);
- JSON that is not an object (``[]``, ``"x"``, ``null``) is 400 ``validation_error``;
- a read (GET, HEAD, OPTIONS) takes no body: one sent is 400 ``malformed_request``, not
  quietly ignored (a client that put its query there would read an answer to another
  question). The kept availability answer is never given to such a read either
  (``offices.api.availability_kept_answer``).

An empty body is no body: a POST that needs none may send nothing, with or without
``Content-Type: application/json`` (or a multipart body without a single part:
``queue_booking.api_parsers``). ``tests/foundation/test_api_views.py`` holds every
view under ``/api/v1/`` to this base.

Every answer is JSON, whatever the ``Accept`` header asks for (``JsonAnswers``): the
schema names no other media type, and the offices' reads and the booking's fast path
never negotiated, so some endpoints answered ``Accept: application/xml`` with JSON and
others with a 406 that the schema does not document.
"""

from collections.abc import Mapping

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.views import APIView

from queue_booking.errors import ServiceError


class BodyNotAllowed(ServiceError):
    code = "malformed_request"
    status = 400
    message = gettext_lazy("A request with the method %(method)s takes no body: send its parameters in the address.")


def has_body(request: HttpRequest | Request) -> bool:
    """Whether the request carries a body, as Django reads one: by its ``Content-Length``."""
    length = request.META.get("CONTENT_LENGTH") or ""
    return length.isdigit() and int(length) > 0


def body_check(request: Request) -> None:
    """Refuse a body on a read, and on any other method a body that is not a JSON object
    (an empty one passes as ``{}``)."""
    if request.method in SAFE_METHODS:
        if has_body(request):
            raise BodyNotAllowed(method=request.method)
        return
    if not isinstance(request.data, Mapping):
        raise exceptions.ValidationError(_("The request body must be a JSON object."), code="invalid")


class JsonAnswers(DefaultContentNegotiation):
    """Bodies are parsed by their ``Content-Type`` as DRF does (a form is still a 415),
    and the answer is the view's first renderer, JSON, whatever ``Accept`` says:
    RFC 9110 lets a server disregard an ``Accept`` it cannot honour instead of a 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(APIView):
    content_negotiation_class = JsonAnswers

    def initial(self, request: Request, *args, **kwargs) -> None:
        # Authentication, permissions and throttles first, as before any other refusal.
        super().initial(request, *args, **kwargs)
        # A method the view does not answer stays DRF's 405, whatever the body.
        if hasattr(self, request.method.lower()):
            body_check(request)
