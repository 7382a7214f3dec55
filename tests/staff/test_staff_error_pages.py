"""What an officer reads when a staff page fails mid-action: the server's error (500), the
system out of reach (503), a page out of date (expired form), or a session that ended.
The public pages spoke to applicants ("your booking is not lost", "if you were booking,
check My booking") and led to the office search, never back to the desk."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from applicants.views import staff as staff_views
from tests.foundation.test_error_pages import database_down, html

pytestmark = pytest.mark.django_db

APPLICANT_WORDS = ("Your booking is not lost", "Pendaftaran Anda tidak hilang", "My booking", "Pendaftaran saya")


def _no_applicant_words(page: str) -> None:
    assert not [words for words in APPLICANT_WORDS if words in page]


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("en", "Something went wrong", "Open the page again and check what it shows before you repeat anything"),
        ("id", "Terjadi kesalahan", "Buka kembali halamannya dan periksa isinya sebelum mengulang apa pun"),
    ],
)
def test_a_server_error_on_a_staff_page_says_what_to_check_before_doing_it_again(
    officer, office, monkeypatch, language, heading, advice
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(staff_views, "queue_call_next", broken)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(officer)
    desk = client.post(reverse("staff:counters", args=[office.code]), {"name": "Loket 1"}, follow=True)

    response = client.post(desk.redirect_chain[-1][0], {"action": "call_next"})

    assert response.status_code == 500
    page = html(response)
    assert f"<h1>{heading}</h1>" in page
    assert advice in page
    assert '<a class="button" href="/staff/">' in page
    _no_applicant_words(page)


def test_a_server_error_on_a_public_page_keeps_the_applicants_500_page(monkeypatch):
    from offices import views as office_views

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(office_views, "office_provinces", broken)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "Pendaftaran Anda tidak hilang." in html(response)


def test_the_system_out_of_reach_on_a_staff_page_points_to_the_paper_day_list(client, officer, office):
    client.force_login(officer)
    url = reverse("staff:checkin", args=[office.code])

    with database_down() as refusal:
        response = client.post(url, {"action": "lookup", "code": "ABCD2345"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    page = html(response)
    assert "<h1>The system cannot be reached</h1>" in page
    assert "go on on paper with the day list printed this morning" in page
    assert f'<a class="button" href="{url}">Try again</a>' in page
    assert '<a class="button secondary" href="/staff/">Back to the staff pages</a>' in page
    _no_applicant_words(page)
    # Made without the database: the session read that failed, nothing after it.
    assert len(refusal.attempts) == 1


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("en", "This page was out of date", "Nothing was done."),
        ("id", "Halaman ini sudah kedaluwarsa", "Tidak ada yang dijalankan."),
    ],
)
def test_a_staff_form_from_a_page_out_of_date_says_nothing_was_done(officer, office, language, heading, advice):
    """A tab opened before someone signed in again at the same PC: its forms carry the old
    token. The page said "If you were booking, check My booking first"."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(officer)

    response = client.post(reverse("staff:walkin", args=[office.code]), {"nik": "3578011705900001"})

    assert response.status_code == 403
    page = html(response)
    assert heading in page and advice in page
    assert '<a class="button" href="/staff/">' in page
    assert "CSRF" not in page
    _no_applicant_words(page)


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "You were signed out, so that was not done. Sign in and do it again."),
        ("id", "Anda sudah keluar dari akun, sehingga tindakan tadi tidak dijalankan. Silakan masuk, lalu ulangi."),
    ],
)
def test_an_action_sent_after_being_signed_out_is_said_not_done_on_the_sign_in_page(client, office, language, note):
    """It went to the sign-in page without a word, and then to the page as it was."""
    response = client.post(
        reverse("staff:checkin", args=[office.code]),
        {"action": "confirm", "code": "ABCD2345"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.redirect_chain[-1][0].startswith(reverse("staff:login"))
    assert note in response.text


def test_opening_a_staff_page_signed_out_says_nothing_of_a_lost_action(client, office):
    response = client.get(reverse("staff:checkin", args=[office.code]), follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain[-1][0].startswith(reverse("staff:login"))
    assert "signed out" not in response.text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "If you had just pressed a button, nothing was done."),
        ("id", "Jika Anda baru saja menekan tombol, tidak ada yang dijalankan."),
    ],
)
def test_a_counter_closed_meanwhile_is_a_staff_404_with_the_way_back(officer_client, office, desk, language, words):
    """A tab left open on a counter closed since: its "Call next" got the applicants' 404
    ("To book an appointment, choose an immigration office")."""
    url = reverse("staff:counter", args=[office.code, desk.id])
    officer_client.post(url, {"action": "close"})

    response = officer_client.post(url, {"action": "call_next"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    page = html(response)
    assert words in page
    assert '<a class="button" href="/staff/">' in page
    assert "To book an appointment" not in page and "Untuk mendaftar" not in page
    _no_applicant_words(page)


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("en", "Request not understood", "Nothing was done."),
        ("id", "Permintaan tidak dapat dipahami", "Tidak ada yang dilakukan."),
    ],
)
def test_a_chunked_staff_form_the_server_cannot_read_is_the_staff_411_page(
    officer_client, office, language, heading, advice
):
    """A server that cannot end a chunked body (runserver: no ``wsgi.input_terminated``)
    answers 411 (queue_booking/chunked_body.py); on a staff page, with the staff words."""
    response = officer_client.generic(
        "POST",
        reverse("staff:checkin", args=[office.code]),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE=language,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(b"action=lookup&code=ABCD2345")},
    )

    assert response.status_code == 411
    page = html(response)
    assert f"<h1>{heading}</h1>" in page
    assert advice in page
    assert '<a class="button" href="/staff/">' in page
    _no_applicant_words(page)
