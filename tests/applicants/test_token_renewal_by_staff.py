"""Staff renew a person's secret link at the desk: the applicant's own renewal, done by an
officer of the booking's office after checking the KTP, with the link never on screen."""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.utils.html import strip_tags

from applicants import identity
from applicants.models import Booking, BookingStatus, BookingTransition, Notification
from applicants.notifications import LocmemSmsBackend
from applicants.proof import token_hash
from applicants.selectors import booking_get_for_token, booking_token
from applicants.services.tokens import booking_token_renew
from applicants.views import staff_links
from offices.models import OfficeMembership
from tests import factories
from tests.applicants.conftest import NIK, NOW, payload
from tests.applicants.test_notifications import run_all

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"
TICKED = {"identity_checked": "on"}


@pytest.fixture
def booked(api, slot, django_capture_on_commit_callbacks, published):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, payload(slot, language="en"), format="json")
    assert response.status_code == 201, response.json()
    published.clear()
    return response.json()


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


def page(office, code: str) -> str:
    return f"/staff/{office.code}/booking/{code}/renew-link/"


def opens(api, code: str, token: str) -> int:
    return api.get(f"{URL}{code}/", HTTP_X_BOOKING_TOKEN=token).status_code


def secrets_of(code: str) -> dict:
    return Booking.objects.values("token_hash", "token_encrypted").get(code=code)


@pytest.mark.parametrize("role", [OfficeMembership.Role.OFFICER, OfficeMembership.Role.SUPERVISOR])
def test_staff_of_the_office_renew_the_link_and_the_person_is_sent_it(
    api, client, office, booked, role, published, sms_outbox, django_capture_on_commit_callbacks
):
    staff = factories.StaffFactory(username=f"desk-{role}", membership__office=office, membership__role=role)
    client.force_login(staff)

    shown = client.get(page(office, booked["code"]))
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(page(office, booked["code"]), TICKED)
    done = client.get(posted["Location"])

    assert shown.status_code == 200
    assert 'name="identity_checked"' in shown.content.decode()
    assert posted.status_code == 302 and posted["Location"] == page(office, booked["code"])
    new = booking_token(Booking.objects.get(code=booked["code"]))
    assert new != booked["token"]
    assert opens(api, booked["code"], booked["token"]) == 404
    assert opens(api, booked["code"], new) == 200
    # Logged like the applicant's renewal, with the officer as the one who did it.
    [logged] = BookingTransition.objects.filter(booking__code=booked["code"], reason="token_renewed")
    assert (logged.actor, logged.detail, logged.at) == (staff, {"via": "staff"}, NOW)
    # Sent on every channel, with the new link, as renewed at this office on request.
    assert run_all(published) == ["sent", "sent"]
    [email] = mail.outbox[-1:]
    [sms] = sms_outbox
    assert f"/b/{booked['code']}/{new}/" in email.body and f"/b/{booked['code']}/{new}/" in sms.text
    assert f"As you asked at {office.name}, the staff there renewed" in email.body
    assert f"Renewed at {office.name} at your request" in sms.text
    # The page says where the link went, masked, and offers the proof to print.
    html = done.content.decode()
    assert 'data-testid="link-renewed"' in html
    assert "s\u2022\u2022\u2022@e\u2022\u2022\u2022.org" in html and "\u2022\u2022\u20227890" in html
    assert "siti@example.org" not in html and "81234567890" not in html
    assert "3456" not in strip_tags(html)  # not in what is read; a CSRF token may hold any digits
    assert f"/staff/{office.code}/booking/{booked['code']}/proof.pdf" in html
    assert 'name="identity_checked"' not in html
    # The link itself is never on the desk's screen.
    for response in (shown, posted, done):
        assert new not in response.content.decode() and booked["token"] not in response.content.decode()


def test_the_check_in_lookup_offers_the_renewal_for_a_renewable_booking(desk, office, booked):
    found = desk.post(f"/staff/{office.code}/checkin/", {"action": "lookup", "code": booked["code"]})

    assert found.status_code == 200
    assert page(office, booked["code"]) in found.content.decode()
    Booking.objects.filter(code=booked["code"]).update(status=BookingStatus.SERVED)
    served = desk.post(f"/staff/{office.code}/checkin/", {"action": "lookup", "code": booked["code"]})
    assert page(office, booked["code"]) not in served.content.decode()


def test_without_the_ktp_check_nothing_is_renewed(desk, office, booked):
    before = secrets_of(booked["code"])

    response = desk.post(page(office, booked["code"]), {}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Check the person&#x27;s KTP first" in response.content.decode()
    assert secrets_of(booked["code"]) == before
    assert not Notification.objects.filter(dedupe_key__startswith="token_renewed").exists()


@pytest.mark.parametrize(
    ("status", "label_en", "label_id"),
    [
        (BookingStatus.CANCELLED, "Cancelled", "Dibatalkan"),
        (BookingStatus.CHECKED_IN, "Checked in", "Sudah check-in"),
        (BookingStatus.SERVED, "Served", "Selesai dilayani"),
        (BookingStatus.NO_SHOW, "Did not come", "Tidak hadir"),
    ],
)
def test_only_a_waiting_or_confirmed_booking_is_renewed(desk, office, booked, status, label_en, label_id):
    Booking.objects.filter(code=booked["code"]).update(status=status)
    before = secrets_of(booked["code"])

    shown = desk.get(page(office, booked["code"]), HTTP_ACCEPT_LANGUAGE="en")
    english = desk.post(page(office, booked["code"]), TICKED, HTTP_ACCEPT_LANGUAGE="en")
    indonesian = desk.post(page(office, booked["code"]), TICKED, HTTP_ACCEPT_LANGUAGE="id")

    # Shown, the page explains (as the applicant's own renewal page does); posted, it refuses.
    assert shown.status_code == 200 and 'name="identity_checked"' not in shown.content.decode()
    assert 'data-code="token_not_renewable"' in shown.content.decode()
    assert f"its status is “{label_en}”" in shown.content.decode()
    assert (english.status_code, indonesian.status_code) == (409, 409)
    assert 'data-code="token_not_renewable"' in english.content.decode()
    assert f"its status is “{label_en}”" in english.content.decode()
    assert f"“{label_id}”" in indonesian.content.decode()
    assert secrets_of(booked["code"]) == before
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()


def test_staff_of_another_office_cannot_renew(client, office, other_office, other_officer, booked):
    client.force_login(other_officer)
    before = secrets_of(booked["code"])

    at_that_office = client.post(page(office, booked["code"]), TICKED)
    from_their_own = client.post(page(other_office, booked["code"]), TICKED, HTTP_ACCEPT_LANGUAGE="en")
    their_print = client.get(f"/staff/{other_office.code}/booking/{booked['code']}/proof.pdf")

    assert at_that_office.status_code == 403
    assert from_their_own.status_code == 409
    assert 'data-code="wrong_office"' in from_their_own.content.decode()
    assert "Siti Rahayu" not in from_their_own.content.decode()
    assert their_print.status_code == 404
    assert secrets_of(booked["code"]) == before


def test_an_unknown_code_is_a_plain_not_found(desk, office):
    response = desk.post(page(office, "ZZZZZZZZ"), TICKED, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "No booking has this code." in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(officer, office, booked):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    before = secrets_of(booked["code"])

    response = client.post(page(office, booked["code"]), TICKED)

    assert response.status_code == 403
    assert secrets_of(booked["code"]) == before


def test_signed_out_the_page_asks_to_sign_in(client, office, booked):
    response = client.post(page(office, booked["code"]), TICKED)

    assert response.status_code == 302 and "/staff/login/" in response["Location"]
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()


def test_the_applicants_renewal_limit_neither_stops_nor_counts_staff_renewals(api, desk, office, booked, settings):
    settings.RATELIMIT_RENEW_CODE = "1/h"
    first = api.post(f"{URL}{booked['code']}/token/", HTTP_X_BOOKING_TOKEN=booked["token"]).json()["token"]
    limited = api.post(f"{URL}{booked['code']}/token/", HTTP_X_BOOKING_TOKEN=first)
    assert limited.status_code == 429

    # Blocked online, helped at the desk, twice over.
    for _ in range(2):
        assert desk.post(page(office, booked["code"]), TICKED).status_code == 302

    assert BookingTransition.objects.filter(reason="token_renewed").count() == 3
    assert opens(api, booked["code"], first) == 404


def test_staff_renewals_leave_the_applicants_own_renewals_free(api, desk, office, booked, settings):
    settings.RATELIMIT_RENEW_CODE = "1/h"
    for _ in range(2):
        desk.post(page(office, booked["code"]), TICKED)
    current = booking_token(Booking.objects.get(code=booked["code"]))

    own = api.post(f"{URL}{booked['code']}/token/", HTTP_X_BOOKING_TOKEN=current)

    assert own.status_code == 200


def test_a_renewal_from_elsewhere_at_the_same_moment_wins_and_the_desk_writes_nothing(
    api, desk, office, booked, monkeypatch
):
    """The desk's write is the service's conditional one: if the token changed after the
    desk loaded the booking, the desk renews nothing and says so."""
    real = staff_links.booking_token_renew
    by_the_person = []

    def person_renews_first(**kwargs):
        copy = booking_get_for_token(code=booked["code"], token=booked["token"])
        by_the_person.append(real(booking=copy, now=NOW, via="api").token)
        return real(**kwargs)

    monkeypatch.setattr(staff_links, "booking_token_renew", person_renews_first)

    response = desk.post(page(office, booked["code"]), TICKED, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert "Nothing was renewed here" in response.content.decode()
    assert secrets_of(booked["code"])["token_hash"] == token_hash(by_the_person[0])
    assert list(BookingTransition.objects.filter(reason="token_renewed").values_list("detail", flat=True)) == [
        {"via": "api"}
    ]


def test_the_printed_proof_holds_the_booking_and_no_secret(desk, office, booked):
    booking_token_renew(booking=booking_get_for_token(code=booked["code"], token=booked["token"]), now=NOW, via="staff")
    new = booking_token(Booking.objects.get(code=booked["code"]))

    response = desk.get(f"/staff/{office.code}/booking/{booked['code']}/proof.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    for secret in (new, booked["token"], NIK):
        assert secret.encode() not in response.content


def test_each_printed_proof_leaves_a_log_line_naming_who_and_which_booking(desk, office, booked, caplog):
    caplog.set_level(logging.INFO, logger="applicants.views.staff_links")

    desk.get(f"/staff/{office.code}/booking/{booked['code']}/proof.pdf")

    [line] = [r for r in caplog.records if getattr(r, "event", "") == "staff_proof_printed"]
    assert (line.office, line.booking) == (office.code, booked["code"])
    assert line.username and line.user_id
    assert NIK not in line.getMessage() and NIK not in str(line.__dict__)


def test_contacts_are_masked():
    assert identity.email_masked("siti.rahayu@gmail.com") == "s\u2022\u2022\u2022@g\u2022\u2022\u2022.com"
    assert identity.email_masked("a@localhost") == "a\u2022\u2022\u2022@l\u2022\u2022\u2022"
    assert identity.phone_masked("+6281234567890") == "\u2022\u2022\u20227890"


def sent_after_desk_renewal(client, office, booked, published, capture) -> tuple:
    with capture(execute=True):
        assert client.post(page(office, booked["code"]), TICKED).status_code == 302
    assert run_all(published) == ["sent", "sent"]
    return mail.outbox[-1], LocmemSmsBackend.outbox[-1]


@pytest.mark.parametrize("language", ["en", "id"])
def test_after_a_desk_renewal_the_person_is_told_it_was_done_at_the_office_on_request(
    api, desk, office, slot, published, django_capture_on_commit_callbacks, language
):
    """Not the applicant's own wording ("if you did not renew it yourself, someone else had
    your link"): the person just asked the officer for it."""
    office.phone = "(031) 8531785"
    office.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        booked = api.post(URL, payload(slot, language=language), format="json").json()
    published.clear()

    email, sms = sent_after_desk_renewal(desk, office, booked, published, django_capture_on_commit_callbacks)

    new = booking_token(Booking.objects.get(code=booked["code"]))
    html = email.alternatives[0][0]
    assert Notification.objects.filter(kind=Notification.Kind.TOKEN_RENEWED_AT_OFFICE).count() == 2
    assert not Notification.objects.filter(kind=Notification.Kind.TOKEN_RENEWED).exists()
    words = {
        "en": {
            "subject": f"New secret link from the office for your booking {booked['code']}",
            "intro": f"As you asked at {office.name}, the staff there renewed the secret link to your booking.",
            "not_there": "If you were not at the office, someone asked for it in your name.",
            "call": "tell the office (phone (031) 8531785)",
            "sms": f"Renewed at {office.name} at your request. Not you? Tell the office.",
            "own_wording": ["renew it yourself", "renew it again"],
        },
        "id": {
            "subject": f"Tautan rahasia baru dari kantor untuk pendaftaran Anda {booked['code']}",
            "intro": f"Sesuai permintaan Anda di {office.name}, petugas di sana telah mengganti tautan rahasia",
            "not_there": "Jika Anda tidak datang ke kantor, ada orang lain yang memintanya atas nama Anda.",
            "call": "beri tahu kantor (telepon (031) 8531785)",
            "sms": f"Diganti di {office.name} atas permintaan Anda. Bukan Anda? Beri tahu kantor.",
            "own_wording": ["Jika bukan Anda yang menggantinya", "ganti lagi"],
        },
    }[language]
    assert email.subject == words["subject"]
    for text in (" ".join(email.body.split()), " ".join(html.split())):
        assert words["intro"] in text and words["not_there"] in text and words["call"] in text
        assert f"/b/{booked['code']}/{new}/" in text
        for own in words["own_wording"]:
            assert own not in text
    assert words["sms"] in sms.text and f"/b/{booked['code']}/{new}/" in sms.text
    for own in words["own_wording"]:
        assert own not in sms.text


def test_without_an_office_phone_the_message_says_to_tell_the_office(
    desk, office, booked, published, django_capture_on_commit_callbacks
):
    email, _sms = sent_after_desk_renewal(desk, office, booked, published, django_capture_on_commit_callbacks)

    body = " ".join(email.body.split())
    assert "keep it private, and tell the office." in body
    assert "tell the office (phone" not in body


def test_the_applicants_own_renewal_keeps_its_own_wording(api, booked, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        renewed = api.post(f"{URL}{booked['code']}/token/", HTTP_X_BOOKING_TOKEN=booked["token"])
    assert renewed.status_code == 200

    assert run_all(published) == ["sent", "sent"]
    assert "If you did not renew it yourself" in " ".join(mail.outbox[-1].body.split())
    assert "Not you? Open the link and renew it again." in LocmemSmsBackend.outbox[-1].text
    assert not Notification.objects.filter(kind=Notification.Kind.TOKEN_RENEWED_AT_OFFICE).exists()
