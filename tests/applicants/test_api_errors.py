"""Every error code of the booking API: its status, its machine code, and that it changed nothing."""

import datetime as dt
import inspect
from pathlib import Path

import pytest

from applicants import exceptions
from applicants.models import Applicant, Booking, BookingStatus, IdempotencyKey
from applicants.services.idempotency import request_fingerprint
from tests.applicants.conftest import NIK, NOW, nik_number, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


def error(response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    assert set(body) == {"code", "detail", "fields"}
    assert body["detail"]
    return body


def assert_nothing_booked(slot):
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Booking.objects.exists()
    assert not Applicant.objects.exists()


def book(api, slot, **kwargs):
    response = api.post(URL, payload(slot, **kwargs), format="json")
    assert response.status_code in (201, 202), response.json()
    return response.json()


# --- 400: bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applicant", "code", "field"),
    [
        ({"nik": "12345"}, "invalid_nik", "applicant.nik"),
        ({"nik": "٣٥٧٨٠١٤١٠١٩٠٠٠٠١"}, "invalid_nik", "applicant.nik"),
        ({"nik": "3578013002900001"}, "invalid_nik", "applicant.nik"),
        ({"birth_date": "1990-01-02"}, "nik_birth_date_mismatch", "applicant.birth_date"),
        ({"birth_date": "2027-01-01"}, "invalid_birth_date", "applicant.birth_date"),
        ({"phone": "12345"}, "invalid_phone", "applicant.phone"),
        ({"email": "siti@"}, "invalid_email", "applicant.email"),
        ({"full_name": ""}, "validation_error", "applicant.full_name"),
        # Nothing a person at the desk could read: zero-width spaces, a word joiner and a
        # byte-order mark, a right-to-left override alone, punctuation alone.
        ({"full_name": "\u200b\u200b"}, "invalid_name", "applicant.full_name"),
        ({"full_name": "\u2060\ufeff"}, "invalid_name", "applicant.full_name"),
        ({"full_name": "\u202e"}, "invalid_name", "applicant.full_name"),
        ({"full_name": "..."}, "invalid_name", "applicant.full_name"),
    ],
)
def test_bad_applicant_details_are_refused_by_field(api, slot, applicant, code, field):
    body = error(api.post(URL, payload(slot, applicant=applicant), format="json"), 400, code)

    assert field in body["fields"]
    assert_nothing_booked(slot)


def test_missing_fields_are_named(api, slot):
    body = error(api.post(URL, {"office": "surabaya"}, format="json"), 400, "validation_error")

    assert {"date", "session", "applicant"} <= set(body["fields"])


def test_an_unknown_choice_is_refused(api, slot):
    body = error(api.post(URL, payload(slot, track="vip"), format="json"), 400, "invalid_choice")

    assert "track" in body["fields"]


def test_a_body_that_is_not_json_is_refused(api, slot):
    response = api.post(URL, "{not json", content_type="application/json")

    error(response, 400, "malformed_request")


def test_the_priority_track_is_not_for_online_booking(api, office):
    priority = SlotFactory(office=office, date=dt.date(2026, 12, 7), track="priority", capacity=5)

    body = error(api.post(URL, payload(priority), format="json"), 400, "track_not_allowed")

    assert "track" in body["fields"]
    assert_nothing_booked(priority)


def test_the_priority_track_can_be_opened_to_online_booking(api, office, settings):
    settings.BOOKING_ONLINE_PRIORITY_TRACK = True
    priority = SlotFactory(office=office, date=dt.date(2026, 12, 7), track="priority", capacity=5)

    assert book(api, priority)["track"] == "priority"


def test_a_malformed_idempotency_key_is_refused(api, slot):
    response = api.post(URL, payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)

    error(response, 400, "invalid_idempotency_key")
    assert_nothing_booked(slot)


# --- 404 -------------------------------------------------------------------------------------


def test_an_unknown_session_is_not_found(api, slot):
    error(api.post(URL, payload(slot, session=999999), format="json"), 404, "session_not_found")


@pytest.mark.parametrize(
    "mismatch",
    [{"office": "makassar"}, {"date": "2026-12-08"}, {"track": "express"}],
)
def test_a_session_of_another_office_date_or_track_is_not_found(api, slot, other_office, mismatch):
    error(api.post(URL, payload(slot, **mismatch), format="json"), 404, "session_not_found")
    assert_nothing_booked(slot)


# --- 409: the state of the world says no ------------------------------------------------------


def test_a_full_session_is_refused(api, office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)

    error(api.post(URL, payload(full), format="json"), 409, "session_full")
    full.refresh_from_db()
    assert full.booked == 1
    assert not Booking.objects.exists()


def test_a_closed_session_is_refused(api, office):
    closed = SlotFactory(office=office, date=dt.date(2026, 12, 7), closed=True, closed_reason="Outage")

    error(api.post(URL, payload(closed), format="json"), 409, "session_closed")
    assert_nothing_booked(closed)


@pytest.mark.parametrize(
    "date",
    [
        dt.date(2026, 12, 1),  # today: the first bookable day is tomorrow
        dt.date(2026, 11, 30),  # the past
        dt.date(2027, 1, 1),  # beyond the 30-day window
    ],
)
def test_a_date_outside_the_release_window_is_refused(api, office, date):
    unreleased = SlotFactory(office=office, date=date)

    error(api.post(URL, payload(unreleased), format="json"), 409, "date_not_released")
    assert_nothing_booked(unreleased)


def test_an_office_with_online_booking_off_refuses_online_bookings(api, office, slot):
    office.online_booking = False
    office.save()

    error(api.post(URL, payload(slot), format="json"), 409, "online_booking_closed")
    assert_nothing_booked(slot)


def test_a_second_active_booking_for_the_same_nik_is_refused(api, slot, later_slot):
    book(api, slot)

    error(api.post(URL, payload(later_slot), format="json"), 409, "active_booking_exists")
    later_slot.refresh_from_db()
    assert later_slot.booked == 0
    assert Booking.objects.count() == 1


def test_a_failed_second_booking_does_not_change_the_applicants_details(api, slot, later_slot):
    book(api, slot)

    api.post(URL, payload(later_slot, applicant={"email": "calo@example.org", "phone": "081111111111"}), format="json")

    applicant = Applicant.objects.get()
    assert (applicant.email, applicant.phone) == ("siti@example.org", "+6281234567890")


def test_a_second_active_booking_does_not_change_the_first_one_s_contact(api, slot, later_slot, settings):
    # Where a person may hold two bookings, whoever knows a NIK could otherwise book
    # once more with their own phone and email, and receive the first booking's
    # reminders and moves, each with its secret proof link.
    settings.BOOKING_MAX_ACTIVE_PER_PERSON = 2
    first = book(api, slot)

    second = book(
        api, later_slot, applicant={"email": "calo@example.org", "phone": "081111111111", "full_name": "Calo"}
    )

    applicant = Applicant.objects.get()
    assert (applicant.email, applicant.phone, applicant.full_name) == (
        "siti@example.org",
        "+6281234567890",
        "Siti Rahayu",
    )
    assert first["applicant"]["full_name"] == second["applicant"]["full_name"] == "Siti Rahayu"
    assert Booking.objects.count() == 2


def test_a_key_still_in_progress_is_refused(api, slot):
    body = payload(slot)
    IdempotencyKey.objects.create(
        scope="bookings.create", key="abc-1", fingerprint=request_fingerprint(body), created_at=NOW
    )

    error(api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"), 409, "idempotency_in_progress")
    assert_nothing_booked(slot)


def test_a_key_reused_with_another_body_is_refused(api, slot):
    first = api.post(URL, payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="abc-2")
    assert first.status_code == 201

    other = payload(slot, nik=nik_number(2))
    error(api.post(URL, other, format="json", HTTP_IDEMPOTENCY_KEY="abc-2"), 422, "idempotency_key_reused")
    assert Booking.objects.count() == 1


# --- Reading and changing a booking -----------------------------------------------------------


@pytest.fixture
def booked(api, slot):
    return book(api, slot)


def test_an_unknown_code_a_wrong_token_and_no_token_look_the_same(api, booked):
    code, token = booked["code"], booked["token"]
    answers = [
        api.get(f"{URL}ZZZZZZZZ/", HTTP_X_BOOKING_TOKEN=token),
        api.get(f"{URL}{code}/", HTTP_X_BOOKING_TOKEN="wrong"),
        api.get(f"{URL}{code}/"),
        api.post(f"{URL}{code}/cancel/", HTTP_X_BOOKING_TOKEN="wrong"),
        api.post(f"{URL}{code}/reschedule/", {}, format="json"),
    ]

    bodies = [error(answer, 404, "booking_not_found") for answer in answers]
    assert len({body["detail"] for body in bodies}) == 1
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


def test_lookup_with_the_wrong_nik_is_not_found(api, booked):
    response = api.post(f"{URL}lookup/", {"code": booked["code"], "nik": nik_number(2)}, format="json")

    error(response, 404, "booking_not_found")


def test_lookup_with_a_malformed_nik_is_not_found_either(api, booked):
    response = api.post(f"{URL}lookup/", {"code": booked["code"], "nik": "123"}, format="json")

    error(response, 404, "booking_not_found")


def test_a_booking_that_is_checked_in_cannot_be_cancelled(api, booked):
    Booking.objects.filter(code=booked["code"]).update(status=BookingStatus.CHECKED_IN)

    response = api.post(f"{URL}{booked['code']}/cancel/", HTTP_X_BOOKING_TOKEN=booked["token"])

    error(response, 409, "booking_not_cancellable")


def test_cancelling_after_the_session_started_is_too_late(api, booked, time_machine_at):
    time_machine_at(dt.datetime(2026, 12, 7, 8, 5, tzinfo=dt.timezone(dt.timedelta(hours=7))))

    response = api.post(f"{URL}{booked['code']}/cancel/", HTTP_X_BOOKING_TOKEN=booked["token"])

    error(response, 409, "too_late_to_change")


def test_rescheduling_on_the_day_itself_is_too_late(api, booked, later_slot, time_machine_at):
    # Free until the day before (BOOKING_CHANGE_CUTOFF_DAYS=1); 7 December is the booked day.
    time_machine_at(dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    move = {"date": "2026-12-07", "session": later_slot.id}

    response = api.post(f"{URL}{booked['code']}/reschedule/", move, format="json", HTTP_X_BOOKING_TOKEN=booked["token"])

    error(response, 409, "too_late_to_change")


def test_a_second_reschedule_is_not_free(api, booked, office, later_slot):
    third = SlotFactory(office=office, date=dt.date(2026, 12, 8))
    headers = {"HTTP_X_BOOKING_TOKEN": booked["token"]}
    url = f"{URL}{booked['code']}/reschedule/"
    assert api.post(url, {"date": "2026-12-07", "session": later_slot.id}, format="json", **headers).status_code == 200

    response = api.post(url, {"date": "2026-12-08", "session": third.id}, format="json", **headers)

    error(response, 409, "reschedule_not_allowed")
    third.refresh_from_db()
    assert third.booked == 0


def test_a_waiting_request_cannot_be_rescheduled(api, office, later_slot):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)
    waiting = book(api, full, if_full="next_available")
    move = {"date": "2026-12-07", "session": later_slot.id}

    url = f"{URL}{waiting['code']}/reschedule/"
    response = api.post(url, move, format="json", HTTP_X_BOOKING_TOKEN=waiting["token"])

    error(response, 409, "reschedule_not_allowed")


def test_rescheduling_into_a_full_session_keeps_the_old_place(api, booked, slot, office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 8), capacity=1, booked=1)
    move = {"date": "2026-12-08", "session": full.id}

    response = api.post(f"{URL}{booked['code']}/reschedule/", move, format="json", HTTP_X_BOOKING_TOKEN=booked["token"])

    error(response, 409, "session_full")
    slot.refresh_from_db()
    full.refresh_from_db()
    assert (slot.booked, full.booked) == (1, 1)
    assert Booking.objects.get().slot_id == slot.id


def test_rescheduling_to_a_session_of_another_date_than_given_is_not_found(api, booked, later_slot):
    move = {"date": "2026-12-09", "session": later_slot.id}

    response = api.post(f"{URL}{booked['code']}/reschedule/", move, format="json", HTTP_X_BOOKING_TOKEN=booked["token"])

    error(response, 404, "session_not_found")


# --- 429 -------------------------------------------------------------------------------------


def test_too_many_bookings_from_one_address_are_rate_limited(api, slot, settings):
    settings.RATELIMIT_BOOKING_IP = "2/m"
    for n in (1, 2):
        api.post(URL, payload(slot, nik=nik_number(n)), format="json")

    response = api.post(URL, payload(slot, nik=nik_number(3)), format="json")

    error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Booking.objects.count() == 2


def test_lookups_are_rate_limited_per_nik(api, booked, settings):
    settings.RATELIMIT_LOOKUP_NIK = "2/m"
    settings.RATELIMIT_LOOKUP_IP = "100/m"
    for _ in range(2):
        api.post(f"{URL}lookup/", {"code": "ZZZZZZZZ", "nik": NIK}, format="json")

    response = api.post(f"{URL}lookup/", {"code": booked["code"], "nik": NIK}, format="json")

    error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    other = api.post(f"{URL}lookup/", {"code": booked["code"], "nik": nik_number(2)}, format="json")
    assert other.status_code == 404  # another NIK is not held back


def test_rate_limits_can_be_switched_off_for_a_load_test(api, slot, settings):
    settings.RATELIMIT_ENABLE = False
    settings.RATELIMIT_BOOKING_IP = "1/m"

    codes = [api.post(URL, payload(slot, nik=nik_number(n)), format="json").status_code for n in (1, 2, 3)]

    assert codes == [201, 201, 201]


# --- Every code is exercised ------------------------------------------------------------------

# Codes whose natural home is another test module (a service or a race rather than one request).
ELSEWHERE = {
    "invalid_qr": "test_proof.py",
    "invalid_transition": "test_booking_services.py",
    "booking_state_changed": "test_concurrency.py",
    "token_not_renewable": "test_token_renewal.py",
    "contact_missing": "test_contact_change.py",
    "contact_not_changeable": "test_contact_change.py",
    "contact_shared": "test_contact_change.py",
    "phone_required": "test_contact_change.py",
}


def test_every_booking_error_code_is_exercised_by_a_test():
    codes = {
        cls.code
        for _name, cls in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(cls, exceptions.BookingError) and cls is not exceptions.BookingError
    } | {exceptions.RateLimited.code}
    here = Path(__file__)

    missing = {code for code in codes if f'"{code}"' not in (here.parent / ELSEWHERE.get(code, here.name)).read_text()}

    assert not missing


# --- DRF's own errors, in the client's language ---------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Isi permintaan bukan JSON yang valid."), ("en", "The request body is not valid JSON.")],
)
def test_a_body_that_is_not_json_is_explained_in_the_clients_language(api, slot, language, expected):
    response = api.post(URL, "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)

    assert error(response, 400, "malformed_request")["detail"] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Isi permintaan harus berupa objek JSON."), ("en", "The request body must be a JSON object.")],
)
def test_a_json_list_instead_of_an_object_is_explained(api, slot, language, expected):
    response = api.post(URL, [payload(slot)], format="json", HTTP_ACCEPT_LANGUAGE=language)

    body = error(response, 400, "validation_error")
    assert body["detail"] == expected
    assert body["fields"] == {"non_field_errors": [expected]}
    assert_nothing_booked(slot)


def test_a_method_the_endpoint_does_not_take_is_named_in_indonesian(api):
    body = error(api.get(URL, HTTP_ACCEPT_LANGUAGE="id"), 405, "method_not_allowed")

    assert body["detail"] == "Metode GET tidak diizinkan di sini."


def test_a_page_of_offices_past_the_last_is_not_found_in_indonesian(api, office):
    body = error(api.get("/api/v1/offices/?page=99", HTTP_ACCEPT_LANGUAGE="id"), 404, "not_found")

    assert body["detail"] == "Halaman hasil itu tidak ada."


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/bookings/ABCD2345/nope/", "/api/nope"])
def test_an_unknown_api_address_answers_in_the_apis_shape(api, settings, path, debug):
    # With DEBUG on, Django gives its technical 404 page and never calls handler404.
    settings.DEBUG = debug

    for language, words in [("id", "Tidak ada apa pun di alamat ini dalam API."), ("en", "There is nothing at")]:
        response = api.get(path, HTTP_ACCEPT_LANGUAGE=language)

        assert response["Content-Type"] == "application/json"
        assert error(response, 404, "not_found")["detail"].startswith(words)
        assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_api_address_without_its_last_slash_is_still_sent_to_it(api, settings, office, debug):
    settings.DEBUG = debug

    response = api.get("/api/v1/offices")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/offices/"


def test_with_debug_on_a_view_s_own_404_is_left_as_it_is(api, settings, office):
    settings.DEBUG = True

    response = api.get("/api/v1/offices/no-such-office/", HTTP_ACCEPT_LANGUAGE="en")

    assert error(response, 404, "office_not_found")


def test_an_unknown_page_outside_the_api_is_still_the_html_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
