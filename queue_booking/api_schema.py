"""The OpenAPI schema documents every answer an operation can give, not only its own.

Each view documents the answers its own code gives (``session_full``, ``invalid_nik``...).
Some answers come from around every view instead: an address that names nothing (404),
a bad query or body, or a body on a read (400, ``queue_booking.api_views``), a body too
large to read (413), a body sent in chunks that the server cannot read (411,
``queue_booking.chunked_body``), a body that is not JSON (415), a missing sign-in or CSRF token
(403), the database out (503, ``queue_booking.middleware``). ``document_common_errors``,
a drf-spectacular post-processing hook, adds those an operation can meet and does not
document yet, all in the one error shape (``ErrorOutput``), and names
``malformed_request`` in a 400 that a view documents with its own codes only, and the
``Retry-After`` header of every 429 and 503 (and ``Idempotent-Replayed`` where a stored
answer can be replayed). A client
generated from the schema then knows every status it must handle;
``tests/foundation/test_api_contract.py`` checks the app against it with requests made
from the schema.

``LocalTimeExtension`` documents times of day as what they are: an office's wall-clock
time ("08:00", "07:30:00") in the office's own zone. OpenAPI's ``format: time`` means an
RFC 3339 time with its UTC offset ("08:00:00+07:00"), which the API never sends.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOutput"}

# The methods whose requests may carry a body (a read may not: ``queue_booking.api_views``).
_BODY_METHODS = {"post", "put", "patch"}

# What a 400 from around the view is about, read or write: each operation can meet it.
_BODY_ON_A_READ = "a body was sent with this read, which takes none (`malformed_request`)"
_BAD_BODY = "the body is not JSON that can be read (`malformed_request`) or not a JSON object (`validation_error`)"


# Which 404 a client meets, said on every operation with a code in its path: a code that
# names nothing is answered with the code of what it should name (`office_not_found`,
# `booking_not_found`...), which the view documents; `not_found` is the address itself.
_NOT_FOUND = (
    "`not_found` means the address itself names nothing: a path the API does not have, or a code in it "
    "with characters no code of its kind has (an office's code has only letters, digits, `-` and `_`); a "
    "well-formed code that names nothing is answered with the code of what it should name "
    "(`office_not_found`, `booking_not_found`, ...)."
)


def _bad_input(path: str, method: str, operation: dict) -> str:
    if method not in _BODY_METHODS:
        if _bad_input_parameters(operation):
            return (
                "Bad input: a query parameter is not valid; `fields` names each one (`validation_error`), "
                f"or {_BODY_ON_A_READ}."
            )
        return f"Bad input: {_BODY_ON_A_READ}."
    return (
        "Bad input: a header or body field is not valid; `fields` names each one (`validation_error`, "
        f"`invalid_idempotency_key`), or {_BAD_BODY}. An operation that takes no body reads one that is "
        "sent all the same: send none, or a JSON object."
    )


def _around_the_view(method: str) -> str:
    """The same, added to a 400 that a view documents with its own codes only."""
    return f"From around the view: {_BODY_ON_A_READ if method not in _BODY_METHODS else _BAD_BODY}."


def _always(text: str):
    return lambda path, method, operation: text


# (status, the description for an operation (its path, method and schema), or None where it
# cannot meet it)
_COMMON = (
    ("400", _bad_input),
    (
        "403",
        lambda path, method, operation: (
            "Not signed in, not allowed for this office, or a signed-in session without its CSRF token "
            "(`not_authenticated`, `forbidden`, `csrf_failed`)."
            if any("cookieAuth" in scheme for scheme in operation.get("security", []))
            else None
        ),
    ),
    (
        "404",
        lambda path, method, operation: (
            f"Nothing at this address, or nothing you may see (`not_found`). {_NOT_FOUND}" if "{" in path else None
        ),
    ),
    (
        "413",
        lambda path, method, operation: (
            "The body is larger than the server reads (`request_too_large`); nothing was changed."
            if method in _BODY_METHODS
            else None
        ),
    ),
    (
        "411",
        lambda path, method, operation: (
            "The body was sent in chunks (`Transfer-Encoding: chunked`) without `Content-Length` to a server "
            "that cannot read such a body (`length_required`); nothing was changed. Send it with its "
            "`Content-Length`. Behind gunicorn, as in production, a chunked body is read."
            if method in _BODY_METHODS
            else None
        ),
    ),
    (
        "415",
        lambda path, method, operation: (
            "A body was sent that is not JSON (`unsupported_media_type`): the API takes JSON bodies only, "
            "with `Content-Type: application/json`."
            if method in _BODY_METHODS
            else None
        ),
    ),
    (
        "503",
        _always(
            "The database cannot be reached right now; nothing was changed. Try again after `Retry-After` "
            "seconds (`service_unavailable`)."
        ),
    ),
)


def _bad_input_parameters(operation: dict) -> list[dict]:
    """The parameters a 400 can be about: the query's and ``Idempotency-Key``. A wrong
    ``X-Booking-Token`` is a 404, like a code that does not exist."""
    return [
        p
        for p in operation.get("parameters", [])
        if p.get("in") == "query" or (p.get("in") == "header" and p.get("name") == "Idempotency-Key")
    ]


# The answers that say when to try again, wherever they come from (a view's own 429,
# ``exception_handler``'s 429 and 503, the booking fast path's 429): each carries it.
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "description": "Seconds to wait before trying again.",
        "required": True,
    }
}
_RETRY_AFTER_STATUSES = ("429", "503")

# A retry with the same ``Idempotency-Key`` gets the stored answer (a success or a 409,
# ``applicants.api.guards.run_idempotent``), marked as such.
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present on the stored answer given to a retry with the same `Idempotency-Key`.",
        "required": False,
    }
}


def _takes_idempotency_key(operation: dict) -> bool:
    return any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))


def document_common_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular ``POSTPROCESSING_HOOKS`` entry: see the module's docstring."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, describe in _COMMON:
                if status in responses:
                    continue
                description = describe(path, method, operation)
                if description is not None:
                    responses[status] = {
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                        "description": description,
                    }
            for status in _RETRY_AFTER_STATUSES:
                if status in responses:
                    responses[status]["headers"] = {**responses[status].get("headers", {}), **RETRY_AFTER_HEADER}
            if _takes_idempotency_key(operation):
                for status, response in responses.items():
                    if status.startswith("2") or status == "409":
                        response["headers"] = {**response.get("headers", {}), **REPLAYED_HEADER}
            for status, marker, around in _around(path, method, operation):
                if status not in responses:
                    continue
                own = responses[status].get("description", "").strip()
                if marker not in own:
                    own = own if not own or own.endswith(".") else own + "."
                    responses[status]["description"] = f"{own} {around}".strip()
    return result


def _around(path: str, method: str, operation: dict) -> list[tuple[str, str, str]]:
    """(status, the code that shows it is named, what to add) for the answers from around
    the view that an operation documenting the status with its own codes only can meet:
    the codes a client reads come from the descriptions alone (``ErrorOutput.code`` is any
    string)."""
    around = [("400", "`malformed_request`", _around_the_view(method))]
    if any("cookieAuth" in scheme for scheme in operation.get("security", [])):
        around.append(
            (
                "403",
                "`not_authenticated`",
                "From around the view: not signed in, or a signed-in session without its CSRF token "
                "(`not_authenticated`, `csrf_failed`).",
            )
        )
    if "{" in path:
        around.append(
            ("404", "`not_found`", f"From around the view: nothing at this address (`not_found`). {_NOT_FOUND}")
        )
    return around


class LocalTimeExtension(OpenApiSerializerFieldExtension):
    """Every ``TimeField`` in the API: see the module's docstring."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict:
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "Local time at the office, in the office's `timezone`: HH:MM or HH:MM:SS.",
            "example": "08:00",
        }
