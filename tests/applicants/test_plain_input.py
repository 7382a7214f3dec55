"""``booking_input_if_plain`` may only ever say what the serializer says: whatever it
accepts, ``BookingCreateInput`` accepts with the same result; the rest it leaves alone."""

import copy
import datetime as dt
import json

import pytest

from applicants.api.booking_serializers import BookingCreateInput, booking_input_if_plain
from tests.applicants.conftest import BIRTH, nik_number

TODAY = dt.date(2026, 11, 30)

BASE = {
    "office": "surabaya",
    "date": "2026-12-07",
    "session": 812,
    "track": "regular",
    "service": "new",
    "applicant": {
        "nik": nik_number(1),
        "full_name": "Siti Rahayu",
        "birth_date": BIRTH.isoformat(),
        "phone": "0812-3456-7890",
        "email": "Siti@Example.ORG",
    },
    "if_full": "reject",
}


def _with(path: tuple, value) -> dict:
    body = copy.deepcopy(BASE)
    target = body
    for key in path[:-1]:
        target = target[key]
    if value is _MISSING:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    return body


_MISSING = object()

# Each field with values of every kind: plain, odd, wrong.
VARIANTS = {
    ("office",): ["makassar", " surabaya", "sura baya", "surabaya!", "", "x" * 41, 7, None, _MISSING],
    ("date",): ["2026-12-31", "20261207", "2026-13-01", "2026-12-07T08:00", "", 20261207, None, _MISSING],
    ("session",): [1, 0, -5, "812", 812.0, True, None, 10**12, _MISSING],
    ("track",): ["express", "priority", "REGULAR", "", ["regular"], None, _MISSING],
    ("service",): ["renewal", "replacement_lost", "passport", 1, _MISSING],
    ("if_full",): ["next_available", "wait", {"a": 1}, _MISSING],
    ("language",): ["en", "id", "fr", "", ["en"], None],
    ("extra",): ["ignored"],
    ("applicant",): [None, "x", [], {}, _MISSING],
    ("applicant", "nik"): [
        nik_number(2),
        "3578 0101 9000 01",
        "3578-0101-9000-01",
        "357801010190000",
        "35780101900000011",
        "3578010190000001 ",
        "\u0663578010190000001",
        35780101900001,
        "",
        None,
        _MISSING,
    ],
    ("applicant", "full_name"): [
        "Ni Luh Putu Ayu",
        "  Siti  ",
        "Siti\tRahayu",
        "Siti\x00",
        "\ud800",
        "Ñoño Đặng",
        "x" * 150,
        "x" * 151,
        "",
        "   ",
        123,
        None,
        _MISSING,
    ],
    ("applicant", "birth_date"): ["1990-01-02", "2030-01-01", "1880-01-01", "01-01-1990", "", None, _MISSING],
    ("applicant", "phone"): [
        "+62 812 3456 7890",
        "6281234567890",
        "0812",
        "phone",
        " 081234567890",
        "x" * 33,
        81234567890,
        "",
        None,
        _MISSING,
    ],
    ("applicant", "email"): ["", "a@b.co", "nope", "a@b", " a@b.co", "x" * 250 + "@b.co", None, 5, _MISSING],
}

CASES = [BASE] + [_with(path, value) for path, values in VARIANTS.items() for value in values]


def _serializer(body) -> dict | None:
    serializer = BookingCreateInput(data=body, context={"today": TODAY})
    return json.loads(json.dumps(serializer.validated_data, default=str)) if serializer.is_valid() else None


@pytest.mark.parametrize("body", CASES, ids=range(len(CASES)))
def test_what_the_plain_check_accepts_the_serializer_accepts_the_same(body):
    plain = booking_input_if_plain(body, today=TODAY)

    if plain is not None:
        assert json.loads(json.dumps(plain, default=str)) == _serializer(body)


def test_a_plain_valid_body_is_accepted_without_the_serializer():
    plain = booking_input_if_plain(BASE, today=TODAY)

    assert plain == {
        "office": "surabaya",
        "date": dt.date(2026, 12, 7),
        "session": 812,
        "track": "regular",
        "service": "new",
        "applicant": {
            "nik": nik_number(1),
            "full_name": "Siti Rahayu",
            "birth_date": BIRTH,
            "phone": "+6281234567890",
            "email": "Siti@example.org",
        },
        "if_full": "reject",
    }


def test_most_plain_variants_take_the_fast_way():
    """The check is useful, not only safe: the valid variants above pass it."""
    accepted = sum(booking_input_if_plain(body, today=TODAY) is not None for body in CASES)
    valid = sum(_serializer(body) is not None for body in CASES)

    assert accepted >= 20
    assert accepted <= valid
