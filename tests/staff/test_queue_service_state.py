"""The public queue says when the office is not serving: after closing, "no one is
waiting" would read as "come now", and before opening people want the time."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from offices.models import Slot
from tests.staff.conftest import at

pytestmark = pytest.mark.django_db


def _queue(client, office, language="en"):
    cache.clear()
    return client.get(f"/api/v1/offices/{office.code}/queue/", HTTP_ACCEPT_LANGUAGE=language).json()


def _page(client, office, language="en"):
    cache.clear()
    return client.get(reverse("office-queue", args=[office.code]), HTTP_ACCEPT_LANGUAGE=language).text


def test_while_open_the_queue_says_nothing_of_the_hours(client, office, slots, time_machine):
    time_machine.move_to(at(9, 0), tick=False)

    assert _queue(client, office)["service"] == {"state": "open", "opens": "07:30", "closes": "16:00"}
    assert 'data-testid="service-state"' not in _page(client, office)


def test_after_closing_no_wait_is_promised_and_the_page_says_it_has_closed(client, office, slots, time_machine):
    time_machine.move_to(at(16, 34), tick=False)

    data = _queue(client, office)

    assert data["service"]["state"] == "closed"
    for track in data["tracks"]:
        assert track["estimated_wait_minutes"] is None
        assert track["estimated_wait_reason"] == "office_closed"
        assert track["estimated_wait_text"] == "The office is not serving any more today."
    page = _page(client, office, "id")
    assert 'data-state="closed"' in page
    assert "sudah tutup untuk hari ini" in page and "16.00" in page
    assert "Saat ini tidak ada yang menunggu" not in page


def test_before_opening_the_page_gives_the_opening_time(client, office, slots, time_machine):
    time_machine.move_to(at(6, 45), tick=False)

    assert _queue(client, office)["service"]["state"] == "before_opening"
    assert "The office opens at 07:30 today." in _page(client, office)


def test_a_day_without_sessions_is_no_service(client, office, slots, time_machine):
    Slot.objects.filter(office=office).update(closed=True)
    time_machine.move_to(at(9, 0), tick=False)

    assert _queue(client, office)["service"]["state"] == "no_service"
    assert "The office does not serve anyone today." in _page(client, office)
