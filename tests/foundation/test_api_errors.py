"""The API has one error format: {"code", "detail", "fields"}."""

from django.utils import translation
from rest_framework import exceptions as drf
from rest_framework import serializers

from queue_booking.api_errors import exception_handler
from queue_booking.errors import Conflict, RateLimited


class _Applicant(serializers.Serializer):
    nik = serializers.CharField(max_length=16)


class _Booking(serializers.Serializer):
    date = serializers.DateField()
    applicant = _Applicant()


def test_a_service_error_keeps_its_code_status_and_fields():
    class SessionFull(Conflict):
        code = "session_full"
        message = "This session is full."

    response = exception_handler(SessionFull(fields={"session": ["full"]}), {})

    assert response.status_code == 409
    assert response.data == {"code": "session_full", "detail": "This session is full.", "fields": {"session": ["full"]}}


def test_nested_validation_errors_are_flattened_to_dotted_fields():
    serializer = _Booking(data={"date": "2026-02-30", "applicant": {"nik": "1" * 20}})
    assert not serializer.is_valid()

    response = exception_handler(drf.ValidationError(serializer.errors), {})

    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert set(response.data["fields"]) == {"date", "applicant.nik"}


def test_a_validator_code_survives_as_the_machine_code():
    error = drf.ValidationError({"applicant": {"nik": [drf.ErrorDetail("NIK is not valid.", code="invalid_nik")]}})

    response = exception_handler(error, {})

    assert response.data["code"] == "invalid_nik"
    assert response.data["fields"] == {"applicant.nik": ["NIK is not valid."]}


def test_rate_limited_answers_429_with_retry_after():
    response = exception_handler(RateLimited(retry_after=30), {})

    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response.data["code"] == "rate_limited"


def test_the_detail_is_translated_to_the_active_language():
    with translation.override("id"):
        response = exception_handler(drf.ValidationError({"date": ["bad"]}), {})
    with translation.override("en"):
        english = exception_handler(drf.ValidationError({"date": ["bad"]}), {})

    assert english.data["detail"] == "Some fields are not valid. Please check them and try again."
    assert response.data["detail"] != english.data["detail"]


def test_not_authenticated_is_403_with_a_code():
    response = exception_handler(drf.NotAuthenticated(), {})

    assert response.status_code == 403
    assert response.data["code"] == "not_authenticated"


def test_the_api_docs_and_schema_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"openapi" in schema.content
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_drf_s_generic_codes_are_a_validation_error_and_a_validator_s_own_code_stays():
    generic = drf.ValidationError(
        {"session": [drf.ErrorDetail("Ensure this value is greater than or equal to 1.", code="min_value")]}
    )
    null = drf.ValidationError(
        {"q": [drf.ErrorDetail("Null characters are not allowed.", code="null_characters_not_allowed")]}
    )
    choice = drf.ValidationError({"track": [drf.ErrorDetail('"vip" is not a valid choice.', code="invalid_choice")]})

    assert exception_handler(generic, {}).data["code"] == "validation_error"
    assert exception_handler(null, {}).data["code"] == "validation_error"
    assert exception_handler(choice, {}).data["code"] == "invalid_choice"


def test_a_search_with_a_null_character_is_a_validation_error(client, db):
    response = client.get("/api/v1/offices/", {"q": "sura\x00baya"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"] == {"q": ["Null characters are not allowed."]}
