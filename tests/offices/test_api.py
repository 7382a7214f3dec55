"""GET /api/v1/offices/, /{code}/ and /{code}/availability/ (DESIGN section 5)."""

import datetime as dt
import re

import pytest
import time_machine

from offices.models import Office
from offices.services import offices_release
from tests import factories
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def offices(db):
    surabaya = weekly_office(
        "surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya", province="Jawa Timur", city="Kota Surabaya"
    )
    factories.OfficeFactory(
        code="ulp-sidoarjo",
        name="ULP Imigrasi MPP Sidoarjo",
        kind="ulp",
        parent=surabaya,
        province="Jawa Timur",
        city="Kab. Sidoarjo",
        latitude="-7.44700",
        longitude="112.71800",
    )
    factories.OfficeFactory(
        code="makassar",
        name="Kantor Imigrasi Kelas I Khusus TPI Makassar",
        province="Sulawesi Selatan",
        city="Kota Makassar",
        timezone="Asia/Makassar",
        latitude="-5.14770",
        longitude="119.43270",
    )
    factories.OfficeFactory(code="closed-down", name="Kantor Lama Surabaya", is_active=False)
    offices_release(now=NOW)
    return surabaya


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_the_list_is_paginated_with_the_contract_fields(client, offices):
    body = client.get("/api/v1/offices/").json()

    assert body["count"] == 3
    assert set(body["results"][0]) >= {
        "code", "name", "kind", "parent", "province", "city", "address", "timezone", "online_booking",
    }  # fmt: skip
    sidoarjo = next(row for row in body["results"] if row["code"] == "ulp-sidoarjo")
    assert sidoarjo["parent"] == "surabaya"
    assert sidoarjo["tz_abbreviation"] == "WIB"


def test_the_list_searches_name_and_city_and_hides_inactive_offices(client, offices):
    assert codes(client.get("/api/v1/offices/?q=surabaya")) == ["surabaya"]
    assert codes(client.get("/api/v1/offices/?q=sidoarjo")) == ["ulp-sidoarjo"]
    assert codes(client.get("/api/v1/offices/?q=kota makassar")) == ["makassar"]


def test_the_list_filters_by_province_and_kind(client, offices):
    assert sorted(codes(client.get("/api/v1/offices/?province=jawa timur"))) == ["surabaya", "ulp-sidoarjo"]
    assert codes(client.get("/api/v1/offices/?kind=ulp")) == ["ulp-sidoarjo"]


def test_the_list_pages(client, offices):
    body = client.get("/api/v1/offices/?page_size=2&page=2").json()

    assert body["count"] == 3
    assert len(body["results"]) == 1
    assert body["previous"]


@pytest.mark.parametrize("page_size", ["0", "201", "null", "", "2.5"])
def test_a_page_size_out_of_range_is_a_400_naming_it(client, offices, page_size):
    response = client.get(f"/api/v1/offices/?page_size={page_size}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"] == {"page_size": ["Ask for 1 to 200 offices a page."]}


@pytest.mark.parametrize("page", ["", "0", "x", "9"])
def test_an_empty_page_is_a_page_that_does_not_exist_like_any_other(client, offices, page):
    response = client.get(f"/api/v1/offices/?page_size=2&page={page}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "There is no such page of results.", "fields": {}}


def test_a_page_left_out_is_the_first(client, offices):
    assert codes(client.get("/api/v1/offices/?page_size=2")) == codes(client.get("/api/v1/offices/?page_size=2&page=1"))


def test_an_empty_filter_filters_nothing_as_when_left_out(client, offices):
    everyone = codes(client.get("/api/v1/offices/"))

    assert len(everyone) == 3
    for query in ("q=", "province=", "kind=", "q=&province=&kind=", "q=%20%20"):
        response = client.get(f"/api/v1/offices/?{query}")
        assert (response.status_code, codes(response)) == (200, everyone), query
    nearest = client.get("/api/v1/offices/nearest/?lat=-7.45&lon=112.72&kind=")
    assert len(nearest.json()) == 3


def test_the_largest_page_size_is_served(client, offices):
    assert len(client.get("/api/v1/offices/?page_size=200").json()["results"]) == 3


def test_an_unknown_kind_is_a_validation_error(client, offices):
    response = client.get("/api/v1/offices/?kind=embassy")

    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_an_office_detail_has_its_window_and_service_points(client, offices):
    body = client.get("/api/v1/offices/surabaya/").json()

    assert body["code"] == "surabaya"
    assert body["service_points"] == ["ulp-sidoarjo"]
    assert body["booking_window"] == {"first": "2026-11-26", "last": "2026-12-25"}


def test_an_unknown_or_inactive_office_is_404_with_a_code(client, offices):
    for code in ("nowhere", "closed-down"):
        response = client.get(f"/api/v1/offices/{code}/")
        assert response.status_code == 404
        assert response.json()["code"] == "office_not_found"


def test_nearest_offices_are_sorted_by_distance(client, offices):
    body = client.get("/api/v1/offices/nearest/?lat=-7.45&lon=112.72&limit=2").json()

    assert [row["code"] for row in body] == ["ulp-sidoarjo", "surabaya"]
    assert body[0]["distance_km"] < 1


def test_availability_has_the_contract_shape(client, offices):
    body = client.get("/api/v1/offices/surabaya/availability/?start=2026-11-28&days=3").json()

    assert body["office"] == "surabaya"
    assert [(d["date"], d["status"]) for d in body["days"]] == [
        ("2026-11-28", "closed"),
        ("2026-11-29", "closed"),
        ("2026-11-30", "open"),
    ]
    monday = body["days"][2]
    assert set(monday) == {"date", "status", "reason", "release_at", "sessions"}
    assert set(monday["sessions"][0]) == {"id", "start", "end", "track", "capacity", "available"}


def test_availability_defaults_to_the_first_bookable_day(client, offices):
    body = client.get("/api/v1/offices/surabaya/availability/").json()

    assert body["days"][0]["date"] == "2026-11-26"
    assert len(body["days"]) == 31


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("start=2026-13-01", "invalid_date"),
        ("start=tomorrow", "invalid_date"),
        ("days=63", "invalid_date_range"),
        ("days=0", "invalid_date_range"),
        ("days=many", "invalid_date_range"),
        ("start=2029-01-01", "invalid_date_range"),
        ("start=2020-01-01", "invalid_date_range"),
    ],
)
def test_bad_dates_are_400_with_a_code(client, offices, query, code):
    response = client.get(f"/api/v1/offices/surabaya/availability/?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "code", "fields"),
    [
        (
            "start=",
            "invalid_date",
            {"start": ["Give a date as YYYY-MM-DD, or leave start out for the first bookable day."]},
        ),
        (
            "start=2026-11-30&start=",
            "invalid_date",
            {"start": ["Give a date as YYYY-MM-DD, or leave start out for the first bookable day."]},
        ),
        ("days=", "invalid_date_range", {"days": ["Give a number of days from 1 to 62, or leave days out for 31."]}),
        (
            "start=2026-11-30&days=",
            "invalid_date_range",
            {"days": ["Give a number of days from 1 to 62, or leave days out for 31."]},
        ),
    ],
)
def test_an_empty_start_or_days_is_refused_not_taken_as_left_out(client, offices, query, code, fields):
    response = client.get(f"/api/v1/offices/surabaya/availability/?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["fields"] == fields


def test_an_empty_start_is_refused_in_indonesian_by_default(client, offices):
    body = client.get("/api/v1/offices/surabaya/availability/?start=&days=").json()

    assert body["detail"] == "Masukkan tanggal yang benar (TTTT-BB-HH)."
    assert body["fields"] == {
        "start": ["Isi start dengan tanggal berformat TTTT-BB-HH, atau hilangkan start untuk mulai dari hari "
                  "pertama pendaftaran."],
        "days": ["Isi days dengan jumlah hari dari 1 sampai 62, atau hilangkan days untuk mendapat 31 hari."],
    }  # fmt: skip


def test_an_empty_limit_of_nearest_offices_is_refused(client, offices):
    response = client.get("/api/v1/offices/nearest/?lat=-7.45&lon=112.72&limit=", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"] == {"limit": ["Give a number of offices from 1 to 50, or leave limit out for 5."]}


def test_the_schema_says_what_an_empty_query_parameter_does(client, db):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    def parameter(path: str, name: str) -> dict:
        return next(p for p in paths[path]["get"]["parameters"] if p["name"] == name)

    assert "empty `page=`, is a 404 `not_found`" in parameter("/api/v1/offices/", "page")["description"]
    for name in ("q", "province", "kind"):
        assert "Empty or left out" in parameter("/api/v1/offices/", name)["description"], name
    assert "" in parameter("/api/v1/offices/", "kind")["schema"]["enum"]
    availability = "/api/v1/offices/{code}/availability/"
    assert "empty `start=` is a 400 `invalid_date`" in parameter(availability, "start")["description"]
    assert "empty `days=` is a 400 `invalid_date_range`" in parameter(availability, "days")["description"]
    assert "empty `limit=` is a 400" in parameter("/api/v1/offices/nearest/", "limit")["description"]


def test_sixty_two_days_is_the_most(client, offices):
    response = client.get("/api/v1/offices/surabaya/availability/?start=2026-11-26&days=62")

    assert response.status_code == 200
    assert len(response.json()["days"]) == 62


def test_a_warm_availability_read_makes_no_database_query(client, offices, django_assert_num_queries):
    url = "/api/v1/offices/surabaya/availability/?start=2026-11-26&days=31"
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 200


def test_saving_an_office_forgets_its_cached_copy(client, offices, django_capture_on_commit_callbacks):
    client.get("/api/v1/offices/surabaya/availability/?days=1")

    with django_capture_on_commit_callbacks(execute=True):
        office = Office.objects.get(code="surabaya")
        office.online_booking = False
        office.save()

    day = client.get("/api/v1/offices/surabaya/availability/?start=2026-11-30&days=1").json()["days"][0]
    assert day["status"] == "closed"


def test_the_schema_documents_the_office_endpoints(client, db):
    schema = client.get("/api/schema/?format=json").json()

    paths = schema["paths"]
    assert "/api/v1/offices/" in paths
    assert "/api/v1/offices/{code}/availability/" in paths
    parameters = {p["name"] for p in paths["/api/v1/offices/{code}/availability/"]["get"]["parameters"]}
    assert {"start", "days", "code"} <= parameters
    assert "Availability" in schema["components"]["schemas"]
    day = schema["components"]["schemas"]["AvailabilityDay"]["properties"]
    assert set(day) == {"date", "status", "reason", "release_at", "sessions"}


def test_the_schema_describes_the_answers_as_they_are(client, db):
    schema = client.get("/api/schema/?format=json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]

    def ref(response) -> str:
        return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    listed = paths["/api/v1/offices/"]["get"]["responses"]
    page = components[ref(listed["200"])]["properties"]
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["next"].get("nullable") and page["previous"].get("nullable")
    assert {"400", "404"} <= set(listed)
    assert components["Office"]["properties"]["parent"].get("nullable")
    availability = paths["/api/v1/offices/{code}/availability/"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(availability)
    assert ref(availability["404"]) == "ErrorOutput"
    assert "404" in paths["/api/v1/offices/{code}/"]["get"]["responses"]
    assert "400" in paths["/api/v1/offices/nearest/"]["get"]["responses"]


def test_a_main_office_has_no_parent_in_the_answer(client, db):
    Office.objects.create(code="kanim-x", name="Kantor Imigrasi X", timezone="Asia/Jakarta")

    listed = client.get("/api/v1/offices/?q=kanim-x").json()

    assert set(listed) == {"count", "next", "previous", "results"}
    assert listed["results"][0]["parent"] is None


def test_the_schema_gives_times_as_office_local_wall_clock_and_query_ranges(client, db):
    """OpenAPI's ``format: time`` is an RFC 3339 time with its UTC offset, which the API
    never sends; its times are the office's own clock ("08:00")."""
    schema = client.get("/api/schema/?format=json").json()
    schemas = schema["components"]["schemas"]

    for component, field in (("OfficeDetail", "opening_time"), ("SessionBrief", "start"), ("SessionOut", "end")):
        described = schemas[component]["properties"][field]
        assert "format" not in described
        assert re.fullmatch(described["pattern"], "08:00")
        assert re.fullmatch(described["pattern"], "07:30:00")
        assert not re.fullmatch(described["pattern"], "24:00")

    def parameter(path: str, name: str) -> dict:
        return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]

    assert parameter("/api/v1/offices/", "page_size") == {"type": "integer", "minimum": 1, "maximum": 200}
    assert parameter("/api/v1/offices/nearest/", "limit")["minimum"] == 1
    assert parameter("/api/v1/offices/nearest/", "lat")["maximum"] == 90
    assert parameter("/api/v1/offices/{code}/availability/", "days")["maximum"] == 62


def test_the_schema_documents_the_errors_around_every_view(client, db):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    counters = paths["/api/v1/staff/offices/{code}/counters/"]["get"]["responses"]
    assert {"200", "403", "404", "503"} <= set(counters)
    assert counters["403"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOutput"}
    booking = paths["/api/v1/bookings/"]["post"]
    assert {"400", "403", "415", "503"} <= set(booking["responses"])
    # The applicant is nested: only JSON can carry it.
    assert list(booking["requestBody"]["content"]) == ["application/json"]
    # A wrong X-Booking-Token is a 404, not a 400: the read's 400 is only about a body sent with it.
    assert "Token" not in paths["/api/v1/bookings/{code}/"]["get"]["responses"]["400"]["description"]
    assert (
        "a body was sent with this read" in paths["/api/v1/bookings/{code}/"]["get"]["responses"]["400"]["description"]
    )
    assert "400" in paths["/api/v1/bookings/{code}/token/"]["post"]["responses"]  # Idempotency-Key
