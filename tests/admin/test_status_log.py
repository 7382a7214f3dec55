"""The booking's status log in the admin speaks words, not codes."""

import re
from pathlib import Path

import pytest

from applicants.models import TRANSITION_REASONS, BookingStatus, BookingTransition
from applicants.services.transitions import booking_transition
from tests import factories
from tests.staff.conftest import at, make_booking, make_slots

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = (
    re.compile(r'\breason(?:: str)?\s*=\s*"([a-z_]+)"'),
    re.compile(r'\b[A-Z_]*REASON\s*=\s*"([a-z_]+)"'),
    re.compile(r'\breason="[a-z_]+" if [^\n]* else "([a-z_]+)"'),
)


def reasons_written() -> set[str]:
    found = set()
    for package in ("applicants", "offices", "queue_booking"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            for pattern in WRITTEN:
                found |= set(pattern.findall(source))
    return found


def test_every_reason_the_code_writes_has_a_label():
    written = reasons_written()

    assert {"booked", "day_end", "served_on_paper", "allocated", "cancelled_by_applicant"} <= written
    assert written - set(TRANSITION_REASONS) == set()


def test_every_reason_says_who_acts_when_no_staff_user_is_on_it():
    from applicants.admin import APPLICANT_REASONS, STAFF_REASONS, SYSTEM_REASONS

    assert set(TRANSITION_REASONS) == APPLICANT_REASONS | SYSTEM_REASONS | STAFF_REASONS
    assert not APPLICANT_REASONS & SYSTEM_REASONS


@pytest.mark.django_db
def test_the_booking_page_shows_the_log_in_words(client, office):
    booking = make_booking(make_slots(office)[(at(8).time(), "regular")], name="Sari")
    booking_transition(booking=booking, to_status=BookingStatus.NO_SHOW, reason="day_end", now=at(17))
    booking_transition(booking=booking, to_status=BookingStatus.SERVED, reason="served_on_paper", now=at(18))
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/applicants/booking/{booking.pk}/change/").content.decode()
    log = page[page.index('id="transitions-group"') :]

    assert "Tidak hadir sampai jam tutup" in log
    assert "Dicatat selesai dilayani secara manual" in log
    assert "Tidak hadir → Selesai dilayani (Dicatat selesai dilayani secara manual)" in log
    assert "served_on_paper" not in log and "no_show" not in log


def _log(booking, reason: str, *, actor=None, detail=None) -> None:
    BookingTransition.objects.create(
        booking=booking,
        from_status=BookingStatus.CONFIRMED,
        to_status=BookingStatus.CONFIRMED,
        at=at(9),
        actor=actor,
        reason=reason,
        detail=detail or {},
    )


def _actors(page: str) -> list[str]:
    log = page[page.index('id="transitions-group"') :]
    return [cell.strip() for cell in re.findall(r'<td class="field-actor_label">\s*<p>(.*?)</p>', log, re.S)]


@pytest.mark.django_db
def test_the_status_log_says_who_acted_in_words(client, office):
    booking = make_booking(make_slots(office)[(at(8).time(), "regular")], name="Sari")
    officer = factories.UserFactory(username="petugas.sby", first_name="Budi", last_name="Santoso")
    _log(booking, "rescheduled")  # the applicant, on the web
    _log(booking, "token_renewed", detail={"via": "api"})  # the applicant, through the app
    _log(booking, "token_renewed", actor=officer, detail={"via": "staff"})  # at the desk
    _log(booking, "allocated")  # the allocation worker
    _log(booking, "closure")  # a national holiday synced by the worker
    booking_transition(booking=booking, to_status=BookingStatus.NO_SHOW, reason="day_end", now=at(17))
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    indonesian = _actors(client.get(f"/admin/applicants/booking/{booking.pk}/change/").content.decode())
    english = _actors(
        client.get(f"/admin/applicants/booking/{booking.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )

    assert indonesian == ["Pemohon", "Pemohon", "Budi Santoso", "Sistem", "Sistem", "Sistem"]
    assert english == ["Applicant", "Applicant", "Budi Santoso", "System", "System", "System"]


@pytest.mark.django_db
def test_a_staff_step_names_the_staff_user_even_for_an_applicants_kind_of_step(client, office):
    booking = make_booking(make_slots(office)[(at(8).time(), "regular")])
    _log(booking, "rescheduled", actor=factories.UserFactory(username="supervisor.sby"))
    _log(booking, "cancelled_by_staff")  # its account since removed: nobody to name
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    actors = _actors(client.get(f"/admin/applicants/booking/{booking.pk}/change/").content.decode())

    assert actors == ["supervisor.sby", "-"]
