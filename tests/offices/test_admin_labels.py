"""The admin speaks the supervisor's language: field labels, model names and weekdays."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

from applicants.models import (
    Applicant,
    Booking,
    BookingTransition,
    IdempotencyKey,
    Notification,
    QueueCounter,
    QueueEvent,
)
from offices.admin.capacity import SlotAdmin
from offices.models import Closure, DateOverride, Office, OfficeMembership, SessionTemplate, Slot

PROJECT_APPS = ("offices", "applicants")
# Zone abbreviations (WIB, WITA, WIT) with their IANA names read the same in both languages.
UNTRANSLATED_CHOICES = {(Office, "timezone")}


@pytest.mark.parametrize(
    ("model", "field", "indonesian"),
    [
        (Booking, "requested_slot", "sesi yang diminta"),
        (Booking, "person_slot", "nomor pendaftaran orang ini"),
        (Booking, "language", "bahasa"),
        (Booking, "waiting_since", "menunggu sejak"),
        (Booking, "rollover_rank", "urutan pemindahan"),
        (Booking, "office", "kantor"),
        (QueueEvent, "office", "kantor"),
        (Closure, "created_by", "dibuat oleh"),
    ],
)
def test_field_labels_are_translated(model, field, indonesian):
    with translation.override("id"):
        assert str(model._meta.get_field(field).verbose_name).lower() == indonesian


def test_model_names_are_translated():
    with translation.override("id"):
        assert str(QueueEvent._meta.verbose_name_plural) == "kejadian antrean"


def test_the_weekday_column_and_a_session_name_follow_the_language():
    slot = Slot(date=dt.date(2026, 12, 7), start=dt.time(8), end=dt.time(10), track="regular")
    with translation.override("id"):
        assert SlotAdmin.weekday(None, slot) == "Sen"
        assert slot.get_track_display() == "Reguler"


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("id", "Kanim Makassar, 7 Des. 2026 08.00-10.00 WITA, Reguler"),
        ("en", "Kanim Makassar, 7 Dec 2026 08:00-10:00 WITA, Regular"),
    ],
)
def test_a_session_is_named_by_its_office_day_and_hours_in_the_reader_s_language(language, name):
    office = Office(code="makassar", name="Kanim Makassar", timezone="Asia/Makassar")
    slot = Slot(office=office, date=dt.date(2026, 12, 7), start=dt.time(8), end=dt.time(10), track="regular")
    with translation.override(language):
        assert str(slot) == name


@pytest.mark.parametrize(
    ("language", "weekly", "dated"),
    [("id", "Senin 08.00-10.00", "7 Des. 2026 08.00-10.00"), ("en", "Monday 08:00-10:00", "7 Dec 2026 08:00-10:00")],
)
def test_a_weekly_session_and_a_dated_one_name_their_hours_as_the_site_writes_them(language, weekly, dated):
    """The rows of the office page's session tables are headed by these names."""
    with translation.override(language):
        assert str(SessionTemplate(weekday=0, start=dt.time(8), end=dt.time(10))) == weekly
        assert str(DateOverride(date=dt.date(2026, 12, 7), start=dt.time(8), end=dt.time(10))) == dated


@pytest.mark.parametrize(
    ("model", "field", "indonesian", "english"),
    [
        (Notification, "booking", "pendaftaran", "booking"),
        (Notification, "kind", "jenis", "kind"),
        (Notification, "channel", "saluran", "channel"),
        (Notification, "dedupe_key", "kunci antiduplikasi", "deduplication key"),
        (Notification, "state", "keadaan", "state"),
        (Notification, "attempts", "jumlah percobaan", "attempts"),
        (Notification, "sent_at", "waktu terkirim", "sent at"),
        (Booking, "token_hash", "hash token", "token hash"),
        (Booking, "token_encrypted", "token (terenkripsi)", "token (encrypted)"),
        (Booking, "nik_hash", "hash nik", "nik hash"),
        (Applicant, "nik_hash", "hash nik", "nik hash"),
        (Applicant, "nik_encrypted", "nik (terenkripsi)", "nik (encrypted)"),
        (BookingTransition, "from_status", "dari status", "from status"),
        (BookingTransition, "actor", "dilakukan oleh", "done by"),
        (QueueEvent, "at", "waktu", "time"),
        (QueueEvent, "action", "tindakan", "action"),
        (QueueCounter, "last_number", "nomor terakhir yang diberikan", "last number given"),
        (IdempotencyKey, "fingerprint", "sidik permintaan", "request fingerprint"),
        (Office, "display_token", "token papan tampilan", "display board token"),
        (OfficeMembership, "user", "pengguna", "user"),
    ],
)
def test_internal_field_labels_are_translated_both_ways(model, field, indonesian, english):
    label = model._meta.get_field(field).verbose_name
    with translation.override("id"):
        assert str(label).lower() == indonesian
    with translation.override("en"):
        assert str(label).lower() == english


def test_notification_states_are_translated():
    with translation.override("id"):
        assert [str(label) for _value, label in Notification.State.choices] == ["Menunggu dikirim", "Terkirim", "Gagal"]


def _project_models():
    for app in PROJECT_APPS:
        yield from apps.get_app_config(app).get_models()


def _in_indonesian_catalogue(text) -> bool:
    """A lazy gettext string whose msgid the Indonesian catalogue holds (some, like
    "booking" or "NIK", translate to themselves, so comparing texts would not do)."""
    return isinstance(text, Promise) and text._args[0] in trans_real.translation("id")._catalog


def test_every_model_field_has_a_translated_label():
    missing = [
        f"{model.__name__}.{field.name}"
        for model in _project_models()
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not _in_indonesian_catalogue(field.verbose_name)
    ]

    assert missing == []


def test_every_model_name_and_choice_is_translated():
    missing = [
        f"{model.__name__}: {name}"
        for model in _project_models()
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural)
        if not _in_indonesian_catalogue(name)
    ]
    missing += [
        f"{model.__name__}.{field.name}: {label}"
        for model in _project_models()
        for field in model._meta.get_fields()
        if field.concrete and field.choices and (model, field.name) not in UNTRANSLATED_CHOICES
        for _value, label in field.flatchoices
        if not _in_indonesian_catalogue(label)
    ]

    assert missing == []
