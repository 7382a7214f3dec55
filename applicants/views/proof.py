"""The proof of registration behind the secret link ``/b/<code>/<token>/``.

The link is the booking's key: whoever holds it sees the proof, anyone else a plain
404 (the same for an unknown code). Pages here are never cached and never indexed.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET

from applicants.exceptions import BookingNotFound
from applicants.models import Booking, BookingStatus
from applicants.proof import (
    booking_ics,
    checkin_window,
    date_label,
    ics_cancels,
    proof_admits,
    proof_pdf,
    proof_qr_svg,
    proof_url,
    session_label,
    token_matches,
    what_to_bring,
    what_to_bring_note,
)
from applicants.selectors import booking_failed_channels, booking_get_for_token
from offices.formats import clock

# The message of a renewed secret link (``views.public.renew_link``): the proof page it
# leads to then shows the new link once, with what to do next.
LINK_RENEWED_TAG = "link-renewed"


def _booking(code: str, token: str) -> Booking:
    try:
        return booking_get_for_token(code=code, token=token)
    except BookingNotFound as exc:
        raise Http404(str(exc.detail)) from exc


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _just_renewed(request: HttpRequest) -> bool:
    # Reading the messages here leaves them for the page's own message list.
    return any(LINK_RENEWED_TAG in message.extra_tags.split() for message in messages.get_messages(request))


def _successor(booking: Booking, token: str) -> Booking | None:
    """The booking this one was rolled over to, if the same secret opens it."""
    if booking.status != BookingStatus.ROLLED_OVER:
        return None
    successor = Booking.objects.filter(rolled_from=booking).only("code", "token_hash").first()
    return successor if successor is not None and token_matches(token, successor.token_hash) else None


@require_GET
def proof_page(request: HttpRequest, code: str, token: str) -> HttpResponse:
    booking = _booking(code, token)
    successor = _successor(booking, token)
    if successor is not None:
        return _private(redirect("applicants:proof", code=successor.code, token=token))
    has_session = booking.slot_id is not None
    admits = proof_admits(booking)
    window = checkin_window(booking) if has_session else None
    context = {
        "booking": booking,
        "office": booking.office,
        "applicant": booking.applicant,
        "has_session": has_session,
        "is_active": booking.is_active,
        "admits": admits,
        "qr_svg": proof_qr_svg(booking) if admits else "",
        "date": date_label(booking.slot.date) if has_session else "",
        "requested_date": date_label(booking.requested_date),
        "session": session_label(booking) if has_session else "",
        "checkin_opens": clock(window.opens) if window else "",
        "checkin_closes": clock(window.closes) if window else "",
        "what_to_bring": what_to_bring(booking.service),
        "what_to_bring_note": what_to_bring_note(booking.service),
        "token": token,
        "renewed_link": proof_url(booking, token) if _just_renewed(request) else "",
        "failed_channels": booking_failed_channels(booking=booking) if booking.is_active else set(),
    }
    return _private(render(request, "applicants/proof.html", context))


@require_GET
def proof_pdf_download(request: HttpRequest, code: str, token: str) -> HttpResponse:
    booking = _booking(code, token)
    response = HttpResponse(proof_pdf(booking, translation.get_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="antrean-paspor-{booking.code}.pdf"'
    return _private(response)


@require_GET
def proof_ics_download(request: HttpRequest, code: str, token: str) -> HttpResponse:
    booking = _booking(code, token)
    if not (proof_admits(booking) or ics_cancels(booking)):
        # A waiting request has no session yet; a served or missed booking has no
        # appointment left to put in a calendar or take out of it.
        raise Http404("No appointment to put in a calendar.")
    response = HttpResponse(booking_ics(booking, translation.get_language()), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="antrean-paspor-{booking.code}.ics"'
    return _private(response)
