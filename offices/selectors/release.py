"""When dates open for booking (DESIGN rule 3), computed in the office's own zone.

Two policies:

``rolling``
    The released dates are ``today + first_day_offset`` through ``today +
    booking_window_days`` (office-local dates). A new date is released at 00:00 local
    each day, when "today" moves on.

``batch``
    At each release moment (``release_weekday`` at ``release_time`` local) the next
    block is released: ``release_block_days`` dates starting on the Monday *after* the
    release day. With Friday 14:00 and 7 days, the following Monday through Sunday
    open at Friday 14:00. Between release moments the horizon stays at the end of the
    last block released. The booking window still caps it: a date is never released
    before ``today + booking_window_days`` has reached it, and never once it is
    earlier than ``today + first_day_offset``. A batch office without a weekday
    releases on Mondays.

Dates before the first bookable day (today and the past, with the default offset) are
not bookable online; the availability read shows them as ``closed``.
"""

import datetime as dt

from offices.models import Office
from offices.timeutils import office_datetime, office_now, office_today

MIDNIGHT = dt.time(0, 0)
# Rows are created one day beyond the booking window, so a date that a rolling office
# releases at midnight already has its capacity rows: release is a matter of the
# clock, not of a periodic job having run.
MATERIALIZE_LOOKAHEAD_DAYS = 1


def _block_start(release_date: dt.date) -> dt.date:
    """The Monday after ``release_date`` (a Monday release opens the next Monday)."""
    return release_date + dt.timedelta(days=7 - release_date.weekday())


def _block_end(office: Office, release_date: dt.date) -> dt.date:
    return _block_start(release_date) + dt.timedelta(days=max(office.release_block_days, 1) - 1)


def _release_weekday(office: Office) -> int:
    return office.release_weekday if office.release_weekday is not None else 0


def _last_release_date(office: Office, local_now: dt.datetime) -> dt.date:
    """The local date of the latest batch release moment at or before ``local_now``."""
    today = local_now.date()
    back = (today.weekday() - _release_weekday(office)) % 7
    if back == 0 and local_now.time() < office.release_time:
        back = 7
    return today - dt.timedelta(days=back)


def office_release_window(*, office: Office, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last date released for online booking at ``now``.

    ``last < first`` means nothing is released (a batch office before its first block).
    """
    today = office_today(office, now)
    first = today + dt.timedelta(days=office.first_day_offset)
    last = today + dt.timedelta(days=office.booking_window_days)
    if office.release_policy == Office.ReleasePolicy.BATCH:
        last = min(last, _block_end(office, _last_release_date(office, office_now(office, now))))
    return first, last


def office_is_released(*, office: Office, date: dt.date, now: dt.datetime) -> bool:
    first, last = office_release_window(office=office, now=now)
    return first <= date <= last


def office_next_release_at(*, office: Office, date: dt.date, now: dt.datetime) -> dt.datetime | None:
    """When ``date`` opens for booking, as an aware office-local moment.

    ``None`` when it is already released, or when it will never be (it is before the
    first bookable day).
    """
    first, last = office_release_window(office=office, now=now)
    if date < first or date <= last:
        return None
    # The window cap lifts at 00:00 local on the day ``today + window`` reaches ``date``.
    cap_lifts = office_datetime(office, date - dt.timedelta(days=office.booking_window_days), MIDNIGHT)
    if office.release_policy != Office.ReleasePolicy.BATCH:
        return cap_lifts
    release_date = _last_release_date(office, office_now(office, now))
    if _block_end(office, release_date) >= date:
        # Its block is out already; only the window cap holds it back.
        return cap_lifts
    while _block_end(office, release_date) < date:
        release_date += dt.timedelta(days=7)
    return max(cap_lifts, office_datetime(office, release_date, office.release_time))


def office_materialize_range(*, office: Office, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The dates that should have capacity rows: today (for walk-ins and check-in)
    through one day past the booking window. Unreleased dates among them exist for
    staff and show ``not_released`` to applicants."""
    today = office_today(office, now)
    return today, today + dt.timedelta(days=office.booking_window_days + MATERIALIZE_LOOKAHEAD_DAYS)
