"""booking_request: the applicant and their booking are saved together or not at all."""

import datetime as dt

import pytest
import time_machine

from applicants.exceptions import IDENTITY_ERRORS, InvalidNik, SessionFull
from applicants.models import Applicant, Booking, BookingStatus
from applicants.services.booking import booking_request
from tests import factories

NOW = dt.datetime(2026, 11, 23, 3, tzinfo=dt.UTC)
BIRTH = dt.date(1990, 1, 5)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _request(slot, **overrides):
    fields = {
        "slot": slot,
        "nik": factories.make_nik(BIRTH, serial=11),
        "full_name": "Siti Rahayu",
        "birth_date": BIRTH,
        "phone": "081234567890",
        "email": "siti@example.org",
        "track": "regular",
        "service": "new",
        "if_full": "reject",
        "now": NOW,
        **overrides,
    }
    return booking_request(**fields)


def test_it_saves_the_applicant_with_their_confirmed_booking(office):
    slot = factories.SlotFactory(office=office, date=dt.date(2026, 11, 25), capacity=2)

    result = _request(slot)

    assert result.booking.status == BookingStatus.CONFIRMED
    assert result.booking.applicant.phone == "+6281234567890"
    assert Applicant.objects.count() == 1


def test_a_full_session_saves_neither_the_applicant_nor_a_booking(office):
    slot = factories.SlotFactory(office=office, date=dt.date(2026, 11, 25), capacity=1, booked=1)

    with pytest.raises(SessionFull):
        _request(slot)

    assert Applicant.objects.count() == 0
    assert Booking.objects.count() == 0


def test_bad_person_data_is_an_identity_error_and_takes_no_place(office):
    slot = factories.SlotFactory(office=office, date=dt.date(2026, 11, 25), capacity=1)

    with pytest.raises(InvalidNik) as caught:
        _request(slot, nik="1234")

    assert isinstance(caught.value, IDENTITY_ERRORS)
    slot.refresh_from_db()
    assert slot.booked == 0
    assert Applicant.objects.count() == 0
