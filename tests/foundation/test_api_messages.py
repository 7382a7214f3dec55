"""Every message a field of the API can refuse a value with is in Indonesian as well as in
English: DRF's own catalogue for ``id`` leaves many of its messages in English, which the
project's catalogue fills (``queue_booking.api_errors.DRF_MESSAGES``)."""

import importlib
import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIClient
from rest_framework.utils.formatting import lazy_format

from queue_booking.api_errors import _NOT_AN_OBJECT

pytestmark = pytest.mark.django_db


def _api_views(patterns, inside_api: bool = False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, inside_api or pattern.namespace == "api")
        elif isinstance(pattern, URLPattern) and inside_api:
            yield pattern.callback.cls


def _serializer_classes() -> set[type]:
    """The serializers of the API's modules, and those declared inside their views."""
    found = set()
    for view in set(_api_views(get_resolver().url_patterns)):
        module = importlib.import_module(view.__module__)
        for holder in (module, *(cls for _name, cls in inspect.getmembers(module, inspect.isclass))):
            for _name, cls in inspect.getmembers(holder, inspect.isclass):
                if issubclass(cls, serializers.Serializer) and cls.__module__.startswith(
                    ("applicants.", "offices.", "queue_booking.")
                ):
                    found.add(cls)
    return found


def _messages(field):
    """(code, message) for every refusal ``field`` can give, nested fields' included."""
    yield from field.error_messages.items()
    for validator in field.validators:
        message = getattr(validator, "message", None)
        # DRF's length and range messages, formatted once per field: their words are the
        # field's own error message, checked above.
        if message is not None and not isinstance(message, lazy_format):
            yield type(validator).__name__, message
    if isinstance(field, serializers.Serializer):
        for child in field.fields.values():
            yield from _messages(child)
    if getattr(field, "child", None) is not None:
        yield from _messages(field.child)


def _in(language: str, message) -> str:
    with translation.override(language):
        return str(message)


def test_the_api_has_serializers_to_check():
    assert len(_serializer_classes()) >= 30


def test_every_message_of_every_api_field_is_in_indonesian():
    english_only = {}
    for cls in _serializer_classes():
        for code, message in _messages(cls()):
            english = _in("en", message)
            # Said in our words by the API's exception handler (``_in_our_words``).
            if english.startswith(_NOT_AN_OBJECT):
                continue
            if english and _in("id", message) == english:
                english_only.setdefault(english, f"{cls.__name__} ({code})")

    assert english_only == {}


# DRF's and Django's words for what the product says otherwise (docs/glossary.md):
# "sah" beside the product's "tidak valid", "bidang"/"field" beside its "isian".
OTHER_WORDS = re.compile(r"\b(sah|bidang|field|dictionary|underscore)\b", re.I)


def test_every_message_of_every_api_field_says_it_in_the_product_s_words():
    other_words = {}
    for cls in _serializer_classes():
        for code, message in _messages(cls()):
            indonesian = _in("id", message)
            # Said in our words by the API's exception handler (``_in_our_words``).
            if indonesian.startswith(_NOT_AN_OBJECT):
                continue
            if OTHER_WORDS.search(indonesian):
                other_words.setdefault(indonesian, f"{cls.__name__} ({code})")

    assert other_words == {}


def test_a_missing_field_is_asked_for_in_the_product_s_words(client):
    response = APIClient().post("/api/v1/bookings/lookup/", {"nik": "3578014101900001"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"code": ["Isian ini wajib diisi."]}


@pytest.mark.parametrize(
    "path, body, field, words",
    [
        ("/api/v1/bookings/lookup/", {"code": {}, "nik": "3578014101900001"}, "code", "Isian ini harus berupa teks."),
        (
            "/api/v1/bookings/",
            {"office": "surabaya", "date": "2026-12-07", "session": 1, "applicant": {"full_name": []}},
            "applicant.full_name",
            "Isian ini harus berupa teks.",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_in_indonesian(path, body, field, words):
    response = APIClient().post(path, body, format="json", HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 400
    assert response.json()["fields"][field] == [words]


def test_a_coordinate_that_is_not_a_number_is_refused_in_indonesian():
    response = APIClient().get("/api/v1/offices/nearest/", {"lat": "utara", "lon": "112.7"}, HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 400
    assert response.json()["fields"] == {"lat": ["Isian ini harus berupa angka."]}
