"""A request body sent in chunks (``Transfer-Encoding: chunked``, no ``Content-Length``).

Django reads a body only as far as ``Content-Length`` says, so without one it reads
nothing: a JSON booking sent by ``curl -H 'Transfer-Encoding: chunked'`` reached the view
empty and was answered "this field is required" for every field. gunicorn decodes the
chunks itself and says so in the WSGI environ (``wsgi.input_terminated``: reading the
input to its end is safe), so the body is there to read. ``ChunkedBodyMiddleware`` reads
it, no further than Django would read any body (``DATA_UPLOAD_MAX_MEMORY_SIZE``), and
gives the request its length, so that everything after sees an ordinary request: a body
too large is refused as any other (413 ``request_too_large`` in the API).

A server that does not say so (Django's ``runserver``) hands over a stream whose end is
unknown, so the body cannot be read: the request is answered 411 Length Required (the
API's ``length_required``; a page elsewhere) rather than run without its body.
"""

import io

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from queue_booking.error_pages import error_template
from queue_booking.middleware import API_PREFIX


def _length_unknown(request: HttpRequest) -> bool:
    return "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get("CONTENT_LENGTH")


def _read_to_the_end(request: HttpRequest) -> None:
    """Read the body the server has decoded, up to one byte past the most Django reads,
    and give the request that length: past the limit Django refuses it
    (``RequestDataTooBig``) before parsing any of it."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    stream = request.META["wsgi.input"]
    body = stream.read() if limit is None else stream.read(limit + 1)
    request.META["CONTENT_LENGTH"] = str(len(body))
    request._stream = LimitedStream(io.BytesIO(body), len(body))


def length_required(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse(
            {
                "code": "length_required",
                "detail": _("Send the request body with a Content-Length header, not in chunks."),
                "fields": {},
            },
            status=411,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # Rendered without the request, like Django's own 400 page: nothing of the session
        # or the user is needed to say this. The staff pages have their own, as for 404/500.
        response = HttpResponse(loader.render_to_string(error_template(request, "411.html")), status=411)
    response["Cache-Control"] = "no-store"
    return response


class ChunkedBodyMiddleware:
    """See the module's docstring. After ``LocaleMiddleware``, for the words of the 411."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _length_unknown(request):
            if not request.META.get("wsgi.input_terminated"):
                return length_required(request)
            _read_to_the_end(request)
        return self.get_response(request)
