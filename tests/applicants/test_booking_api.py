"""The booking API end to end: book, read, cancel, reschedule, look up."""

import pytest
from django.db.models import F

from applicants.api.booking_serializers import BookingWithTokenOutput
from applicants.models import Booking, BookingStatus
from offices.cache import slot_full_and_copy, slot_mark_full
from offices.models import Slot
from tests.applicants.conftest import DAY, NIK, mark_full, nik_number, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def test_a_booking_takes_a_place_and_answers_with_its_proof(api, slot):
    response = api.post("/api/v1/bookings/", payload(slot), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["session"] == {"id": slot.id, "start": "08:00", "end": "10:00", "track": "regular"}
    assert body["applicant"] == {
        "full_name": "Siti Rahayu",
        "nik_masked": "3578********0001",
        "personal_data_erased_on": None,
    }
    assert body["proof_url"].endswith(f"/b/{body['code']}/{body['token']}/")
    assert body["qr"].startswith(f"AP1.{body['code']}.surabaya.20261207.0800.R.")
    assert body["checkin_window"] == {"opens": "2026-12-07T07:30:00+07:00", "closes": "2026-12-07T10:00:00+07:00"}
    assert response["Cache-Control"] == "no-store"
    slot.refresh_from_db()
    assert slot.booked == 1
    booking = Booking.objects.get(code=body["code"])
    assert booking.status == BookingStatus.CONFIRMED
    assert NIK not in booking.applicant.nik_encrypted


def test_the_answer_matches_its_documented_shape(api, slot):
    body = api.post("/api/v1/bookings/", payload(slot), format="json").json()

    documented = BookingWithTokenOutput(data=body)
    assert documented.is_valid(), documented.errors
    assert set(body) == set(BookingWithTokenOutput().fields)


def test_a_session_marked_full_is_answered_from_the_cache_alone(api, slot, django_assert_num_queries, caplog):
    mark_full(slot)

    with django_assert_num_queries(0):
        response = api.post("/api/v1/bookings/", payload(slot), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "session_full"
    assert set(response.json()) == {"code", "detail", "fields"}
    assert response["Cache-Control"] == "no-store"
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_the_cached_full_answer_is_the_one_the_database_gives(api, office):
    full = SlotFactory(office=office, date=DAY, capacity=1, booked=1)
    from_database = api.post("/api/v1/bookings/", payload(full), format="json")
    assert slot_full_and_copy(full.id)[0]

    from_cache = api.post("/api/v1/bookings/", payload(full), format="json")

    assert (from_cache.status_code, from_cache.json()) == (from_database.status_code, from_database.json())


def test_with_next_available_a_full_mark_is_only_a_hint(api, slot):
    slot_mark_full(slot.id)

    response = api.post("/api/v1/bookings/", payload(slot, if_full="next_available"), format="json")

    # The mark is only a hint: the database had room, so the booking is confirmed.
    assert response.status_code == 201


def test_read_lookup_and_the_same_token(api, slot):
    created = api.post("/api/v1/bookings/", payload(slot), format="json").json()

    read = api.get(f"/api/v1/bookings/{created['code']}/", HTTP_X_BOOKING_TOKEN=created["token"])
    found = api.post("/api/v1/bookings/lookup/", {"code": created["code"].lower(), "nik": NIK}, format="json")

    assert read.status_code == 200
    assert "token" not in read.json()
    assert read.json()["proof_url"] == created["proof_url"]
    assert found.status_code == 200
    assert found.json()["token"] == created["token"]
    assert read.json()["applicant"]["personal_data_erased_on"] is None
    assert found.json()["applicant"]["personal_data_erased_on"] is None


def test_a_waiting_request_answers_202_with_its_place_in_line(api, office):
    full = SlotFactory(office=office, date=DAY, capacity=1, booked=1)

    first = api.post("/api/v1/bookings/", payload(full, if_full="next_available"), format="json")
    second = api.post("/api/v1/bookings/", payload(full, nik=nik_number(9), if_full="next_available"), format="json")

    assert first.status_code == second.status_code == 202
    assert first.json()["status"] == "waiting"
    assert (first.json()["session"], first.json()["qr"], first.json()["ics_url"]) == (None, None, None)
    assert first.json()["requested_date"] == "2026-12-07"
    assert [first.json()["waiting_position"], second.json()["waiting_position"]] == [1, 2]


def test_cancel_and_reschedule_through_the_api(api, slot, later_slot):
    created = api.post("/api/v1/bookings/", payload(slot), format="json").json()
    headers = {"HTTP_X_BOOKING_TOKEN": created["token"]}

    moved = api.post(
        f"/api/v1/bookings/{created['code']}/reschedule/",
        {"date": "2026-12-07", "session": later_slot.id},
        format="json",
        **headers,
    )
    cancelled = api.post(f"/api/v1/bookings/{created['code']}/cancel/", **headers)

    assert moved.status_code == 200
    assert moved.json()["session"]["start"] == "10:00"
    assert moved.json()["reschedules_left"] == 0
    assert cancelled.json()["status"] == "cancelled"
    slot.refresh_from_db()
    later_slot.refresh_from_db()
    assert (slot.booked, later_slot.booked) == (0, 0)


def test_a_reschedule_to_a_full_session_says_the_booking_is_unchanged(api, slot, later_slot):
    created = api.post("/api/v1/bookings/", payload(slot), format="json").json()
    Slot.objects.filter(pk=later_slot.pk).update(booked=F("capacity"))

    refused = api.post(
        f"/api/v1/bookings/{created['code']}/reschedule/",
        {"date": "2026-12-07", "session": later_slot.id},
        format="json",
        HTTP_X_BOOKING_TOKEN=created["token"],
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "session_full"
    # Not the booking's "ask for the next available date": a move keeps the old place.
    assert refused.json()["detail"] == (
        "This session has just filled up. Your booking is unchanged: choose another session."
    )
    slot.refresh_from_db()
    assert slot.booked == 1


def test_the_booking_endpoints_are_in_the_openapi_schema_with_examples(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    paths = schema["paths"]
    create = paths["/api/v1/bookings/"]["post"]
    assert {"201", "202", "400", "404", "409", "422", "429"} <= set(create["responses"])
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    for path in ("/api/v1/bookings/{code}/", "/api/v1/bookings/{code}/cancel/", "/api/v1/bookings/{code}/reschedule/"):
        assert any(p["name"] == "X-Booking-Token" for p in next(iter(paths[path].values()))["parameters"])
    assert "/api/v1/bookings/lookup/" in paths


def test_lookup_gives_a_booking_stored_without_a_token_a_new_one(api, slot):
    created = api.post("/api/v1/bookings/", payload(slot), format="json").json()
    Booking.objects.filter(code=created["code"]).update(token_encrypted="")

    found = api.post("/api/v1/bookings/lookup/", {"code": created["code"], "nik": NIK}, format="json").json()
    again = api.post("/api/v1/bookings/lookup/", {"code": created["code"], "nik": NIK}, format="json").json()

    assert found["token"] != created["token"]
    assert again["token"] == found["token"]
    assert api.get(f"/api/v1/bookings/{created['code']}/", HTTP_X_BOOKING_TOKEN=found["token"]).status_code == 200
    assert api.get(f"/api/v1/bookings/{created['code']}/", HTTP_X_BOOKING_TOKEN=created["token"]).status_code == 404


def test_a_form_encoded_booking_is_a_415_that_says_only_json_carries_it(api, slot):
    response = api.post(
        "/api/v1/bookings/",
        {"office": slot.office.code, "date": slot.date.isoformat(), "session": slot.id},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert response.json()["detail"] == "Send the request body as JSON, with the header Content-Type: application/json."
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    "other",
    [{"office": "jakarta-selatan"}, {"date": "2026-12-08"}, {"track": "express"}],
    ids=["office", "date", "track"],
)
def test_a_full_session_named_with_another_office_date_or_track_is_not_found(api, office, other):
    """The cached refusal answers only for the session's own office, date and track: any
    other is the session that does not exist, as when the session is not full."""
    from tests.factories import OfficeFactory

    OfficeFactory(code="jakarta-selatan")
    full = SlotFactory(office=office, date=DAY, capacity=1, booked=1)
    mark_full(full)
    assert api.post("/api/v1/bookings/", payload(full), format="json").json()["code"] == "session_full"

    for _ in range(2):  # the first goes down the whole stack, the next could be the fast lane's
        response = api.post("/api/v1/bookings/", payload(full, **other), format="json")
        assert (response.status_code, response.json()["code"]) == (404, "session_not_found")
    assert not Booking.objects.exists()


def test_a_full_mark_without_the_session_s_copy_lets_the_database_decide(api, slot):
    slot_mark_full(slot.id)  # a mark whose copy has expired from the cache

    response = api.post("/api/v1/bookings/", payload(slot), format="json")

    # The mark alone is not enough to refuse: the database had room.
    assert response.status_code == 201
