"""The walk-in page as the officer reads it: filled in at the desk for someone else, so its
errors speak of the applicant; a form sent twice answers with the number already given."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from applicants.forms import BookingForm
from applicants.identity import nik_hash
from applicants.models import Booking, BookingStatus, PersonalDataAccess
from applicants.services.checkin import checkin_confirm
from offices.models import Slot, Track
from tests.staff.conftest import at, make_booking
from tests.staff.test_walkin import PAGE_FORM, nik

pytestmark = pytest.mark.django_db


def _errors(response) -> dict[str, str]:
    """Each field's error on the page, by field name."""
    return {
        name: re.sub(r"\s+", " ", text).strip()
        for name, text in re.findall(r'id="id_(\w+?)_error"[^>]*>(.*?)</span>', response.text, re.S)
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "nik": "Enter the applicant&#x27;s NIK: the 16 digits on their e-KTP.",
                "full_name": "Enter the applicant&#x27;s full name as it is written on their e-KTP.",
                "birth_date": "Enter the applicant&#x27;s date of birth.",
            },
        ),
        (
            "id",
            {
                "nik": "Masukkan NIK pemohon: 16 angka yang tertera pada e-KTP-nya.",
                "full_name": "Tulis nama lengkap pemohon sesuai yang tertulis di e-KTP-nya.",
                "birth_date": "Masukkan tanggal lahir pemohon.",
            },
        ),
    ],
)
def test_the_walk_in_page_s_missing_fields_speak_of_the_applicant(
    officer_client, office, slots, morning, language, expected
):
    """It said "Enter your date of birth" to the officer, who types someone else's."""
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {"priority_group": "elderly", "service": "new"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    errors = _errors(response)
    assert {name: errors[name] for name in expected} == expected
    assert not re.search(r"\b(your|Anda)\b", " ".join(errors.values()))
    assert not Booking.objects.exists()


def test_the_applicant_s_own_booking_form_still_says_your():
    fields = BookingForm.base_fields

    with translation.override("en"):
        assert str(fields["birth_date"].error_messages["required"]) == "Enter your date of birth."
        assert str(fields["nik"].error_messages["required"]).startswith("Enter your NIK")
    with translation.override("id"):
        assert str(fields["birth_date"].error_messages["required"]) == "Masukkan tanggal lahir Anda."


def test_an_active_booking_is_refused_in_words_for_the_desk(officer_client, office, slots, morning):
    """The booking error told the officer to "cancel it first, or look it up with its code"."""
    url = reverse("staff:walkin", args=[office.code])
    # The same person booked online for another day.
    officer_client.post(url, {**PAGE_FORM, "nik": nik(31)})
    Booking.objects.update(status=BookingStatus.CONFIRMED, queue_number="", date=dt.date(2026, 11, 30))

    response = officer_client.post(url, {**PAGE_FORM, "nik": nik(31)}, HTTP_ACCEPT_LANGUAGE="en")
    english = response.text
    indonesian = officer_client.post(url, {**PAGE_FORM, "nik": nik(31)}, HTTP_ACCEPT_LANGUAGE="id").text

    assert 'data-code="active_booking_exists"' in english
    assert "check them in on the check-in page (“Find by NIK”)" in english
    assert "the applicant must first cancel it" in english
    assert "Cancel it first" not in english
    assert "lakukan check-in di halaman Check-in (“Cari dengan NIK”)" in indonesian
    assert "Batalkan terlebih dahulu" not in indonesian
    assert Booking.objects.count() == 1


def test_a_walk_in_sent_twice_shows_the_number_already_given(officer_client, office, slots, morning):
    """A double tap on a slow connection: the second answer said "this NIK already has an
    active booking" and hid the number the first one gave."""
    url = reverse("staff:walkin", args=[office.code])
    first = officer_client.post(url, {**PAGE_FORM, "nik": nik(32)}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="queue-number">P-001<' in first.text

    second = officer_client.post(url, {**PAGE_FORM, "nik": nik(32)}, HTTP_ACCEPT_LANGUAGE="en")

    assert 'data-testid="queue-number">P-001<' in second.text
    assert "Already in today's queue" in second.text
    assert 'data-testid="already-queued"' in second.text
    assert 'class="form-error"' not in second.text
    assert Booking.objects.count() == 1
    # The page named the person again: that read is recorded.
    assert PersonalDataAccess.objects.filter(action=PersonalDataAccess.Action.CHECKIN_VIEW).count() == 1


def test_a_person_already_checked_in_with_an_online_booking_is_shown_with_their_number(
    officer_client, office, slots, morning
):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 10))
    Booking.objects.filter(id=booking.id).update(nik_hash=nik_hash(nik(33)))

    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]), {**PAGE_FORM, "nik": nik(33)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert 'data-testid="queue-number">A-001<' in response.text
    assert Booking.objects.count() == 1


def test_a_session_closed_after_the_page_was_shown_is_said_in_words_not_by_its_id(
    officer_client, office, slots, morning
):
    """Django's own words were shown: "Select a valid choice. 6 is not one of the available choices." """
    chosen = slots[(dt.time(10), Track.PRIORITY)]
    Slot.objects.filter(id=chosen.id).update(closed=True)

    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {**PAGE_FORM, "nik": nik(34), "session": str(chosen.id)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert _errors(response)["session"] == "The session chosen has ended or has no room left: choose another one."
    assert f"{chosen.id} is not one of" not in response.text
    assert not Booking.objects.exists()


def test_someone_outside_the_priority_groups_is_refused_with_what_to_do_instead(officer_client, office, slots, morning):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {**PAGE_FORM, "priority_group": "", "nik": nik(35)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert 'data-code="walkin_not_allowed"' in response.text
    assert "Anyone else books online for another day; a person with a booking for today is checked in." in (
        response.text
    )
    assert not Booking.objects.exists()


def _priority_options(response) -> list[tuple[str, str, bool]]:
    """The priority group's options: (value, label, selected)."""
    select = re.search(r'<select name="priority_group".*?</select>', response.text, re.S).group(0)
    return [
        (value, re.sub(r"\s+", " ", label).strip(), "selected" in attrs)
        for value, attrs, label in re.findall(r'<option value="([^"]*)"([^>]*)>(.*?)</option>', select, re.S)
    ]


def test_while_online_booking_runs_no_group_is_chosen_for_the_officer(officer_client, office, slots, morning):
    """ "None" came chosen: a walk-in the service refuses while the office takes online
    bookings, found out only once the whole form was typed."""
    options = _priority_options(
        officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")
    )

    assert options[0] == ("", "Choose the priority group", True)
    assert [value for value, _label, _selected in options[1:]] == ["elderly", "disabled", "pregnant", "infant"]
    assert not any(selected for *_rest, selected in options[1:])


def test_without_online_booking_none_is_still_a_choice(officer_client, office, slots, morning):
    office.online_booking = False
    office.save()

    options = _priority_options(
        officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id")
    )

    assert options[0][:2] == ("", "Tidak ada")
    assert len(options) == 5


def test_left_unchosen_the_refusal_still_says_what_to_do_instead(officer_client, office, slots, morning):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {**PAGE_FORM, "priority_group": "", "nik": nik(35)},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    assert 'data-code="walkin_not_allowed"' in response.text
    assert _priority_options(response)[0] == ("", "Pilih kelompok prioritas", True)
    assert not Booking.objects.exists()
