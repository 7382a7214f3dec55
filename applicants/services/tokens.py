"""Renewing a booking's secret link: the token in its proof link and in ``X-Booking-Token``.

Whoever holds the link can read the booking, cancel it and move it (DESIGN section 5).
A link can leak: a screenshot shared, a broker ("calo") who booked on the person's
behalf and kept it, an old log line. Renewing gives the booking a new token, so every
copy of the old link (the proof page, its PDF and calendar addresses, the API token)
stops working at once, as a wrong token does. The booking itself does not change: code,
date, session and the signed QR stay what they were, so a printed proof still admits.

Staff renew it too, at the desk, for a person whose KTP they checked
(``applicants.views.staff_links``): the same write and log entry, with the officer as
actor; the applicant's per-booking rate limit does not apply to them. The message says
the link was renewed at the office at the person's request (``TOKEN_RENEWED_AT_OFFICE``).

What renewing cannot do: anyone who knows the booking code *and* the NIK can look the
booking up (rate limited) and is given the current link. The message sent on every
renewal is how the person learns that someone else renewed it.
"""

import datetime as dt

from django.db import transaction

from applicants.exceptions import BookingNotFound, BookingStateChanged, TokenNotRenewable
from applicants.identity import secret_encrypt
from applicants.models import Booking, BookingStatus, BookingTransition, Notification
from applicants.notifications import notify
from applicants.proof import new_token, token_hash
from applicants.services.booking import BookingResult

# A link is worth renewing while it can still cancel or move the booking: exactly the
# statuses an applicant may cancel from (``booking_cancel``). From check-in on the
# person is at the office and the booking can no longer be changed by its link; an
# ended booking (served, cancelled, missed, expired, rolled over) is final.
RENEWABLE_STATUSES = (BookingStatus.WAITING, BookingStatus.CONFIRMED)

# The reason in the status log (``BookingTransition``), and the start of the dedupe key
# of the message that carries the new link.
RENEWAL_REASON = "token_renewed"

# ``via`` of a renewal made by staff at the desk (``applicants.views.staff_links``).
VIA_STAFF = "staff"


def booking_token_renew_check(*, booking: Booking) -> None:
    """Raise ``TokenNotRenewable`` unless ``booking`` may get a new secret link."""
    if booking.status not in RENEWABLE_STATUSES:
        raise TokenNotRenewable(status=BookingStatus(booking.status).label)


def _earlier_bookings(booking: Booking) -> list[int]:
    """The bookings a rollover ended to make ``booking`` (oldest last). They share its
    token, so that their proof links lead to it (``applicants.services.rollover``)."""
    ids: list[int] = []
    earlier = booking.rolled_from_id
    while earlier is not None and earlier not in ids:
        ids.append(earlier)
        earlier = Booking.objects.filter(id=earlier).values_list("rolled_from_id", flat=True).first()
    return ids


def _token_swap(*, booking: Booking, proven: str, fields: dict) -> bool:
    """Write the new token if the booking still has the token and status the caller saw.

    The guard against two renewals at once: on PostgreSQL the second UPDATE waits for
    the first one's row lock, then finds the token changed and writes nothing.
    """
    return Booking.objects.filter(id=booking.id, token_hash=proven, status=booking.status).update(**fields) == 1


def booking_token_renew(*, booking: Booking, now: dt.datetime, via: str, actor=None) -> BookingResult:
    """Give ``booking`` a new secret token; the token it had stops opening it at once.

    ``booking`` is the one the caller opened with its token (its ``token_hash`` is the
    token the caller proved; office and applicant loaded), or, for ``via="staff"``, the
    one an officer at its office loaded after checking the person's KTP; ``actor`` is
    that officer. ``via`` (``"web"``, ``"api"``, ``"staff"``) and ``actor`` go into the
    status log, which records the renewal without the token. The applicant is sent the
    new link on every channel they gave, in words that fit who renewed it.

    Of two renewals with the same token at once exactly one wins: the write is
    conditional on the token (and status) the caller saw. The other raises
    ``BookingNotFound``, the answer to any token that no longer opens the booking, and
    writes nothing. A status changed in between (a place found, a check-in) raises
    ``BookingStateChanged``; the token still works and the caller may try again.
    """
    booking_token_renew_check(booking=booking)
    proven = booking.token_hash
    token = new_token()
    fields = {"token_hash": token_hash(token), "token_encrypted": secret_encrypt(token)}
    with transaction.atomic():
        if not _token_swap(booking=booking, proven=proven, fields=fields):
            current = Booking.objects.filter(id=booking.id).values_list("token_hash", flat=True).first()
            if current != proven:
                raise BookingNotFound()
            raise BookingStateChanged()
        # A rolled-over booking's old code opened the new booking with the same link:
        # it must not keep opening the old one (and its personal details) with it.
        earlier = _earlier_bookings(booking)
        if earlier:
            Booking.objects.filter(id__in=earlier, token_hash=proven).update(**fields)
        logged = BookingTransition.objects.create(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            at=now,
            actor=actor,
            reason=RENEWAL_REASON,
            detail={"via": via},
        )
        # One message per renewal; it is rendered when sent, with the link then current.
        # A person who asked an officer for it is told so, not that someone else had their link.
        kind = Notification.Kind.TOKEN_RENEWED_AT_OFFICE if via == VIA_STAFF else Notification.Kind.TOKEN_RENEWED
        notify(booking=booking, kind=kind, dedupe_key=f"{RENEWAL_REASON}:{logged.id}")
    booking.token_hash, booking.token_encrypted = fields["token_hash"], fields["token_encrypted"]
    return BookingResult(booking=booking, token=token)
