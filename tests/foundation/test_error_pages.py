"""Error pages a person can read: 400, 403, 404, 500 and 503, in Indonesian and English.

A lost database connection on a page (e.g. after a PostgreSQL restart) is answered with
the 503 page and ``Retry-After``, the way the API answers it with JSON. Most tests here
take the database away with ``connection.execute_wrapper``: every query then fails as on
a dropped connection, and each attempt is counted, so a test sees exactly what touched
the database while the 503 page was made.
"""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import IntegrityError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from offices import views as office_views
from queue_booking.middleware import DatabaseUnavailableMiddleware
from tests.foundation.conftest import backend_pid, terminate

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


class Refusal:
    """Stands in for the database: every query fails with ``error``; attempts are kept."""

    def __init__(self, error: type[Exception]):
        self.error = error
        self.attempts: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.attempts.append(sql)
        raise self.error("server closed the connection unexpectedly")


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[Refusal]:
    refusal = Refusal(error)
    with connection.execute_wrapper(refusal):
        yield refusal


def html(response: HttpResponse) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


# --- 404, 403, 400 -----------------------------------------------------------------


def test_a_missing_page_is_404_in_indonesian_with_a_way_back(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = html(response)
    assert '<html lang="id">' in page
    assert "<h1>Halaman tidak ditemukan</h1>" in page
    assert "Kesalahan 404" in page
    assert '<a class="button" href="/">Cari kantor imigrasi</a>' in page
    assert '<a class="button secondary" href="/my-booking/">Pendaftaran saya</a>' in page


@pytest.mark.django_db
def test_an_unknown_office_is_404_in_english(client):
    with translation.override("en"):
        response = client.get("/offices/no-such-office/", **ENGLISH)

    assert response.status_code == 404
    page = html(response)
    assert '<html lang="en">' in page
    assert "<h1>Page not found</h1>" in page
    assert "This page does not exist." in page
    assert '<a class="button" href="/">Find an immigration office</a>' in page


@pytest.mark.parametrize(
    ("handler", "status", "indonesian", "english"),
    [
        (defaults.permission_denied, 403, "Akses ditolak", "Access denied"),
        (defaults.bad_request, 400, "Permintaan tidak dapat dipahami", "Request not understood"),
    ],
    ids=["403", "400"],
)
def test_the_403_and_400_pages_are_translated_and_lead_home(handler, status, indonesian, english):
    request = RequestFactory().get("/staff/surabaya/today/")

    with translation.override("id"):
        response_id = handler(request, exception=Exception("internal detail"))
    with translation.override("en"):
        response_en = handler(request, exception=Exception("internal detail"))

    assert response_id.status_code == response_en.status_code == status
    assert f"<h1>{indonesian}</h1>" in html(response_id)
    assert f"<h1>{english}</h1>" in html(response_en)
    assert 'href="/"' in html(response_en)
    assert "internal detail" not in html(response_en)


def test_staff_of_another_office_see_the_403_page(client, other_officer, office):
    client.force_login(other_officer)

    response = client.get(f"/staff/{office.code}/checkin/")

    assert response.status_code == 403
    assert "<h1>Akses ditolak</h1>" in html(response)


# --- 500 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("id", "Terjadi kesalahan", "Pendaftaran Anda tidak hilang."),
        ("en", "Something went wrong", "Your booking is not lost."),
    ],
)
def test_the_500_page_stands_alone_with_an_empty_context(language, heading, advice):
    # No database marker: a query while rendering would fail the test.
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/offices/surabaya/"))

    assert response.status_code == 500
    page = html(response)
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert advice in page
    assert 'href="/static/css/app.css"' in page
    assert '<a class="brand" href="/">' in page


def test_an_error_in_a_page_shows_the_500_page(monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(office_views, "office_provinces", broken)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "<h1>Terjadi kesalahan</h1>" in html(response)
    assert "Retry-After" not in response


# --- 503: the database is unreachable -----------------------------------------------


@pytest.mark.django_db
def test_a_lost_database_on_a_page_is_503_with_retry_after_and_no_store(client):
    with database_down() as refusal:
        response = client.get("/", {"q": "surabaya", "province": "Jawa Timur"})

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response["Cache-Control"] == "no-store"
    page = html(response)
    assert '<html lang="id">' in page
    assert "<h1>Layanan sedang sibuk</h1>" in page
    assert "Layanan sedang sibuk atau terhenti sejenak. Tunggu sebentar, lalu coba lagi." in page
    assert "Pendaftaran Anda tidak hilang." in page
    assert '<a class="button" href="/?q=surabaya&amp;province=Jawa+Timur">Coba lagi</a>' in page
    # The view's own query, and nothing after it: the page was made without the database.
    assert len(refusal.attempts) == 1


@pytest.mark.django_db
def test_the_503_page_is_in_the_applicants_language(client):
    with translation.override("en"), database_down():
        response = client.get("/offices/no-such-office/", **ENGLISH)

    assert response.status_code == 503
    page = html(response)
    assert '<html lang="en">' in page
    assert "<h1>The service is busy</h1>" in page
    assert "The service is busy or briefly unavailable. Please try again in a moment." in page
    assert '<a class="button" href="/offices/no-such-office/">Try again</a>' in page


@pytest.mark.django_db
def test_a_signed_in_user_gets_the_503_page_without_their_session_being_read_again(client, officer):
    # With a session cookie, anything that reads the user, the session or stored
    # messages while the page is made would query the database once more.
    client.force_login(officer)

    with database_down() as refusal:
        response = client.get("/staff/")

    assert response.status_code == 503
    # The staff pages' own 503 page (tests/staff/test_staff_error_pages.py).
    assert "<h1>Sistem tidak dapat dihubungi</h1>" in html(response)
    assert len(refusal.attempts) == 1
    assert "django_session" in refusal.attempts[0]


@pytest.mark.django_db
def test_a_lost_database_on_a_page_is_logged_once_as_a_warning_without_the_path(client, caplog):
    with caplog.at_level(logging.WARNING), database_down():
        response = client.get("/offices/secret-office-code/", {"date": "2026-12-24"})

    assert response.status_code == 503
    assert [(r.name, r.levelname) for r in caplog.records] == [("queue_booking.middleware", "WARNING")]
    message = caplog.records[0].getMessage()
    assert "OperationalError" in message
    assert "GET offices/<slug:code>/" in message
    assert "secret-office-code" not in message
    assert "2026-12-24" not in message
    assert "server closed" not in message


@pytest.mark.django_db
def test_other_database_errors_on_a_page_are_not_taken_for_an_outage():
    with database_down(IntegrityError):
        response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_retry_link_stays_on_the_site():
    request = RequestFactory().get("/")
    request.path = request.path_info = "//elsewhere.example/"

    response = DatabaseUnavailableMiddleware(lambda request: None).process_exception(request, OperationalError())

    assert response.status_code == 503
    assert '<a class="button" href="/">' in html(response)
    assert "elsewhere.example" not in html(response)


# --- The API keeps its JSON ----------------------------------------------------------


@pytest.mark.django_db
def test_a_lost_database_on_the_api_is_still_the_json_503(client, caplog):
    with caplog.at_level(logging.WARNING), database_down():
        response = client.post(
            "/api/v1/bookings/lookup/", {"code": "K7M2QX9A", "nik": "3578014507900002"}, content_type="application/json"
        )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "1"
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["fields"] == {}
    # Answered by the API's own handler, as before; the pages' middleware stays out of it.
    assert [r.name for r in caplog.records] == ["queue_booking.api_errors"]


@pytest.mark.django_db
def test_a_lost_database_before_the_api_handler_is_json_not_a_page(client, officer, caplog):
    # The fast booking path asks whether the user is signed in before it hands errors to
    # the API's handler; with a session cookie that reads the session from the database.
    client.force_login(officer)

    with caplog.at_level(logging.WARNING), database_down():
        response = client.post("/api/v1/bookings/", {}, content_type="application/json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "1"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["code"] == "service_unavailable"
    assert [r.name for r in caplog.records] == ["queue_booking.api_errors"]


@pytest.mark.django_db
def test_the_json_a_page_polls_gets_the_json_503_not_a_page():
    from django.urls import reverse

    queue_status = reverse("applicants:queue-status", kwargs={"code": "ABCD2345", "token": "t" * 20})
    assert queue_status.endswith("queue.json")

    with database_down() as refusal:
        response = Client().get(queue_status)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "1"
    assert json.loads(response.content)["code"] == "service_unavailable"
    assert refusal.attempts  # the view did try the database


# --- A real restart (PostgreSQL) ---------------------------------------------------


def serve_page(path: str) -> HttpResponse:
    """GET ``path`` as gunicorn would: WSGIHandler, then ``close()`` (see test_database_restart.py)."""
    environ = RequestFactory().get(path).environ
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: None)
    response.close()  # request_finished: close_old_connections
    return response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kept_connection")
def test_a_page_on_a_dropped_connection_is_503_and_the_next_is_served(caplog):
    connection.close()
    assert serve_page("/").status_code == 200
    pid = backend_pid()
    terminate(pid)
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        failed = serve_page("/")

    assert failed.status_code == 503
    assert failed["Retry-After"] == "1"
    assert "<h1>Layanan sedang sibuk</h1>" in html(failed)
    assert [(r.name, r.levelname) for r in caplog.records] == [("queue_booking.middleware", "WARNING")]
    assert connection.connection is None, "Django should close the broken connection after the request"

    again = serve_page("/")

    assert again.status_code == 200
    assert backend_pid() != pid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "heading", "saved"),
    [
        ({}, "Formulir ini sudah kedaluwarsa", "Tidak ada yang disimpan."),
        (ENGLISH, "This form has expired", "Nothing was saved."),
    ],
)
def test_an_expired_form_is_explained_not_django_s_csrf_page(headers, heading, saved):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/i18n/setlang/", {"language": "en"}, **headers)

    body = response.content.decode()
    assert response.status_code == 403
    assert heading in body and saved in body
    assert "CSRF" not in body


# --- 503: the cache (Redis) is unreachable ---------------------------------------------


@pytest.fixture
def redis_down(monkeypatch):
    """Every read of the shared cache raises as redis-py does when Redis is down.

    The product's Redis backend fails soft (tests/applicants/test_redis_outage.py), so
    this is the backstop: a Redis error that still reaches a view is a 503, not a 500."""
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisConnectionError

    def refuse(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for name in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many"):
        monkeypatch.setattr(cache, name, refuse)


@pytest.mark.django_db
def test_a_lost_cache_on_a_page_is_the_503_page_not_a_500(client, redis_down, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/offices/surabaya/")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "<h1>Layanan sedang sibuk</h1>" in html(response)
    assert any(r.getMessage().startswith("cache unavailable (ConnectionError") for r in caplog.records)


@pytest.mark.django_db
def test_a_lost_cache_on_the_api_is_the_json_503(client, redis_down):
    response = client.get("/api/v1/offices/surabaya/availability/?days=3")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "service_unavailable"
