"""Names are kept as staff will read them: without invisible characters, one space
between words; a name with no letter in it is refused on every way in."""

import pytest

from applicants.exceptions import InvalidName
from applicants.identity import person_name_clean, visible_text
from applicants.models import Applicant
from tests.applicants.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Budi\u200b Santoso", "Budi Santoso"),
        ("\u202eosotnaS iduB", "osotnaS iduB"),
        ("\ufeffSITI  RAHMAWATI\t", "SITI RAHMAWATI"),
        ("Budi\nSantoso\u2028X", "Budi Santoso X"),
        ("I Gusti Ngurah Rai", "I Gusti Ngurah Rai"),
        ("Muh. Ali'a-Putra", "Muh. Ali'a-Putra"),
    ],
)
def test_a_name_is_kept_as_people_will_read_it(typed, kept):
    assert person_name_clean(typed) == kept


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "\u2060\ufeff", "\u202e", "-- .", "123"])
def test_a_name_without_a_letter_is_refused(typed):
    with pytest.raises(InvalidName):
        person_name_clean(typed)


def test_visible_text_keeps_a_counter_called_by_a_number():
    assert visible_text("\u200b 3 \u200d") == "3"


def test_the_api_stores_the_name_without_its_invisible_characters(api, slot):
    response = api.post(
        "/api/v1/bookings/", payload(slot, applicant={"full_name": "Siti\u200b Rahma\u202ewati"}), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Applicant.objects.get().full_name == "Siti Rahmawati"
    assert response.json()["applicant"]["full_name"] == "Siti Rahmawati"


# --- Phones: the messages about a booking go by SMS ------------------------------------


@pytest.mark.parametrize("landline", ["021 555 1234", "0361 123456", "+44 20 7946 0958"])
def test_a_landline_is_refused_as_it_cannot_receive_the_messages(api, slot, landline):
    response = api.post(
        "/api/v1/bookings/", payload(slot, applicant={"phone": landline}), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert "landline" in response.json()["fields"]["applicant.phone"][0]
    assert not Applicant.objects.exists()


@pytest.mark.parametrize("mobile", ["0812 3456 7890", "+65 9123 4567", "+447911123456", "+1 650 253 0000"])
def test_mobile_numbers_here_and_abroad_are_kept(mobile):
    from applicants.identity import phone_normalize

    assert phone_normalize(mobile).startswith("+")
