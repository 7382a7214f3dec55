"""What a request's body may be on the public API: a JSON object, or nothing.

Every POST reads the body it is sent, even one that needs none (cancel, renewing the
secret): a body in another media type (a form, multipart, JSON labelled as text) is a
415, broken JSON a 400 ``malformed_request``, JSON that is not an object a 400
``validation_error``, each in the reader's language and with the booking left as it was.
Sending no body at all is still fine where none is needed. A read (GET) takes no body: one
sent is a 400 ``malformed_request``, not quietly ignored."""

import datetime as dt
import json

import pytest

from applicants.models import Applicant, Booking
from tests.applicants.conftest import NIK, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"

NOT_JSON = {
    "id": "Kirim isi permintaan sebagai JSON, dengan header Content-Type: application/json.",
    "en": "Send the request body as JSON, with the header Content-Type: application/json.",
}
NO_BODY_ON_A_READ = {
    "id": "Permintaan dengan metode GET tidak boleh membawa isi: kirim parameternya di alamat.",
    "en": "A request with the method GET takes no body: send its parameters in the address.",
}
BROKEN = {"id": "Isi permintaan bukan JSON yang valid.", "en": "The request body is not valid JSON."}
NOT_AN_OBJECT = {"id": "Isi permintaan harus berupa objek JSON.", "en": "The request body must be a JSON object."}
TOO_LARGE = {"id": "Isi permintaan terlalu besar untuk dibaca.", "en": "The request body is too large to be read."}


@pytest.fixture
def booked(api, slot):
    response = api.post(URL, payload(slot), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def later(office):
    return SlotFactory(office=office, date=dt.date(2026, 12, 8), start=dt.time(8, 0), end=dt.time(10, 0))


def _as_it_was(code: str) -> tuple[dict, dict]:
    booking = Booking.objects.get(code=code)
    return Booking.objects.values().get(id=booking.id), Applicant.objects.values().get(id=booking.applicant_id)


# Every POST of the applicant API, with a body it would take (``None``: it takes none).
def _posts(booked, later) -> dict[str, tuple[str, dict | None]]:
    code = booked["code"]
    return {
        "create": (URL, payload(later, applicant={"nik": "3578014101900002"})),
        "lookup": (f"{URL}lookup/", {"code": code, "nik": NIK}),
        "cancel": (f"{URL}{code}/cancel/", None),
        "reschedule": (f"{URL}{code}/reschedule/", {"date": later.date.isoformat(), "session": later.id}),
        "token": (f"{URL}{code}/token/", None),
        "contact": (f"{URL}{code}/contact/", {"phone": "0813-1111-2222"}),
    }


POSTS = ["create", "lookup", "cancel", "reschedule", "token", "contact"]


def _refused(response, status: int, code: str, detail: str) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert response["Content-Type"] == "application/json"
    assert (body["code"], body["detail"]) == (code, detail)


def _post(api, booked, later, endpoint: str, body, content_type: str, language: str):
    path, _taken = _posts(booked, later)[endpoint]
    return api.post(
        path, body, content_type=content_type, HTTP_X_BOOKING_TOKEN=booked["token"], HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("endpoint", POSTS)
def test_a_form_encoded_body_is_a_415_on_every_post(api, booked, later, endpoint, language):
    before = _as_it_was(booked["code"])
    _path, taken = _posts(booked, later)[endpoint]
    form = "&".join(f"{name}={value}" for name, value in (taken or {"reason": "sakit"}).items())

    response = _post(api, booked, later, endpoint, form, "application/x-www-form-urlencoded", language)

    _refused(response, 415, "unsupported_media_type", NOT_JSON[language])
    assert _as_it_was(booked["code"]) == before
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("endpoint", POSTS)
def test_a_multipart_body_is_a_415_on_every_post(api, booked, later, endpoint):
    before = _as_it_was(booked["code"])
    path, taken = _posts(booked, later)[endpoint]
    fields = {name: str(value) for name, value in (taken or {"reason": "sakit"}).items() if name != "applicant"}

    response = api.post(path, fields, format="multipart", HTTP_X_BOOKING_TOKEN=booked["token"])

    _refused(response, 415, "unsupported_media_type", NOT_JSON["id"])
    assert _as_it_was(booked["code"]) == before


@pytest.mark.parametrize("endpoint", POSTS)
def test_valid_json_sent_as_another_media_type_is_a_415(api, booked, later, endpoint):
    before = _as_it_was(booked["code"])
    _path, taken = _posts(booked, later)[endpoint]

    response = _post(api, booked, later, endpoint, json.dumps(taken or {}), "text/plain", "en")

    _refused(response, 415, "unsupported_media_type", NOT_JSON["en"])
    assert _as_it_was(booked["code"]) == before
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("endpoint", POSTS)
def test_broken_json_is_a_400_on_every_post(api, booked, later, endpoint, language):
    before = _as_it_was(booked["code"])

    response = _post(api, booked, later, endpoint, '{"reason": ', "application/json", language)

    _refused(response, 400, "malformed_request", BROKEN[language])
    assert _as_it_was(booked["code"]) == before
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("endpoint", POSTS)
def test_a_body_too_large_to_read_is_a_413_on_every_post(api, booked, later, endpoint, language, settings):
    # Django's answer was its HTML 400 page (RequestDataTooBig), on the booking's fast
    # path as on the DRF views.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    before = _as_it_was(booked["code"])
    _path, taken = _posts(booked, later)[endpoint]
    body = json.dumps({**(taken or {}), "reason": "x" * 3000})

    response = _post(api, booked, later, endpoint, body, "application/json", language)

    _refused(response, 413, "request_too_large", TOO_LARGE[language])
    assert response.json()["fields"] == {}
    assert _as_it_was(booked["code"]) == before
    assert Booking.objects.count() == 1


def test_a_cancel_with_broken_json_leaves_the_booking_confirmed(api, booked):
    url = f"{URL}{booked['code']}/cancel/"

    response = api.post(url, '{"reason": ', content_type="application/json", HTTP_X_BOOKING_TOKEN=booked["token"])

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert Booking.objects.get(code=booked["code"]).status == "confirmed"


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("body", ["[]", '"x"', "null", "1"], ids=["list", "string", "null", "number"])
@pytest.mark.parametrize("endpoint", POSTS)
def test_json_that_is_not_an_object_is_a_400_on_every_post(api, booked, later, endpoint, body, language):
    before = _as_it_was(booked["code"])

    response = _post(api, booked, later, endpoint, body, "application/json", language)

    _refused(response, 400, "validation_error", NOT_AN_OBJECT[language])
    assert response.json()["fields"] == {"non_field_errors": [NOT_AN_OBJECT[language]]}
    assert _as_it_was(booked["code"]) == before
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "send",
    [
        {},  # as the tests and the docs' examples send it: no body, no Content-Type
        {"data": "", "content_type": "application/json"},  # fetch(..., {headers: JSON}) without a body
        {"data": "{}", "content_type": "application/json"},
        {"data": '{"reason": "sakit"}', "content_type": "application/json"},  # a field it does not read
        {"data": {}, "format": "multipart"},  # fetch with an empty FormData, Django's client.post(url)
    ],
    ids=["nothing", "empty-json", "empty-object", "an-object", "empty-multipart"],
)
def test_a_cancel_without_a_body_or_with_an_object_still_cancels(api, booked, send):
    response = api.post(f"{URL}{booked['code']}/cancel/", HTTP_X_BOOKING_TOKEN=booked["token"], **send)

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"


@pytest.mark.parametrize("send", [{}, {"data": "", "content_type": "application/json"}], ids=["nothing", "empty"])
def test_a_renewal_without_a_body_still_renews(api, booked, send):
    response = api.post(f"{URL}{booked['code']}/token/", HTTP_X_BOOKING_TOKEN=booked["token"], **send)

    assert response.status_code == 200, response.json()
    assert response.json()["token"] != booked["token"]


READS = [
    "/api/v1/offices/",
    "/api/v1/offices/nearest/?lat=-7.25&lon=112.75",
    "/api/v1/offices/surabaya/",
    "/api/v1/offices/surabaya/availability/?days=7",
    "/api/v1/offices/surabaya/queue/",
    URL + "{code}/",
    URL + "{code}/position/",
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("path", READS)
def test_a_read_with_a_body_is_refused(api, booked, micro_cache_on, path, language):
    before = _as_it_was(booked["code"])
    url = path.format(code=booked["code"])
    # The same read without a body is answered (and an availability answer kept, the
    # next one given before DRF): the refusal is for the body, and not skipped after.
    assert api.get(url, HTTP_X_BOOKING_TOKEN=booked["token"], HTTP_ACCEPT_LANGUAGE=language).status_code == 200

    response = api.generic(
        "GET",
        url,
        '{"office": "surabaya"}',
        content_type="application/json",
        HTTP_X_BOOKING_TOKEN=booked["token"],
        HTTP_ACCEPT_LANGUAGE=language,
    )

    _refused(response, 400, "malformed_request", NO_BODY_ON_A_READ[language])
    assert _as_it_was(booked["code"]) == before


def test_a_read_with_an_empty_body_is_answered(api, booked):
    response = api.generic(
        "GET", f"{URL}{booked['code']}/", "", content_type="application/json", HTTP_X_BOOKING_TOKEN=booked["token"]
    )

    assert response.status_code == 200


def test_a_method_an_endpoint_does_not_answer_is_still_405_with_a_body(api):
    response = api.generic("GET", URL, '{"office": "surabaya"}', content_type="application/json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_the_schema_documents_the_400_of_a_body_on_every_post(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    for path in ("/api/v1/bookings/{code}/cancel/", "/api/v1/staff/bookings/{code}/served/"):
        assert "malformed_request" in paths[path]["post"]["responses"]["400"]["description"], path
        assert "unsupported_media_type" in paths[path]["post"]["responses"]["415"]["description"], path
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert list(operation.get("requestBody", {}).get("content", {"application/json": 0})) == [
                "application/json"
            ], (method, path)
            assert "malformed_request" in operation["responses"]["400"]["description"], (method, path)


def test_the_schema_documents_the_413_on_every_operation_that_takes_a_body(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "post":
                response = operation["responses"]["413"]
                assert "request_too_large" in response["description"], path
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOutput"}
            else:
                assert "413" not in operation["responses"], (method, path)
