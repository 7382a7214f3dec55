"""An erased person in the API: every answer that carries the applicant says when, never just blanks.

Siti Rahmawati did not come on Monday 23 November 2026. With a retention of one day her
personal data is erased just after midnight WIB on Thursday the 26th (still the 25th in
UTC): the answers say "2026-11-26", the day every screen shows. Budi Santoso, still in the
queue, keeps his data and his answers say ``null``.
"""

import datetime as dt

import pytest
import yaml

from applicants.api.booking_serializers import BookingOutput
from applicants.api.staff import CheckinOutSerializer
from applicants.models import BookingStatus
from applicants.services.retention import applicant_erase_expired
from tests.staff.conftest import DAY, at, make_booking

pytestmark = pytest.mark.django_db

ERASED_AT = at(0, 30, day=DAY + dt.timedelta(days=3))  # 25 November 17:30 UTC
CHECKINS = "/api/v1/staff/checkins/"


@pytest.fixture
def people(slots, time_machine):
    time_machine.move_to(at(8, 30), tick=False)
    siti = make_booking(slots[(dt.time(8, 0), "regular")], name="Siti Rahmawati", status=BookingStatus.NO_SHOW)
    budi = make_booking(slots[(dt.time(8, 0), "regular")], name="Budi Santoso", status=BookingStatus.CHECKED_IN)
    time_machine.move_to(ERASED_AT, tick=False)
    assert applicant_erase_expired(now=ERASED_AT, retention_days=1).applicants == 1
    return siti, budi


def test_the_booking_read_says_when_the_data_was_erased(client, people):
    siti, _budi = people

    response = client.get(f"/api/v1/bookings/{siti.code}/", HTTP_X_BOOKING_TOKEN=siti.token)

    assert response.status_code == 200
    body = response.json()
    assert body["applicant"] == {"full_name": "", "nik_masked": "", "personal_data_erased_on": "2026-11-26"}
    documented = BookingOutput(data=body)
    assert documented.is_valid(), documented.errors


def test_the_booking_read_of_a_person_whose_data_is_kept_says_null(client, people):
    _siti, budi = people

    body = client.get(f"/api/v1/bookings/{budi.code}/", HTTP_X_BOOKING_TOKEN=budi.token).json()

    assert body["applicant"] == {
        "full_name": "Budi Santoso",
        "nik_masked": budi.applicant.nik_masked,
        "personal_data_erased_on": None,
    }


def test_the_staff_check_in_answer_says_when_the_data_was_erased(officer_client, people):
    siti, budi = people

    erased = officer_client.post(CHECKINS, {"code": siti.code, "dry_run": True}, content_type="application/json")
    kept = officer_client.post(CHECKINS, {"code": budi.code, "dry_run": True}, content_type="application/json")

    assert erased.status_code == kept.status_code == 200
    assert erased.json()["applicant"] == {"full_name": "", "nik_masked": "", "personal_data_erased_on": "2026-11-26"}
    assert kept.json()["applicant"]["personal_data_erased_on"] is None
    assert kept.json()["applicant"]["full_name"] == "Budi Santoso"
    for answer in (erased, kept):
        assert set(answer.json()) == set(CheckinOutSerializer().fields)


def test_the_schema_documents_the_field_on_every_applicant(client):
    schemas = yaml.safe_load(client.get("/api/schema/").content)["components"]["schemas"]

    applicant_shapes = [
        schema
        for schema in schemas.values()
        if {"full_name", "nik_masked"} <= set(schema.get("properties", {})) and "nik" not in schema["properties"]
    ]
    assert len(applicant_shapes) == 2  # the public booking's and the staff answers'
    for schema in applicant_shapes:
        field = schema["properties"]["personal_data_erased_on"]
        assert (field["type"], field["format"], field["nullable"]) == ("string", "date", True)
        assert "personal_data_erased_on" in schema["required"]
