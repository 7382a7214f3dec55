"""Find a person's bookings by NIK at the desk: for someone who lost their code and link.

Only the bookings at the officer's own office, active ones first; the NIK comes by POST,
is matched through its keyed hash, and is never written back, put in a URL or logged.
"""

import datetime as dt
import logging

import pytest
from django.test import Client

from applicants.models import Applicant, Booking, BookingStatus
from offices.models import OfficeMembership, Track
from tests import factories
from tests.factories import make_nik
from tests.staff.conftest import DAY, make_booking

pytestmark = pytest.mark.django_db

NIK = make_nik(dt.date(1990, 1, 1), female=True, serial=7)  # 3578014101900007
NIK_TYPED = f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}"  # as copied off the card, with spaces


def checkin_page(office) -> str:
    return f"/staff/{office.code}/checkin/"


def by_nik(office) -> str:
    return f"/staff/{office.code}/checkin/by-nik/"


def of_person(booking: Booking, applicant: Applicant) -> Booking:
    Booking.objects.filter(id=booking.id).update(applicant=applicant, nik_hash=applicant.nik_hash)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def person(db):
    return factories.ApplicantFactory(nik=NIK, full_name="Siti Rahmawati")


@pytest.fixture
def history(office, other_office, slots, other_slots, person):
    """The person's bookings: one active here, two ended here, one at another office,
    and someone else's booking here."""
    regular = slots[(dt.time(8, 0), Track.REGULAR)]
    active = of_person(make_booking(regular), person)
    cancelled = of_person(make_booking(regular, status=BookingStatus.CANCELLED), person)
    Booking.objects.filter(id=cancelled.id).update(date=DAY + dt.timedelta(days=3))
    served = of_person(make_booking(regular, status=BookingStatus.SERVED, person_slot=2), person)
    Booking.objects.filter(id=served.id).update(date=DAY - dt.timedelta(days=30))
    elsewhere = of_person(make_booking(other_slots[(dt.time(8, 0), Track.REGULAR)], person_slot=3), person)
    stranger = make_booking(regular, name="Orang Lain")
    return {"active": active, "cancelled": cancelled, "served": served, "elsewhere": elsewhere, "stranger": stranger}


def found_codes(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-testid="nik-result" data-code="')[1:]]


@pytest.mark.parametrize("role", [OfficeMembership.Role.OFFICER, OfficeMembership.Role.SUPERVISOR])
def test_staff_of_the_office_find_the_persons_bookings_here_active_first(client, office, history, person, role):
    staff = factories.StaffFactory(username=f"desk-{role}", membership__office=office, membership__role=role)
    client.force_login(staff)

    response = client.post(by_nik(office), {"nik": NIK_TYPED}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    # Active first, then the ended ones from the latest date; never another office's or person's.
    assert found_codes(response) == [history["active"].code, history["cancelled"].code, history["served"].code]
    html = response.content.decode()
    assert "Siti Rahmawati" in html and person.nik_masked in html
    assert "Orang Lain" not in html and history["elsewhere"].code not in html
    assert "Mon, 23 Nov 2026" in html and "08:00–10:00 WIB" in html
    assert "Confirmed" in html and "Cancelled" in html and "Served" in html
    # From the active one: check-in, a new link, the proof; from the ended ones, nothing.
    assert html.count('data-testid="nik-open-checkin"') == 1
    assert f"/staff/{office.code}/booking/{history['active'].code}/renew-link/" in html
    assert f"/staff/{office.code}/booking/{history['active'].code}/proof.pdf" in html
    assert f"/booking/{history['cancelled'].code}/" not in html
    # The NIK is not written back anywhere on the page, not even into the field.
    assert NIK not in html and NIK_TYPED not in html


def test_open_for_check_in_goes_on_as_a_code_look_up(officer_client, office, history, morning):
    found = officer_client.post(by_nik(office), {"nik": NIK})
    assert f'<input type="hidden" name="code" value="{history["active"].code}">' in found.content.decode()

    # The button posts exactly this to the check-in page.
    preview = officer_client.post(checkin_page(office), {"action": "lookup", "code": history["active"].code})

    assert preview.status_code == 200
    assert 'data-testid="confirm-checkin"' in preview.content.decode()


def test_the_check_in_page_offers_the_nik_look_up_by_post_next_to_the_code(officer_client, office):
    html = officer_client.get(checkin_page(office), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'method="post" action="{by_nik(office)}"' in html
    assert 'name="nik"' in html and 'autocomplete="off"' in html
    assert "Lost the code? Find by NIK" in html
    # The code look-up posts to the check-in page itself, also when shown after a NIK look-up.
    after = officer_client.post(by_nik(office), {"nik": NIK}).content.decode()
    assert f'action="{checkin_page(office)}" class="form" data-lookup-form' in after


def test_a_get_never_looks_up(officer_client, office, history, caplog):
    caplog.set_level(logging.INFO, logger="applicants.views.staff_lookup")

    response = officer_client.get(f"{by_nik(office)}?nik={NIK}")

    assert response.status_code == 302 and response["Location"] == checkin_page(office)
    assert not [r for r in caplog.records if getattr(r, "event", "") == "staff_nik_lookup"]


@pytest.mark.parametrize(
    ("typed", "language", "message"),
    [
        ("3578", "en", "A NIK has exactly 16 digits."),
        ("3578", "id", "NIK terdiri atas tepat 16 angka."),
        ("35780141019O0007", "en", "A NIK contains only the digits 0-9."),
        ("", "en", "This field is required."),
    ],
)
def test_an_invalid_nik_gets_a_translated_error_and_finds_nothing(
    officer_client, office, history, typed, language, message, caplog
):
    caplog.set_level(logging.INFO, logger="applicants.views.staff_lookup")

    response = officer_client.post(by_nik(office), {"nik": typed}, HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_nik_error id_nik_helptext"' in html
    assert found_codes(response) == [] and 'data-testid="nik-results"' not in html
    assert typed == "" or f'value="{typed}"' not in html
    assert not [r for r in caplog.records if getattr(r, "event", "") == "staff_nik_lookup"]


def test_a_nik_without_bookings_here_says_so(officer_client, office, other_office, other_slots):
    nik = make_nik(dt.date(1985, 5, 5), serial=3)
    of_person(make_booking(other_slots[(dt.time(8, 0), Track.REGULAR)]), factories.ApplicantFactory(nik=nik))

    response = officer_client.post(by_nik(office), {"nik": nik})

    assert response.status_code == 200
    assert 'data-testid="nik-none"' in response.content.decode() and found_codes(response) == []


def test_staff_of_another_office_see_nothing_of_this_office(client, office, other_office, other_officer, history):
    client.force_login(other_officer)

    at_that_office = client.post(by_nik(office), {"nik": NIK})
    at_their_own = client.post(by_nik(other_office), {"nik": NIK})

    assert at_that_office.status_code == 403
    assert found_codes(at_their_own) == [history["elsewhere"].code]
    for key in ("active", "cancelled", "served"):
        assert history[key].code not in at_their_own.content.decode()


def test_signed_out_the_look_up_asks_to_sign_in(client, office, history):
    response = client.post(by_nik(office), {"nik": NIK})

    assert response.status_code == 302 and "/staff/login/" in response["Location"]
    assert NIK not in response["Location"]


def test_a_look_up_without_the_csrf_token_is_refused(officer, office, history):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    assert client.post(by_nik(office), {"nik": NIK}).status_code == 403


def test_look_ups_are_limited_per_staff_user(client, officer, supervisor, office, history, settings):
    settings.RATELIMIT_STAFF_NIK_LOOKUP = "2/h"
    client.force_login(officer)
    for _ in range(2):
        assert client.post(by_nik(office), {"nik": NIK}).status_code == 200

    limited = client.post(by_nik(office), {"nik": NIK}, HTTP_ACCEPT_LANGUAGE="en")
    limited_id = client.post(by_nik(office), {"nik": NIK}, HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(supervisor)
    colleague = client.post(by_nik(office), {"nik": NIK})

    assert limited.status_code == 429
    assert 'data-code="rate_limited"' in limited.content.decode()
    assert "Too many requests. Please wait a moment and try again." in limited.content.decode()
    assert "Terlalu banyak permintaan." in limited_id.content.decode()
    assert found_codes(limited) == []
    # Per user, not per address: the colleague at the same desk PC is not held back.
    assert colleague.status_code == 200 and found_codes(colleague)


def test_typing_errors_do_not_use_up_the_limit(officer_client, office, history, settings):
    settings.RATELIMIT_STAFF_NIK_LOOKUP = "1/h"
    for _ in range(3):
        assert officer_client.post(by_nik(office), {"nik": "12"}).status_code == 400

    assert officer_client.post(by_nik(office), {"nik": NIK}).status_code == 200


def test_each_look_up_is_logged_with_who_and_where_but_never_the_nik(
    officer_client, officer, office, history, caplog, product_log
):
    caplog.set_level(logging.INFO, logger="applicants.views.staff_lookup")

    officer_client.post(by_nik(office), {"nik": NIK_TYPED})

    [record] = [r for r in caplog.records if getattr(r, "event", "") == "staff_nik_lookup"]
    assert (record.user_id, record.username, record.office) == (officer.pk, "officer-a", office.code)
    assert record.found == [history["active"].code, history["cancelled"].code, history["served"].code]
    everything = " ".join(str(value) for value in vars(record).values())
    assert NIK not in everything and NIK_TYPED not in everything
    written = product_log.getvalue()
    assert "staff officer-a looked up bookings by NIK at surabaya: 3 found" in written
    assert NIK not in written
