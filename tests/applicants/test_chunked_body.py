"""A body sent in chunks (``Transfer-Encoding: chunked``, no ``Content-Length``):
queue_booking/chunked_body.py.

gunicorn decodes the chunks and says the input may be read to its end
(``wsgi.input_terminated``): the body is read and the request served as any other. A
server that does not say so gets a 411 instead of a request run without its body, which
was answered "this field is required" for every field. The same under real gunicorn:
tests/foundation/test_chunked_gunicorn.py."""

import io
import json

import pytest

from applicants.models import Booking
from tests.applicants.conftest import NIK, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"

LENGTH_REQUIRED = {
    "id": "Kirim isi permintaan dengan header Content-Length, bukan dalam potongan (chunked).",
    "en": "Send the request body with a Content-Length header, not in chunks.",
}
TOO_LARGE = {"id": "Isi permintaan terlalu besar untuk dibaca.", "en": "The request body is too large to be read."}


def _chunked(client, path: str, body: bytes, *, terminated: bool, content_type="application/json", **extra):
    """POST ``body`` as a WSGI server hands over a chunked one: no ``CONTENT_LENGTH``, the
    decoded body in ``wsgi.input`` (a stream that ends), and ``wsgi.input_terminated`` if
    the server says reading it to its end is safe."""
    environ = {
        "CONTENT_LENGTH": "",
        "CONTENT_TYPE": content_type,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
    }
    if terminated:
        environ["wsgi.input_terminated"] = True
    return client.generic("POST", path, content_type=content_type, **environ, **extra)


def test_a_chunked_booking_from_gunicorn_is_read_and_booked(api, slot):
    body = json.dumps(payload(slot)).encode()

    response = _chunked(api, URL, body, terminated=True)

    assert response.status_code == 201, response.json()
    assert Booking.objects.get().code == response.json()["code"]


def test_a_chunked_lookup_from_gunicorn_is_read(api, slot):
    booked = api.post(URL, payload(slot), format="json").json()
    body = json.dumps({"code": booked["code"], "nik": NIK}).encode()

    response = _chunked(api, f"{URL}lookup/", body, terminated=True)

    assert response.status_code == 200, response.json()
    assert response.json()["token"] == booked["token"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_chunked_body_too_large_is_the_413_of_any_body_too_large(api, slot, settings, language):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = json.dumps({**payload(slot), "reason": "x" * 3000}).encode()

    response = _chunked(api, URL, body, terminated=True, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 413, response.content
    assert response.json() == {"code": "request_too_large", "detail": TOO_LARGE[language], "fields": {}}
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_chunked_body_the_server_cannot_end_is_a_411_not_a_field_error(api, slot, language):
    body = json.dumps(payload(slot)).encode()

    response = _chunked(api, URL, body, terminated=False, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 411, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"code": "length_required", "detail": LENGTH_REQUIRED[language], "fields": {}}
    assert Booking.objects.count() == 0


def test_a_chunked_form_post_the_server_cannot_end_is_the_411_page(client, slot):
    response = _chunked(
        client,
        "/my-booking/",
        b"code=ABCDEFGH&nik=" + NIK.encode(),
        terminated=False,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 411
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Error 411" in page
    assert "The form was sent in a way this site cannot read, without its length." in page


def test_a_chunked_form_post_from_gunicorn_is_read(client, slot):
    api_booking = client.post(URL, payload(slot), content_type="application/json").json()
    form = f"code={api_booking['code']}&nik={NIK}".encode()

    response = _chunked(client, "/my-booking/", form, terminated=True, content_type="application/x-www-form-urlencoded")

    # The look-up found the booking: it opens its proof.
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(f"/b/{api_booking['code']}/")


def test_a_request_with_its_length_is_left_alone(api, slot):
    response = api.post(URL, payload(slot), format="json", HTTP_TRANSFER_ENCODING="identity")

    assert response.status_code == 201, response.json()


def test_the_schema_documents_the_411_on_every_operation_that_takes_a_body(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "post":
                response = operation["responses"]["411"]
                assert "length_required" in response["description"], path
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOutput"}
            else:
                assert "411" not in operation["responses"], (method, path)
