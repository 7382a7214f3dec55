"""``/api/schema/`` answers by the API's rules (``queue_booking.api_schema.SchemaView``):
a read with a body is refused as on every other API address, and a refusal is the API's
JSON error, not YAML."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/schema/"

NO_BODY_ON_A_READ = {
    "id": "Permintaan dengan metode {method} tidak boleh membawa isi: kirim parameternya di alamat.",
    "en": "A request with the method {method} takes no body: send its parameters in the address.",
}


def _error(response) -> dict:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    return body


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_a_read_of_the_schema_with_a_body_is_refused(client, method, language):
    response = client.generic(
        method, URL, '{"format": "json"}', content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    if method != "HEAD":
        assert _error(response) == {
            "code": "malformed_request",
            "detail": NO_BODY_ON_A_READ[language].format(method=method),
            "fields": {},
        }


def test_the_schema_is_still_served_without_a_body_in_yaml_and_json(client):
    yaml = client.get(URL)
    empty = client.generic("GET", URL, "", content_type="application/json")
    json = client.get(URL, {"format": "json"})
    negotiated = client.get(URL, HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert (yaml.status_code, empty.status_code, json.status_code, negotiated.status_code) == (200, 200, 200, 200)
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.content.startswith(b"openapi: 3.0.3")
    assert empty.content == yaml.content
    assert json.json()["openapi"] == negotiated.json()["openapi"] == "3.0.3"


def test_a_method_the_schema_does_not_answer_is_a_json_405(client):
    response = client.post(URL, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_an_unknown_format_is_a_json_404(client):
    response = client.get(URL, {"format": "xml"})

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
