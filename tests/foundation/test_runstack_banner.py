"""`make run`'s banner: the URLs, the demo logins and, once demo bookings exist, one to open."""

import io

from queue_booking.management.commands.runstack import Command as RunStack


def test_the_banner_has_no_booking_line_without_demo_bookings(db):
    out = io.StringIO()
    RunStack(stdout=out)._banner("127.0.0.1:8000")

    assert "a booking" not in out.getvalue()
    assert "Demo logins" in out.getvalue()
