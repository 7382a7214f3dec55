"""The date of birth typed as day, month and year: each refusal names the part that is
wrong, in Indonesian and English, and the boxes keep what the person typed."""

import datetime as dt
import re

import pytest
import time_machine
from django import forms
from django.utils import translation

from applicants.birth_date import BirthDateField
from applicants.forms import AccessibleFormMixin
from applicants.forms_staff import WalkinForm


class BirthForm(AccessibleFormMixin, forms.Form):
    birth_date = BirthDateField(label="Date of birth")


@pytest.fixture(autouse=True)
def december_2026_in_english():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC), tick=False), translation.override("en"):
        yield


def _submit(day="17", month="8", year="1990", language="en") -> BirthForm:
    form = BirthForm(data={"birth_date_0": day, "birth_date_1": month, "birth_date_2": year})
    with translation.override(language):
        form.is_valid()
        form.messages = [str(m) for m in form.errors.get("birth_date", [])]
    return form


def _invalid_boxes(form: BirthForm) -> list[str]:
    html = str(form["birth_date"])
    return re.findall(r'<input[^>]*name="(birth_date_\d)"[^>]*aria-invalid="true"', html)


def test_a_date_typed_as_three_numbers_is_that_date():
    assert _submit("17", "8", "1990").cleaned_data["birth_date"] == dt.date(1990, 8, 17)
    assert _submit(" 07 ", "08", "1990").cleaned_data["birth_date"] == dt.date(1990, 8, 7)


def test_nothing_typed_asks_for_the_date_of_birth():
    form = _submit("", "", "")

    assert form.messages == ["Enter your date of birth."]
    assert _invalid_boxes(form) == ["birth_date_0", "birth_date_1", "birth_date_2"]


@pytest.mark.parametrize(
    ("parts", "message", "invalid"),
    [
        (("", "8", "1990"), "Date of birth must include a day.", ["birth_date_0"]),
        (("17", "", "1990"), "Date of birth must include a month.", ["birth_date_1"]),
        (("17", "8", ""), "Date of birth must include a year.", ["birth_date_2"]),
        (("", "", "1990"), "Date of birth must include a day and month.", ["birth_date_0", "birth_date_1"]),
        (("17", "", ""), "Date of birth must include a month and year.", ["birth_date_1", "birth_date_2"]),
        (("", "8", ""), "Date of birth must include a day and year.", ["birth_date_0", "birth_date_2"]),
    ],
)
def test_a_missing_part_is_named_and_only_its_box_is_marked(parts, message, invalid):
    form = _submit(*parts)

    assert form.messages == [message]
    assert _invalid_boxes(form) == invalid


@pytest.mark.parametrize(
    ("parts", "message", "invalid"),
    [
        (("32", "8", "1990"), "Check the date of birth: the day must be a number from 1 to 31.", ["birth_date_0"]),
        (("1a", "8", "1990"), "Check the date of birth: the day must be a number from 1 to 31.", ["birth_date_0"]),
        (("17", "13", "1990"), "Check the date of birth: the month must be a number from 1 to 12.", ["birth_date_1"]),
        (
            ("17", "Agustus", "1990"),
            "Check the date of birth: the month must be a number from 1 to 12.",
            ["birth_date_1"],
        ),
        (
            ("17", "8", "90"),
            "Check the date of birth: the year must have 4 digits, for example 1990.",
            ["birth_date_2"],
        ),
        (("0", "0", "1990"), "Enter a real date of birth, for example 17 8 1990.", ["birth_date_0", "birth_date_1"]),
        (("31", "2", "1990"), "Enter a real date of birth, for example 17 8 1990.", ["birth_date_0", "birth_date_1"]),
    ],
)
def test_a_part_that_is_not_a_number_of_its_kind_is_named(parts, message, invalid):
    form = _submit(*parts)

    assert form.messages == [message]
    assert _invalid_boxes(form) == invalid


def test_a_date_of_birth_in_the_future_is_refused():
    form = _submit("2", "12", "2026")

    assert form.messages == ["The date of birth cannot be in the future."]
    assert _submit("1", "12", "2026").is_valid()


def test_a_year_before_1900_is_refused():
    form = _submit("17", "8", "1899")

    assert form.messages == ["Check the date of birth: the year must be 1900 or later."]
    assert _invalid_boxes(form) == ["birth_date_2"]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("17", "", "1990"), "Tanggal lahir belum lengkap: isi bulannya."),
        # The day's box is labelled "Tanggal": its messages name it so, beside "tanggal lahir".
        (("", "8", "1990"), "Tanggal lahir belum lengkap: isi tanggalnya."),
        (("32", "8", "1990"), "Periksa tanggal lahir: tanggalnya harus berupa angka 1 sampai 31."),
        (("31", "2", "1990"), "Masukkan tanggal lahir yang benar, misalnya 17 8 1990."),
        (("2", "12", "2026"), "Tanggal lahir tidak boleh di masa depan."),
    ],
)
def test_the_errors_are_said_in_indonesian(parts, message):
    assert _submit(*parts, language="id").messages == [message]


def test_the_boxes_keep_what_was_typed_after_an_error():
    html = str(_submit("31", "2", "1990")["birth_date"])

    assert re.search(r'name="birth_date_0" value="31"', html)
    assert re.search(r'name="birth_date_1" value="2"', html)
    assert re.search(r'name="birth_date_2" value="1990"', html)


def test_each_box_is_labelled_numeric_and_autocompleted_as_a_birthday():
    html = str(BirthForm()["birth_date"])

    for n, (label, autocomplete) in enumerate((("Day", "bday-day"), ("Month", "bday-month"), ("Year", "bday-year"))):
        assert f'<label for="id_birth_date_{n}">{label}</label>' in html
        box = re.search(rf'<input[^>]*name="birth_date_{n}"[^>]*>', html).group(0)
        assert 'inputmode="numeric"' in box and f'autocomplete="{autocomplete}"' in box
    assert 'type="date"' not in html


def test_the_error_summary_links_to_the_first_wrong_box():
    assert _submit("17", "8", "90").error_summary() == [
        ("id_birth_date_2", "Check the date of birth: the year must have 4 digits, for example 1990.")
    ]
    assert _submit("", "", "1990").error_summary()[0][0] == "id_birth_date_0"


def test_a_single_iso_date_from_a_page_rendered_before_the_boxes_is_still_read():
    form = BirthForm(data={"birth_date": "1990-08-17"})

    assert form.is_valid()
    assert form.cleaned_data["birth_date"] == dt.date(1990, 8, 17)


def test_the_walk_in_form_never_offers_the_officers_own_birthday():
    html = str(WalkinForm()["birth_date"])

    assert html.count('autocomplete="off"') == 3
    assert "bday" not in html
