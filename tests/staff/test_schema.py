"""The staff and queue endpoints are part of the published OpenAPI schema."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

STAFF_PATHS = {
    "/api/v1/staff/checkins/": "post",
    "/api/v1/staff/offices/{code}/call-next/": "post",
    "/api/v1/staff/offices/{code}/walk-ins/": "post",
    "/api/v1/staff/offices/{code}/counters/": "get",
    "/api/v1/staff/bookings/{code}/served/": "post",
    "/api/v1/staff/bookings/{code}/missed/": "post",
    "/api/v1/staff/bookings/{code}/recall/": "post",
    "/api/v1/offices/{code}/queue/": "get",
    "/api/v1/bookings/{code}/position/": "get",
}


def test_every_day_of_service_endpoint_is_in_the_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    for path, method in STAFF_PATHS.items():
        assert method in schema["paths"].get(path, {}), path
    checkin = schema["paths"]["/api/v1/staff/checkins/"]["post"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(checkin["responses"])
    assert len({op["operationId"] for p in STAFF_PATHS for op in schema["paths"][p].values()}) >= len(STAFF_PATHS)


def test_the_staff_endpoints_document_their_errors(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    assert "400" in paths["/api/v1/staff/offices/{code}/call-next/"]["post"]["responses"]
    assert "400" in paths["/api/v1/staff/offices/{code}/counters/"]["post"]["responses"]
    assert "404" in paths["/api/v1/staff/offices/{code}/walk-ins/"]["post"]["responses"]
