"""Reads of the on-site queue: the display board, the public queue, the supervisor's day.

Nothing here writes. The display board and the public queue carry queue numbers and
counter names only, never a name or a NIK.
"""

import datetime as dt
from dataclasses import dataclass
from statistics import mean

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import formats

from applicants.models import Booking, BookingStatus, Channel, QueueEvent, ServiceCounter
from applicants.services.queue import counter_order, queue_waiting
from applicants.wait_selectors import EXPECTED, wait_stats
from offices.models import Closure, Office, Slot, Track
from offices.timeutils import office_datetime, office_now, office_today

# Many phones poll the public queue; a few seconds' staleness costs nothing there. The
# TV board is never cached: it must show a call within two seconds.
PUBLIC_QUEUE_CACHE_SECONDS = 2
# The call rate behind "estimated wait" is measured over this recent stretch.
RATE_WINDOW = dt.timedelta(minutes=30)
RECENT_CALLS = 6
CALL_ACTIONS = (QueueEvent.Action.CALLED, QueueEvent.Action.RECALLED)


class WaitUnknown:
    """Why there is no estimated wait (``estimated_wait_reason``); ``applicants.waits`` says it in words."""

    NO_CALLS_YET = "no_calls_yet"  # nothing called today: no pace to estimate from
    NO_RECENT_CALLS = "no_recent_calls"  # nothing called within RATE_WINDOW, no service times either
    QUEUE_EMPTY = "queue_empty"  # a newcomer would have no one ahead
    OFFICE_CLOSED = "office_closed"  # past the office's closing time, or no service today
    NEXT = "next"  # this booking has no one ahead
    NOT_CHECKED_IN = "not_checked_in"  # no place in the queue before check-in
    CALLED = "called"  # the wait is over: a counter calls this booking

    PUBLIC = (NO_CALLS_YET, NO_RECENT_CALLS, QUEUE_EMPTY, OFFICE_CLOSED)
    OWN = (NO_CALLS_YET, NO_RECENT_CALLS, NEXT, NOT_CHECKED_IN, CALLED)


def _iso(value: dt.datetime | None, office: Office) -> str | None:
    return office_now(office, value).isoformat() if value else None


def service_stopped(*, office: Office, date: dt.date) -> dict | None:
    """``{"reason", "at"}`` when service was stopped for the whole of ``date`` ("Stop
    service now", an outage or a closure of the office or the whole country), else None.
    A national day off's reason is in the reader's language."""
    closure = (
        Closure.objects.filter(Q(office=office) | Q(office__isnull=True), date=date, start__isnull=True)
        .order_by("created_at", "id")
        .first()
    )
    if closure is None:
        return None
    return {"reason": closure.reason_shown, "at": _iso(closure.created_at, office) if closure.created_at else None}


def office_serves(*, office: Office, date: dt.date) -> bool:
    """Whether ``office`` serves on ``date``: it has a session not closed (none on a
    weekend or a holiday; a closure, or "Stop service now", closes them)."""
    return Slot.objects.filter(office=office, date=date, closed=False).exists()


def next_service_date(*, office: Office, after: dt.date) -> dt.date | None:
    """The first day after ``after`` on which ``office`` has a session not closed, as far
    as its sessions are already laid out (None: none yet)."""
    return (
        Slot.objects.filter(office=office, date__gt=after, closed=False)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )


def display_state(*, office: Office, now: dt.datetime) -> dict:
    """What the TV board shows.

    A call is live while its person is still ``called`` at the counter that called them.
    Once they are served or missed (once or twice), or called again, that call is over.

    ``counters``: a tile for each counter with a call still live there and, on a day the
    office serves (``office_serves``), for each counter it has open, in the order people
    number them ("Loket 2" before "Loket 10"). Open is ``ServiceCounter.is_active``: the
    desks staff choose from to call at. A desk is not opened and closed each day: opening
    it by name (``counter_open``) makes it active, and it stays so until an admin retires
    it. So an open desk that has called nobody yet today is shown free, before opening
    too; a retired one leaves the board once its last call is over; and on a day without
    service (a weekend, a holiday, service stopped) no desk is shown free to go to.
    ``serving``: a call is live there (``queue_number``, called ``at``). Otherwise the
    counter is free, and ``queue_number`` and ``at`` are of its last call today, or None
    when none of today's latest calls was there.

    ``calling``: the latest call still live, the board's "now calling", or None.

    ``no_service``: on a day without a session open (a weekend, a holiday without a
    closure record) that was not stopped: ``{"next_date", "next_date_text"}``, the next day
    with a session (ISO and in words, or None and "" when none is laid out yet); else None.
    The board then says there is no service today, as it does once stopped, instead of
    waiting for numbers that will not come.

    ``recent``: the last few calls that are over, latest first, each number once (at its
    latest call). A number still being called is on its counter's tile (and maybe "now
    calling"), never here as well. Once service has stopped for the day (``stopped``)
    nobody is to go to a counter and the board shows no call as live: the last numbers
    called are all listed here then, the last one first, whether or not their person was
    still at a counter.
    """
    today = office_today(office, now)
    stopped = service_stopped(office=office, date=today)
    serves = office_serves(office=office, date=today)
    events = list(
        QueueEvent.objects.filter(office=office, date=today, action__in=CALL_ACTIONS)
        .select_related("booking", "counter")
        .order_by("-at", "-id")[:200]
    )

    # A call is live while its booking is still ``called`` at that counter: served and
    # missed (once or twice) end it, and it must leave the board then, not stay there
    # as the last thing that happened at the counter.
    def live(event: QueueEvent) -> bool:
        return (
            event.counter_id is not None
            and event.booking.status == BookingStatus.CALLED
            and event.booking.counter_id == event.counter_id
        )

    counters = []
    seen: set[int] = set()
    for event in events:
        if event.counter_id is None or event.counter_id in seen:
            continue
        seen.add(event.counter_id)
        if live(event) or (serves and event.counter.is_active):
            counters.append(
                {
                    "counter": event.counter.name,
                    "queue_number": event.booking.queue_number,
                    "at": _iso(event.at, office),
                    "serving": live(event),
                }
            )
    if serves:
        for desk in ServiceCounter.objects.filter(office=office, is_active=True).exclude(id__in=seen):
            counters.append({"counter": desk.name, "queue_number": None, "at": None, "serving": False})
    counters.sort(key=lambda c: counter_order(c["counter"]))
    calling = next((e for e in events if live(e)), None)
    recent = []
    called: set[int] = set()
    for event in events:
        # Called, missed and called again: one line, at its latest call, and none while
        # that call is live: an earlier call of the same number is over, but the number is not.
        if event.booking_id in called:
            continue
        called.add(event.booking_id)
        if live(event) and not stopped:
            continue
        recent.append(_call(event, office))
        if len(recent) == RECENT_CALLS:
            break
    waiting = _waiting_by_track(office=office, date=today)
    no_service = None
    if not stopped and not serves:
        next_date = next_service_date(office=office, after=today)
        no_service = {
            "next_date": next_date.isoformat() if next_date else None,
            # In the reader's language, as the board writes dates ("Senin, 14 Desember").
            "next_date_text": formats.date_format(next_date, "l, j F") if next_date else "",
        }
    return {
        "office": {"code": office.code, "name": office.name},
        "date": today.isoformat(),
        "now": _iso(now, office),
        "stopped": stopped,
        "no_service": no_service,
        "counters": counters,
        "calling": _call(calling, office) if calling else None,
        "recent": recent,
        "waiting": waiting,
    }


def _call(event: QueueEvent, office: Office) -> dict:
    return {
        "queue_number": event.booking.queue_number,
        "counter": event.counter.name if event.counter else "",
        "at": _iso(event.at, office),
        "recall": event.action == QueueEvent.Action.RECALLED,
    }


def _waiting_by_track(*, office: Office, date: dt.date) -> dict[str, int]:
    rows = (
        Booking.objects.filter(office=office, date=date, status=BookingStatus.CHECKED_IN)
        .values("track")
        .annotate(n=Count("id"))
    )
    counts = {track.value: 0 for track in Track}
    counts.update({row["track"]: row["n"] for row in rows})
    return counts


def queue_call_rate(*, office: Office, now: dt.datetime, track: str | None = None) -> float | None:
    """People called per minute lately (first calls only), or ``None`` with no data yet.

    ``track``: of that track only, for a line with a desk kept for it (``own_desk_tracks``),
    which moves at its own pace, not at the office's."""
    since = now - RATE_WINDOW
    today = office_today(office, now)
    events = QueueEvent.objects.filter(office=office, date=today, action=QueueEvent.Action.CALLED, at__gte=since)
    calls = (events.filter(booking__track=track) if track else events).count()
    if calls:
        return calls / (RATE_WINDOW.total_seconds() / 60)
    # Nothing called lately (the day just started): fall back on today's service times.
    served = Booking.objects.filter(office=office, date=today, status=BookingStatus.SERVED, called_at__isnull=False)
    if track:
        served = served.filter(track=track)
    durations = [
        (s - c).total_seconds() / 60 for c, s in served.values_list("called_at", "served_at") if s and c and s > c
    ]
    if not durations:
        return None
    desks = ServiceCounter.objects.filter(office=office, is_active=True)
    if track:
        desks = desks.filter(track=track)
    return max(desks.count(), 1) / max(mean(durations), 0.5)


def own_desk_tracks(office: Office) -> set[str]:
    """The tracks with a desk kept for them (``ServiceCounter.track``)."""
    return set(
        ServiceCounter.objects.filter(office=office, is_active=True).exclude(track="").values_list("track", flat=True)
    )


def _estimate_minutes(ahead: int, rate: float | None) -> int | None:
    if rate is None or rate <= 0:
        return None
    return round(ahead / rate)


def _unknown_because(*, ahead: int, rate: float | None, nobody_ahead: str, called_today) -> str | None:
    """Why ``_estimate_minutes(ahead, rate)`` is None, or None when it is not.
    ``called_today`` is asked only when needed (a query)."""
    if rate is not None and rate > 0:
        return None
    if ahead == 0:
        return nobody_ahead
    return WaitUnknown.NO_RECENT_CALLS if called_today() else WaitUnknown.NO_CALLS_YET


def _called_today(office: Office, today: dt.date) -> bool:
    return QueueEvent.objects.filter(office=office, date=today, action=QueueEvent.Action.CALLED).exists()


def newcomer_ahead(*, track: str, waiting: dict[str, int], own_desk: bool) -> int:
    """How many people a newcomer on ``track`` waits behind (``waiting``: per track).

    Priority goes first at every desk that calls it, so only the priority line is ahead
    of a priority newcomer. A track with a desk kept for it (``ServiceCounter.track``)
    has that desk calling its line alone, so only that line is ahead. Otherwise the
    desks call every track in one order, and everyone already waiting is ahead.
    """
    if track == Track.PRIORITY or own_desk:
        return waiting[track]
    return sum(waiting.values())


class ServiceState:
    """Whether the office serves now (``queue_public``'s ``service``)."""

    OPEN = "open"
    BEFORE_OPENING = "before_opening"
    CLOSED = "closed"  # past the closing time
    NO_SERVICE = "no_service"  # no session today: a weekend, a holiday, a closure

    ALL = (OPEN, BEFORE_OPENING, CLOSED, NO_SERVICE)


def service_state(*, office: Office, today: dt.date, now: dt.datetime) -> dict:
    """The office's hours today and where ``now`` falls in them. After closing, a newcomer
    is served another day: the page must not promise "no one is waiting" then."""
    serves = office_serves(office=office, date=today)
    opens = office_datetime(office, today, office.opening_time)
    closes = office_datetime(office, today, office.closing_time)
    if not serves:
        state = ServiceState.NO_SERVICE
    elif now >= closes:
        state = ServiceState.CLOSED
    elif now < opens:
        state = ServiceState.BEFORE_OPENING
    else:
        state = ServiceState.OPEN
    return {"state": state, "opens": f"{office.opening_time:%H:%M}", "closes": f"{office.closing_time:%H:%M}"}


def queue_public(*, office: Office, now: dt.datetime) -> dict:
    """The public view of an office's queue today (API and page)."""
    today = office_today(office, now)
    service = service_state(office=office, today=today, now=now)
    closed = service["state"] in (ServiceState.CLOSED, ServiceState.NO_SERVICE)
    board = display_state(office=office, now=now)
    rate = queue_call_rate(office=office, now=now)
    waiting = board["waiting"]
    last_called: dict[str, str] = {}
    for event in (
        QueueEvent.objects.filter(office=office, date=today, action=QueueEvent.Action.CALLED)
        .select_related("booking")
        .order_by("-at", "-id")[:100]
    ):
        last_called.setdefault(event.booking.track, event.booking.queue_number)
    own_desks = own_desk_tracks(office)
    tracks = []
    for track in Track:
        ahead = newcomer_ahead(track=track, waiting=waiting, own_desk=track in own_desks)
        if closed:
            # Nobody new is served today, whatever the line: no wait to promise.
            minutes, reason = None, WaitUnknown.OFFICE_CLOSED
        elif ahead:
            # A line with its own desk moves at its own pace.
            pace = queue_call_rate(office=office, now=now, track=track.value) if track in own_desks else rate
            minutes = _estimate_minutes(ahead, pace)
            reason = _unknown_because(
                ahead=ahead, rate=pace, nobody_ahead=WaitUnknown.QUEUE_EMPTY, called_today=lambda: bool(last_called)
            )
        else:
            # Nobody to wait behind: "no one is waiting", never "less than a minute" or a
            # wait made of another track's line that this track's own desk does not call.
            minutes, reason = None, WaitUnknown.QUEUE_EMPTY
        tracks.append(
            {
                "track": track.value,
                "now_serving": last_called.get(track.value),
                "waiting": waiting[track.value],
                "ahead": ahead,
                "estimated_wait_minutes": minutes,
                "estimated_wait_reason": reason,
            }
        )
    return {
        "office": board["office"],
        "date": board["date"],
        "updated_at": board["now"],
        "service": service,
        "tracks": tracks,
        "counters": board["counters"],
        "recent": board["recent"],
        "calls_per_minute": round(rate, 2) if rate is not None else None,
    }


def queue_public_cached(*, office: Office, now: dt.datetime) -> dict:
    key = f"queue:public:{office.id}"
    data = cache.get(key)
    if data is None:
        data = queue_public(office=office, now=now)
        cache.set(key, data, PUBLIC_QUEUE_CACHE_SECONDS)
    return data


def queue_position(*, booking: Booking, now: dt.datetime) -> dict:
    """Where one booking stands today: people ahead, estimated wait, or the counter calling it."""
    office = booking.office
    today = office_today(office, now)
    result = {
        "code": booking.code,
        "status": booking.status,
        "queue_number": booking.queue_number or None,
        "is_today": booking.date == today,
        "position": None,
        "ahead": None,
        "estimated_wait_minutes": None,
        "estimated_wait_reason": None,
        "counter": None,
        "now_serving": None,
    }
    if booking.date == today:
        latest = (
            QueueEvent.objects.filter(
                office=office, date=today, action=QueueEvent.Action.CALLED, booking__track=booking.track
            )
            .select_related("booking")
            .order_by("-at", "-id")
            .first()
        )
        result["now_serving"] = latest.booking.queue_number if latest else None
    if booking.status == BookingStatus.CALLED:
        # The called person reads the same board as everyone: the last number called on
        # the track (theirs, or a later one) and nobody ahead, not "–" beside "your turn".
        result["counter"] = booking.counter.name if booking.counter_id else None
        result["position"] = 0
        result["ahead"] = 0
        result["estimated_wait_reason"] = WaitUnknown.CALLED
        return result
    if booking.status == BookingStatus.CONFIRMED and booking.date == today:
        result["estimated_wait_reason"] = WaitUnknown.NOT_CHECKED_IN
    if booking.status != BookingStatus.CHECKED_IN or booking.date != today:
        return result
    # On a track with a desk kept for it, the people ahead are that line's, and it moves at
    # its own pace (as the public queue counts a newcomer's, ``newcomer_ahead``).
    own_desk = booking.track in own_desk_tracks(office)
    line = queue_waiting(office=office, date=today)
    if own_desk:
        line = line.filter(track=booking.track)
    order = list(line.values_list("id", flat=True))
    ahead = order.index(booking.id) if booking.id in order else len(order)
    rate = queue_call_rate(office=office, now=now, track=booking.track if own_desk else None)
    result["ahead"] = ahead
    result["position"] = ahead + 1
    result["estimated_wait_minutes"] = _estimate_minutes(ahead, rate)
    result["estimated_wait_reason"] = _unknown_because(
        ahead=ahead, rate=rate, nobody_ahead=WaitUnknown.NEXT, called_today=lambda: _called_today(office, today)
    )
    return result


@dataclass
class SessionRow:
    start: dt.time
    end: dt.time
    capacity: int = 0
    expected: int = 0
    checked_in: int = 0
    served: int = 0
    missed: int = 0
    waiting: int = 0
    at_counter: int = 0
    walk_ins: int = 0
    # From check-in to the call (``applicants.wait_selectors``); None: nobody called yet.
    average_wait_minutes: int | None = None
    p90_wait_minutes: int | None = None


# Statuses of people who came (a check-in time may be missing: served on paper).
_CAME = (BookingStatus.CHECKED_IN, BookingStatus.CALLED, BookingStatus.SERVED)


def day_summary(*, office: Office, now: dt.datetime) -> dict:
    """The supervisor's picture of today, per session and in total."""
    today = office_today(office, now)
    rows: dict[tuple[dt.time, dt.time], SessionRow] = {}
    for slot in Slot.objects.filter(office=office, date=today).order_by("start", "track"):
        row = rows.setdefault((slot.start, slot.end), SessionRow(start=slot.start, end=slot.end))
        row.capacity += slot.capacity
    bookings = Booking.objects.filter(office=office, date=today, status__in=EXPECTED).select_related("slot")
    for booking in bookings:
        key = (booking.slot.start, booking.slot.end) if booking.slot_id else (dt.time(0), dt.time(0))
        row = rows.setdefault(key, SessionRow(start=key[0], end=key[1]))
        row.expected += 1
        # Served on paper (applicants.services.paper) has no check-in time, but came.
        if booking.checked_in_at or booking.status in _CAME:
            row.checked_in += 1
        if booking.status == BookingStatus.SERVED:
            row.served += 1
        # Missed: came, and did not answer the calls (a second miss ends the visit). One
        # miss and back in the line is still waiting, so that the columns add up to those
        # who came: served + missed + still waiting + at a counter.
        if booking.status == BookingStatus.NO_SHOW and booking.checked_in_at:
            row.missed += 1
        # Waiting as the counters count it: checked in and not yet called. Someone called
        # is at a counter, not waiting any more.
        if booking.status == BookingStatus.CHECKED_IN:
            row.waiting += 1
        elif booking.status == BookingStatus.CALLED:
            row.at_counter += 1
        if booking.channel == Channel.WALK_IN:
            row.walk_ins += 1
    for (start, end), waits in wait_stats(bookings, by=("slot__start", "slot__end")).items():
        if (start, end) in rows:
            rows[(start, end)].average_wait_minutes = waits.average_minutes
            rows[(start, end)].p90_wait_minutes = waits.p90_minutes
    sessions = [rows[key] for key in sorted(rows)]
    day_waits = wait_stats(bookings)[()]
    totals = {
        name: sum(getattr(row, name) for row in sessions)
        for name in ("capacity", "expected", "checked_in", "served", "missed", "waiting", "at_counter", "walk_ins")
    }
    totals["average_wait_minutes"] = day_waits.average_minutes
    totals["p90_wait_minutes"] = day_waits.p90_minutes
    # Bars compare the sessions with one another: the busiest fills its bar, and so does
    # the longest wait shown (usually a 9-in-10 one; an average can outrun it when one
    # person waited far longer than everyone else).
    scale = max([row.expected for row in sessions] + [1])
    wait_scale = max([m or 0 for row in sessions for m in (row.average_wait_minutes, row.p90_wait_minutes)] + [1])
    status_counts = dict(
        Booking.objects.filter(office=office, date=today)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "date": today,
        "stopped": service_stopped(office=office, date=today),
        "moved": Booking.objects.filter(office=office, date=today, status=BookingStatus.ROLLED_OVER).count(),
        "sessions": sessions,
        "totals": totals,
        "scale": scale,
        "wait_scale": wait_scale,
        "status_counts": status_counts,
        "no_shows_without_checkin": Booking.objects.filter(office=office, date=today, status=BookingStatus.NO_SHOW)
        .filter(Q(checked_in_at__isnull=True))
        .count(),
    }
