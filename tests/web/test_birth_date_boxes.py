"""The booking page's date of birth as day, month and year boxes, through the review step."""

import re

import pytest

from applicants.models import Applicant, Booking
from tests.web.conftest import sent_back
from tests.web.test_booking_pages import _field_error, _form

pytestmark = pytest.mark.django_db

BOXES = {"birth_date_0": "17", "birth_date_1": "5", "birth_date_2": "1990"}


def _parts_form(**overrides) -> dict:
    data = _form(**overrides)
    del data["birth_date"]
    return {**data, **BOXES, **{k: v for k, v in overrides.items() if k.startswith("birth_date_")}}


def _fieldset(html: str) -> str:
    return re.search(r'<fieldset class="field[^"]*" id="id_birth_date".*?</fieldset>', html, re.S).group(0)


def test_the_form_asks_for_day_month_and_year_in_one_named_group(client, pinned, surabaya):
    html = client.get("/offices/surabaya/book/", {"date": _form()["date"]}).content.decode()

    group = _fieldset(html)
    assert "<legend>Tanggal lahir</legend>" in group
    assert "Misalnya 17 8 1990" in group
    assert 'aria-describedby="id_birth_date_helptext"' in group
    labels = re.findall(r"<label for=\"id_birth_date_\d\">(\w+)</label>", group)
    assert labels == ["Tanggal", "Bulan", "Tahun"]
    assert 'type="date"' not in html


def test_a_birth_date_that_disagrees_with_the_nik_keeps_what_was_typed(client, pinned, surabaya):
    response = client.post("/offices/surabaya/book/", _parts_form(birth_date_2="1991"), follow=True)

    html = response.content.decode()
    assert sent_back(response)
    assert "NIK" in _field_error(html, "birth_date")
    group = _fieldset(html)
    assert 'aria-describedby="id_birth_date_helptext id_birth_date_error"' in group
    assert 'name="birth_date_0" value="17"' in group and 'name="birth_date_2" value="1991"' in group
    assert group.count('aria-invalid="true"') == 3
    assert 'href="#id_birth_date_0"' in html


def test_the_review_carries_the_three_parts_and_confirming_books_that_date(client, pinned, surabaya):
    review = client.post("/offices/surabaya/book/", _parts_form(), follow=True).content.decode()

    assert "17 Mei 1990" in review
    hidden = dict(re.findall(r'<input type="hidden" name="(birth_date_\d)" value="(\d+)"', review))
    assert hidden == BOXES
    confirmed = client.post("/offices/surabaya/book/", {**_parts_form(), **hidden, "step": "confirm"})

    assert confirmed.status_code == 302
    assert Booking.objects.count() == 1
    assert Applicant.objects.get().birth_date.isoformat() == "1990-05-17"


def test_changing_details_after_the_review_shows_the_date_again(client, pinned, surabaya):
    response = client.post("/offices/surabaya/book/", _parts_form(step="edit"), follow=True)
    html = response.content.decode()

    # The form comes again by a GET, filled in from what was kept: Back never resends a form.
    assert response.redirect_chain == [(f"/offices/surabaya/book/?date={_parts_form()['date']}&change=1", 302)]

    group = _fieldset(html)
    assert 'name="birth_date_0" value="17"' in group
    assert 'name="birth_date_1" value="5"' in group
    assert 'name="birth_date_2" value="1990"' in group
    assert "field-error" not in html


def test_a_missing_or_wrong_day_is_named_as_its_box_is_labelled(client, pinned, surabaya):
    """The day's box is "Tanggal": "Isi kotak Tanggal pada tanggal lahir" said it as a
    box, and the summary put "Tanggal lahir:" before a message that names it already."""
    missing_response = client.post("/offices/surabaya/book/", _parts_form(birth_date_0=""), follow=True)
    wrong_response = client.post("/offices/surabaya/book/", _parts_form(birth_date_0="32"), follow=True)
    assert sent_back(missing_response) and sent_back(wrong_response)
    missing, wrong = missing_response.content.decode(), wrong_response.content.decode()

    assert _field_error(missing, "birth_date") == "Kesalahan: Tanggal lahir belum lengkap: isi tanggalnya."
    assert '<a href="#id_birth_date_0">Tanggal lahir belum lengkap: isi tanggalnya.</a>' in missing
    assert (
        _field_error(wrong, "birth_date")
        == "Kesalahan: Periksa tanggal lahir: tanggalnya harus berupa angka 1 sampai 31."
    )
    assert '<a href="#id_birth_date_0">Periksa tanggal lahir: tanggalnya harus berupa angka 1 sampai 31.</a>' in wrong
    assert "kotak" not in missing + wrong


def test_the_errors_name_the_parts_in_english_too(client, pinned, surabaya):
    response = client.post(
        "/offices/surabaya/book/",
        _parts_form(birth_date_0="", birth_date_1=""),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert sent_back(response)
    html = response.content.decode()
    assert _field_error(html, "birth_date") == "Error: Date of birth must include a day and month."
    assert '<a href="#id_birth_date_0">Date of birth must include a day and month.</a>' in html
