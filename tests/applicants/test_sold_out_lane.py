"""The "session full" answer before the middleware (queue_booking/fast_lane.py): after
the first such answer went through the whole stack, the same kind of request gets the same
answer, header for header, without the rest of the stack."""

import pytest
from rest_framework.test import APIClient

from applicants.models import Booking
from queue_booking import middleware
from tests.applicants.conftest import mark_full, nik_number, payload
from tests.conftest import record_requests

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def through_stack(monkeypatch):
    """The paths of the requests that went down the whole stack (its last middleware)."""
    return record_requests(monkeypatch, middleware.DatabaseUnavailableMiddleware, "__call__", note=lambda self: "x")


@pytest.fixture
def full(slot):
    mark_full(slot)
    return slot


def _post(client, slot, n, **extra):
    return client.post(URL, payload(slot, nik=nik_number(n)), format="json", **extra)


def _answer(response) -> tuple:
    return response.status_code, response.content, sorted(response.items())


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("https", [False, True])
def test_after_the_first_refusal_the_lane_gives_the_stack_s_answer(api, full, through_stack, settings, language, https):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    extra = {"HTTP_ACCEPT_LANGUAGE": language, "HTTP_X_FORWARDED_PROTO": "https" if https else "http"}

    from_stack = _post(api, full, 1, **extra)
    from_lane = _post(api, full, 2, **extra)

    assert len(through_stack) == 1
    assert from_stack.status_code == 409 and from_stack.json()["code"] == "session_full"
    assert _answer(from_lane) == _answer(from_stack)
    assert ("Strict-Transport-Security" in from_lane) is https
    assert from_lane["Content-Language"] == language
    assert not Booking.objects.exists()


def test_each_language_is_kept_apart(api, full, through_stack):
    answers = [_post(api, full, n, HTTP_ACCEPT_LANGUAGE=lang) for n, lang in enumerate(["id", "en", "en", "id"])]

    assert len(through_stack) == 2  # the first in each language
    assert _answer(answers[1]) == _answer(answers[2])
    assert _answer(answers[0]) == _answer(answers[3])
    assert answers[0].json()["detail"] != answers[1].json()["detail"]


def test_the_lane_asks_no_database_and_logs_nothing(api, full, through_stack, django_assert_num_queries, caplog):
    _post(api, full, 1)

    with django_assert_num_queries(0):
        response = _post(api, full, 2)

    assert response.status_code == 409 and len(through_stack) == 1
    assert not [record for record in caplog.records if record.name == "django.request"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda slot: ({}, {"HTTP_IDEMPOTENCY_KEY": "k-1"}), id="idempotency-key"),
        pytest.param(lambda slot: ({"if_full": "next_available"}, {}), id="next-available"),
        pytest.param(lambda slot: ({"session": slot.id + 1000}, {}), id="session-not-marked-full"),
    ],
)
def test_other_bookings_go_down_the_whole_stack(api, full, through_stack, change):
    _post(api, full, 1)
    body_change, extra = change(full)

    api.post(URL, {**payload(full, nik=nik_number(2)), **body_change}, format="json", **extra)

    assert len(through_stack) == 2


def test_a_request_with_cookies_goes_down_the_whole_stack(api, full, through_stack):
    _post(api, full, 1)
    api.cookies["django_language"] = "en"

    response = _post(api, full, 2)

    assert len(through_stack) == 2
    assert response["Content-Language"] == "en"  # the cookie decided, as the stack reads it


def test_other_requests_go_down_the_whole_stack(api, full, through_stack):
    _post(api, full, 1)

    api.post(URL, "not json", content_type="application/json")
    api.post(URL, "[1, 2]", content_type="application/json")
    api.post(URL, {"office": "x"}, format="multipart")
    api.get(URL)
    api.post("/api/v1/bookings/lookup/", {"code": "K7M2QX9A", "nik": nik_number(3)}, format="json")

    assert len(through_stack) == 6


def test_an_answer_that_is_not_the_refusal_is_never_kept(api, slot, through_stack):
    booked = _post(api, slot, 1)
    assert booked.status_code == 201
    mark_full(slot)

    first_refusal = _post(api, slot, 2)
    second_refusal = _post(api, slot, 3)

    assert (first_refusal.status_code, second_refusal.status_code) == (409, 409)
    assert len(through_stack) == 2  # the booking and the first refusal; the second from the lane


def test_a_redirect_to_https_is_never_kept(api, full, through_stack, settings):
    settings.SECURE_SSL_REDIRECT = True

    answers = [_post(api, full, n) for n in range(3)]

    assert [answer.status_code for answer in answers] == [301, 301, 301]
    assert len(through_stack) == 0  # SecurityMiddleware answers before the last middleware


def test_a_rate_limited_request_gets_the_view_s_429_from_the_lane(full, through_stack, settings):
    settings.RATELIMIT_BOOKING_IP = "2/m"
    lane = APIClient()
    assert [_post(lane, full, n).status_code for n in range(2)] == [409, 409]
    from_lane = _post(lane, full, 3)
    assert len(through_stack) == 1

    from_stack = _post(APIClient(), full, 4)  # a new process: nothing kept yet, same address

    assert len(through_stack) == 2
    assert from_lane.status_code == from_stack.status_code == 429
    assert from_lane.json() == from_stack.json()
    assert sorted(dict(from_lane.items()).keys()) == sorted(dict(from_stack.items()).keys())
    assert abs(int(from_lane["Retry-After"]) - int(from_stack["Retry-After"])) <= 1


def test_the_lane_counts_the_address_s_rate_limit(full, settings):
    settings.RATELIMIT_BOOKING_IP = "3/m"
    client = APIClient()

    statuses = [_post(client, full, n).status_code for n in range(5)]

    assert statuses == [409, 409, 409, 429, 429]


def test_a_host_not_allowed_is_left_to_the_stack(full):
    lane = APIClient()
    _post(lane, full, 1)

    from_lane = _post(lane, full, 2, HTTP_HOST="elsewhere.example")
    from_stack = _post(APIClient(), full, 3, HTTP_HOST="elsewhere.example")

    assert from_lane.status_code == from_stack.status_code == 400
    # The same page and headers; only the page's CSRF token differs from request to request.
    assert sorted(from_lane.items()) == sorted(from_stack.items())
    assert from_lane.content.count(b"\n") == from_stack.content.count(b"\n")


def test_a_large_body_is_left_to_the_stack(api, full, through_stack):
    _post(api, full, 1)
    body = {**payload(full, nik=nik_number(2)), "padding": "x" * 5000}

    response = api.post(URL, body, format="json")

    assert response.status_code == 409
    assert len(through_stack) == 2


def test_an_odd_content_length_is_left_to_the_stack(api, full, through_stack):
    _post(api, full, 1)

    response = _post(api, full, 2, CONTENT_LENGTH="twelve")

    assert response.status_code == 400  # Django reads no body; the stack says so
    assert len(through_stack) == 2
