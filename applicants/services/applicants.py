"""Applicants: one row per NIK, created or refreshed when they book."""

import datetime as dt

from applicants.identity import (
    email_normalize,
    nik_check_birth_date,
    nik_hash,
    nik_parse,
    person_name_clean,
    phone_normalize,
    secret_encrypt,
)
from applicants.models import Applicant

# Fields an applicant may correct by booking again; the NIK (and with it the row) stays.
REFRESHED_FIELDS = ["full_name", "birth_date", "sex", "phone", "email", "language", "updated_at"]


def applicant_prepare(
    *,
    nik: str,
    full_name: str,
    birth_date: dt.date,
    phone: str,
    email: str = "",
    language: str = "id",
) -> Applicant:
    """An unsaved applicant from what a person typed, checked and normalized.

    Validates the NIK and its agreement with ``birth_date`` (``InvalidNik``,
    ``NikBirthDateMismatch``), cleans the name (``InvalidName``), normalizes the phone to
    E.164 (``InvalidPhone``) and the email (``InvalidEmail``), and keeps the NIK only as
    hash, ciphertext and mask.
    """
    info = nik_parse(nik)
    nik_check_birth_date(info, birth_date)
    return Applicant(
        nik_hash=nik_hash(info.nik),
        nik_encrypted=secret_encrypt(info.nik),
        nik_masked=info.masked,
        full_name=person_name_clean(full_name)[:150],
        birth_date=birth_date,
        sex=info.sex,
        phone=phone_normalize(phone) if phone else "",
        email=email_normalize(email),
        language=language,
    )


def applicant_upsert(
    *,
    nik: str,
    full_name: str,
    birth_date: dt.date,
    phone: str,
    email: str = "",
    language: str = "id",
) -> Applicant:
    """The applicant with this NIK, created or with their details refreshed.

    Checks the data as ``applicant_prepare`` does. One ``INSERT ... ON CONFLICT DO
    UPDATE`` statement: call it inside the booking's transaction, so a booking that
    fails changes nothing.
    """
    applicant = applicant_prepare(
        nik=nik, full_name=full_name, birth_date=birth_date, phone=phone, email=email, language=language
    )
    return applicant_save(applicant=applicant)


def applicant_save(*, applicant: Applicant) -> Applicant:
    """Insert ``applicant`` (from ``applicant_prepare``) or refresh the row with its NIK."""
    Applicant.objects.bulk_create(
        [applicant], update_conflicts=True, unique_fields=["nik_hash"], update_fields=REFRESHED_FIELDS
    )
    if applicant.pk is None:
        # Backends that cannot return the id of an upserted row.
        applicant.pk = Applicant.objects.only("id").get(nik_hash=applicant.nik_hash).pk
    return applicant
