"""Finding a person's bookings by NIK at the desk, for someone who lost their code.

A person without their booking code (and without the proof link) shows their e-KTP. An
officer or supervisor of the office types the NIK and sees that person's bookings at
this office only, from where they go on as after a code look-up: check-in, a new secret
link, the proof to print.

The NIK is personal data (DESIGN rule 4): it comes by POST, never in the URL; it is
matched through its keyed hash and neither stored nor logged; the page never writes it
back, not even into the field after a typing error. Each look-up is limited per staff
user (``RATELIMIT_STAFF_NIK_LOOKUP``) and leaves a structured log line naming who looked,
at which office, and what was found (booking codes, which reveal nothing personal).
Each look-up is also recorded as a staff read of personal data (``PersonalDataAccess``:
who, at which office, whose bookings, how many; never the NIK typed), found or not.
"""

import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from applicants.api.guards import limit_by_user
from applicants.forms_staff import CheckinLookupForm, NikLookupForm
from applicants.services.access_log import Action, Channel, personal_data_access_record
from applicants.services.tokens import RENEWABLE_STATUSES
from applicants.staff_selectors import staff_bookings_for_nik
from applicants.views.staff import office_staff_view, staff_page_context
from queue_booking.errors import ServiceError

logger = logging.getLogger(__name__)

LOOKUP_GROUP = "staff-nik-lookup"


def _results(bookings) -> list[dict]:
    return [
        {
            "booking": booking,
            "can_check_in": booking.is_active,
            "can_renew_link": booking.status in RENEWABLE_STATUSES,
            "can_print": booking.is_active,
        }
        for booking in bookings
    ]


@office_staff_view()
@require_http_methods(["GET", "POST"])
def checkin_by_nik(request, office):
    """POST a NIK → the person's bookings at this office on the check-in page."""
    if request.method == "GET":
        # A reload or a bookmark: the look-up itself is never a GET (the NIK would be in the URL).
        return redirect("staff:checkin", office_code=office.code)
    context = staff_page_context(request, office, "checkin")
    form = NikLookupForm(request.POST)
    context.update({"form": CheckinLookupForm(), "nik_form": form})
    # The NIK field takes the focus back: the code field's autofocus would steal it.
    context["form"].fields["code"].widget.attrs.pop("autofocus", None)
    form.fields["nik"].widget.attrs["autofocus"] = True
    if not form.is_valid():
        return render(request, "staff/checkin.html", context, status=400)
    try:
        limit_by_user(request, group=LOOKUP_GROUP, rate=settings.RATELIMIT_STAFF_NIK_LOOKUP)
    except ServiceError as exc:
        context["nik_error"] = exc
        return render(request, "staff/checkin.html", context, status=exc.status)
    bookings = list(staff_bookings_for_nik(office=office, nik=form.cleaned_data["nik"]))
    logger.info(
        "staff %s looked up bookings by NIK at %s: %d found",
        request.user.get_username(),
        office.code,
        len(bookings),
        extra={
            "event": "staff_nik_lookup",
            "user_id": request.user.pk,
            "username": request.user.get_username(),
            "office": office.code,
            "found": [booking.code for booking in bookings],
        },
    )
    # One row for the look-up: the person found (all their bookings here are one
    # person's), or nobody; the NIK itself is not kept.
    personal_data_access_record(
        actor=request.user,
        office=office,
        action=Action.NIK_LOOKUP,
        channel=Channel.DESK,
        now=timezone.now(),
        applicant=bookings[0].applicant if bookings else None,
        booking=bookings[0] if len(bookings) == 1 else None,
        count=1 if bookings else 0,
    )
    context.update(
        {
            # Fresh and empty: the next person's NIK goes in, this one's is not kept.
            "nik_form": NikLookupForm(),
            "nik_results": _results(bookings),
            "nik_masked": bookings[0].applicant.nik_masked if bookings else "",
            "nik_searched": True,
        }
    )
    return render(request, "staff/checkin.html", context)
