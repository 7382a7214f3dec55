"""The public booking API (DESIGN section 5) once a booking exists: read, cancel,
reschedule, renew the secret, change the contact, look up. Booking itself: ``applicants.api.booking_create``.

Reading or changing a booking needs its secret token in ``X-Booking-Token``; a wrong
or missing token is answered exactly like an unknown code (404). Responses that carry
personal data or the token are never cached.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from applicants.api.booking_docs import (
    BOOKING_EXAMPLE,
    BOOKING_WITH_TOKEN_EXAMPLE,
    IDEMPOTENCY_HEADER,
    RENEW_IDEMPOTENCY_HEADER,
    TOKEN_HEADER,
    UNAVAILABLE,
    error_response,
)
from applicants.api.booking_serializers import (
    BookingOutput,
    BookingWithTokenOutput,
    ContactChangeOutput,
    ContactInput,
    LookupInput,
    RescheduleInput,
    booking_body,
    contact_change_body,
)
from applicants.api.guards import NotStored, limit_by_code, limit_by_ip, limit_by_nik, run_idempotent
from applicants.exceptions import (
    BookingNotFound,
    SessionNotFound,
)
from applicants.models import Booking
from applicants.proof import is_code_shaped, normalize_code, token_hash
from applicants.selectors import booking_get_for_token, booking_lookup, slot_for_booking
from applicants.services.booking import booking_token_ensure
from applicants.services.changes import booking_cancel, booking_reschedule
from applicants.services.contact import booking_contact_change
from applicants.services.tokens import booking_token_renew
from queue_booking.api_views import ApiView


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


class BookingDetailView(NotStored, ApiView):
    @extend_schema(
        operation_id="bookings_retrieve",
        summary="Read a booking",
        parameters=[TOKEN_HEADER],
        responses={
            503: UNAVAILABLE,
            200: OpenApiResponse(BookingOutput),
            404: error_response("No such booking, or the token is missing or wrong.", "booking_not_found"),
        },
        examples=[
            OpenApiExample("A confirmed booking", response_only=True, value=BOOKING_EXAMPLE),
            OpenApiExample(
                "A booking whose personal data was erased",
                response_only=True,
                value={
                    **BOOKING_EXAMPLE,
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
        return Response(booking_body(booking))


class BookingCancelView(NotStored, ApiView):
    @extend_schema(
        operation_id="bookings_cancel",
        summary="Cancel a booking (frees the place at once)",
        parameters=[TOKEN_HEADER, IDEMPOTENCY_HEADER],
        request=None,
        responses={
            503: UNAVAILABLE,
            200: OpenApiResponse(BookingOutput, description="Cancelled (also when it already was)."),
            404: error_response("No such booking, or the token is missing or wrong.", "booking_not_found"),
            409: error_response(
                "The booking cannot be cancelled now; `booking_state_changed`: it was changed at the same moment "
                "(checked in, moved), nothing was done, read it again.",
                "booking_not_cancellable",
                "too_late_to_change",
                "booking_state_changed",
                "idempotency_in_progress",
            ),
            422: error_response("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        now = timezone.now()
        booking = booking_get_for_token(code=code, token=_token(request))

        def cancel() -> Response:
            cancelled = booking_cancel(booking=booking, now=now)
            return Response(booking_body(cancelled))

        return run_idempotent(
            request,
            scope=f"bookings.cancel:{booking.code}",
            now=now,
            handler=cancel,
            on_replay=_links_of_token(booking, _token(request)),
        )


class BookingRescheduleView(NotStored, ApiView):
    @extend_schema(
        operation_id="bookings_reschedule",
        summary="Move a booking to another session of the same office",
        description="Takes the new place and gives back the old one in one step: if the new session is full, "
        "the booking keeps its place. Free `BOOKING_FREE_RESCHEDULES` times, until "
        "`BOOKING_CHANGE_CUTOFF_DAYS` before the booked date.",
        parameters=[TOKEN_HEADER, IDEMPOTENCY_HEADER],
        request=RescheduleInput,
        responses={
            503: UNAVAILABLE,
            200: OpenApiResponse(BookingOutput, description="Moved."),
            400: error_response("Bad input.", "validation_error"),
            404: error_response(
                "No such booking (or wrong token), or no such session.", "booking_not_found", "session_not_found"
            ),
            409: error_response(
                "The booking cannot be moved there now; `booking_state_changed`: it was changed at the same moment "
                "(checked in, moved, cancelled), it keeps what it had, read it again.",
                "session_full",
                "reschedule_not_allowed",
                "too_late_to_change",
                "session_closed",
                "date_not_released",
                "online_booking_closed",
                "booking_state_changed",
                "idempotency_in_progress",
            ),
            422: error_response("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
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

        return run_idempotent(
            request,
            scope=f"bookings.reschedule:{booking.code}",
            now=now,
            handler=reschedule,
            on_replay=_links_of_token(booking, _token(request)),
        )


class BookingLookupView(NotStored, ApiView):
    @extend_schema(
        operation_id="bookings_lookup",
        summary="Find a booking by its code and the NIK (returns its token)",
        request=LookupInput,
        responses={
            503: UNAVAILABLE,
            200: OpenApiResponse(BookingWithTokenOutput),
            400: error_response("Bad input.", "invalid_code", "validation_error"),
            404: error_response("No booking has this code for this NIK.", "booking_not_found"),
            429: error_response("Too many attempts; see `Retry-After`.", "rate_limited"),
        },
        examples=[
            OpenApiExample("Look up", request_only=True, value={"code": "K7M2QX9A", "nik": "3578014101900001"}),
            OpenApiExample("Found", response_only=True, value=BOOKING_WITH_TOKEN_EXAMPLE),
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
        return Response(booking_body(booking, token=token, include_token=True))


def _renew_scope(code: str, token: str) -> str:
    """The ``Idempotency-Key`` scope of a renewal: the booking and the token it was asked
    with, so that only a holder of that token gets a stored answer (the new token) back.
    Checked before the token is: after the renewal the old token opens nothing else."""
    return f"bookings.token:{code}:{token_hash(token)[:32]}"


class BookingTokenView(NotStored, ApiView):
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
            503: UNAVAILABLE,
            200: OpenApiResponse(BookingWithTokenOutput, description="Renewed: `token` and `proof_url` are new."),
            404: error_response(
                "No such booking, or the token is missing or wrong (an old token, once renewed, is wrong).",
                "booking_not_found",
            ),
            409: error_response(
                "The secret cannot be renewed now.",
                "token_not_renewable",
                "booking_state_changed",
                "idempotency_in_progress",
            ),
            422: error_response("The Idempotency-Key was used with another body.", "idempotency_key_reused"),
            429: error_response("Too many renewals; see `Retry-After`.", "rate_limited"),
        },
        examples=[OpenApiExample("Renewed", response_only=True, value=BOOKING_WITH_TOKEN_EXAMPLE)],
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

        return run_idempotent(request, scope=_renew_scope(code, token), now=now, handler=renew)


class BookingContactView(NotStored, ApiView):
    @extend_schema(
        operation_id="bookings_contact_change",
        summary="Change the applicant's phone number and/or email address",
        description="Checked as at booking. Omit a field (or send null) to keep it; an empty `email` removes the "
        "address. The new contact is sent the proof (with the secret link) at once, and every contact the person "
        "had before is sent a notice of the change without the link. The contact is the person's: it applies to "
        "every later message about their bookings, and while they hold another active booking it cannot be "
        "changed here (`contact_shared`). Only a waiting or confirmed booking. Safe to retry: the same values "
        "again change and send nothing (`changed` is empty).",
        parameters=[TOKEN_HEADER],
        request=ContactInput,
        responses={
            503: UNAVAILABLE,
            200: OpenApiResponse(ContactChangeOutput, description="Changed (or already so)."),
            400: error_response(
                "Bad input.", "invalid_phone", "invalid_email", "phone_required", "contact_missing", "validation_error"
            ),
            404: error_response("No such booking, or the token is missing or wrong.", "booking_not_found"),
            409: error_response(
                "The contact cannot be changed from this booking.", "contact_not_changeable", "contact_shared"
            ),
            429: error_response("Too many changes; see `Retry-After`.", "rate_limited"),
        },
        examples=[
            OpenApiExample(
                "New phone and email", request_only=True, value={"phone": "0812 3456 7890", "email": "siti@example.org"}
            ),
            OpenApiExample("Remove the email", request_only=True, value={"email": ""}),
            OpenApiExample(
                "Changed",
                response_only=True,
                value={
                    **BOOKING_EXAMPLE,
                    "changed": ["phone"],
                    "contact": {"phone": "•••7890", "email": "s•••@e•••.org"},
                },
            ),
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        limit_by_ip(request, group="contact", rate=settings.RATELIMIT_CONTACT_IP)
        booking = booking_get_for_token(code=code, token=_token(request))
        # Per booking, from anywhere: each change sends messages to the new and the old contact.
        limit_by_code(request, group="contact", rate=settings.RATELIMIT_CONTACT_CODE, code=booking.code)
        serializer = ContactInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = booking_contact_change(
            booking=booking, now=timezone.now(), via="api", phone=data.get("phone"), email=data.get("email")
        )
        return Response(contact_change_body(result.booking, result.changed))
