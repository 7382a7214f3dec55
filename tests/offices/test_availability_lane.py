"""An office's availability before the middleware (queue_booking/fast_lane.py): after the
first read went down the whole stack, a read this worker keeps an answer for gets that
answer, header for header as the stack gives it, without the rest of the stack."""

import pytest
import time_machine

from offices import cache as office_cache
from queue_booking import middleware
from tests.conftest import record_requests
from tests.offices.conftest import RELEASE_NOW

URL = "/api/v1/offices/surabaya/availability/?start=2026-11-30&days=2"


@pytest.fixture(autouse=True)
def _pinned(micro_cache_on):
    with time_machine.travel(RELEASE_NOW, tick=False):
        yield


@pytest.fixture
def office(released_office):
    return released_office


@pytest.fixture
def through_stack(monkeypatch):
    """One entry per request that went down the whole stack (its last middleware)."""
    return record_requests(monkeypatch, middleware.DatabaseUnavailableMiddleware, "__call__", note=lambda self: "x")


def _answer(response) -> tuple:
    return response.status_code, response.content, sorted(response.items())


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("https", [False, True])
def test_a_kept_read_gets_the_stack_s_answer_before_the_middleware(
    client, office, through_stack, settings, language, https
):
    settings.SECURE_HSTS_SECONDS = 3600
    extra = {"HTTP_ACCEPT_LANGUAGE": language, "HTTP_X_FORWARDED_PROTO": "https" if https else "http"}

    from_stack = client.get(URL, **extra)
    from_lane = client.get(URL, **extra)

    assert len(through_stack) == 1
    assert from_stack.status_code == 200
    assert _answer(from_lane) == _answer(from_stack)
    assert ("Strict-Transport-Security" in from_lane) is https
    assert from_lane["Content-Language"] == language
    assert from_lane["Allow"] == "GET, HEAD, OPTIONS"


def test_the_lane_asks_no_database_and_no_shared_cache(client, office, through_stack, django_assert_num_queries):
    client.get(URL)
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(0):
        response = client.get(URL)

    assert response.status_code == 200 and len(through_stack) == 1


def test_a_read_without_a_kept_answer_goes_down_the_stack(client, office, through_stack):
    client.get(URL)

    other_query = client.get(URL.replace("days=2", "days=3"))
    again = client.get(URL.replace("days=2", "days=3"))

    assert other_query.status_code == again.status_code == 200
    assert len(through_stack) == 2  # the first of each query; the second from the lane
    assert _answer(again) == _answer(other_query)


def test_a_changed_office_is_read_again_down_the_stack(client, office, through_stack):
    client.get(URL)
    office_cache.local_forget(office.id)  # what an invalidation does in this process

    client.get(URL)

    assert len(through_stack) == 2


def test_each_language_learns_its_own_headers(client, office, through_stack):
    answers = [client.get(URL, HTTP_ACCEPT_LANGUAGE=language) for language in ("id", "en", "en", "id")]

    assert len(through_stack) == 2
    assert [answer["Content-Language"] for answer in answers] == ["id", "en", "en", "id"]


@pytest.mark.parametrize(
    ("request_again", "status", "reached_the_end"),
    [
        pytest.param(lambda client: client.head(URL), 200, True, id="head"),
        pytest.param(lambda client: client.options(URL), 200, True, id="options"),
        # Refused by CommonMiddleware, before the end of the stack: not by the lane.
        pytest.param(lambda client: client.get(URL, HTTP_HOST="elsewhere.example"), 400, False, id="host-not-allowed"),
    ],
)
def test_other_requests_go_down_the_stack(client, office, through_stack, request_again, status, reached_the_end):
    client.get(URL)

    response = request_again(client)

    assert response.status_code == status
    assert len(through_stack) == (2 if reached_the_end else 1)


def test_a_request_with_cookies_goes_down_the_stack(client, office, through_stack):
    client.get(URL)
    client.cookies["django_language"] = "en"

    response = client.get(URL)

    assert len(through_stack) == 2
    assert response["Content-Language"] == "en"


def test_an_error_is_never_learned(client, office, through_stack):
    missing = client.get(URL.replace("surabaya", "atlantis"))
    first = client.get(URL)
    second = client.get(URL)

    assert missing.status_code == 404
    assert first.status_code == second.status_code == 200
    assert len(through_stack) == 2  # the 404 and the first read; the second from the lane
    assert "atlantis" not in second.content.decode()
