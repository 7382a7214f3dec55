"""What the public office pages show, computed from the availability read.

The availability selector says per date ``open|full|closed|not_released``, judged on
the tracks an applicant can book online (``online_tracks``); "almost full" here is
judged on those too. The numbers are for display (they may be a few seconds old); the
booking path decides on the database.
"""

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from offices.formats import long_date, office_moment
from offices.models import Office, Track
from offices.selectors import office_availability, office_nearest, office_release_window
from offices.selectors.availability import online_tracks
from offices.timeutils import office_today

CALENDAR_WEEKS = 5
# Below this share of the online places left, a date shows "almost full".
ALMOST_FULL_SHARE = 0.10
NEXT_DATES_SHOWN = 3
NEARBY_OFFICES_SHOWN = 3
NEARBY_OFFICES_CONSIDERED = 6
# Further than this an "alternative" is a different trip, not a nearby office.
NEARBY_MAX_KM = 250


@dataclass
class DayView:
    date: dt.date
    state: str  # open, almost_full, full, closed, not_released, past
    available: int = 0
    capacity: int = 0
    reason: str = ""
    release_at: dt.datetime | None = None
    sessions: list[dict] = field(default_factory=list)
    office: Office | None = None

    @property
    def bookable(self) -> bool:
        return self.state in ("open", "almost_full")

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def short_label(self) -> str:
        """What fits in a calendar cell 45 px wide."""
        if self.bookable:
            return str(self.available)
        return {
            "full": pgettext("calendar cell", "Full"),
            "closed": pgettext("calendar cell", "Closed"),
            "not_released": pgettext("calendar cell", "Later"),
        }.get(self.state, "")

    @property
    def description(self) -> str:
        """The whole state in words, for screen readers and the day heading."""
        office = self.office
        if self.bookable:
            text = ngettext("%(count)d place left", "%(count)d places left", self.available) % {"count": self.available}
            if self.state == "almost_full":
                text = _("Almost full: %(places)s") % {"places": text}
            return text
        if self.state == "full":
            return _("Full")
        if self.state == "not_released":
            if self.release_at:
                return _("Not yet released: opens %(moment)s") % {"moment": office_moment(self.release_at, office)}
            return _("Not yet released")
        if self.state == "closed":
            return _("Closed: %(reason)s") % {"reason": self.reason} if self.reason else _("Closed")
        return _("Not bookable online")


def _session_groups(sessions: list[dict], *, tracks: list[str]) -> list[dict]:
    """One entry per session time, with its entries for ``tracks``."""
    labels = dict(Track.choices)
    groups: OrderedDict[tuple, dict] = OrderedDict()
    for session in sorted(
        sessions, key=lambda s: (s["start"], tracks.index(s["track"]) if s["track"] in tracks else 9)
    ):
        if session["track"] not in tracks:
            continue
        key = (session["start"], session["end"])
        group = groups.setdefault(key, {"start": session["start"], "end": session["end"], "tracks": []})
        group["tracks"].append(
            {
                "id": session["id"],
                "track": session["track"],
                "label": labels.get(session["track"], session["track"]),
                "available": max(session["available"], 0),
                "capacity": session["capacity"],
            }
        )
    return list(groups.values())


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _as_time(value) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def _as_moment(value) -> dt.datetime | None:
    if not value or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def day_view(day: dict, *, office: Office, first_bookable: dt.date, tracks: list[str] | None = None) -> DayView:
    """A day as the pages show it, counting the places of ``tracks`` (by default every
    track bookable online; one track for a booking that keeps its own)."""
    tracks = tracks or online_tracks()
    date = _as_date(day["date"])
    sessions = [{**s, "start": _as_time(s["start"]), "end": _as_time(s["end"])} for s in day.get("sessions") or []]
    online = [s for s in sessions if s["track"] in tracks]
    available = sum(max(s["available"], 0) for s in online)
    capacity = sum(s["capacity"] for s in online)
    status = day["status"]
    if date < first_bookable:
        state = "past"
    elif status == "open" and available > 0:
        state = "almost_full" if available < capacity * ALMOST_FULL_SHARE else "open"
    elif status in ("open", "full"):
        state = "full"
    else:
        state = status
    return DayView(
        date=date,
        state=state,
        available=available,
        capacity=capacity,
        reason=day.get("reason") or "",
        release_at=_as_moment(day.get("release_at")),
        sessions=_session_groups(sessions, tracks=tracks),
        office=office,
    )


def office_days(
    *, office: Office, start: dt.date, days: int, now: dt.datetime, tracks: list[str] | None = None
) -> list[DayView]:
    first, _last = office_release_window(office=office, now=now)
    raw = office_availability(office=office, start=start, days=days, now=now)
    return [day_view(day, office=office, first_bookable=first, tracks=tracks) for day in raw]


def next_bookable_dates(
    *,
    office: Office,
    after: dt.date,
    now: dt.datetime,
    limit: int,
    inclusive: bool = False,
    tracks: list[str] | None = None,
) -> list[DayView]:
    """The first ``limit`` dates with room on ``tracks`` (by default the online ones) from
    ``after`` to the end of the window."""
    first, last = office_release_window(office=office, now=now)
    start = max(after if inclusive else after + dt.timedelta(days=1), first)
    if last < start:
        return []
    days = office_days(office=office, start=start, days=(last - start).days + 1, now=now, tracks=tracks)
    return [day for day in days if day.bookable][:limit]


def nearby_alternatives(*, office: Office, after: dt.date, now: dt.datetime) -> list[dict]:
    """Nearest other offices and service points with their next date with room."""
    if office.latitude is None or office.longitude is None:
        return []
    found = []
    for near in office_nearest(
        latitude=float(office.latitude), longitude=float(office.longitude), limit=NEARBY_OFFICES_CONSIDERED + 1
    ):
        other = near.office
        if near.distance_km > NEARBY_MAX_KM:
            break
        if other.pk == office.pk or not other.online_booking:
            continue
        dates = next_bookable_dates(office=other, after=after, now=now, limit=1, inclusive=True)
        if dates:
            found.append({"office": other, "day": dates[0], "distance_km": near.distance_km})
        if len(found) == NEARBY_OFFICES_SHOWN:
            break
    return found


def calendar_weeks(days: list[DayView], *, start: dt.date) -> list[list[DayView | None]]:
    """Weeks from Monday; ``None`` pads before ``start``."""
    cells: list[DayView | None] = [None] * start.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def _calendar_last(*, office: Office, today: dt.date, now: dt.datetime) -> dt.date:
    """The Sunday that ends the calendar: ``CALENDAR_WEEKS`` rows from this week's Monday,
    and more rows when the release window reaches further, so no bookable date is left off."""
    _first, released_until = office_release_window(office=office, now=now)
    last = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=CALENDAR_WEEKS, days=-1)
    if released_until > last:
        last = released_until + dt.timedelta(days=6 - released_until.weekday())
    return last


def office_page(*, office: Office, selected: dt.date | None, now: dt.datetime) -> dict:
    today = office_today(office, now)
    start = today
    shown_days = (_calendar_last(office=office, today=today, now=now) - start).days + 1
    days = office_days(office=office, start=start, days=shown_days, now=now)
    by_date = {day.date: day for day in days}

    chosen = None
    if selected is not None:
        chosen = by_date.get(selected)
        if chosen is None and today <= selected <= today + dt.timedelta(days=366):
            chosen = office_days(office=office, start=selected, days=1, now=now)[0]

    context = {
        "weeks": calendar_weeks(days, start=start),
        "calendar_first": days[0].date if days else today,
        "calendar_last": days[-1].date if days else today,
        "chosen": chosen,
        "chosen_description": chosen.description if chosen else "",
        "chosen_label": long_date(chosen.date) if chosen else "",
        "next_here": [],
        "nearby": [],
        "first_bookable": next((d for d in days if d.bookable), None),
    }
    if not office.online_booking:
        # Every date reads "closed" to the availability read while online booking is paused,
        # though the office serves walk-ins: the page shows no calendar, and the nearest
        # offices that do take bookings.
        context["nearby"] = nearby_alternatives(office=office, after=today, now=now)
        return context
    if chosen is not None and chosen.state == "not_released":
        # Every later date is not released either: the dates that can be booked now.
        context["next_here"] = next_bookable_dates(office=office, after=today, now=now, limit=NEXT_DATES_SHOWN)
    elif chosen is not None and chosen.state in ("full", "closed", "past"):
        context["next_here"] = next_bookable_dates(office=office, after=chosen.date, now=now, limit=NEXT_DATES_SHOWN)
        if chosen.state == "full":
            context["nearby"] = nearby_alternatives(office=office, after=chosen.date, now=now)
    return context


def office_entries(offices, *, nest: bool) -> list[dict]:
    """Offices for a list. With ``nest`` each office carries its active service points,
    and a service point whose parent is listed appears only under that parent."""
    offices = list(offices)
    if not nest:
        return [{"office": office, "service_points": []} for office in offices]
    prefetch_related_objects(offices, "service_points")
    present = {o.pk for o in offices}
    return [
        {
            "office": office,
            "service_points": sorted(
                (point for point in office.service_points.all() if point.is_active), key=lambda p: p.name
            ),
        }
        for office in offices
        if not (office.parent_id and office.parent_id in present)
    ]


def group_by_province(entries: list[dict]) -> list[dict]:
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for entry in sorted(entries, key=lambda e: (e["office"].province, e["office"].name)):
        groups.setdefault(entry["office"].province, []).append(entry)
    return [{"province": province, "entries": items} for province, items in groups.items()]
