"""The public booking API (DESIGN section 5): book, read, cancel, reschedule, renew the
secret, look up.

Reading or changing a booking needs its secret token in ``X-Booking-Token``; a wrong
or missing token is answered exactly like an unknown code (404). Responses that carry
personal data or the token are never cached.
"""

import json
from collections.abc import Callable
from functools import lru_cache, update_wrapper
from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants.api.booking_serializers import (
    BookingCreateInput,
    BookingOutput,
    BookingWithTokenOutput,
    LookupInput,
    RescheduleInput,
    booking_body,
    booking_input_if_plain,
    booking_location,
)
from applicants.api.guards import limit_by_code, limit_by_ip, limit_by_nik, run_idempotent
from applicants.exceptions import (
    IDENTITY_ERRORS,
    BookingError,
    BookingNotFound,
    RateLimited,
    SessionFull,
    SessionNotFound,
)
from applicants.models import Booking, BookingStatus
from applicants.proof import is_code_shaped, normalize_code, token_hash
from applicants.selectors import booking_get_for_token, booking_lookup, slot_for_booking
from applicants.services.booking import booking_request, booking_token_ensure
from applicants.services.changes import booking_cancel, booking_reschedule
from applicants.services.tokens import booking_token_renew
from offices.cache import slot_is_marked_full
from queue_booking.api_errors import ErrorOutput, exception_handler, response_as_json

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Optional. A retry with the same key and body gets the first answer (kept 24 h) when that "
    "answer was a success or a 409; after any other error the key stays free, so a corrected retry may use it. "
    "The same key with another body is refused with 422, and while the first is still running with 409. "
    "A replayed cancel or reschedule answer carries the links (`proof_url` and the others) of the booking's "
    "current secret, the `X-Booking-Token` of the retry, not those of a secret renewed since the first answer. "
    "A replayed create answer is the first answer as it was given, with the token and links of that moment.",
)
RENEW_IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Optional, and worth sending: once renewed, the old token opens nothing, so a renewal whose "
    "answer was lost cannot simply be asked for again. A retry with the same key, the same (old) "
    "`X-Booking-Token` and the same body gets the first answer, with the new token (kept 24 h).",
)
TOKEN_HEADER = OpenApiParameter(
    "X-Booking-Token",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The booking's secret, from the create or lookup answer (also in the proof link).",
)


def _error(description: str, *codes: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorOutput,
        description=f"{description} Codes: " + ", ".join(f"`{code}`" for code in codes),
        examples=[
            OpenApiExample(
                code,
                value={"code": code, "detail": "A translated message for a person.", "fields": {}},
                response_only=True,
            )
            for code in codes[:1]
        ],
    )


# Any endpoint that reads or writes bookings, while the database cannot be reached
# (queue_booking/api_errors.py); retrying is safe.
_UNAVAILABLE = _error(
    "The database could not be reached for a moment; try again after `Retry-After` seconds.", "service_unavailable"
)

_BOOKING_EXAMPLE = {
    "code": "K7M2QX9A",
    "status": "confirmed",
    "status_label": "Confirmed",
    "service": "new",
    "track": "regular",
    "office": {
        "code": "surabaya",
        "name": "Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        "address": "Jl. Raya Juanda No. 2, Sedati, Sidoarjo",
        "timezone": "Asia/Jakarta",
        "timezone_abbreviation": "WIB",
    },
    "date": "2026-12-07",
    "session": {"id": 812, "start": "08:00", "end": "10:00", "track": "regular"},
    "requested_date": "2026-12-07",
    "waiting_position": None,
    "applicant": {"full_name": "Siti Rahayu", "nik_masked": "3578********0001", "personal_data_erased_on": None},
    "qr": "AP1.K7M2QX9A.surabaya.20261207.0800.R.k1.7Q3ZK2M5XWJ4PB6RNC2H4DTA",
    "checkin_window": {"opens": "2026-12-07T07:00:00+07:00", "closes": "2026-12-07T10:00:00+07:00"},
    "reschedules_left": 1,
    "proof_url": "https://antrean.example.go.id/b/K7M2QX9A/Xb3…/",
    "pdf_url": "https://antrean.example.go.id/b/K7M2QX9A/Xb3…/proof.pdf",
    "ics_url": "https://antrean.example.go.id/b/K7M2QX9A/Xb3…/calendar.ics",
    "created_at": "2026-11-30T09:12:44+07:00",
}
_BOOKING_WITH_TOKEN_EXAMPLE = {**_BOOKING_EXAMPLE, "token": "Xb3qL0v8c2M4n6R1s5T7u9W2y4A6C8E0"}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _language(requested: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if requested in codes:
        return requested
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return current if current in codes else settings.LANGUAGE_CODE


def _marked_full(data) -> bool:
    """The cache says this session is full: answer without validating or touching PostgreSQL."""
    if not isinstance(data, dict) or data.get("if_full", "reject") != "reject":
        return False
    session = data.get("session")
    if not isinstance(session, int) or isinstance(session, bool) or session < 1:
        return False
    try:
        return slot_is_marked_full(session)
    except Exception:  # noqa: BLE001 - a cache outage sends the request down the full path
        return False


def _prefixed(exc: BookingError, prefix: str) -> BookingError:
    exc.fields = {f"{prefix}.{name}": messages for name, messages in exc.fields.items()}
    return exc


class BookingCreateView(APIView):
    # The applicant is a nested object, which only JSON can carry: a form-encoded body
    # is a 415 that says so, not a 400 about a missing "applicant".
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="bookings_create",
        summary="Book a session (or wait for the next free place)",
        parameters=[IDEMPOTENCY_HEADER],
        request=BookingCreateInput,
        responses={
            503: _UNAVAILABLE,
            201: OpenApiResponse(BookingWithTokenOutput, description="Booked: the place is yours."),
            202: OpenApiResponse(
                BookingWithTokenOutput,
                description="The session was full and `if_full` was `next_available`: the request waits "
                "for the earliest free place (status `waiting`, with `waiting_position`).",
            ),
            400: _error(
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
            404: _error("The session does not exist for this office, date and track.", "session_not_found"),
            409: _error(
                "The booking cannot be made now.",
                "session_full",
                "active_booking_exists",
                "session_closed",
                "date_not_released",
                "online_booking_closed",
                "idempotency_in_progress",
            ),
            422: _error("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
            429: _error("Too many attempts; see `Retry-After`.", "rate_limited"),
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
            OpenApiExample("Booked", response_only=True, status_codes=["201"], value=_BOOKING_WITH_TOKEN_EXAMPLE),
            OpenApiExample(
                "Waiting for a place",
                response_only=True,
                status_codes=["202"],
                value={
                    **_BOOKING_WITH_TOKEN_EXAMPLE,
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
        return _no_store(response)


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
        return _no_store(response)


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
    if data["if_full"] == "reject" and _marked_full({"session": data["session"]}):
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
    return _no_store(response)


@lru_cache(maxsize=16)
def _session_full_body(language: str | None) -> bytes:
    """``_json_error(SessionFull())``'s body in ``language``, rendered once: after a day
    sells out, this answer is most of the traffic, and building it (the translated
    message, the JSON) was over a third of the view's own time."""
    return _json_error(SessionFull()).content


def _refusal() -> HttpResponse:
    """The "session full" answer from the cache, in the active language."""
    response = _no_store(
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
    except ValueError:
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


def _token(request: Request) -> str:
    return request.headers.get("X-Booking-Token", "")


# The parts of a booking's answer that name its secret (``booking_body``).
_LINK_FIELDS = ("proof_url", "pdf_url", "ics_url")


def _links_of_token(booking: Booking, token: str) -> Callable[[dict], dict]:
    """For a replayed cancel or reschedule: the stored answer with the links of ``token``.

    The stored links hold the secret the first request was made with; once the booking's
    secret is renewed they are dead (404). ``token`` opened the booking for this request,
    so its links are the ones that work, and the caller already holds them. A stored
    refusal (409) names no link and is replayed as it was.
    """

    def replay(body: dict) -> dict:
        if "proof_url" not in body:
            return body
        current = booking_body(booking, token=token)
        return {**body, **{name: current[name] for name in _LINK_FIELDS}}

    return replay


class BookingDetailView(APIView):
    @extend_schema(
        operation_id="bookings_retrieve",
        summary="Read a booking",
        parameters=[TOKEN_HEADER],
        responses={
            503: _UNAVAILABLE,
            200: OpenApiResponse(BookingOutput),
            404: _error("No such booking, or the token is missing or wrong.", "booking_not_found"),
        },
        examples=[
            OpenApiExample("A confirmed booking", response_only=True, value=_BOOKING_EXAMPLE),
            OpenApiExample(
                "A booking whose personal data was erased",
                response_only=True,
                value={
                    **_BOOKING_EXAMPLE,
                    "status": "served",
                    "status_label": "Served",
                    "applicant": {"full_name": "", "nik_masked": "", "personal_data_erased_on": "2027-03-08"},
                    "reschedules_left": 1,
                },
            ),
        ],
    )
    def get(self, request: Request, code: str) -> Response:
        booking = booking_get_for_token(code=code, token=_token(request))
        return _no_store(Response(booking_body(booking)))


class BookingCancelView(APIView):
    @extend_schema(
        operation_id="bookings_cancel",
        summary="Cancel a booking (frees the place at once)",
        parameters=[TOKEN_HEADER, IDEMPOTENCY_HEADER],
        request=None,
        responses={
            503: _UNAVAILABLE,
            200: OpenApiResponse(BookingOutput, description="Cancelled (also when it already was)."),
            404: _error("No such booking, or the token is missing or wrong.", "booking_not_found"),
            409: _error(
                "The booking cannot be cancelled now.",
                "booking_not_cancellable",
                "too_late_to_change",
                "idempotency_in_progress",
            ),
            422: _error("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        now = timezone.now()
        booking = booking_get_for_token(code=code, token=_token(request))

        def cancel() -> Response:
            cancelled = booking_cancel(booking=booking, now=now)
            return Response(booking_body(cancelled))

        return _no_store(
            run_idempotent(
                request,
                scope=f"bookings.cancel:{booking.code}",
                now=now,
                handler=cancel,
                on_replay=_links_of_token(booking, _token(request)),
            )
        )


class BookingRescheduleView(APIView):
    @extend_schema(
        operation_id="bookings_reschedule",
        summary="Move a booking to another session of the same office",
        description="Takes the new place and gives back the old one in one step: if the new session is full, "
        "the booking keeps its place. Free `BOOKING_FREE_RESCHEDULES` times, until "
        "`BOOKING_CHANGE_CUTOFF_DAYS` before the booked date.",
        parameters=[TOKEN_HEADER, IDEMPOTENCY_HEADER],
        request=RescheduleInput,
        responses={
            503: _UNAVAILABLE,
            200: OpenApiResponse(BookingOutput, description="Moved."),
            400: _error("Bad input.", "validation_error"),
            404: _error(
                "No such booking (or wrong token), or no such session.", "booking_not_found", "session_not_found"
            ),
            409: _error(
                "The booking cannot be moved there now.",
                "session_full",
                "reschedule_not_allowed",
                "too_late_to_change",
                "session_closed",
                "date_not_released",
                "online_booking_closed",
                "idempotency_in_progress",
            ),
            422: _error("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
        },
        examples=[OpenApiExample("Move", request_only=True, value={"date": "2026-12-09", "session": 845})],
    )
    def post(self, request: Request, code: str) -> Response:
        now = timezone.now()
        booking = booking_get_for_token(code=code, token=_token(request))

        def reschedule() -> Response:
            serializer = RescheduleInput(data=request.data)
            serializer.is_valid(raise_exception=True)
            slot = slot_for_booking(slot_id=serializer.validated_data["session"])
            if slot.date != serializer.validated_data["date"] or slot.track != booking.track:
                raise SessionNotFound()
            moved = booking_reschedule(booking=booking, new_slot=slot, now=now)
            return Response(booking_body(moved))

        return _no_store(
            run_idempotent(
                request,
                scope=f"bookings.reschedule:{booking.code}",
                now=now,
                handler=reschedule,
                on_replay=_links_of_token(booking, _token(request)),
            )
        )


class BookingLookupView(APIView):
    @extend_schema(
        operation_id="bookings_lookup",
        summary="Find a booking by its code and the NIK (returns its token)",
        request=LookupInput,
        responses={
            503: _UNAVAILABLE,
            200: OpenApiResponse(BookingWithTokenOutput),
            400: _error("Bad input.", "validation_error"),
            404: _error("No booking has this code for this NIK.", "booking_not_found"),
            429: _error("Too many attempts; see `Retry-After`.", "rate_limited"),
        },
        examples=[
            OpenApiExample("Look up", request_only=True, value={"code": "K7M2QX9A", "nik": "3578014101900001"}),
            OpenApiExample("Found", response_only=True, value=_BOOKING_WITH_TOKEN_EXAMPLE),
        ],
    )
    def post(self, request: Request) -> Response:
        limit_by_ip(request, group="lookup", rate=settings.RATELIMIT_LOOKUP_IP)
        serializer = LookupInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        limit_by_nik(request, group="lookup", rate=settings.RATELIMIT_LOOKUP_NIK, nik=data["nik"])
        limit_by_code(request, group="lookup", rate=settings.RATELIMIT_LOOKUP_CODE, code=data["code"])
        booking = booking_lookup(code=data["code"], nik=data["nik"])
        token = booking_token_ensure(booking=booking)
        return _no_store(Response(booking_body(booking, token=token, include_token=True)))


def _renew_scope(code: str, token: str) -> str:
    """The ``Idempotency-Key`` scope of a renewal: the booking and the token it was asked
    with, so that only a holder of that token gets a stored answer (the new token) back.
    Checked before the token is: after the renewal the old token opens nothing else."""
    return f"bookings.token:{code}:{token_hash(token)[:32]}"


class BookingTokenView(APIView):
    @extend_schema(
        operation_id="bookings_token_renew",
        summary="Renew a booking's secret (the old token and proof link stop working)",
        description="Gives the booking a new token, for when its proof link may have leaked. The old token, the "
        "old `proof_url` and its PDF and calendar addresses then answer 404, as a wrong token does. The booking "
        "itself is unchanged (code, date, session, `qr`). The applicant is sent the new link by email and SMS. "
        "Only a waiting or confirmed booking can be renewed. Of two renewals with the same token at once, one "
        "gets the new token and the other 404.",
        parameters=[TOKEN_HEADER, RENEW_IDEMPOTENCY_HEADER],
        request=None,
        responses={
            503: _UNAVAILABLE,
            200: OpenApiResponse(BookingWithTokenOutput, description="Renewed: `token` and `proof_url` are new."),
            404: _error(
                "No such booking, or the token is missing or wrong (an old token, once renewed, is wrong).",
                "booking_not_found",
            ),
            409: _error(
                "The secret cannot be renewed now.",
                "token_not_renewable",
                "booking_state_changed",
                "idempotency_in_progress",
            ),
            422: _error("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
            429: _error("Too many renewals; see `Retry-After`.", "rate_limited"),
        },
        examples=[OpenApiExample("Renewed", response_only=True, value=_BOOKING_WITH_TOKEN_EXAMPLE)],
    )
    def post(self, request: Request, code: str) -> Response:
        now = timezone.now()
        limit_by_ip(request, group="renew", rate=settings.RATELIMIT_RENEW_IP)
        code, token = normalize_code(code), _token(request)
        if not is_code_shaped(code):
            raise BookingNotFound()

        def renew() -> Response:
            booking = booking_get_for_token(code=code, token=token)
            # Per booking, from anywhere: each renewal sends the person an email and an SMS.
            limit_by_code(request, group="renew", rate=settings.RATELIMIT_RENEW_CODE, code=booking.code)
            result = booking_token_renew(booking=booking, now=now, via="api")
            return Response(booking_body(result.booking, token=result.token, include_token=True))

        return _no_store(run_idempotent(request, scope=_renew_scope(code, token), now=now, handler=renew))
