"""Check-in: the proof is verified, the rules are applied, and a number is given once."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import formats

from applicants.exceptions import ProofInvalid
from applicants.exceptions_staff import CheckinTooLate
from applicants.models import Booking, BookingStatus, BookingTransition, QueueEvent
from applicants.proof import proof_payload, proof_sign
from applicants.services.checkin import checkin_confirm, checkin_find
from offices.models import Track
from tests.staff.conftest import DAY, at, make_booking

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/staff/checkins/"


def _tamper(payload: str) -> str:
    """The payload with its last MAC character changed."""
    return payload[:-1] + ("B" if payload.endswith("A") else "A")


def _post(client, **body):
    return client.post(CHECKINS, body, content_type="application/json")


def test_it_gives_the_first_regular_number_of_the_day(officer_client, booking, morning):
    response = _post(officer_client, code=booking.code)

    assert response.status_code == 201
    data = response.json()
    assert data["queue_number"] == "A-001"
    assert data["applicant"] == {
        "full_name": "Siti Rahmawati",
        "nik_masked": booking.applicant.nik_masked,
        "personal_data_erased_on": None,
    }
    assert data["session"]["start"] == "08:00"
    assert data["service"] == "new"
    assert data["flags"] == []
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert booking.checked_in_at == at(8, 30)


def test_checking_in_twice_returns_the_same_number(officer_client, officer, booking, morning):
    first = _post(officer_client, code=booking.code)
    second = _post(officer_client, code=booking.code.lower())

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["queue_number"] == first.json()["queue_number"] == "A-001"
    assert second.json()["created"] is False
    assert "already_checked_in" in second.json()["flags"]
    assert BookingTransition.objects.filter(booking=booking, to_status=BookingStatus.CHECKED_IN).count() == 1


def test_numbers_run_per_track(officer_client, slots, morning):
    regular = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(2)]
    express = make_booking(slots[(dt.time(8), Track.EXPRESS)])
    priority = make_booking(slots[(dt.time(8), Track.PRIORITY)], priority_group="elderly")

    numbers = [_post(officer_client, code=b.code).json()["queue_number"] for b in [*regular, express, priority]]

    assert numbers == ["A-001", "A-002", "B-001", "P-001"]


def test_a_scanned_qr_checks_in(officer_client, booking, morning):
    response = _post(officer_client, qr=proof_payload(booking))

    assert response.status_code == 201
    assert response.json()["code"] == booking.code


def test_a_tampered_qr_is_refused_before_anything_is_looked_up(officer_client, slots, booking, morning):
    other = make_booking(slots[(dt.time(10), Track.REGULAR)])
    # The code of another booking spliced into a genuinely signed payload.
    tampered = proof_payload(booking).replace(booking.code, other.code)

    response = _post(officer_client, qr=tampered)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_qr"
    assert not Booking.objects.filter(status=BookingStatus.CHECKED_IN).exists()


def test_a_qr_signed_with_a_foreign_key_is_refused(settings, booking):
    settings.PROOF_SIGNING_KEYS = {"evil": "not-our-secret"}
    settings.PROOF_SIGNING_KEY_ID = "evil"
    foreign = proof_sign(code=booking.code, office_code="surabaya", date=DAY, start=dt.time(8), track="regular")
    settings.PROOF_SIGNING_KEYS = {"k1": "our-secret"}
    settings.PROOF_SIGNING_KEY_ID = "k1"

    with pytest.raises(ProofInvalid):
        checkin_find(qr=foreign)


def test_a_qr_typed_into_the_code_field_is_verified_too(booking):
    with pytest.raises(ProofInvalid):
        checkin_find(code=_tamper(proof_payload(booking)))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Masukkan kode pendaftaran atau teks QR yang dipindai."),
        ("en", "Give the booking code or the scanned QR text."),
    ],
)
def test_neither_code_nor_qr_is_explained_in_the_users_language(officer_client, morning, language, expected):
    response = officer_client.post(CHECKINS, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json()["fields"]["code"] == [expected]


def test_an_unknown_code_is_404(officer_client, morning):
    response = _post(officer_client, code="ZZZZ2222")

    assert response.status_code == 404
    assert response.json()["code"] == "booking_not_found"


def test_a_booking_of_another_office_is_refused_without_personal_details(
    officer_client, other_slots, other_office, morning
):
    foreign = make_booking(other_slots[(dt.time(8), Track.REGULAR)], name="Andi Foreign")

    response = _post(officer_client, code=foreign.code)

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_office"
    assert other_office.name in response.json()["detail"]
    assert "Andi" not in response.content.decode()


def test_a_booking_for_another_day_is_refused(officer_client, office, morning):
    from tests.staff.conftest import make_slots

    tomorrow = make_slots(office, day=DAY + dt.timedelta(days=1))
    later = make_booking(tomorrow[(dt.time(8), Track.REGULAR)])

    response = _post(officer_client, code=later.code)

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_date"
    # The date as the booking's card beside it writes it.
    assert formats.date_format(DAY + dt.timedelta(days=1), "D, j M Y") in response.json()["detail"]


@pytest.mark.parametrize(
    ("clock", "code"),
    [((6, 59), "too_early"), ((7, 29), "too_early"), ((10, 1), "too_late")],
)
def test_it_refuses_outside_the_sessions_window(officer_client, booking, time_machine, clock, code):
    # Window of the 08:00-10:00 session: 07:30 (60 min early, but not before the office
    # opens at 07:30) to 10:00 (0 min late).
    time_machine.move_to(at(*clock), tick=False)

    response = _post(officer_client, code=booking.code)

    assert response.status_code == 409
    assert response.json()["code"] == code
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_window_edges_are_inside(officer_client, slots, time_machine):
    first = make_booking(slots[(dt.time(8), Track.REGULAR)])
    second = make_booking(slots[(dt.time(8), Track.REGULAR)])
    time_machine.move_to(at(7, 30), tick=False)
    assert _post(officer_client, code=first.code).status_code == 201
    time_machine.move_to(at(10, 0), tick=False)
    assert _post(officer_client, code=second.code).status_code == 201


def test_the_window_is_the_offices_own_wall_clock(client, other_officer, other_slots, time_machine):
    # Makassar is WITA (UTC+8): 07:30 there is 06:30 in Jakarta, and inside its window.
    booking = make_booking(other_slots[(dt.time(8), Track.REGULAR)])
    time_machine.move_to(at(6, 30), tick=False)
    client.force_login(other_officer)

    response = _post(client, code=booking.code)

    assert response.status_code == 201


def test_a_supervisor_may_let_a_late_arrival_in(supervisor_client, booking, time_machine):
    time_machine.move_to(at(10, 30), tick=False)

    response = _post(supervisor_client, code=booking.code, allow_late=True)

    assert response.status_code == 201
    assert "late_allowed" in response.json()["flags"]


def test_an_officer_may_not_let_a_late_arrival_in(officer_client, booking, time_machine):
    time_machine.move_to(at(10, 30), tick=False)

    response = _post(officer_client, code=booking.code, allow_late=True)

    assert response.status_code == 403
    assert response.json()["code"] == "supervisor_only"


def test_allow_late_does_not_override_too_early(office, booking, supervisor):
    from applicants.exceptions_staff import CheckinTooEarly

    with pytest.raises(CheckinTooEarly):
        checkin_confirm(office=office, booking=booking, now=at(6, 0), actor=supervisor, allow_late=True)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (BookingStatus.CANCELLED, "booking_cancelled"),
        (BookingStatus.SERVED, "booking_finished"),
        (BookingStatus.NO_SHOW, "booking_finished"),
    ],
)
def test_it_refuses_closed_bookings(officer_client, slots, morning, status, code):
    closed = make_booking(slots[(dt.time(8), Track.REGULAR)], status=status)

    response = _post(officer_client, code=closed.code)

    assert response.status_code == 409
    assert response.json()["code"] == code


def test_a_moved_booking_says_where_it_went(officer_client, slots, morning):
    old = make_booking(slots[(dt.time(8), Track.REGULAR)], status=BookingStatus.ROLLED_OVER)
    from tests.staff.conftest import make_slots

    later_slots = make_slots(old.office, day=DAY + dt.timedelta(days=2))
    new = make_booking(later_slots[(dt.time(8), Track.REGULAR)])
    Booking.objects.filter(id=new.id).update(rolled_from=old)

    response = _post(officer_client, code=old.code)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "booking_moved"
    assert new.code in body["detail"]


def test_a_waiting_request_is_refused(officer_client, office, morning):
    from tests.staff.conftest import make_slots

    slot = make_slots(office, day=DAY + dt.timedelta(days=3))[(dt.time(8), Track.REGULAR)]
    waiting = make_booking(slot, take_place=False)
    Booking.objects.filter(id=waiting.id).update(status=BookingStatus.WAITING, slot=None, date=None)

    response = _post(officer_client, code=waiting.code)

    assert response.status_code == 409
    assert response.json()["code"] == "booking_waiting"


def test_a_dry_run_lists_every_problem_and_changes_nothing(officer_client, booking, time_machine):
    time_machine.move_to(at(11, 0), tick=False)

    response = _post(officer_client, code=booking.code, dry_run=True)

    assert response.status_code == 200
    assert response.json()["flags"] == ["too_late"]
    assert response.json()["queue_number"] is None
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_check_in_is_logged_with_who_and_when(office, booking, officer):
    checkin_confirm(office=office, booking=booking, now=at(8, 5), actor=officer)

    transition = BookingTransition.objects.get(booking=booking, to_status=BookingStatus.CHECKED_IN)
    event = QueueEvent.objects.get(booking=booking)
    assert (transition.actor, transition.at) == (officer, at(8, 5))
    assert (event.actor, event.action, event.at) == (officer, QueueEvent.Action.CHECKED_IN, at(8, 5))


def test_too_late_is_the_error_a_late_officer_sees(office, booking, officer):
    with pytest.raises(CheckinTooLate):
        checkin_confirm(office=office, booking=booking, now=at(12, 0), actor=officer)


# --- The page --------------------------------------------------------------------------


def test_the_page_looks_up_a_typed_code_and_shows_the_flags(officer_client, office, booking, time_machine):
    time_machine.move_to(at(6, 0), tick=False)

    response = officer_client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": f" {booking.code.lower()} "}
    )

    assert response.status_code == 200
    page = response.text
    assert "Siti Rahmawati" in page
    assert booking.applicant.nik_masked in page
    assert 'data-flag="too_early"' in page
    assert 'data-testid="confirm-checkin"' not in page


def test_the_page_confirms_and_shows_the_number(officer_client, office, booking, morning):
    url = reverse("staff:checkin", args=[office.code])
    preview = officer_client.post(url, {"action": "lookup", "code": booking.code})
    assert 'data-testid="confirm-checkin"' in preview.text

    response = officer_client.post(url, {"action": "confirm", "code": booking.code})

    assert response.status_code == 200
    assert 'data-testid="queue-number">A-001<' in response.text


def test_the_page_refuses_a_tampered_qr_with_a_clear_reason(officer_client, office, booking, morning):
    tampered = _tamper(proof_payload(booking))

    response = officer_client.post(reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": tampered})

    assert 'data-code="invalid_qr"' in response.text
    assert "QR" in response.text


def _lookup_field(html: str) -> str:
    return re.search(r'<input[^>]*name="code"[^>]*id="id_code"[^>]*>|<input[^>]*id="id_code"[^>]*>', html).group(0)


def test_after_a_refusal_the_field_is_empty_for_the_next_scan(officer_client, office, booking, morning):
    tampered = _tamper(proof_payload(booking))

    response = officer_client.post(reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": tampered})

    assert 'data-code="invalid_qr"' in response.text
    field = _lookup_field(response.text)
    assert "value=" not in field  # a scan into the refused text would be refused too
    assert "autofocus" in field


def test_after_a_look_up_enter_confirms(officer_client, office, booking, morning):
    response = officer_client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": booking.code}
    )

    button = re.search(r'<button[^>]*data-testid="confirm-checkin"[^>]*>', response.text).group(0)
    assert "autofocus" in button
    assert "autofocus" not in _lookup_field(response.text)


def test_after_a_look_up_the_code_label_still_names_the_code_box(officer_client, office, booking, morning):
    """The confirm form's hidden code must not take the lookup box's id, which its label
    points at: a screen reader would announce the box without a name."""
    response = officer_client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": booking.code}
    )

    assert response.text.count('id="id_code"') == 1
    assert 'type="hidden"' not in _lookup_field(response.text)
    assert '<label for="id_code">' in response.text


def test_a_first_check_in_does_not_read_like_a_repeat_in_indonesian(officer_client, office, booking, morning):
    url = reverse("staff:checkin", args=[office.code])

    first = officer_client.post(url, {"action": "confirm", "code": booking.code}, HTTP_ACCEPT_LANGUAGE="id")
    again = officer_client.post(url, {"action": "confirm", "code": booking.code}, HTTP_ACCEPT_LANGUAGE="id")

    heading = re.compile(r'<h2 id="ticket-title">(.*?)</h2>')
    assert heading.search(first.text).group(1) == "Check-in berhasil"
    assert heading.search(again.text).group(1) == "Sudah check-in"


def test_the_page_tells_the_supervisor_which_line_a_late_arrival_joins(
    supervisor_client, office, booking, time_machine
):
    time_machine.move_to(at(10, 30), tick=False)
    url = reverse("staff:checkin", args=[office.code])

    response = supervisor_client.post(
        url, {"action": "confirm", "code": booking.code, "allow_late": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "In line with the 10:00 session, behind the people who came on time for it." in response.text
    assert BookingTransition.objects.get(booking=booking, to_status="checked_in").detail == {
        "queue_number": "A-001",
        "queues_with_session": "10:00",
    }


@pytest.mark.parametrize(
    ("hour", "flag"), [(6, "too_early"), (13, "too_late")], ids=["too-early", "too-late-for-an-officer"]
)
def test_after_a_refused_look_up_the_next_scan_goes_into_the_field(
    officer_client, office, booking, time_machine, hour, flag
):
    """Nothing to confirm, so nothing may take the focus from the field: a hand-held
    scanner types the next person's QR wherever the focus is."""
    time_machine.move_to(at(hour, 0), tick=False)

    response = officer_client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": booking.code}
    )

    assert f'data-flag="{flag}"' in response.text
    assert 'data-testid="confirm-checkin"' not in response.text
    assert "autofocus" in _lookup_field(response.text)


@pytest.mark.parametrize("code", ["", "X" * 13])
def test_a_confirm_without_a_proper_code_is_refused_on_the_page(officer_client, office, morning, code):
    response = officer_client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "confirm", "code": code}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code in (200, 404)
    assert 'data-code="booking_not_found"' in response.text
    assert "No booking has this code." in response.text
