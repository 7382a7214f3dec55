"""Walk-ins: people registered at the desk on the day, queued at once.

Who may walk in: the priority groups (elderly, disabled, pregnant, infants) always, on
the priority track; everyone while the office runs without online booking (its
fallback when the central service is down or the office chose so). A walk-in takes a
place in today's sessions exactly like an online booking, through ``booking_create``
and the same capacity rows and NIK rules, so walk-ins can never exceed capacity.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from applicants.exceptions import ActiveBookingExists, DateNotReleased, SessionClosed, SessionFull
from applicants.exceptions_staff import (
    WalkinActiveBookingExists,
    WalkinAlreadyQueued,
    WalkinNoSession,
    WalkinNotAllowed,
    WalkinNotElderly,
    WalkinSessionUnavailable,
)
from applicants.identity import nik_hash, nik_parse
from applicants.models import Booking, BookingStatus, Channel, PriorityGroup, Service
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from applicants.services.checkin import WALK_IN, CheckinResult, booking_queue
from offices.models import Office, Slot, Track
from offices.timeutils import office_datetime, office_today


def walkin_track(*, office: Office, priority_group: str, track: str) -> str:
    """The track a walk-in goes on, or ``WalkinNotAllowed``."""
    if priority_group:
        return Track.PRIORITY
    if office.online_booking or track == Track.PRIORITY:
        raise WalkinNotAllowed()
    return track if track == Track.EXPRESS else Track.REGULAR


ELDERLY_FROM_AGE = 60


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years from ``birth_date`` to ``day`` (29 February counts from 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def walkin_check_priority_group(*, priority_group: str, birth_date: dt.date, today: dt.date) -> None:
    """Refuse "elderly" for someone under 60 (the birth date agrees with the NIK, so it is
    the person's). The other groups are the desk's to see: a disability, a pregnancy, and an
    infant or toddler, who may be the applicant or in the arms of one."""
    age = age_on(birth_date, today)
    if priority_group == PriorityGroup.ELDERLY and age < ELDERLY_FROM_AGE:
        raise WalkinNotElderly(fields={"priority_group": [WalkinNotElderly(age=age).detail]}, age=age)


def walkin_tracks(*, office: Office) -> list[str]:
    """The tracks walk-ins can go on here: priority always, the others only while the
    office runs without online booking."""
    if office.online_booking:
        return [Track.PRIORITY.value]
    return [track.value for track in Track]


def walkin_sessions(*, office: Office, track: str, now: dt.datetime) -> list[Slot]:
    """Today's sessions on ``track`` that a walk-in can still join, earliest first: those
    not yet ended. The check-in window's late minutes are for people who booked that
    session; a place is never taken in a session that has ended (``slot_check_bookable``)."""
    today = office_today(office, now)
    slots = (
        Slot.objects.filter(office=office, date=today, track=track, closed=False)
        .select_related("office")
        .order_by("start")
    )
    return [slot for slot in slots if office_datetime(office, today, slot.end) > now]


def walkin_day_sessions(*, office: Office, now: dt.datetime) -> list[Slot]:
    """Today's sessions a walk-in could still join on any track they can go on, full ones
    included: which of them to offer is the page's choice, and a place seen free there may
    be gone by the time the form comes back (``walkin_register`` decides on the database)."""
    return [
        slot for track in walkin_tracks(office=office) for slot in walkin_sessions(office=office, track=track, now=now)
    ]


def walkin_day_had_sessions(*, office: Office, now: dt.datetime) -> bool:
    """Whether today has open sessions on a track walk-ins can go on, ended ones included:
    with none left to join, the difference between "the day is over" and "no service today"."""
    return Slot.objects.filter(
        office=office, date=office_today(office, now), track__in=walkin_tracks(office=office), closed=False
    ).exists()


def walkin_register(
    *,
    office: Office,
    nik: str,
    full_name: str,
    birth_date: dt.date,
    now: dt.datetime,
    priority_group: str = PriorityGroup.NONE,
    track: str = Track.REGULAR,
    service: str = Service.NEW,
    phone: str = "",
    email: str = "",
    language: str = "",
    slot: Slot | None = None,
    actor=None,
) -> CheckinResult:
    """Register a walk-in in today's earliest session with room (or ``slot``) and queue them.

    ``slot`` chooses the session by its time: the track is the person's (a priority group
    always goes on the priority track), so a session chosen on another track means that
    session's row on theirs.

    Raises the booking errors for a bad NIK, ``WalkinAlreadyQueued`` (with the booking
    that has their number) for a person already in today's queue here,
    ``WalkinActiveBookingExists`` (an ``ActiveBookingExists``) for a person with another
    active booking, ``WalkinNotAllowed``, ``WalkinNotElderly`` or ``WalkinNoSession``.

    ``language`` is the person's, for their messages and printed proof; none chosen is
    the site's default (Indonesian), never the language of the officer's page.
    """
    language = language or settings.LANGUAGE_CODE
    track = walkin_track(office=office, priority_group=priority_group, track=track)
    candidates = walkin_sessions(office=office, track=track, now=now)
    if slot is not None:
        candidates = [s for s in candidates if s.start == slot.start]
    with transaction.atomic():
        applicant = applicant_upsert(
            nik=nik, full_name=full_name, birth_date=birth_date, phone=phone, email=email, language=language
        )
        # After the NIK check: the birth date is then the person's. A refusal rolls the upsert back.
        today = office_today(office, now)
        walkin_check_priority_group(priority_group=priority_group, birth_date=birth_date, today=today)
        for candidate in candidates:
            try:
                # A savepoint per attempt: booking_create inserts the booking before it
                # takes the place, so a full session must roll that row back.
                with transaction.atomic():
                    created = booking_create(
                        slot=candidate,
                        applicant=applicant,
                        track=track,
                        service=service,
                        now=now,
                        if_full="reject",
                        channel=Channel.WALK_IN,
                        priority_group=priority_group,
                        actor=actor,
                        language=language,
                    )
            except (SessionFull, SessionClosed, DateNotReleased):
                # Full, closed, or ended since the page was shown: the next one.
                continue
            except ActiveBookingExists as exc:
                queued = walkin_find_queued(office=office, nik=nik, now=now)
                if queued is not None:
                    raise WalkinAlreadyQueued(booking=queued) from exc
                raise WalkinActiveBookingExists() from exc
            queued = booking_queue(booking=created.booking, now=now, actor=actor, reason="walk_in")
            return CheckinResult(booking=queued, created=True, flags=[WALK_IN])
        # Inside the transaction: no place, so the person's details are not changed either.
        raise WalkinNoSession() if slot is None else WalkinSessionUnavailable()


def walkin_find_queued(*, office: Office, nik: str, now: dt.datetime) -> Booking | None:
    """The booking with which the person of ``nik`` is already in today's queue at
    ``office`` (checked in or at a counter), if any: what a walk-in registered twice (a
    double tap on a slow connection, a second officer) is answered with
    (``WalkinAlreadyQueued``), the number the person already has, rather than a refusal
    that hides it."""
    return (
        Booking.objects.filter(
            office=office,
            date=office_today(office, now),
            nik_hash=nik_hash(nik_parse(nik).nik),
            status__in=(BookingStatus.CHECKED_IN, BookingStatus.CALLED),
        )
        .select_related("office", "slot", "applicant")
        .first()
    )
