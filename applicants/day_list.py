"""The office's list of the day ("daftar hadir"): everyone expected on a date, per session.

Printed each morning, it lets the office go on when the system cannot be reached: staff
check people in by the booking code on their proof, tick the list and write the queue
number by hand (DESIGN.md §1: offices must not have to turn people away). It carries
the names and the masked NIK, never the full NIK, and is for office staff only.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from io import StringIO

from django.utils.translation import gettext as _

from applicants.models import Booking, BookingStatus
from applicants.privacy import erased_note_text
from offices.models import Office, Track

# Bookings with a place on the day: the ones to expect, and what became of them.
LISTED = (
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.CALLED,
    BookingStatus.SERVED,
    BookingStatus.NO_SHOW,
)
# Which dates may be listed, around the office's today: the week before (to print or
# check a recent day again) and as far ahead as anyone can have booked.
DAYS_BACK = 7
DAYS_AHEAD = 60
_TRACK_ORDER = {Track.PRIORITY: 0, Track.EXPRESS: 1, Track.REGULAR: 2}


@dataclass
class DayListSession:
    start: dt.time
    end: dt.time
    bookings: list[Booking] = field(default_factory=list)


@dataclass
class DayList:
    office: Office
    date: dt.date
    sessions: list[DayListSession]

    @property
    def count(self) -> int:
        return sum(len(session.bookings) for session in self.sessions)


def day_list_dates(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last date that may be listed."""
    return today - dt.timedelta(days=DAYS_BACK), today + dt.timedelta(days=DAYS_AHEAD)


def day_list(*, office: Office, date: dt.date) -> DayList:
    """Everyone with a place at ``office`` on ``date``, per session (walk-ins included),
    ordered within a session by track (priority first) and then by name; one query."""
    bookings = (
        Booking.objects.filter(office=office, date=date, status__in=LISTED)
        .select_related("applicant", "slot")
        .only(
            "code",
            "status",
            "track",
            "service",
            "channel",
            "priority_group",
            "queue_number",
            "checked_in_at",
            "slot__start",
            "slot__end",
            "applicant__full_name",
            "applicant__nik_masked",
            "applicant__erased_at",
            "applicant__erased_after_days",
        )
    )
    sessions: dict[tuple[dt.time, dt.time], DayListSession] = {}
    for booking in bookings:
        key = (booking.slot.start, booking.slot.end) if booking.slot_id else (dt.time(0), dt.time(0))
        sessions.setdefault(key, DayListSession(*key)).bookings.append(booking)
    for session in sessions.values():
        session.bookings.sort(key=lambda b: (_TRACK_ORDER.get(b.track, 9), b.applicant.full_name.casefold(), b.code))
    return DayList(office=office, date=date, sessions=[sessions[key] for key in sorted(sessions)])


def day_list_csv(listing: DayList) -> str:
    """The list as CSV for a spreadsheet (UTF-8 with a byte order mark, which Excel needs
    to read names with accents), in the active language."""
    out = StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("Session"), _("Booking code"), _("Name"), _("NIK"), _("Track"), _("Service"), _("Status"), _("Queue number")]
    )
    for session in listing.sessions:
        label = f"{session.start:%H:%M}-{session.end:%H:%M}"
        for booking in session.bookings:
            writer.writerow(
                [
                    label,
                    booking.code,
                    erased_note_text(booking.applicant) or _spreadsheet_safe(booking.applicant.full_name),
                    booking.applicant.nik_masked,
                    booking.get_track_display(),
                    booking.get_service_display(),
                    booking.get_status_display(),
                    booking.queue_number,
                ]
            )
    return out.getvalue()


def _spreadsheet_safe(text: str) -> str:
    """A name a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
