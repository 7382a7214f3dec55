"""Staff at the desk renew a booking's secret link for the person in front of them.

A person whose proof link leaked (a broker kept it) or who lost it comes to the office.
After checking their KTP, an officer of the booking's office renews the link with the
applicant's own service (``applicants.services.tokens``): the same conditional write,
the new link sent to every contact the person gave (saying it was renewed at this
office at their request), the same entry in the status log, with the officer as the
one who did it.

The new link is never shown here. The desk screen faces the queue, and the person is
given the link where only they read it (their email and SMS; "find my booking" with
code and NIK when they gave neither). What the desk can hand over is the printed proof:
code and signed QR (``applicants.proof``), which admit on the day and hold no secret.

Staff renewals are not held to, nor counted in, the applicant's per-booking renewal
limit (``RATELIMIT_RENEW_CODE``): that limit keeps an anonymous holder of the link from
flooding the person with messages, while an officer acts signed in, face to face, and
is named in the status log. A person who was blocked online is helped at the desk.
"""

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applicants.exceptions import BookingNotFound, BookingStateChanged, TokenNotRenewable
from applicants.exceptions_staff import BookingNotFoundForStaff, CheckinWrongOffice, LinkRenewedMeanwhile
from applicants.forms_staff import LinkRenewForm
from applicants.identity import email_masked, phone_masked
from applicants.models import Applicant, Booking, Notification
from applicants.notifications import notification_channels
from applicants.proof import normalize_code, proof_pdf
from applicants.services.access_log import Action, Channel, personal_data_access_record
from applicants.services.tokens import VIA_STAFF, booking_token_renew, booking_token_renew_check
from applicants.views.staff import office_staff_view, staff_page_context
from queue_booking.errors import ServiceError

logger = logging.getLogger(__name__)

# The message left by a renewal for the page it redirects to (post, redirect, get).
STAFF_LINK_RENEWED_TAG = "staff-link-renewed"


def contacts_masked(applicant: Applicant) -> list[dict[str, str]]:
    """Where the message with a new link goes (``notification_channels``), masked."""
    return [
        {
            "channel": channel,
            "label": Notification.Channel(channel).label,
            "to": email_masked(applicant.email)
            if channel == Notification.Channel.EMAIL
            else phone_masked(applicant.phone),
        }
        for channel in notification_channels(applicant)
    ]


def _office_booking(office, code: str) -> Booking:
    """The booking with ``code`` at ``office``, loaded fresh; refused for another office's."""
    booking = Booking.objects.select_related("office", "slot", "applicant").filter(code=normalize_code(code)).first()
    if booking is None:
        raise BookingNotFoundForStaff()
    if booking.office_id != office.id:
        raise CheckinWrongOffice(office=booking.office.name)
    return booking


def _just_renewed(request) -> bool:
    return any(STAFF_LINK_RENEWED_TAG in message.extra_tags.split() for message in messages.get_messages(request))


@office_staff_view()
@require_http_methods(["GET", "POST"])
def renew_link(request, office, code: str):
    """Explain, ask for the KTP check, then (POST) renew and say where the link went."""
    context = staff_page_context(request, office, "checkin")
    try:
        booking = _office_booking(office, code)
    except ServiceError as exc:
        context["error"] = exc
        return render(request, "staff/renew_link.html", context, status=exc.status)
    context.update({"booking": booking, "contacts": contacts_masked(booking.applicant)})
    if request.method == "GET" and _just_renewed(request):
        # The page after a renewal: the renewal's own request recorded this read.
        context["renewed"] = True
        return render(request, "staff/renew_link.html", context)
    # The page names the person and where their messages go (masked).
    personal_data_access_record(
        actor=request.user,
        office=office,
        action=Action.LINK_RENEWAL,
        channel=Channel.DESK,
        now=timezone.now(),
        booking=booking,
    )
    form = LinkRenewForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    try:
        booking_token_renew_check(booking=booking)
        if request.method == "GET" or not form.is_valid():
            return render(request, "staff/renew_link.html", context, status=400 if form.errors else 200)
        try:
            booking_token_renew(booking=booking, now=timezone.now(), via=VIA_STAFF, actor=request.user)
        except (BookingNotFound, BookingStateChanged) as exc:
            # Renewed or changed between loading and writing: nothing was written.
            raise LinkRenewedMeanwhile() from exc
    except ServiceError as exc:
        context.update({"error": exc, "form": None})
        # A GET that only explains why this booking cannot get a new link is an answer
        # like any other (as the applicant's own page gives it); a refused POST is not.
        status = 200 if request.method == "GET" and isinstance(exc, TokenNotRenewable) else exc.status
        return render(request, "staff/renew_link.html", context, status=status)
    messages.success(
        request, _("New secret link sent. The old link no longer works."), extra_tags=STAFF_LINK_RENEWED_TAG
    )
    return redirect("staff:renew-link", office_code=office.code, code=booking.code)


@office_staff_view()
@require_GET
def booking_proof_pdf(request, office, code: str):
    """The proof to print for the person at the desk, in their language: code, signed QR,
    place and time. It holds no secret link (``applicants.proof.proof_pdf``)."""
    try:
        booking = _office_booking(office, code)
    except ServiceError:
        raise Http404 from None
    # Who printed whose proof: it carries the person's name and masked NIK. The code
    # reveals nothing personal; the NIK is never logged.
    personal_data_access_record(
        actor=request.user,
        office=office,
        action=Action.PROOF_PRINT,
        channel=Channel.DESK,
        now=timezone.now(),
        booking=booking,
    )
    logger.info(
        "staff %s printed the proof of %s at %s",
        request.user.get_username(),
        booking.code,
        office.code,
        extra={
            "event": "staff_proof_printed",
            "user_id": request.user.pk,
            "username": request.user.get_username(),
            "office": office.code,
            "booking": booking.code,
        },
    )
    response = HttpResponse(proof_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="antrean-paspor-{booking.code}.pdf"'
    return response
