"""The office's day goes on while Redis is out (DESIGN.md rule 9; §1: offices must not
fall back to paper). The cache fails soft (queue_booking/redis_cache.py)."""

import pytest

from applicants.models import BookingStatus

pytestmark = pytest.mark.django_db


def test_an_officer_checks_in_calls_and_the_boards_show_it_while_redis_is_out(
    officer_client, office, booking, desk, morning, redis_out
):
    checkin = officer_client.post("/api/v1/staff/checkins/", {"code": booking.code}, content_type="application/json")
    assert checkin.status_code == 201, checkin.content
    assert checkin.json()["queue_number"] == "A-001"

    counter = officer_client.get(f"/staff/{office.code}/counter/{desk.id}/")
    assert counter.status_code == 200
    called = officer_client.post(f"/staff/{office.code}/counter/{desk.id}/", {"action": "call_next"}, follow=True)
    assert called.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CALLED

    for page in (
        f"/staff/{office.code}/counter/",
        f"/offices/{office.code}/queue/",
        f"/api/v1/offices/{office.code}/queue/",
    ):
        assert officer_client.get(page).status_code == 200, page
    assert "A-001" in officer_client.get(f"/offices/{office.code}/queue/").content.decode()
