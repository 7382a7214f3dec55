"""The booking's status log in the admin speaks words, not codes."""

import re
from pathlib import Path

import pytest

from applicants.models import TRANSITION_REASONS, BookingStatus
from applicants.services.booking import booking_transition
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


@pytest.mark.django_db
def test_the_booking_page_shows_the_log_in_words(client, office):
    booking = make_booking(make_slots(office)[(at(8).time(), "regular")], name="Sari")
    booking_transition(booking=booking, to_status=BookingStatus.NO_SHOW, reason="day_end", now=at(17))
    booking_transition(booking=booking, to_status=BookingStatus.SERVED, reason="served_on_paper", now=at(18))
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/applicants/booking/{booking.pk}/change/").content.decode()
    log = page[page.index('id="transitions-group"') :]

    assert "Tidak datang sampai jam tutup" in log
    assert "Dicatat dilayani di atas kertas" in log
    assert "Tidak hadir → Selesai dilayani (Dicatat dilayani di atas kertas)" in log
    assert "served_on_paper" not in log and "no_show" not in log
