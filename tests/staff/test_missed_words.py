"""Someone who did not come when called is said in the glossary's words on every staff
screen: "tidak hadir saat dipanggil", never the bare "terlewat" (which reads as "skipped":
a number the counter passed over, the office's fault rather than the person's)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_missed
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def missed_twice(office, slots, desk, officer, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    for minute in (10, 15):
        queue_call_next(office=office, counter=desk, now=at(8, minute), actor=officer)
        queue_missed(booking=booking, now=at(8, minute + 1), actor=officer)
    return booking


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_today_names_the_column_and_the_total_in_the_glossary_s_words(supervisor_client, office, missed_twice):
    html = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").text

    header = re.search(r'<table class="compact session-table".*?</thead>', html, re.S).group(0)
    assert '<th scope="col">Tidak hadir saat dipanggil</th>' in header
    assert 'data-label="Tidak hadir saat dipanggil">1</td>' in html
    assert '<span class="stat-value">1</span><span class="stat-label">tidak hadir saat dipanggil</span>' in html
    assert "erlewat" not in html
    # Beside it, those served are "selesai dilayani", as in the column header.
    assert '<span class="stat-label">selesai dilayani</span>' in html


def test_the_counter_s_log_says_each_missed_call_in_the_glossary_s_words(supervisor_client, office, desk, missed_twice):
    html = supervisor_client.get(reverse("staff:counter", args=[office.code, desk.id]), HTTP_ACCEPT_LANGUAGE="id").text

    log = _text(html[html.index('id="live-log"') :])
    assert log.count("Tidak hadir saat dipanggil") == 2
    assert "erlewat" not in html
