"""The admin speaks the supervisor's language: field labels, model names and weekdays."""

import datetime as dt

import pytest
from django.utils import translation

from applicants.models import Booking, QueueEvent
from offices.admin.capacity import SlotAdmin
from offices.models import Closure, Slot


@pytest.mark.parametrize(
    ("model", "field", "indonesian"),
    [
        (Booking, "requested_slot", "sesi yang diminta"),
        (Booking, "person_slot", "nomor booking orang ini"),
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
