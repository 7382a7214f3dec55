"""Renewing a booking's secret: the old token opens nothing, the new one opens the same booking."""

import datetime as dt

import pytest
from django.core import mail

from applicants.exceptions import BookingNotFound, BookingStateChanged, TokenNotRenewable
from applicants.models import Booking, BookingStatus, BookingTransition, IdempotencyKey, Notification
from applicants.proof import token_hash
from applicants.selectors import booking_get_for_token, booking_token
from applicants.services.rollover import closure_rollover
from applicants.services.tokens import booking_token_renew
from applicants.services.transitions import booking_transition
from tests.applicants.conftest import DAY, NIK, NOW, payload
from tests.applicants.test_notifications import run_all

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def booked(api, slot):
    response = api.post(URL, payload(slot, language="en"), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def renew(api, code: str, token: str | None, **headers):
    if token is not None:
        headers["HTTP_X_BOOKING_TOKEN"] = token
    return api.post(f"{URL}{code}/token/", **headers)


def opens(api, code: str, token: str) -> int:
    return api.get(f"{URL}{code}/", HTTP_X_BOOKING_TOKEN=token).status_code


def test_the_new_token_opens_the_same_booking_and_the_old_one_nothing(api, booked):
    response = renew(api, booked["code"], booked["token"])

    assert response.status_code == 200, response.json()
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    new = body["token"]
    assert new != booked["token"]
    assert body["proof_url"].endswith(f"/b/{booked['code']}/{new}/")
    assert (body["pdf_url"], body["ics_url"]) == (f"{body['proof_url']}proof.pdf", f"{body['proof_url']}calendar.ics")
    # The booking itself is what it was: code, place, signed QR.
    same = ("code", "status", "date", "session", "qr", "checkin_window", "reschedules_left", "created_at")
    assert {k: body[k] for k in same} == {k: booked[k] for k in same}
    assert opens(api, booked["code"], new) == 200
    assert opens(api, booked["code"], booked["token"]) == 404
    # The encrypted copy is the new one: "find my booking" hands out the new link.
    found = api.post(f"{URL}lookup/", {"code": booked["code"], "nik": NIK}, format="json").json()
    assert found["token"] == new


def test_after_renewal_the_old_token_answers_exactly_like_a_wrong_one(api, booked):
    wrong = api.get(f"{URL}{booked['code']}/", HTTP_X_BOOKING_TOKEN="not-the-token")
    renew(api, booked["code"], booked["token"])

    old = [
        api.get(f"{URL}{booked['code']}/", HTTP_X_BOOKING_TOKEN=booked["token"]),
        api.post(f"{URL}{booked['code']}/cancel/", HTTP_X_BOOKING_TOKEN=booked["token"]),
        renew(api, booked["code"], booked["token"]),
        api.get(f"{URL}{booked['code']}/position/", HTTP_X_BOOKING_TOKEN=booked["token"]),
    ]

    for response in old:
        assert (response.status_code, response.json()) == (404, wrong.json())
    assert Booking.objects.get(code=booked["code"]).status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("suffix", ["", "proof.pdf", "calendar.ics", "cancel/", "reschedule/", "queue.json"])
def test_the_old_proof_link_and_its_pdf_and_calendar_addresses_stop_working(client, api, booked, suffix):
    old_link = booked["proof_url"].split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{old_link}{suffix}").status_code == 200

    new_link = renew(api, booked["code"], booked["token"]).json()["proof_url"].split("://", 1)[1].split("/", 1)[1]

    assert client.get(f"/{old_link}{suffix}").status_code == 404
    assert client.get(f"/{new_link}{suffix}").status_code == 200


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_a_missing_or_wrong_token_renews_nothing(api, booked, token):
    before = Booking.objects.values("token_hash", "token_encrypted").get(code=booked["code"])

    response = renew(api, booked["code"], token)

    assert (response.status_code, response.json()["code"]) == (404, "booking_not_found")
    assert Booking.objects.values("token_hash", "token_encrypted").get(code=booked["code"]) == before
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()
    assert opens(api, booked["code"], booked["token"]) == 200


def test_an_unknown_or_malformed_code_is_404(api, booked):
    for code in ("ZZZZZZZZ", "not-a-code", booked["code"] + "X"):
        response = renew(api, code, booked["token"])
        assert (response.status_code, response.json()["code"]) == (404, "booking_not_found"), code


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (BookingStatus.CANCELLED, "Cancelled"),
        (BookingStatus.CHECKED_IN, "Checked in"),
        (BookingStatus.SERVED, "Served"),
        (BookingStatus.NO_SHOW, "Did not come"),
    ],
)
def test_only_a_waiting_or_confirmed_booking_gets_a_new_token(api, booked, status, label):
    Booking.objects.filter(code=booked["code"]).update(status=status)

    response = renew(api, booked["code"], booked["token"], HTTP_ACCEPT_LANGUAGE="en")
    in_indonesian = renew(api, booked["code"], booked["token"], HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 409
    assert response.json() == {
        "code": "token_not_renewable",
        "detail": f"The secret link of this booking can no longer be renewed: its status is “{label}”. "
        "Only a booking that is waiting for a place or confirmed gets a new link.",
        "fields": {},
    }
    assert in_indonesian.json()["code"] == "token_not_renewable"
    assert in_indonesian.json()["detail"].startswith("Tautan rahasia pendaftaran ini tidak dapat diganti lagi")
    assert opens(api, booked["code"], booked["token"]) == 200


def test_a_waiting_request_can_be_renewed(api, office):
    from tests.factories import SlotFactory

    full = SlotFactory(office=office, date=DAY, capacity=1, booked=1)
    waiting = api.post(URL, payload(full, if_full="next_available"), format="json").json()

    response = renew(api, waiting["code"], waiting["token"])

    assert response.status_code == 200
    assert response.json()["status"] == "waiting"
    assert opens(api, waiting["code"], waiting["token"]) == 404


def test_the_renewal_is_in_the_status_log_without_the_token(api, booked):
    new = renew(api, booked["code"], booked["token"]).json()["token"]

    booking = Booking.objects.get(code=booked["code"])
    [logged] = BookingTransition.objects.filter(booking=booking, reason="token_renewed")
    assert (logged.from_status, logged.to_status, logged.at, logged.actor) == ("confirmed", "confirmed", NOW, None)
    assert logged.detail == {"via": "api"}
    stored = str(list(BookingTransition.objects.filter(booking=booking).values()))
    for secret in (booked["token"], new, token_hash(booked["token"]), token_hash(new)):
        assert secret not in stored


def test_the_token_never_reaches_the_log(api, booked, caplog, product_log):
    caplog.set_level("DEBUG")

    new = renew(api, booked["code"], booked["token"]).json()["token"]
    renew(api, booked["code"], booked["token"])  # the old one, now 404

    written = caplog.text + product_log.getvalue()
    for secret in (booked["token"], new):
        assert secret not in written


def test_the_person_is_sent_the_new_link_by_email_and_sms(
    api, slot, published, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booked = api.post(URL, payload(slot, language="en"), format="json").json()
    run_all(published)
    published.clear()
    mail.outbox.clear()
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new = renew(api, booked["code"], booked["token"]).json()

    assert run_all(published) == ["sent", "sent"]
    [email] = mail.outbox
    assert email.subject == f"New secret link for your booking {booked['code']}"
    assert new["proof_url"] in email.body and booked["proof_url"] not in email.body
    assert "If you did not renew it yourself, someone else had your link" in email.body
    assert new["proof_url"] in email.alternatives[0][0]
    [sms] = sms_outbox
    assert new["proof_url"] in sms.text and booked["token"] not in sms.text
    assert sms.text.endswith("Not you? Open the link and renew it again.")


def test_each_renewal_sends_its_own_message(api, booked, sms_outbox):
    first = renew(api, booked["code"], booked["token"]).json()
    renew(api, booked["code"], first["token"])

    booking = Booking.objects.get(code=booked["code"])
    messages = Notification.objects.filter(booking=booking, kind=Notification.Kind.TOKEN_RENEWED)
    assert messages.count() == 4  # two renewals, by email and by SMS
    assert len({n.dedupe_key for n in messages}) == 2


def test_a_second_renewal_with_the_same_stale_token_loses_and_writes_nothing(api, booked):
    """Two renewals read the booking with the same token; the first to write wins."""
    first_copy = booking_get_for_token(code=booked["code"], token=booked["token"])
    second_copy = booking_get_for_token(code=booked["code"], token=booked["token"])

    winner = booking_token_renew(booking=first_copy, now=NOW, via="api")
    with pytest.raises(BookingNotFound):
        booking_token_renew(booking=second_copy, now=NOW, via="api")

    assert booking_token(Booking.objects.get(code=booked["code"])) == winner.token
    assert opens(api, booked["code"], winner.token) == 200
    assert BookingTransition.objects.filter(reason="token_renewed").count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.TOKEN_RENEWED).count() == 2


def test_a_status_changed_under_the_renewal_keeps_the_old_token(api, booked):
    copy = booking_get_for_token(code=booked["code"], token=booked["token"])
    booking_transition(
        booking=booking_get_for_token(code=booked["code"], token=booked["token"]),
        to_status=BookingStatus.CANCELLED,
        reason="test",
        now=NOW,
    )

    with pytest.raises(BookingStateChanged):
        booking_token_renew(booking=copy, now=NOW, via="api")
    copy.refresh_from_db()
    with pytest.raises(TokenNotRenewable):
        booking_token_renew(booking=copy, now=NOW, via="api")
    assert opens(api, booked["code"], booked["token"]) == 200


def test_after_a_rollover_the_old_code_follows_the_new_token_only(api, client, booked, slot, later_slot):
    slot.closed = True
    slot.save(update_fields=["closed"])
    closure_rollover(office_id=slot.office_id, date=DAY, now=NOW)
    moved = Booking.objects.get(rolled_from__code=booked["code"])
    assert moved.status == BookingStatus.CONFIRMED and moved.slot_id == later_slot.id

    new = renew(api, moved.code, booked["token"]).json()["token"]

    # The old code (now rolled over) no longer opens with the old token anywhere...
    assert opens(api, booked["code"], booked["token"]) == 404
    assert client.get(f"/b/{booked['code']}/{booked['token']}/").status_code == 404
    # ...and its link with the new token still leads to the booking it became.
    assert opens(api, booked["code"], new) == 200
    assert client.get(f"/b/{booked['code']}/{new}/")["Location"] == f"/b/{moved.code}/{new}/"


def test_a_retry_with_the_same_idempotency_key_gets_the_new_token_again(api, booked):
    first = renew(api, booked["code"], booked["token"], HTTP_IDEMPOTENCY_KEY="renew-1")
    again = renew(api, booked["code"], booked["token"], HTTP_IDEMPOTENCY_KEY="renew-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert BookingTransition.objects.filter(reason="token_renewed").count() == 1
    assert opens(api, booked["code"], first.json()["token"]) == 200
    # The stored answer holds the new token: sealed, like every stored answer.
    stored = str(IdempotencyKey.objects.filter(scope__startswith="bookings.token:").values_list("response_body"))
    assert first.json()["token"] not in stored


def test_the_stored_renewal_answer_is_only_for_the_old_token_it_was_asked_with(api, booked):
    renew(api, booked["code"], booked["token"], HTTP_IDEMPOTENCY_KEY="renew-2")

    other = renew(api, booked["code"], "not-the-token", HTTP_IDEMPOTENCY_KEY="renew-2")

    assert (other.status_code, other.json()["code"]) == (404, "booking_not_found")
    assert "Idempotent-Replayed" not in other


def test_renewal_leaves_the_creation_idempotency_key_replaying_the_same_booking(api, slot):
    created = api.post(URL, payload(slot, language="en"), format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    renewed = renew(api, created.json()["code"], created.json()["token"], HTTP_IDEMPOTENCY_KEY="create-1")

    again = api.post(URL, payload(slot, language="en"), format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    assert renewed.status_code == 200
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == created.json()
    assert Booking.objects.count() == 1
    # The first answer, as given; its token is the one renewed away.
    assert opens(api, created.json()["code"], again.json()["token"]) == 404
    assert opens(api, created.json()["code"], renewed.json()["token"]) == 200


def test_renewals_are_rate_limited_per_booking(api, booked, settings):
    settings.RATELIMIT_RENEW_CODE = "2/h"
    token = booked["token"]
    answers = []
    for _ in range(3):
        response = renew(api, booked["code"], token)
        answers.append(response.status_code)
        token = response.json().get("token", token)

    assert answers == [200, 200, 429]
    limited = renew(api, booked["code"], token)
    assert limited.json()["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    assert opens(api, booked["code"], token) == 200


def test_renewals_are_rate_limited_per_address(api, booked, settings):
    settings.RATELIMIT_RENEW_IP = "2/m"

    answers = [renew(api, booked["code"], "not-the-token").status_code for _ in range(3)]

    assert answers == [404, 404, 429]


def test_the_endpoint_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/v1/bookings/{code}/token/"]["post"]
    assert operation["operationId"] == "bookings_token_renew"
    assert {"200", "404", "409", "422", "429", "503"} <= set(operation["responses"])
    assert {"X-Booking-Token", "Idempotency-Key"} <= {p["name"] for p in operation["parameters"]}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/BookingWithTokenOutput")
    assert "token_not_renewable" in operation["responses"]["409"]["description"]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_reschedule_replayed_after_a_renewal_gives_the_links_that_work(api, client, booked, later_slot):
    move = {"date": later_slot.date.isoformat(), "session": later_slot.id}
    url = f"{URL}{booked['code']}/reschedule/"
    first = api.post(url, move, format="json", HTTP_X_BOOKING_TOKEN=booked["token"], HTTP_IDEMPOTENCY_KEY="move-1")
    assert first.status_code == 200, first.json()
    new = renew(api, booked["code"], booked["token"]).json()["token"]

    again = api.post(url, move, format="json", HTTP_X_BOOKING_TOKEN=new, HTTP_IDEMPOTENCY_KEY="move-1")

    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    body = again.json()
    assert body["proof_url"].endswith(f"/b/{booked['code']}/{new}/")
    for link in ("proof_url", "pdf_url", "ics_url"):
        assert client.get(_path(body[link])).status_code == 200, link
    # The rest is the first answer, as given: still moved once, not twice.
    links = ("proof_url", "pdf_url", "ics_url")
    unlinked = [{k: v for k, v in answer.items() if k not in links} for answer in (body, first.json())]
    assert unlinked[0] == unlinked[1]
    assert Booking.objects.get(code=booked["code"]).reschedule_count == 1
    # The old token opens nothing, the stored answer included.
    stale = api.post(url, move, format="json", HTTP_X_BOOKING_TOKEN=booked["token"], HTTP_IDEMPOTENCY_KEY="move-1")
    assert (stale.status_code, stale.json()["code"]) == (404, "booking_not_found")


def test_a_stored_refusal_is_replayed_as_it_was_after_a_renewal(api, booked, time_machine_at, office):
    # The session has begun: too late for the applicant to cancel, not to renew the link.
    time_machine_at(dt.datetime.combine(DAY, dt.time(8, 30), tzinfo=office.tz))
    url = f"{URL}{booked['code']}/cancel/"
    first = api.post(url, HTTP_X_BOOKING_TOKEN=booked["token"], HTTP_IDEMPOTENCY_KEY="cancel-1")
    assert (first.status_code, first.json()["code"]) == (409, "too_late_to_change")
    new = renew(api, booked["code"], booked["token"]).json()["token"]

    again = api.post(url, HTTP_X_BOOKING_TOKEN=new, HTTP_IDEMPOTENCY_KEY="cancel-1")

    assert (again.status_code, again["Idempotent-Replayed"]) == (409, "true")
    assert again.json() == first.json()
