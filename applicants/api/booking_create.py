"""Booking a session: ``POST /api/v1/bookings/``, the one endpoint a launch-day flood hits.

``booking_create_view`` answers a session the cache marks full, and books a plainly
valid body through the one-statement path, before any DRF machinery;
``BookingCreateView`` (DRF) decides and words everything else. docs/performance.md
("One booking, as it is now") follows a request through it.
"""

import json
from functools import lru_cache, update_wrapper
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from applicants.api.booking_docs import (
    BOOKING_WITH_TOKEN_EXAMPLE,
    IDEMPOTENCY_HEADER,
    LOCATION_HEADER,
    UNAVAILABLE,
    error_response,
)
from applicants.api.booking_serializers import (
    BookingCreateInput,
    BookingWithTokenOutput,
    booking_body,
    booking_input_if_plain,
    booking_location,
)
from applicants.api.guards import NotStored, limit_by_ip, limit_by_nik, no_store, run_idempotent
from applicants.exceptions import (
    IDENTITY_ERRORS,
    BookingError,
    RateLimited,
    SessionFull,
    SessionNotFound,
)
from applicants.models import BookingStatus
from applicants.selectors import slot_for_booking
from applicants.services.booking import booking_request
from offices.cache import slot_full_and_copy
from queue_booking.api_errors import exception_handler, response_as_json
from queue_booking.api_views import ApiView


def _language(requested: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if requested in codes:
        return requested
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return current if current in codes else settings.LANGUAGE_CODE


def _marked_full(data) -> bool:
    """The cache says this session is full: answer without validating the applicant or
    touching PostgreSQL.

    Only for the office, date and track the session belongs to, read from its cached copy:
    a body that names a session of another office or day is the general path's 404, however
    full the session is. Without a copy the general path decides (and caches one)."""
    if not isinstance(data, dict) or data.get("if_full", "reject") != "reject":
        return False
    session = data.get("session")
    if not isinstance(session, int) or isinstance(session, bool) or session < 1:
        return False
    try:
        full, slot = slot_full_and_copy(session)
    except Exception:  # noqa: BLE001 - a cache outage sends the request down the full path
        return False
    return (
        full
        and slot is not None
        and data.get("office") == slot.office.code
        # A date as the body gives it, or as the serializer made it.
        and str(data.get("date")) == slot.date.isoformat()
        and data.get("track") == slot.track
    )


def _prefixed(exc: BookingError, prefix: str) -> BookingError:
    exc.fields = {f"{prefix}.{name}": messages for name, messages in exc.fields.items()}
    return exc


class BookingCreateView(NotStored, ApiView):
    @extend_schema(
        operation_id="bookings_create",
        summary="Book a session (or wait for the next free place)",
        parameters=[IDEMPOTENCY_HEADER, LOCATION_HEADER],
        request=BookingCreateInput,
        responses={
            503: UNAVAILABLE,
            201: OpenApiResponse(BookingWithTokenOutput, description="Booked: the place is yours."),
            202: OpenApiResponse(
                BookingWithTokenOutput,
                description="The session was full and `if_full` was `next_available`: the request waits "
                "for the earliest free place (status `waiting`, with `waiting_position`).",
            ),
            400: error_response(
                "Bad input; `fields` names each bad field.",
                "invalid_nik",
                "nik_birth_date_mismatch",
                "invalid_birth_date",
                "invalid_phone",
                "invalid_email",
                "track_not_allowed",
                "invalid_choice",
                "validation_error",
                "invalid_idempotency_key",
            ),
            404: error_response("The session does not exist for this office, date and track.", "session_not_found"),
            409: error_response(
                "The booking cannot be made now.",
                "session_full",
                "active_booking_exists",
                "session_closed",
                "date_not_released",
                "online_booking_closed",
                "idempotency_in_progress",
            ),
            422: error_response("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
            429: error_response("Too many attempts; see `Retry-After`.", "rate_limited"),
        },
        examples=[
            OpenApiExample(
                "Book a session",
                request_only=True,
                value={
                    "office": "surabaya",
                    "date": "2026-12-07",
                    "session": 812,
                    "track": "regular",
                    "service": "new",
                    "applicant": {
                        "nik": "3578014101900001",
                        "full_name": "Siti Rahayu",
                        "birth_date": "1990-01-01",
                        "phone": "0812-3456-7890",
                        "email": "siti@example.org",
                    },
                    "if_full": "next_available",
                },
            ),
            OpenApiExample("Booked", response_only=True, status_codes=["201"], value=BOOKING_WITH_TOKEN_EXAMPLE),
            OpenApiExample(
                "Waiting for a place",
                response_only=True,
                status_codes=["202"],
                value={
                    **BOOKING_WITH_TOKEN_EXAMPLE,
                    "status": "waiting",
                    "status_label": "Waiting for a place",
                    "date": None,
                    "session": None,
                    "waiting_position": 3,
                    "qr": None,
                    "checkin_window": None,
                    "ics_url": None,
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        now = timezone.now()
        keyed = "Idempotency-Key" in request.headers
        limit_by_ip(request, group="booking", rate=settings.RATELIMIT_BOOKING_IP)
        # With a key, the "full" answer must be stored like any other: checked inside.
        if not keyed and _marked_full(request.data):
            raise SessionFull()
        response = run_idempotent(
            request, scope="bookings.create", now=now, handler=lambda: _created(request, request.data, now).drf()
        )
        return no_store(response)


class _Created(NamedTuple):
    """A created booking's answer, before it is a response of either kind."""

    body: dict
    status: int
    location: str

    def drf(self) -> Response:
        return Response(self.body, status=self.status, headers={"Location": self.location})

    def json(self) -> JsonResponse:
        """The same answer as the DRF view renders it, built directly: on the launch-day
        path a DRF ``Response`` copied into a ``JsonResponse`` cost 10 us more a booking."""
        response = JsonResponse(self.body, status=self.status, json_dumps_params={"ensure_ascii": False})
        response["Location"] = self.location
        return no_store(response)


def _created(request, data, now) -> _Created:
    """Validate, book, and describe the booking: the create endpoint's work, for the DRF
    view and for ``booking_create_view``'s direct path alike."""
    today = timezone.localdate(now)
    # A plainly valid body (nearly all of them) skips the serializer; the serializer
    # decides everything else and words every error.
    valid = booking_input_if_plain(data, today=today)
    if valid is None:
        serializer = BookingCreateInput(data=data, context={"today": today})
        serializer.is_valid(raise_exception=True)
        valid = serializer.validated_data
    data = valid
    person = data["applicant"]
    limit_by_nik(request, group="booking", rate=settings.RATELIMIT_BOOKING_NIK, nik=person["nik"])
    if _marked_full(data):
        raise SessionFull()
    slot = slot_for_booking(slot_id=data["session"])
    if slot.office.code != data["office"] or slot.date != data["date"] or slot.track != data["track"]:
        raise SessionNotFound()
    try:
        result = booking_request(
            slot=slot,
            nik=person["nik"],
            full_name=person["full_name"],
            birth_date=person["birth_date"],
            phone=person["phone"],
            email=person["email"],
            track=data["track"],
            service=data["service"],
            if_full=data["if_full"],
            now=now,
            language=_language(data.get("language")),
        )
    except IDENTITY_ERRORS as exc:
        raise _prefixed(exc, "applicant") from None
    booking = result.booking
    status = 202 if booking.status == BookingStatus.WAITING else 201
    return _Created(booking_body(booking, token=result.token, include_token=True), status, booking_location(booking))


_drf_create_view = BookingCreateView.as_view()


def _json_error(exc: BookingError | RateLimited) -> JsonResponse:
    response = JsonResponse({"code": exc.code, "detail": exc.detail, "fields": exc.fields}, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return no_store(response)


@lru_cache(maxsize=16)
def _session_full_body(language: str | None) -> bytes:
    """``_json_error(SessionFull())``'s body in ``language``, rendered once: after a day
    sells out, this answer is most of the traffic, and building it (the translated
    message, the JSON) was over a third of the view's own time."""
    return _json_error(SessionFull()).content


def _refusal() -> HttpResponse:
    """The "session full" answer from the cache, in the active language."""
    response = no_store(
        HttpResponse(_session_full_body(translation.get_language()), content_type="application/json", status=409)
    )
    # Not one warning line per refusal: a sold-out flood would bury the log.
    # (Django's own flag against logging a response twice.)
    response._has_been_logged = True
    return response


def is_sold_out_answer(response: HttpResponse) -> bool:
    """Whether ``response`` is the "session full" answer from the cache, in the active language."""
    return response.status_code == 409 and response.content == _session_full_body(translation.get_language())


def sold_out_answer(request: HttpRequest, data) -> HttpResponse | None:
    """The answer to ``data`` when the cache marks its session full: the refusal, or the
    address's rate limit's 429 (counted only then). ``None`` for any other booking, with
    nothing counted (``booking_create_view`` counts it next). Given by the view and,
    before the middleware, by ``queue_booking.fast_lane``."""
    if not _marked_full(data):
        return None
    try:
        limit_by_ip(request, group="booking", rate=settings.RATELIMIT_BOOKING_IP)
    except RateLimited as exc:
        return _json_error(exc)
    return _refusal()


def _signed_in(request: HttpRequest) -> bool:
    """Whether staff are signed in (their bookings go through DRF, with its CSRF check).
    Without a session cookie nobody is, and the session and user need not be loaded:
    the applicants of a launch-day flood have none."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


@csrf_exempt
def booking_create_view(request: HttpRequest) -> HttpResponse:
    """``POST /api/v1/bookings/``: the launch-day path, without DRF's view machinery.

    A JSON booking without an ``Idempotency-Key`` (nearly all of them) is answered here:
    the address's rate limit, then "session full" from the cache (this answer must cost
    little more than a bare view when a session sells out), then the same validation,
    service call, answers and error bodies as ``BookingCreateView``: ``_created`` and
    the API's exception handler are shared. Anything else (a key, another content type
    or method) goes to the DRF view.
    """
    if (
        request.method != "POST"
        or "HTTP_IDEMPOTENCY_KEY" in request.META
        or request.content_type != "application/json"
        or _signed_in(request)
    ):
        return _drf_create_view(request)
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError, RequestDataTooBig):
        data = None
    if not isinstance(data, dict):
        return _drf_create_view(request)
    refused = sold_out_answer(request, data)
    if refused is not None:
        return refused
    try:
        limit_by_ip(request, group="booking", rate=settings.RATELIMIT_BOOKING_IP)
    except RateLimited as exc:
        return _json_error(exc)
    now = timezone.now()
    try:
        return _created(request, data, now).json()
    except Exception as exc:
        response = exception_handler(exc, {"request": request})
        if response is None:
            raise
        return response_as_json(response)


# DRF and the schema generator find the view class through these attributes.
update_wrapper(booking_create_view, _drf_create_view, assigned=(), updated=("__dict__",))
