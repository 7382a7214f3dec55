"""One exception handler for the whole API: ``{"code", "detail", "fields"}``."""

import logging

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import defaults
from django_ratelimit.exceptions import Ratelimited
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from queue_booking.error_pages import error_template
from queue_booking.errors import RateLimited, ServiceError

logger = logging.getLogger(__name__)


class ErrorOutput(serializers.Serializer):
    """Every error's shape, for the OpenAPI schema."""

    code = serializers.CharField(help_text="Stable machine code, e.g. `session_full`.")
    detail = serializers.CharField(help_text="Translated message for a person.")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def error_response(
    code: str, detail: str, status: int, fields: dict | None = None, headers=None, extra: dict | None = None
) -> Response:
    return Response(
        {**(extra or {}), "code": code, "detail": detail, "fields": fields or {}}, status=status, headers=headers
    )


def response_as_json(response: Response) -> JsonResponse:
    """A DRF ``Response`` (from a view's own code or from ``exception_handler``) rendered
    as DRF's JSON renderer would, for code that answers without a DRF view. Kept from
    being cached (``no-store``) like every booking answer."""
    rendered = JsonResponse(response.data, status=response.status_code, json_dumps_params={"ensure_ascii": False})
    for header, value in response.items():
        if header.lower() != "content-type":
            rendered[header] = value
    rendered["Cache-Control"] = "no-store"
    # The handler may have logged the error itself (without the path): not again.
    rendered._has_been_logged = getattr(response, "_has_been_logged", False)
    return rendered


def _flatten(errors) -> dict[str, list[str]]:
    """DRF nests errors for nested serializers; flatten to dotted field names."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value and not isinstance(value[0], (str, drf.ErrorDetail)):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}", item)
        else:
            items = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in items)

    walk("", errors)
    return flat


def _first_code(errors) -> str | None:
    if isinstance(errors, dict):
        for value in errors.values():
            code = _first_code(value)
            if code:
                return code
    elif isinstance(errors, list):
        for value in errors:
            code = _first_code(value)
            if code:
                return code
    elif isinstance(errors, drf.ErrorDetail):
        return errors.code
    return None


# DRF's and Django's own generic codes say nothing to a client, and the schema names
# none of them: they are `validation_error`, with the field's message in `fields`. Field
# validators that raise with a specific code (invalid_nik, invalid_phone, ...) keep
# theirs, and so does `invalid_choice` (a value outside an enum), which the schema names.
_GENERIC_CODES = {
    "invalid",
    "required",
    "null",
    "blank",
    "max_length",
    "min_length",
    "does_not_exist",
    "min_value",
    "max_value",
    "max_string_length",
    "overflow",
    "null_characters_not_allowed",
    "surrogate_characters_not_allowed",
    "invalid_unicode",
    "date",
    "datetime",
    "make_aware",
    "not_a_list",
    "not_a_dict",
    "empty",
}


# A lost database or a lost cache (Redis): the request cannot be answered now, and a
# retry in a moment may be. Nothing was half-done: a booking is one statement.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def log_database_unavailable(log: logging.Logger, exc: Exception, request) -> None:
    """One warning line for a lost database or cache, from the API and the HTML pages alike.

    It names what was lost, the error's class, its SQLSTATE, the method and the route
    pattern: never the message or the path, which may carry data.
    """
    match = getattr(request, "resolver_match", None)
    log.warning(
        "%s unavailable (%s, SQLSTATE %s) on %s %s: answered 503",
        "cache" if isinstance(exc, (RedisConnectionError, RedisTimeoutError)) else "database",
        type(exc).__name__,
        getattr(exc.__cause__, "pgcode", None) or "-",
        getattr(request, "method", "-"),
        getattr(match, "route", None) or "-",
    )


def _database_unavailable(exc: Exception, context) -> Response:
    """The database cannot be reached, or the connection was lost (e.g. after a restart).

    Django closes a connection that had errors at the end of the request, so the next
    request gets a new one. Constraint and data errors (IntegrityError, DataError) are
    not OperationalError subclasses and never come here.
    """
    log_database_unavailable(logger, exc, context.get("request"))
    response = error_response(
        "service_unavailable",
        _("The service is busy or briefly unavailable. Please try again in a moment."),
        503,
        headers={"Retry-After": "1"},
    )
    # Logged above as a warning; not once more as an error by django.request.
    response._has_been_logged = True
    return response


def exception_handler(exc, context):
    if isinstance(exc, Ratelimited):
        exc = RateLimited()
    if isinstance(exc, ServiceError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return error_response(exc.code, exc.detail, exc.status, exc.fields, headers, exc.extra())
    if isinstance(exc, UNAVAILABLE):
        return _database_unavailable(exc, context)
    if isinstance(exc, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, refused before it is read: Django's own
        # answer is its HTML 400 page (a SuspiciousOperation), which no client can read.
        return error_response("request_too_large", _("The request body is too large to be read."), 413)
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    if isinstance(exc, drf.ValidationError):
        code = _first_code(exc.detail)
        if code in _GENERIC_CODES or code is None:
            code = "validation_error"
        fields = _flatten(_in_our_words(exc.detail))
        detail = _("Some fields are not valid. Please check them and try again.")
        if list(fields) == ["non_field_errors"]:
            detail = fields["non_field_errors"][0]
            if _first_code(exc.detail) == "invalid":
                # DRF's "Invalid data. Expected a dictionary, but got list.", which its
                # catalogue leaves in English: the body was JSON, but not an object.
                detail = _("The request body must be a JSON object.")
                fields = {"non_field_errors": [detail]}
        return error_response(code, detail, 400, fields)
    if isinstance(exc, drf.Throttled):
        return error_response(
            "rate_limited",
            str(RateLimited.message),
            429,
            headers={"Retry-After": str(int(exc.wait or 60))},
        )
    if isinstance(exc, drf.APIException):
        codes = {
            drf.NotFound: "not_found",
            drf.PermissionDenied: "forbidden",
            drf.NotAuthenticated: "not_authenticated",
            drf.AuthenticationFailed: "authentication_failed",
            drf.MethodNotAllowed: "method_not_allowed",
            drf.UnsupportedMediaType: "unsupported_media_type",
            drf.ParseError: "malformed_request",
            drf.NotAcceptable: "not_acceptable",
        }
        code = next((value for klass, value in codes.items() if isinstance(exc, klass)), "error")
        if code == "forbidden" and str(exc.detail).startswith("CSRF Failed"):
            # SessionAuthentication's refusal, in English and with DRF's wording.
            code = "csrf_failed"
        status = exc.status_code
        if isinstance(exc, drf.NotAuthenticated):
            status = 403
        return error_response(code, _api_exception_detail(exc, code, context.get("request")), status)
    return None


def _in_our_words(errors):
    """DRF's messages that its catalogue cannot translate (written without ``gettext``, or
    left in English in Indonesian), said in ours: a ``null`` body, a nested object that
    was not an object."""
    if isinstance(errors, dict):
        return {key: _in_our_words(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_in_our_words(value) for value in errors]
    if isinstance(errors, drf.ErrorDetail):
        text = str(errors)
        if errors.code == "null" and text == "No data provided":
            # A ``null`` body, read by a view before ``ApiView`` checks it: the same words.
            return drf.ErrorDetail(_("The request body must be a JSON object."), code="null")
        if errors.code == "invalid" and text.startswith(_NOT_AN_OBJECT):
            return drf.ErrorDetail(_("Expected a JSON object here."), code="invalid")
    return errors


# The start of DRF's "Invalid data. Expected a dictionary, but got {datatype}." (English:
# its Indonesian catalogue has no entry for it).
_NOT_AN_OBJECT = "Invalid data. Expected a dictionary"

# DRF's own messages for a value its fields refuse. Django looks a message up in the
# project's catalogue (LOCALE_PATHS) before DRF's and its own, so ours says them; they are
# named here only so that `makemessages` keeps them.
# - Those DRF's Indonesian catalogue (46 entries) leaves in English: a reader of
#   Indonesian was told "Not a valid string." for a name sent as an object.
#   "Invalid data. Expected a dictionary..." is ``_in_our_words``'.
# - Those it translates in other words than the product's: "Bidang ini harus diisi.",
#   "Isi bidang ini ...", "dictionary" where every other message says "isian ini",
#   "Nilai ini tidak valid" and "objek JSON" (docs/glossary.md, "valid").
# tests/foundation/test_api_messages.py holds every field of the API's serializers to it.
DRF_MESSAGES = (
    gettext_noop("Not a valid string."),
    gettext_noop("A valid number is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("String value too large."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop('Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This list may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("Invalid value."),
    # Translated by DRF, in other words than ours.
    gettext_noop("This field is required."),
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    gettext_noop('Expected a dictionary of items but got type "{input_type}".'),
    gettext_noop("Authentication credentials were not provided."),
)


def _api_exception_detail(exc: drf.APIException, code: str, request) -> str:
    """The message for one of DRF's own errors. Where DRF's catalogue has no Indonesian
    (or its message quotes the parser's English), ours says it instead."""
    if code == "method_not_allowed":
        return _("The method %(method)s is not allowed here.") % {"method": getattr(request, "method", "")}
    if code == "malformed_request":
        return _("The request body is not valid JSON.")
    if code == "csrf_failed":
        return _(
            "The security check of this signed-in request failed: reload the page, or send the "
            "csrftoken cookie's value in the X-CSRFToken header."
        )
    if code == "unsupported_media_type":
        return _("Send the request body as JSON, with the header Content-Type: application/json.")
    if code == "not_found" and str(exc.detail) == str(PageNumberPagination.invalid_page_message):
        return _("There is no such page of results.")
    return str(exc.detail)


def _api_not_found() -> JsonResponse:
    response = JsonResponse(
        {"code": "not_found", "detail": _("There is nothing at this address in the API."), "fields": {}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception):
    """``handler404``: under ``/api/`` an error in the API's shape, elsewhere the page
    (the staff pages' own under ``/staff/``: ``queue_booking.error_pages``).

    Django's ``APPEND_SLASH`` still redirects first (it runs on the way out of a 404)."""
    if request.path.startswith("/api/"):
        return _api_not_found()
    return defaults.page_not_found(request, exception, template_name=error_template(request, "404.html"))


class ApiNotFoundMiddleware:
    """With DEBUG on, ``page_not_found``'s answer for an address under ``/api/``.

    Django calls ``handler404`` only with DEBUG off; with it on, an address that names
    nothing got the technical 404 page, HTML, which an API client (or a developer's
    generated one) cannot read. A view's own 404 is JSON already and is left alone. With
    DEBUG off the middleware is not loaded at all: ``handler404`` answers.
    """

    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _api_not_found()
        return response
