"""The applicant changes their own phone or email from the booking's secret link: the
service, its messages (the proof to the new contact, a notice to the old one) and the API."""

import pytest
from django.core import mail
from django.utils import timezone, translation

from applicants.exceptions import (
    ContactMissing,
    ContactNotChangeable,
    ContactOfErasedPerson,
    ContactShared,
    InvalidEmail,
    InvalidPhone,
    PhoneRequired,
)
from applicants.models import Applicant, Booking, BookingStatus, BookingTransition, Notification
from applicants.selectors import booking_get_for_token
from applicants.services.changes import booking_cancel
from applicants.services.contact import booking_contact_change
from tests.applicants.conftest import BIRTH, NIK, NOW, payload
from tests.applicants.test_notifications import run_all
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"
OLD_PHONE, NEW_PHONE = "+6281234567890", "+6281311112222"
OLD_EMAIL, NEW_EMAIL = "siti@example.org", "siti.rahayu@example.net"


@pytest.fixture
def booked(api, slot):
    def book(**overrides) -> dict:
        response = api.post(URL, payload(slot, **overrides), format="json")
        assert response.status_code in (201, 202), response.json()
        return response.json()

    return book


@pytest.fixture
def booking_of(booked, published):
    """A confirmed booking (English messages) loaded as its link loads it; the
    confirmation's own send is already recorded and left out of what the tests run."""

    def make(**overrides) -> Booking:
        body = booked(language="en", **overrides)
        published.clear()
        return booking_get_for_token(code=body["code"], token=body["token"])

    return make


def change(api, code: str, token: str | None, body: dict, **headers):
    if token is not None:
        headers["HTTP_X_BOOKING_TOKEN"] = token
    return api.post(f"{URL}{code}/contact/", body, format="json", **headers)


def rows(booking: Booking) -> list[tuple[str, str, str]]:
    """The messages of ``booking`` beyond its first confirmation: (kind, channel, recipient)."""
    told = Notification.objects.filter(booking=booking).exclude(dedupe_key="confirmation")
    return sorted(told.values_list("kind", "channel", "recipient"))


# --- The service ---------------------------------------------------------------------------


def test_a_new_phone_is_stored_logged_without_values_and_told_to_both_sides(booking_of):
    booking = booking_of()

    result = booking_contact_change(booking=booking, phone="0813-1111-2222", now=NOW, via="web")

    assert result.changed == ["phone"]
    applicant = Applicant.objects.get()
    assert (applicant.phone, applicant.email) == (NEW_PHONE, OLD_EMAIL)
    [logged] = BookingTransition.objects.filter(booking=booking, reason="contact_changed")
    assert (logged.from_status, logged.to_status, logged.actor) == ("confirmed", "confirmed", None)
    assert logged.detail == {"fields": ["phone"], "via": "web"}
    with translation.override("en"):
        assert logged.reason_label == "Contact details changed by the applicant"
    # The proof by SMS only (the email did not change); the notice to every former address.
    assert rows(booking) == [
        ("confirmation", "sms", ""),
        ("contact_changed", "email", OLD_EMAIL),
        ("contact_changed", "sms", OLD_PHONE),
    ]
    keys = set(Notification.objects.filter(booking=booking).values_list("dedupe_key", flat=True))
    assert keys == {"confirmation", f"contact_proof:{logged.id}", f"contact_changed:{logged.id}"}


def test_the_new_number_gets_the_proof_link_and_the_old_one_a_notice_without_it(
    booking_of, published, sms_outbox, django_capture_on_commit_callbacks
):
    booking = booking_of()
    with django_capture_on_commit_callbacks(execute=True):
        booking_contact_change(booking=booking, phone="0813-1111-2222", now=NOW, via="web")

    assert sorted(run_all(published)) == ["sent", "sent", "sent"]

    by_number = {message.to: message.text for message in sms_outbox}
    assert set(by_number) == {NEW_PHONE, OLD_PHONE}
    assert f"/b/{booking.code}/" in by_number[NEW_PHONE]
    assert by_number[NEW_PHONE].startswith(f"Antrean Paspor: Booking confirmed: {booking.code}.")
    notice = by_number[OLD_PHONE]
    assert notice.startswith(f"Antrean Paspor: Contact details changed for booking {booking.code}.")
    assert "/b/" not in notice and "/my-booking/" in notice
    [email] = mail.outbox
    assert email.to == [OLD_EMAIL]
    assert email.subject == f"Contact details changed for booking {booking.code}"
    html = email.alternatives[0][0]
    for text in (email.body, html):
        assert "/b/" not in text
        # The old address may be a stranger's: no name either.
        assert "Siti" not in text and "Hello," in text
    # A former contact is kept no longer than it takes to tell it.
    assert not Notification.objects.exclude(recipient="").exists()


def test_a_new_email_gets_the_proof_and_the_old_email_and_the_kept_phone_the_notice(
    booking_of, published, sms_outbox, django_capture_on_commit_callbacks
):
    booking = booking_of()

    with django_capture_on_commit_callbacks(execute=True):
        booking_contact_change(booking=booking, email=" Siti.Rahayu@EXAMPLE.net ", now=NOW, via="api")
    run_all(published)

    assert Applicant.objects.get().email == "Siti.Rahayu@example.net"
    by_address = {tuple(email.to): email for email in mail.outbox}
    assert set(by_address) == {("Siti.Rahayu@example.net",), (OLD_EMAIL,)}
    assert f"/b/{booking.code}/" in by_address[("Siti.Rahayu@example.net",)].body
    assert "/b/" not in by_address[(OLD_EMAIL,)].body
    [sms] = sms_outbox
    assert sms.to == OLD_PHONE and "Contact details changed" in sms.text


def test_a_waiting_request_sends_the_waiting_message_to_the_new_contact(booked, slot, published):
    slot.booked = slot.capacity
    slot.save()
    body = booked(if_full="next_available", language="en")
    booking = booking_get_for_token(code=body["code"], token=body["token"])
    assert booking.status == BookingStatus.WAITING

    booking_contact_change(booking=booking, email=NEW_EMAIL, now=NOW, via="web")

    [proof] = Notification.objects.filter(booking=booking, dedupe_key__startswith="contact_proof:")
    assert (proof.kind, proof.channel) == ("waiting", "email")


def test_removing_the_email_tells_both_former_contacts_and_sends_no_proof(booking_of):
    booking = booking_of()

    result = booking_contact_change(booking=booking, email="", now=NOW, via="web")

    assert result.changed == ["email"]
    assert Applicant.objects.get().email == ""
    assert rows(booking) == [("contact_changed", "email", OLD_EMAIL), ("contact_changed", "sms", OLD_PHONE)]


def test_the_same_contact_again_changes_and_sends_nothing(booking_of):
    booking = booking_of()

    result = booking_contact_change(booking=booking, phone="+62 812 3456 7890", email=OLD_EMAIL, now=NOW, via="web")

    assert result.changed == []
    assert rows(booking) == []
    assert not BookingTransition.objects.filter(reason="contact_changed").exists()


@pytest.mark.parametrize(
    ("given", "error", "field"),
    [
        ({"phone": "12345"}, InvalidPhone, "phone"),
        ({"email": "not-an-address"}, InvalidEmail, "email"),
        ({"phone": "  "}, PhoneRequired, "phone"),
        ({}, ContactMissing, "phone"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(booking_of, given, error, field):
    booking = booking_of()

    with pytest.raises(error) as caught:
        booking_contact_change(booking=booking, now=NOW, via="web", **given)

    assert field in caught.value.fields
    assert (Applicant.objects.get().phone, Applicant.objects.get().email) == (OLD_PHONE, OLD_EMAIL)
    assert rows(booking) == []


def test_a_cancelled_booking_cannot_change_the_contact(booking_of):
    booking = booking_of()
    booking_cancel(booking=booking, now=NOW)

    with pytest.raises(ContactNotChangeable) as caught:
        booking_contact_change(booking=booking, phone=NEW_PHONE, now=NOW, via="web")

    assert caught.value.code == "contact_not_changeable"
    with translation.override("en"):
        assert "its status is “Cancelled”" in caught.value.detail
    assert Applicant.objects.get().phone == OLD_PHONE


def test_a_cancellation_that_came_first_is_seen_under_the_lock(booking_of):
    booking = booking_of()
    Booking.objects.filter(id=booking.id).update(status=BookingStatus.CANCELLED, slot=None)

    with pytest.raises(ContactNotChangeable):
        booking_contact_change(booking=booking, phone=NEW_PHONE, now=NOW, via="web")

    assert Applicant.objects.get().phone == OLD_PHONE


def test_an_erased_person_cannot_be_changed(booking_of):
    booking = booking_of()
    Applicant.objects.update(erased_at=timezone.now(), phone="", email="")

    with pytest.raises(ContactOfErasedPerson) as caught:
        booking_contact_change(booking=booking, phone=NEW_PHONE, now=NOW, via="web")

    assert caught.value.code == "contact_not_changeable"
    assert Applicant.objects.get().phone == ""


def test_a_contact_shared_with_another_active_booking_is_left_to_the_office(booking_of, settings, later_slot):
    settings.BOOKING_MAX_ACTIVE_PER_PERSON = 2
    booking = booking_of()
    Booking.objects.create(
        code="OTHER234",
        token_hash="x" * 64,
        applicant=booking.applicant,
        nik_hash=booking.nik_hash,
        person_slot=2,
        office=later_slot.office,
        slot=later_slot,
        date=later_slot.date,
        requested_date=later_slot.date,
    )

    with pytest.raises(ContactShared) as caught:
        booking_contact_change(booking=booking, phone=NEW_PHONE, now=NOW, via="web")

    assert (caught.value.code, caught.value.status) == ("contact_shared", 409)
    assert Applicant.objects.get().phone == OLD_PHONE


def test_another_persons_bookings_do_not_count_as_shared(booking_of, booked, api):
    other_nik = make_nik(BIRTH, female=False, serial=2)
    booked(nik=other_nik, applicant={"phone": "0813-9999-0000"})
    booking = booking_of()

    assert booking_contact_change(booking=booking, phone=NEW_PHONE, now=NOW, via="web").changed == ["phone"]


# --- The API --------------------------------------------------------------------------------


def test_the_api_changes_the_contact_and_answers_with_it_masked(api, booked):
    body = booked()

    response = change(api, body["code"], body["token"], {"phone": "0813 1111 2222", "email": NEW_EMAIL})

    assert response.status_code == 200, response.json()
    assert response["Cache-Control"] == "no-store"
    answer = response.json()
    assert answer["changed"] == ["email", "phone"]
    assert answer["contact"] == {
        "phone": "\u2022\u2022\u20222222",
        "email": "s\u2022\u2022\u2022@e\u2022\u2022\u2022.net",
    }
    assert answer["code"] == body["code"] and answer["proof_url"] == body["proof_url"]
    assert (Applicant.objects.get().phone, Applicant.objects.get().email) == (NEW_PHONE, NEW_EMAIL)
    assert BookingTransition.objects.get(reason="contact_changed").detail == {
        "fields": ["email", "phone"],
        "via": "api",
    }


def test_the_api_removes_the_email_with_an_empty_string_and_keeps_what_is_left_out(api, booked):
    body = booked()

    response = change(api, body["code"], body["token"], {"email": "", "phone": None})

    assert response.status_code == 200, response.json()
    assert response.json()["changed"] == ["email"]
    assert (Applicant.objects.get().phone, Applicant.objects.get().email) == (OLD_PHONE, "")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"email": "siti@"}, "invalid_email", "email"),
        ({"phone": ""}, "phone_required", "phone"),
        ({}, "contact_missing", "email"),
        ({"phone": None, "email": None}, "contact_missing", "phone"),
        ({"phone": ["0812"]}, "validation_error", "phone"),
    ],
)
def test_the_api_refuses_bad_input_with_the_field_and_its_code(api, booked, body, code, field):
    booking = booked()

    response = change(api, booking["code"], booking["token"], body)

    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == code and field in answer["fields"]
    assert set(answer) == {"code", "detail", "fields"}
    assert Applicant.objects.get().phone == OLD_PHONE


def test_the_api_reports_both_bad_fields_at_once(api, booked):
    booking = booked()

    answer = change(api, booking["code"], booking["token"], {"phone": "1", "email": "x"}).json()

    assert set(answer["fields"]) == {"phone", "email"}


def test_without_the_token_or_with_a_wrong_one_the_answer_is_that_of_an_unknown_code(api, booked):
    booking = booked()
    unknown = change(api, "ZZZZZZZZ", "whatever", {"phone": NEW_PHONE})

    for token in (None, "not-the-token", booking["token"][:-1]):
        response = change(api, booking["code"], token, {"phone": NEW_PHONE})
        assert (response.status_code, response.json()) == (404, unknown.json())
    assert unknown.status_code == 404 and unknown.json()["code"] == "booking_not_found"
    assert Applicant.objects.get().phone == OLD_PHONE


def test_the_api_refuses_a_cancelled_booking_with_409(api, booked):
    booking = booked()
    api.post(f"{URL}{booking['code']}/cancel/", HTTP_X_BOOKING_TOKEN=booking["token"])

    response = change(api, booking["code"], booking["token"], {"phone": NEW_PHONE})

    assert response.status_code == 409
    assert response.json()["code"] == "contact_not_changeable"


def test_the_api_is_rate_limited_per_booking(api, booked, settings):
    settings.RATELIMIT_CONTACT_CODE = "2/h"
    booking = booked()
    numbers = ["0813-1111-2221", "0813-1111-2222", "0813-1111-2223"]

    answers = [change(api, booking["code"], booking["token"], {"phone": n}).status_code for n in numbers]

    assert answers == [200, 200, 429]
    limited = change(api, booking["code"], booking["token"], {"phone": numbers[2]})
    assert limited.json()["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    assert Applicant.objects.get().phone == "+6281311112222"


def test_the_api_is_rate_limited_per_address(api, booked, settings):
    settings.RATELIMIT_CONTACT_IP = "2/m"
    booking = booked()

    answers = [change(api, booking["code"], "not-the-token", {"phone": NEW_PHONE}).status_code for _ in range(3)]

    assert answers == [404, 404, 429]


def test_api_errors_are_in_indonesian_by_default_and_in_english_when_asked(api, booked):
    booking = booked()

    indonesian = change(api, booking["code"], booking["token"], {"phone": ""}).json()
    english = change(api, booking["code"], booking["token"], {"phone": ""}, HTTP_ACCEPT_LANGUAGE="en").json()

    assert english["fields"]["phone"] == [
        "A booking needs a mobile phone number for its messages: enter the new number instead of removing it."
    ]
    assert indonesian["fields"]["phone"] != english["fields"]["phone"]
    assert "nomor" in indonesian["fields"]["phone"][0].lower()


def test_the_notice_is_in_the_bookings_language(booked, published, sms_outbox, django_capture_on_commit_callbacks):
    body = booked()  # Indonesian, the default
    booking = booking_get_for_token(code=body["code"], token=body["token"])
    published.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_contact_change(booking=booking, phone=NEW_PHONE, now=NOW, via="web")
    run_all(published)

    notice = next(m.text for m in sms_outbox if m.to == OLD_PHONE)
    assert notice.startswith(f"Antrean Paspor: Kontak pendaftaran {booking.code} diubah.")
    assert "/b/" not in notice


def test_the_endpoint_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/v1/bookings/{code}/contact/"]["post"]
    assert operation["operationId"] == "bookings_contact_change"
    assert {"200", "400", "404", "409", "429", "503"} <= set(operation["responses"])
    assert "X-Booking-Token" in {p["name"] for p in operation["parameters"]}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/ContactChangeOutput")
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][request.rsplit("/", 1)[1]]["properties"]) == {"phone", "email"}


def test_the_nik_is_never_needed(api, booked):
    # The link alone is the key (DESIGN section 5); "find my booking" is the way back with the NIK.
    booking = booked()
    assert NIK not in str(change(api, booking["code"], booking["token"], {"phone": NEW_PHONE}).json())
