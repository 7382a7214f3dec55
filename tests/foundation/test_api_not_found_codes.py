"""Which 404 code an address answers, and that the schema says so (DESIGN section 5).

A well-formed code in the path that names nothing is answered with the code of what it
should name (`office_not_found`, `booking_not_found`), which clients rely on to tell "no
such office" from a wrong address; `not_found` is an address that names nothing at all
(a path the API does not have, or a code with characters no code has)."""

import re

import pytest

from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

UNKNOWN = {
    "/api/v1/offices/nowhere/": "office_not_found",
    "/api/v1/offices/nowhere/availability/": "office_not_found",
    "/api/v1/offices/nowhere/queue/": "office_not_found",
    "/api/v1/bookings/ABCDEFGH/": "booking_not_found",
    "/api/v1/bookings/ABCDEFGH/position/": "booking_not_found",
    "/api/v1/bookings/ABC.DEFG/": "booking_not_found",
    # An office code no office code can be, a path the API does not have: the address names nothing.
    "/api/v1/offices/no.where/": "not_found",
    "/api/v1/bookings/ABCDEFGH/nowhere/": "not_found",
}


@pytest.mark.parametrize("path", list(UNKNOWN))
def test_an_unknown_code_is_answered_with_the_code_of_what_it_should_name(client, path):
    OfficeFactory(code="surabaya")

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json()["code"] == UNKNOWN[path]


def _codes(description: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+_not_found|not_found)`", description))


def test_the_schema_says_which_404_code_each_address_with_a_code_answers(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    templated = [(path, method, op) for path, ops in paths.items() if "{" in path for method, op in ops.items()]
    assert templated
    for path, method, operation in templated:
        description = operation["responses"]["404"]["description"]
        codes = _codes(description)
        # Its own code for a code that names nothing, and when `not_found` is answered instead.
        assert codes - {"not_found"}, (method, path, description)
        assert "not_found" in codes, (method, path, description)
        assert "a code in it with characters no code of its kind has" in description, (method, path, description)
    office = paths["/api/v1/offices/{code}/"]["get"]["responses"]["404"]["description"]
    assert office.startswith("No active office has this code"), office
