"""The booking API's OpenAPI parts shared by its views: headers, error answers and
examples (drf-spectacular)."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from queue_booking.api_errors import ErrorOutput

# What ``applicants.services.idempotency`` accepts: 1-255 visible ASCII characters.
IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    IDEMPOTENCY_KEY_SCHEMA,
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
    IDEMPOTENCY_KEY_SCHEMA,
    OpenApiParameter.HEADER,
    description="Optional, and worth sending: once renewed, the old token opens nothing, so a renewal whose "
    "answer was lost cannot simply be asked for again. A retry with the same key, the same (old) "
    "`X-Booking-Token` and the same body gets the first answer, with the new token (kept 24 h).",
)
# A created booking's own address (``booking_location``), answered with 201 and 202 alike.
LOCATION_HEADER = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    response=[201, 202],
    required=True,
    description="The booking's address in the API (`/api/v1/bookings/{code}/`); reading it needs the `token` "
    "of the answer in `X-Booking-Token`.",
)
TOKEN_HEADER = OpenApiParameter(
    "X-Booking-Token",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The booking's secret, from the create or lookup answer (also in the proof link).",
)


def error_response(description: str, *codes: str) -> OpenApiResponse:
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
UNAVAILABLE = error_response(
    "The database could not be reached for a moment; try again after `Retry-After` seconds.", "service_unavailable"
)

BOOKING_EXAMPLE = {
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
BOOKING_WITH_TOKEN_EXAMPLE = {**BOOKING_EXAMPLE, "token": "Xb3qL0v8c2M4n6R1s5T7u9W2y4A6C8E0"}
