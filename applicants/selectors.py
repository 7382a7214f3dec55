"""Reads of the applicants app: finding a booking by its secret, by code + NIK, the
session a booking asks for, and how many messages to applicants failed."""

import datetime as dt
import hmac
import logging

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery

from applicants.exceptions import BookingNotFound, InvalidNik, SessionNotFound
from applicants.identity import nik_hash, nik_parse, secret_decrypt
from applicants.models import ACTIVE_STATUSES, TOLD_AFTER_END, Booking, Notification
from applicants.proof import is_code_shaped, normalize_code, token_hash, token_matches
from offices.cache import slot_copies_keep, slot_full_and_copy, warm_all_claim
from offices.models import Slot
from offices.timeutils import from_office_today

logger = logging.getLogger(__name__)

_BOOKING_RELATED = ("office", "slot", "applicant", "requested_slot")
# Compared against when the code does not exist, so a wrong code and a wrong token
# take the same time.
_NO_TOKEN_HASH = token_hash("no-such-booking")


def slot_for_booking(*, slot_id: int) -> Slot:
    """The capacity row with its office; ``SessionNotFound`` if there is none.

    Kept in the cache for ``SLOT_COPY_SECONDS`` (and by each process for the micro-cache
    life): during a flood every request for a session asks for the same row. The copy
    only describes the session (office, date, times, track); saving the session or its
    office, and every service that closes, reopens or re-times sessions, forgets it.
    What decides is the conditional UPDATE of ``slot_take``, which re-checks room and
    ``closed`` on the row itself, so even a stale copy never gives a place too many.
    """
    try:
        _full, slot = slot_full_and_copy(slot_id)
    except Exception:  # noqa: BLE001 - without the cache, read the database
        slot = None
    if slot is not None:
        return slot
    same_day = _sessions_of_the_same_day(slot_id)
    slot = same_day.get(slot_id)
    if slot is None:
        raise SessionNotFound()
    try:
        if warm_all_claim(f"slots:{slot.date.isoformat()}", seconds=settings.SLOT_COPY_SECONDS):
            same_day.update(_sessions_of_the_date_elsewhere(slot))
        slot_copies_keep(same_day)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; session %s not cached", slot_id)
    return slot


def _sessions_of_the_same_day(slot_id: int) -> dict[int, Slot]:
    """The session ``slot_id`` and every other session of its office and date, with the
    office, in one query: a flood's first booking of a day's session is followed by the
    first bookings of the day's other sessions, which then find their copies cached.
    Unordered: compiling an ORDER BY over the session and its office cost more than
    the query."""
    day = Slot.objects.filter(id=slot_id)
    sessions = (
        Slot.objects.select_related("office")
        .filter(office_id=Subquery(day.values("office_id")), date=Subquery(day.values("date")))
        .order_by()
    )
    return {session.id: session for session in sessions}


def _sessions_of_the_date_elsewhere(slot: Slot) -> dict[int, Slot]:
    """Every other office's sessions on ``slot``'s date, where people can book online.

    Read once per date and copy life (``offices.cache.warm_all_claim``) by the first
    booking that finds no copy, so that at a launch the first bookings of a hundred
    offices' days stop reading their own day each: measured under ``make bench``, three
    workers read each office's day about once each in the first second, 2-3 ms apiece,
    and those reads were the floods' slowest answers. One read of every office's day
    (about 400 sessions on the bench, 20 ms with their copies) replaces them.
    """
    sessions = (
        Slot.objects.select_related("office")
        .filter(date=slot.date, office__is_active=True, office__online_booking=True)
        .exclude(office_id=slot.office_id)
        .order_by()
    )
    return {session.id: session for session in sessions}


def _booking_by_code(code: str) -> Booking | None:
    code = normalize_code(code)
    if not is_code_shaped(code):
        return None
    return Booking.objects.select_related(*_BOOKING_RELATED).filter(code=code).first()


def booking_get_for_token(*, code: str, token: str) -> Booking:
    """The booking whose proof link holds ``code`` and ``token``; else ``BookingNotFound``.

    A missing booking and a wrong token give the same answer.
    """
    booking = _booking_by_code(code)
    stored = booking.token_hash if booking is not None else _NO_TOKEN_HASH
    if not token_matches(token or "", stored) or booking is None:
        raise BookingNotFound()
    return booking


def booking_lookup(*, code: str, nik: str) -> Booking:
    """The booking with this code made for this NIK; else ``BookingNotFound``.

    A malformed NIK is "not found" too: this read says nothing about which half was wrong.
    """
    booking = _booking_by_code(code)
    try:
        wanted = nik_hash(nik_parse(nik).nik)
    except InvalidNik:
        wanted = ""
    if booking is None or not wanted or not hmac.compare_digest(booking.nik_hash, wanted):
        raise BookingNotFound()
    return booking


def booking_token(booking: Booking) -> str:
    """The booking's secret token, as printed in its proof link ("" if none is kept)."""
    return secret_decrypt(booking.token_encrypted) if booking.token_encrypted else ""


def booking_position_in_waiting(*, booking: Booking) -> int | None:
    """1 for the next waiting request to get a place at this office; ``None`` unless waiting."""
    # The allocation worker owns the order of the queue; ask it, so the two never disagree.
    from applicants.services.allocation import waiting_position

    return waiting_position(booking=booking)


def failed_notification_count(*, office_ids: set[int] | None, since: dt.datetime) -> int:
    """Messages to applicants of ``office_ids`` (``None``: every office) that failed
    since ``since`` and have not been sent again."""
    failed = Notification.objects.filter(state=Notification.State.FAILED, failed_at__gte=since)
    if office_ids is not None:
        failed = failed.filter(booking__office_id__in=office_ids)
    return failed.count()


def unresolved_failed_notifications(*, office_ids: set[int] | None, now: dt.datetime) -> QuerySet[Notification]:
    """Messages to applicants of ``office_ids`` (``None``: every office) that failed and
    still wait for someone to act: not sent again since, to a person whose data is kept,
    about a booking still running, or telling of its end (a cancellation) while its date
    is still ahead. Failures of a booking over since are past helping and drop out by
    themselves, so what is counted is work still to do (``TOLD_AFTER_END`` as in
    ``applicants.services.resend``).

    "Still ahead" is judged on each office's own clock: a cancellation notice of an
    office in WIT stops counting at its midnight, two hours before Jakarta's."""
    date_ahead = from_office_today(now, date_field="booking__date", timezone_field="booking__office__timezone")
    failed = Notification.objects.filter(
        Q(booking__status__in=ACTIVE_STATUSES) | (Q(kind__in=TOLD_AFTER_END) & date_ahead),
        state=Notification.State.FAILED,
        booking__applicant__erased_at__isnull=True,
    )
    return failed if office_ids is None else failed.filter(booking__office_id__in=office_ids)


def booking_failed_channels(*, booking: Booking) -> set[str]:
    """The channels by which a message about ``booking`` failed and was not sent again:
    the proof page tells the person, who may have given a wrong number or address."""
    return set(
        Notification.objects.filter(booking=booking, state=Notification.State.FAILED).values_list("channel", flat=True)
    )
