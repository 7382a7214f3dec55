"""Phone numbers become E.164; emails are checked."""

import pytest
from django.utils import translation

from applicants.exceptions import InvalidEmail, InvalidPhone
from applicants.identity import email_normalize, phone_normalize


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("(0812) 3456-7890", "+6281234567890"),
        ("+60 12-345 6789", "+60123456789"),  # a Malaysian mobile: Indonesians abroad book too
    ],
)
def test_it_normalizes_phone_numbers_to_e164(raw, e164):
    assert phone_normalize(raw) == e164


@pytest.mark.parametrize("raw", ["", "12345", "0812", "+62 812 3456 7890 1234 5678", "not a phone", "+999 1234"])
def test_it_rejects_what_is_not_a_phone_number(raw):
    with pytest.raises(InvalidPhone) as caught:
        phone_normalize(raw)

    assert caught.value.code == "invalid_phone"


@pytest.mark.parametrize("raw", ["+62 21 5551234", "021-5551234"])
def test_a_landline_is_refused_in_its_own_words(raw):
    # A Jakarta landline: a valid number that never receives the booking's messages.
    with pytest.raises(InvalidPhone) as caught, translation.override("en"):
        phone_normalize(raw)

    assert caught.value.code == "invalid_phone"
    with translation.override("en"):
        assert "landline" in caught.value.detail


def test_a_number_seen_before_is_not_parsed_again_and_its_result_normalizes_to_itself(monkeypatch):
    import phonenumbers

    from applicants import identity

    identity._PHONES_SEEN.clear()
    parsed = []
    real_parse = phonenumbers.parse
    monkeypatch.setattr(phonenumbers, "parse", lambda *args: parsed.append(args[0]) or real_parse(*args))

    assert phone_normalize(" 0812-3456-7890 ") == "+6281234567890"
    assert phone_normalize("0812-3456-7890") == "+6281234567890"
    assert phone_normalize("+6281234567890") == "+6281234567890"  # what saving the person sends

    assert parsed == ["0812-3456-7890"]


def test_an_invalid_number_is_never_remembered(monkeypatch):
    from applicants import identity

    identity._PHONES_SEEN.clear()
    for _attempt in range(2):
        with pytest.raises(InvalidPhone):
            phone_normalize("0812")

    assert identity._PHONES_SEEN == {}


def test_the_remembered_numbers_are_bounded(monkeypatch):
    from applicants import identity

    identity._PHONES_SEEN.clear()
    monkeypatch.setattr(identity, "_PHONES_SEEN_MAX", 4)
    for n in range(5):
        phone_normalize(f"0812345678{n}0")

    assert len(identity._PHONES_SEEN) <= 4


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("", ""), ("  ", ""), ("Siti@Example.ORG", "Siti@example.org"), (" budi@mail.co.id ", "budi@mail.co.id")],
)
def test_it_accepts_an_email_or_none(raw, normalized):
    assert email_normalize(raw) == normalized


@pytest.mark.parametrize("raw", ["siti", "siti@", "@example.org", "siti@@example.org", "siti @example.org"])
def test_it_rejects_an_invalid_email(raw):
    with pytest.raises(InvalidEmail) as caught:
        email_normalize(raw)

    assert caught.value.code == "invalid_email"
