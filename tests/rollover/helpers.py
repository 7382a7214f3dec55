"""Rows for the rollover tests: offices with sessions, applicants, waiting and confirmed bookings.

Bookings are written directly (not through the booking form) so a test can set up
hundreds in a fraction of a second with exact ``waiting_since`` order.
"""

import datetime as dt
import itertools

from applicants.identity import nik_hash, secret_encrypt
from applicants.models import Applicant, Booking, BookingStatus, BookingTransition
from applicants.proof import new_booking_code, new_token, token_hash
from offices.models import Office, Slot

_serial = itertools.count(1)
SESSIONS = ((dt.time(8, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(15, 0)))


def make_slots(
    office: Office,
    dates: list[dt.date],
    *,
    capacity: int = 10,
    reserved: int = 0,
    track: str = "regular",
    sessions=SESSIONS,
) -> list[Slot]:
    return Slot.objects.bulk_create(
        [
            Slot(
                office=office,
                date=date,
                start=start,
                end=end,
                track=track,
                capacity=capacity,
                reserved=reserved,
            )
            for date in dates
            for start, end in sessions
        ]
    )


def make_applicants(count: int, *, email: bool = True, phone: bool = False) -> list[Applicant]:
    """``email``/``phone``: which channels the applicants gave (messages go to those)."""
    applicants = []
    for _ in range(count):
        n = next(_serial)
        nik = f"3578015001{n:06d}"
        applicants.append(
            Applicant(
                nik_hash=nik_hash(nik),
                nik_encrypted="-",
                nik_masked=f"3578********{n % 10000:04d}",
                full_name=f"Pemohon {n}",
                birth_date=dt.date(2001, 1, 10),
                sex=Applicant.Sex.FEMALE,
                email=f"pemohon{n}@example.org" if email else "",
                phone=f"+62812{n:08d}" if phone else "",
            )
        )
    return Applicant.objects.bulk_create(applicants)


def _booking(applicant: Applicant, office: Office, **fields) -> Booking:
    token = new_token()
    booking = Booking(
        code=new_booking_code(),
        token_hash=token_hash(token),
        token_encrypted=secret_encrypt(token),
        applicant=applicant,
        nik_hash=applicant.nik_hash,
        office=office,
        **fields,
    )
    booking.token = token  # the secret of the proof link, as the applicant holds it
    return booking


def make_waiting(
    office: Office,
    count: int,
    *,
    requested_date: dt.date,
    since: dt.datetime,
    track: str = "regular",
    **contact: bool,
) -> list[Booking]:
    """``count`` waiting requests, one second apart from ``since`` (the first is first in line)."""
    bookings = [
        _booking(
            applicant,
            office,
            status=BookingStatus.WAITING,
            requested_date=requested_date,
            track=track,
            waiting_since=since + dt.timedelta(seconds=i),
        )
        for i, applicant in enumerate(make_applicants(count, **contact))
    ]
    created = Booking.objects.bulk_create(bookings)
    _transitions(created, to_status=BookingStatus.WAITING, at=since)
    return created


def make_confirmed(slot: Slot, count: int, *, at: dt.datetime, **contact: bool) -> list[Booking]:
    """``count`` confirmed bookings in ``slot`` (taking its places), made in this order."""
    bookings = [
        _booking(
            applicant,
            slot.office,
            status=BookingStatus.CONFIRMED,
            slot=slot,
            date=slot.date,
            requested_date=slot.date,
            requested_slot=slot,
            track=slot.track,
        )
        for applicant in make_applicants(count, **contact)
    ]
    created = Booking.objects.bulk_create(bookings)
    # created_at is auto_now_add: spread it so "the order they were made" is unambiguous.
    for i, booking in enumerate(created):
        Booking.objects.filter(id=booking.id).update(created_at=at + dt.timedelta(seconds=i))
    Slot.objects.filter(id=slot.id).update(booked=slot.booked + count)
    slot.refresh_from_db()
    _transitions(created, to_status=BookingStatus.CONFIRMED, at=at)
    return created


def _transitions(bookings: list[Booking], *, to_status: str, at: dt.datetime) -> None:
    BookingTransition.objects.bulk_create(
        [BookingTransition(booking=b, from_status="", to_status=to_status, at=at, reason="created") for b in bookings]
    )


def close_day(office: Office, date: dt.date, *, start: dt.time | None = None, reason: str = "Banjir") -> None:
    slots = Slot.objects.filter(office=office, date=date)
    if start is not None:
        slots = slots.filter(start=start)
    slots.update(closed=True, closed_reason=reason)
