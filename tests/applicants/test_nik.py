"""The NIK: shape, birth date, and how it is kept (encrypted, blind index, masked)."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet, InvalidToken

from applicants.exceptions import InvalidNik, NikBirthDateMismatch
from applicants.identity import (
    nik_check_birth_date,
    nik_hash,
    nik_mask,
    nik_parse,
    secret_decrypt,
    secret_encrypt,
    secret_rotate,
)


@pytest.mark.parametrize(
    ("raw", "nik", "sex", "birth"),
    [
        ("3578010101900001", "3578010101900001", "M", (1, 1, 90)),
        ("3578014101900001", "3578014101900001", "F", (1, 1, 90)),  # women: day + 40
        ("3578013112990009", "3578013112990009", "M", (31, 12, 99)),
        ("3578017112050009", "3578017112050009", "F", (31, 12, 5)),  # day 71 = 31 for a woman
        ("3171012902000123", "3171012902000123", "M", (29, 2, 0)),  # 29 Feb 2000 exists
        ("3171012902040123", "3171012902040123", "M", (29, 2, 4)),
        ("9471015507880001", "9471015507880001", "F", (15, 7, 88)),  # Papua
        (" 3578 0101 0190 0001 ", "3578010101900001", "M", (1, 1, 90)),  # copied with spaces
        ("3578-0101-0190-0001", "3578010101900001", "M", (1, 1, 90)),
    ],
)
def test_it_accepts_a_valid_nik_and_reads_what_it_encodes(raw, nik, sex, birth):
    info = nik_parse(raw)

    assert info.nik == nik
    assert info.sex == sex
    assert (info.birth_day, info.birth_month, info.birth_yy) == birth


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("357801010190001", "15 digits"),
        ("35780101019000011", "17 digits"),
        ("3578010101900001" * 2, "32 digits"),
        ("357801010190000A", "a letter"),
        ("٣٥٧٨٠١٠١٠١٩٠٠٠٠١", "Arabic-Indic digits"),
        ("３５７８０１０１０１９０００１", "full-width digits"),
        ("357801010190000١", "one non-ASCII digit"),
        ("3578010101900001\u200b", "a zero-width space"),
        ("0078010101900001", "province 00"),
        ("9978010101900001", "no province 99"),
        ("3500010101900001", "regency 00"),
        ("3578000101900001", "district 00"),
        ("3578010001900001", "day 00"),
        ("3578013201900001", "day 32"),
        ("3578014001900001", "day 40 (a woman's day 0)"),
        ("3578013501900001", "day 35"),
        ("3578017201900001", "day 72 (a woman's day 32)"),
        ("3578019901900001", "day 99"),
        ("3578010100900001", "month 00"),
        ("3578010113900001", "month 13"),
        ("3578013002900001", "30 February"),
        ("3578017002900001", "30 February, a woman"),
        ("3578012902010001", "29 February 1901/2001"),
        ("3578013104900001", "31 April"),
        ("3578010101900000", "serial 0000"),
        ("3578-0101-0190-000A", "a letter after separators"),
        ("3578/0101/0190/0001", "an unknown separator"),
    ],
)
def test_it_rejects_an_invalid_nik(raw, why):
    with pytest.raises(InvalidNik) as caught:
        nik_parse(raw)

    assert caught.value.code == "invalid_nik", why
    assert caught.value.status == 400
    assert "nik" in caught.value.fields


def test_it_rejects_a_nik_that_is_not_text():
    with pytest.raises(InvalidNik):
        nik_parse(3578010101900001)


@pytest.mark.parametrize(
    ("nik", "birth_date"),
    [
        ("3578010101900001", dt.date(1990, 1, 1)),
        ("3578014101900001", dt.date(1990, 1, 1)),
        ("3171012902000123", dt.date(2000, 2, 29)),
        ("3578011507050001", dt.date(2005, 7, 15)),
        ("3578011507050001", dt.date(1905, 7, 15)),  # the NIK does not say the century
    ],
)
def test_it_accepts_a_birth_date_that_matches_the_nik(nik, birth_date):
    nik_check_birth_date(nik_parse(nik), birth_date)


@pytest.mark.parametrize(
    ("nik", "birth_date"),
    [
        ("3578010101900001", dt.date(1990, 1, 2)),  # another day
        ("3578010101900001", dt.date(1990, 2, 1)),  # another month
        ("3578010101900001", dt.date(1991, 1, 1)),  # another year
        ("3578014101900001", dt.date(1990, 1, 11)),  # a woman's day read without the 40
        ("3578011507050001", dt.date(2015, 7, 15)),
    ],
)
def test_it_rejects_a_birth_date_that_does_not_match(nik, birth_date):
    with pytest.raises(NikBirthDateMismatch) as caught:
        nik_check_birth_date(nik_parse(nik), birth_date)

    assert caught.value.code == "nik_birth_date_mismatch"
    assert "birth_date" in caught.value.fields


def test_a_nik_is_shown_masked_with_region_and_serial_only():
    assert nik_mask("3578014101900001") == "3578********0001"
    assert nik_parse("3578014101900001").masked == "3578********0001"


def test_the_blind_index_is_keyed_stable_and_not_a_plain_hash(settings):
    import hashlib

    first = nik_hash("3578014101900001")

    assert first == nik_hash("3578014101900001")
    assert first != nik_hash("3578014101900002")
    assert first != hashlib.sha256(b"3578014101900001").hexdigest()
    settings.NIK_HASH_KEY = "another-key"
    assert nik_hash("3578014101900001") != first


def test_encrypted_nik_survives_a_key_rotation(settings):
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [old_key]
    token = secret_encrypt("3578014101900001")
    assert "3578014101900001" not in token

    settings.NIK_ENCRYPTION_KEYS = [new_key, old_key]
    assert secret_decrypt(token) == "3578014101900001"
    rotated = secret_rotate(token)

    settings.NIK_ENCRYPTION_KEYS = [new_key]
    assert secret_decrypt(rotated) == "3578014101900001"
    with pytest.raises(InvalidToken):
        secret_decrypt(token)
