"""``Idempotency-Key``: a retried POST gets the first answer and never a second booking."""

import datetime as dt

import pytest
import yaml

from applicants.models import Booking, IdempotencyKey
from applicants.services.idempotency import idempotency_purge, request_fingerprint
from applicants.tasks.maintenance import purge_idempotency_keys
from tests.applicants.conftest import NOW, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


def post(api, body, key):
    return api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_get_the_same_answer_and_one_booking(api, slot):
    first = post(api, payload(slot), "retry-1")
    second = post(api, payload(slot), "retry-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_the_body_is_compared_as_json_not_as_text(api, slot):
    body = payload(slot)
    reordered = dict(reversed(list(body.items())))

    first = post(api, body, "retry-2")
    second = post(api, reordered, "retry-2")

    assert second.json()["code"] == first.json()["code"]


def test_an_error_answer_is_replayed_too(api, office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)
    assert post(api, payload(full), "retry-3").json()["code"] == "session_full"
    full.booked = 0
    full.save()

    again = post(api, payload(full), "retry-3")

    assert (again.status_code, again.json()["code"]) == (409, "session_full")
    assert not Booking.objects.exists()


def test_a_replayed_booking_keeps_its_location(api, slot):
    first = post(api, payload(slot), "retry-location")
    second = post(api, payload(slot), "retry-location")

    assert first["Location"] == f"{URL}{first.json()['code']}/"
    assert second["Location"] == first["Location"]


def test_invalid_input_does_not_use_up_the_key(api, slot):
    # Bad input changes nothing, not even the key: the corrected retry with the same key
    # books, instead of being told the key was used with another body.
    bad = post(api, payload(slot, applicant={"nik": "1"}), "retry-fixed")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_nik")
    assert not IdempotencyKey.objects.exists()

    fixed = post(api, payload(slot), "retry-fixed")

    assert fixed.status_code == 201
    assert Booking.objects.count() == 1


def test_a_session_not_found_does_not_use_up_the_key(api, slot):
    missing = post(api, payload(slot, session=10**9), "retry-missing")
    assert missing.status_code == 404

    assert post(api, payload(slot), "retry-missing").status_code == 201


def test_a_rate_limited_answer_is_not_kept(api, slot, settings):
    settings.RATELIMIT_BOOKING_NIK = "1/m"
    post(api, payload(slot, if_full="next_available"), "first")
    limited = post(api, payload(slot, if_full="next_available"), "retry-4")
    assert limited.status_code == 429

    assert not IdempotencyKey.objects.filter(key="retry-4").exists()


def test_keys_are_per_endpoint(api, slot):
    booked = post(api, payload(slot), "shared-key").json()

    cancel = api.post(
        f"{URL}{booked['code']}/cancel/", HTTP_IDEMPOTENCY_KEY="shared-key", HTTP_X_BOOKING_TOKEN=booked["token"]
    )

    assert (cancel.status_code, cancel.json()["status"]) == (200, "cancelled")


def test_a_replayed_cancel_answers_like_the_first(api, slot):
    booked = api.post(URL, payload(slot), format="json").json()
    url, headers = f"{URL}{booked['code']}/cancel/", {"HTTP_X_BOOKING_TOKEN": booked["token"]}

    first = api.post(url, HTTP_IDEMPOTENCY_KEY="cancel-1", **headers)
    second = api.post(url, HTTP_IDEMPOTENCY_KEY="cancel-1", **headers)

    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"


def test_a_stored_answer_is_not_readable_in_the_database(api, slot):
    token = post(api, payload(slot), "retry-5").json()["token"]

    stored = IdempotencyKey.objects.get(key="retry-5")
    assert stored.state == "done"
    assert token not in str(stored.response_body)


def test_a_key_older_than_its_life_counts_as_new(api, slot, settings):
    IdempotencyKey.objects.create(
        scope="bookings.create",
        key="old-key",
        fingerprint=request_fingerprint({"something": "else"}),
        state="done",
        response_status=201,
        response_body={},
        created_at=NOW - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS, seconds=1),
    )

    response = post(api, payload(slot), "old-key")

    assert response.status_code == 201
    assert IdempotencyKey.objects.get(key="old-key").created_at == NOW


def test_a_claim_left_by_a_dead_request_is_taken_over(api, slot):
    body = payload(slot)
    IdempotencyKey.objects.create(
        scope="bookings.create",
        key="dead",
        fingerprint=request_fingerprint(body),
        created_at=NOW - dt.timedelta(minutes=5),
    )

    assert post(api, body, "dead").status_code == 201


def test_the_purge_deletes_only_expired_keys(settings):
    ttl = dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    for key, age in [("expired", ttl + dt.timedelta(minutes=1)), ("fresh", ttl - dt.timedelta(minutes=1))]:
        IdempotencyKey.objects.create(scope="s", key=key, fingerprint="f", created_at=NOW - age)

    assert purge_idempotency_keys.apply().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert idempotency_purge(now=NOW) == 0


def test_the_purge_runs_hourly_from_beat(settings):
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "applicants.tasks.purge_idempotency_keys"
    ]

    assert [e["schedule"] for e in entries] == [3600.0]


def test_the_schema_says_which_replays_carry_the_current_links(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    def key_description(path: str) -> str:
        [header] = [p for p in paths[path]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
        return " ".join(header["description"].split())

    for path in ("/api/v1/bookings/{code}/cancel/", "/api/v1/bookings/{code}/reschedule/", "/api/v1/bookings/"):
        described = key_description(path)
        assert "replayed cancel or reschedule answer carries the links" in described
        assert "current secret" in described
        assert "replayed create answer is the first answer as it was given" in described
