""" "Find my booking" (code + NIK) cannot be used to guess a NIK for a known code.

The proof shows the code with the NIK's first and last four digits, and a NIK's middle
is a district and a birth date: with the code, a few hundred guesses find the whole
NIK, and a right guess answers with the booking's secret. The per-address and per-NIK
limits did not stop that (each guess is another NIK, from as many addresses as one
likes), so look-ups are also limited per booking code.
"""

import pytest

from tests.applicants.conftest import NIK, nik_number, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def guessing(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_LOOKUP_IP = "100/m"
    settings.RATELIMIT_LOOKUP_NIK = "100/m"
    settings.RATELIMIT_LOOKUP_CODE = "3/h"


def lookup(api, code: str, nik: str, address: str):
    return api.post(f"{URL}lookup/", {"code": code, "nik": nik}, format="json", HTTP_X_FORWARDED_FOR=address)


def test_guesses_at_one_code_are_limited_whatever_the_address(api, slot, guessing):
    code = api.post(URL, payload(slot), format="json").json()["code"]

    guesses = [lookup(api, code, nik_number(n + 10), f"203.0.113.{n}").status_code for n in (1, 2, 3)]
    right = lookup(api, code, NIK, "198.51.100.1")

    assert guesses == [404, 404, 404]
    assert right.status_code == 429, right.json()
    assert right.json()["code"] == "rate_limited"
    assert "token" not in right.json()


def test_another_code_is_not_held_back(api, slot, guessing):
    code = api.post(URL, payload(slot), format="json").json()["code"]
    for n in (1, 2, 3):
        lookup(api, "ZZZZZZZZ", nik_number(n + 10), f"203.0.113.{n}")

    found = lookup(api, code, NIK, "198.51.100.1")

    assert found.status_code == 200, found.json()
    assert found.json()["token"]


def test_the_lookup_page_is_limited_per_code_too(client, api, slot, guessing):
    code = api.post(URL, payload(slot), format="json").json()["code"]

    answers = [
        client.post("/my-booking/", {"code": code, "nik": nik}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n, nik in enumerate([nik_number(11), nik_number(12), nik_number(13), NIK])
    ]

    # Refused three times (back on the form by a redirect), then limited.
    assert answers == [303, 303, 303, 429]


def test_a_code_is_counted_however_it_is_typed(api, slot, guessing):
    code = api.post(URL, payload(slot), format="json").json()["code"]
    for n, typed in enumerate([code.lower(), f" {code} ", code]):
        lookup(api, typed, nik_number(n + 10), f"203.0.113.{n}")

    assert lookup(api, code, NIK, "198.51.100.1").status_code == 429


@pytest.mark.parametrize("typed", ["5D23AVQ", "5D23AVQW2", "5D23AV0W", "5D23-AV1W"])
def test_a_code_no_code_can_be_is_said_to_be_so_and_counts_no_attempt(api, slot, guessing, settings, typed):
    settings.RATELIMIT_LOOKUP_NIK = "3/h"
    code = api.post(URL, payload(slot), format="json").json()["code"]
    refused = [lookup(api, typed, NIK, f"203.0.113.{n}") for n in (1, 2, 3)]

    assert {r.status_code for r in refused} == {400}
    assert refused[0].json()["code"] == "invalid_code"
    assert list(refused[0].json()["fields"]) == ["code"]
    # Not counted against the NIK's three look-ups an hour: the right code still finds it.
    assert lookup(api, code, NIK, "198.51.100.1").status_code == 200
