"""The applicant's pages: book, confirm, find "my booking", cancel, reschedule, renew the
secret link, change the phone or email.

Server-rendered and complete without JavaScript. Every page that shows or takes
personal data is ``never_cache`` (``Cache-Control: no-store``), and no URL carries
personal data: the NIK travels only in POST bodies, and a booking is reached by its
secret proof link.
"""

import datetime as dt
import logging
import math
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from applicants.api.guards import limit_by_code, limit_by_ip, limit_by_nik
from applicants.exceptions import (
    BookingNotFound,
    ContactNotChangeable,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    RescheduleNotAllowed,
    SessionFull,
    SessionNotFound,
    TokenNotRenewable,
    TooLateToChange,
)
from applicants.forms import (
    IF_FULL_NEXT,
    BookingForm,
    CancelForm,
    ContactChangeForm,
    LookupForm,
    RescheduleForm,
    form_add_service_error,
)
from applicants.identity import email_masked, phone_masked, phone_readable
from applicants.models import BookingStatus, Service
from applicants.proof import queue_turn_text
from applicants.queue_selectors import queue_position
from applicants.selectors import booking_get_for_token, booking_lookup, booking_token, slot_for_booking
from applicants.services.booking import booking_request
from applicants.services.changes import (
    booking_cancel,
    booking_cancel_check,
    booking_reschedule,
    booking_reschedule_check,
)
from applicants.services.contact import booking_contact_change, booking_contact_change_check
from applicants.services.idempotency import (
    Claim,
    StoredAnswer,
    idempotency_abandon,
    idempotency_begin,
    idempotency_finish,
    request_fingerprint,
)
from applicants.services.tokens import booking_token_renew, booking_token_renew_check
from applicants.views.booking_draft import Draft, draft_load, draft_save, draft_typed
from applicants.views.lookup_draft import lookup_draft_drop, lookup_draft_load, lookup_draft_save
from applicants.views.proof import LINK_RENEWED_TAG
from applicants.waits import estimate_text
from offices import pages
from offices.exceptions import OfficeNotFound
from offices.formats import long_date, time_range
from offices.models import Track
from offices.selectors import office_get, office_release_window
from queue_booking.errors import RateLimited, ServiceError
from queue_booking.language_switch import keeps_form_on_language_switch, language_switch_requested

RESCHEDULE_DATES_SHOWN = 10
# The same words for a wrong code and a wrong NIK: which one was wrong is not told.
LOOKUP_NOT_FOUND = gettext_lazy("No booking matches this code and NIK. Check both and try again.")


def _office_or_404(code: str):
    try:
        return office_get(code=code)
    except OfficeNotFound as exc:
        raise Http404(exc.detail) from exc


def _date_param(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _proof_path(code: str, token: str) -> str:
    return reverse("applicants:proof", kwargs={"code": code, "token": token})


def _too_many_attempts(exc: RateLimited) -> str:
    """How long to wait, in minutes: a lookup's limit per code can hold for most of an hour,
    and "a moment" would send a person back to be refused again and again."""
    minutes = max(1, math.ceil(exc.retry_after / 60))
    return ngettext(
        "Too many attempts. Wait %(minutes)d minute, then try again.",
        "Too many attempts. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


def _retry_after(response, exc: ServiceError):
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _unavailable_reason(office, day: pages.DayView) -> str:
    if not office.online_booking:
        return _("This office does not take online bookings at the moment. Please come to the office.")
    return day.description


def _booking_day(office, date: dt.date, now: dt.datetime) -> dict:
    """The booking pages' context for one date: the day, and whether it can be booked."""
    day = pages.office_days(office=office, start=date, days=1, now=now)[0]
    # A full day can still take a request to be moved to the next available date.
    bookable = office.online_booking and day.state in ("open", "almost_full", "full") and bool(day.sessions)
    context = {"office": office, "day": day, "bookable": bookable}
    if bookable:
        context["language_form"] = "booking-form"
    else:
        context["unavailable_reason"] = _unavailable_reason(office, day)
    return context


def _keeping_draft(response, office, day, post, *, request_key: str = ""):
    """``response`` (a redirect), keeping what was typed for the page it leads to."""
    draft_save(response, Draft(office=office.code, date=day.iso, data=draft_typed(post), request_key=request_key))
    return response


def _form_again_path(office, day) -> str:
    """The form (GET) filled in from the draft: "Change details", a language button, a refusal."""
    return f"{reverse('applicants:book', kwargs={'code': office.code})}?date={day.iso}&change=1"


def _refused(request, office, day, form: BookingForm, context: dict, *, status: int, kept: bool = False):
    """The answer to a form sent and refused: a redirect to the form (GET), which shows it
    again with the same errors, so that Back after the booking lands on a page the browser
    loads again, not on this POST's answer ("Confirm Form Resubmission"). ``kept``: the
    errors came from the booking service, and the draft keeps them. Rendered here only
    when the draft is too big for its cookie."""
    errors = []
    if kept:
        errors = [
            ("" if name == NON_FIELD_ERRORS else name, message, error.code or "")
            for name, field_errors in form.errors.as_data().items()
            for error in field_errors
            for message in error
        ]
    draft = Draft(
        office=office.code,
        date=day.iso,
        data=draft_typed(request.POST),
        refused=True,
        errors=errors,
        active_booking_exists=bool(context.get("active_booking_exists")),
    )
    response = HttpResponseRedirect(_form_again_path(office, day))
    response.status_code = 303  # See Other: the form again is a GET, whatever the browser
    if draft_save(response, draft):
        return response
    return render(request, "applicants/book.html", {**context, "form": form}, status=status)


def _to_proof(office, day, path: str):
    """Open the proof; the draft keeps only its address, for the review page that the
    browser's Back shows next."""
    response = HttpResponseRedirect(path)
    draft_save(response, Draft(office=office.code, date=day.iso, proof_path=path))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@keeps_form_on_language_switch
def book(request, code: str):
    """The booking form for one date; sent, its review (``book_review``); confirmed there,
    the booking itself.

    A language button sends the page's form here (``queue_booking.language_switch``): the
    form again with what was typed, or the review page again, in the new language."""
    office = _office_or_404(code)
    now = timezone.now()
    date = _date_param(request.POST.get("date") if request.method == "POST" else request.GET.get("date"))
    if date is None:
        return redirect("offices:detail", code=office.code)
    context = _booking_day(office, date, now)
    day = context["day"]
    if not context["bookable"]:
        return render(request, "applicants/book.html", context)

    step = request.POST.get("step", "") if request.method == "POST" else ""
    switching = language_switch_requested(request) is not None
    # Only the review page's form carries a request key.
    if step == "edit" or (switching and "request_key" not in request.POST):
        # "Change details" on the review page, or a language button on the form: the
        # form again, filled in, by a GET.
        return _keeping_draft(HttpResponseRedirect(_form_again_path(office, day)), office, day, request.POST)
    if request.method == "GET":
        return _form_page(request, office, day, context)

    form = BookingForm(data=request.POST, office=office, day=day)
    if not form.is_valid():
        return _refused(request, office, day, form, context, status=400)

    if step != "confirm":
        # The review page shown again in another language keeps its key: confirming it books once.
        key = (switching and request.POST.get("request_key")) or _request_key()
        review = redirect("applicants:book-review", code=office.code)
        return _keeping_draft(review, office, day, request.POST, request_key=key)

    data = form.cleaned_data
    language = get_language() or "id"
    try:
        limit_by_ip(request, group="booking", rate=settings.RATELIMIT_BOOKING_IP)
        limit_by_nik(request, group="booking", rate=settings.RATELIMIT_BOOKING_NIK, nik=data["nik"])
        claim = _confirm_claim(request, office=office, day=day, data=data, now=now)
        if isinstance(claim, StoredAnswer):
            # Sent again (a reload, or a second press after the answer was lost on the
            # way): the booking the first one made.
            return _to_proof(office, day, claim.body["proof_path"])
        try:
            slot = slot_for_booking(slot_id=form.slot_id())
            if slot.office_id != office.id:
                raise SessionNotFound()
            result = booking_request(
                slot=slot,
                nik=data["nik"],
                full_name=data["full_name"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                email=data["email"],
                track=data["track"],
                service=data["service"],
                if_full=data["if_full"],
                now=now,
                language=language,
            )
        except BaseException:
            # Nothing was booked: the same confirmation sent again is tried afresh.
            if claim is not None:
                idempotency_abandon(claim=claim)
            raise
    except RateLimited as exc:
        # The POST's own answer, with its Retry-After: sent again later (a reload), it
        # is tried again, where a page kept from now would repeat a wait gone stale.
        form.add_error(None, _too_many_attempts(exc))
        return _retry_after(render(request, "applicants/book.html", {**context, "form": form}, status=exc.status), exc)
    except IdempotencyInProgress:
        # The POST's own answer too: its reload sends the confirmation again, which then
        # gets the booking the first one made.
        form.add_error(None, _("Your booking is still being made. Wait a moment, then reload this page."))
        return render(request, "applicants/book.html", {**context, "form": form}, status=409)
    except (IdempotencyKeyReused, InvalidIdempotencyKey):
        form.add_error(None, _("This confirmation was for other details. Check your details and confirm again."))
        return _refused(request, office, day, form, context, status=400, kept=True)
    except ServiceError as exc:
        form_add_service_error(form, exc)
        # The person already holds a booking: the way to it, not only the words.
        context["active_booking_exists"] = exc.code == "active_booking_exists"
        return _refused(request, office, day, form, context, status=exc.status, kept=True)
    path = _proof_path(result.booking.code, result.token)
    if claim is not None:
        _confirm_answer_store(claim, code=result.booking.code, path=path)
    return _to_proof(office, day, path)


def _form_page(request, office, day, context: dict):
    """The form (GET). After the booking is made, the form reached again by Back (a
    refusal's, or "Change details"'s) shows the way to the proof, as the review does."""
    draft = draft_load(request, office_code=office.code) if request.GET.get("change") else None
    if draft is not None and draft.date == day.iso and draft.booked:
        return render(request, "applicants/book_confirm.html", {**context, "proof_path": draft.proof_path})
    if draft is not None and draft.date == day.iso and draft.refused:
        form = BookingForm(data=draft.data, office=office, day=day, kept_errors=draft.errors)
        form.is_valid()
        context = {**context, "active_booking_exists": draft.active_booking_exists}
        return render(request, "applicants/book.html", {**context, "form": form})
    return render(request, "applicants/book.html", {**context, "form": _form_to_fill(request, office, day, draft)})


def _form_to_fill(request, office, day, draft: Draft | None) -> BookingForm:
    """The form to fill in: preset from the calendar's link, or from what was typed
    ("Change details" on the review page, a language button: ``change=1``)."""
    if draft is not None and not draft.booked and draft.date == day.iso:
        return BookingForm(initial=BookingForm.initial_from(draft.data), office=office, day=day)
    initial = {name: request.GET[name] for name in ("session", "track") if request.GET.get(name)}
    if request.GET.get("if_full") == IF_FULL_NEXT or day.state == "full":
        initial["if_full"] = IF_FULL_NEXT
    return BookingForm(initial=initial, office=office, day=day)


@never_cache
@require_GET
def book_review(request, code: str):
    """The review of what was typed, before the booking is made: a page of its own (GET),
    so that Back from the proof shows it again instead of a prompt to resend a form. Back
    after the booking shows the way to its proof, and books nothing."""
    office = _office_or_404(code)
    draft = draft_load(request, office_code=office.code)
    date = _date_param(draft.date) if draft is not None else None
    if date is None:
        # Nothing kept (an hour passed, or cookies are off): the office's calendar.
        return redirect("offices:detail", code=office.code)
    context = _booking_day(office, date, timezone.now())
    if draft.booked:
        return render(request, "applicants/book_confirm.html", {**context, "proof_path": draft.proof_path})
    if not context["bookable"]:
        return render(request, "applicants/book.html", context)
    form = BookingForm(data=draft.data, office=office, day=context["day"])
    if not form.is_valid():
        # Something changed since it was sent (the session filled, the NIK's day passed): the form, with why.
        return render(request, "applicants/book.html", {**context, "form": form})
    return render(
        request,
        "applicants/book_confirm.html",
        {**context, **_review(form, office), "request_key": draft.request_key or _request_key()},
    )


# The review page's confirmation carries a key of its own (``request_key``), so that the
# same confirmation sent twice books once: the second gets the first one's proof, where
# without it the person would meet "you already hold a booking" with no code to open it.
_CONFIRM_SCOPE = "web.book.confirm"

logger = logging.getLogger(__name__)


def _request_key() -> str:
    return secrets.token_urlsafe(24)


def _confirm_claim(request, *, office, day, data: dict, now) -> Claim | StoredAnswer | None:
    """Claim the confirmation's key for this booking, or the answer already given to it;
    ``None`` for a confirmation without a key (a review page from before keys existed)."""
    key = request.POST.get("request_key", "")
    if not key:
        return None
    body = {"office": office.code, "date": day.iso, **{name: str(value) for name, value in data.items()}}
    return idempotency_begin(scope=_CONFIRM_SCOPE, key=key, fingerprint=request_fingerprint(body), now=now)


def _confirm_answer_store(claim: Claim, *, code: str, path: str) -> None:
    """Keep the proof for the same confirmation sent again. The booking is made: if this
    fails, the person still gets their proof now (a repeat then meets "already booked")."""
    try:
        # "code" as in the API's answers: erasing the person's data finds the answer by it.
        idempotency_finish(claim=claim, status=302, body={"code": code, "proof_path": path})
    except DatabaseError:
        logger.warning("web_confirm_answer_not_stored", extra={"booking_code": code}, exc_info=True)


def _review(form: BookingForm, office) -> dict:
    data = form.cleaned_data
    session = next(s for s in form.day.sessions if s["start"].strftime("%H:%M") == data["session"])
    return {
        "form": form,
        "session_label": _("Any session: the earliest free place")
        if form.any_session
        else time_range(session["start"], session["end"], office),
        "track_label": dict(Track.choices)[data["track"]],
        "service_label": dict(Service.choices)[data["service"]],
        "if_full_label": dict(form.fields["if_full"].choices)[data["if_full"]],
        # As the person knows them: "17 Mei 1990" (no weekday) and "0812-3456-7890", not
        # "Kamis, 17 Mei 1990" and "+6281234567890", which looked like something else.
        "birth_date_label": date_format(data["birth_date"], "j F Y"),
        "phone_label": phone_readable(data["phone"]),
        "session_full": form.slot_available() <= 0,
    }


# --- My booking: code + NIK -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@keeps_form_on_language_switch
def my_booking(request):
    """Find a booking by its code and the NIK, then go to its secret proof link.

    POST only for the search: the NIK must never appear in a URL, a log line or a
    browser history. Wrong code and wrong NIK get the same answer. A language button
    sends the form back here: it comes again in the new language with what was typed,
    and looks nothing up."""
    context = {"language_form": "lookup-form"}
    if language_switch_requested(request) is not None:
        typed = {name: request.POST.get(name, "") for name in LookupForm.base_fields}
        return render(request, "applicants/my_booking.html", {**context, "form": LookupForm(initial=typed)})
    if request.method == "GET":
        return _lookup_page(request, context)
    form = LookupForm(data=request.POST)
    context["form"] = form
    if not form.is_valid():
        return _lookup_refused(request, context, status=400)
    try:
        limit_by_ip(request, group="lookup", rate=settings.RATELIMIT_LOOKUP_IP)
        limit_by_nik(request, group="lookup", rate=settings.RATELIMIT_LOOKUP_NIK, nik=form.cleaned_data["nik"])
        limit_by_code(request, group="lookup", rate=settings.RATELIMIT_LOOKUP_CODE, code=form.cleaned_data["code"])
        booking = booking_lookup(code=form.cleaned_data["code"], nik=form.cleaned_data["nik"])
        token = booking_token(booking)
        if not token:
            raise BookingNotFound()
    except RateLimited as exc:
        # The POST's own answer, with its Retry-After: a reload later tries again.
        form.refuse(_too_many_attempts(exc))
        response = render(request, "applicants/my_booking.html", context, status=exc.status)
        return _retry_after(response, exc)
    except BookingNotFound:
        form.refuse(LOOKUP_NOT_FOUND)
        return _lookup_refused(request, context, status=404)
    response = HttpResponseRedirect(_proof_path(booking.code, token))
    lookup_draft_drop(response)
    return response


def _lookup_refused(request, context: dict, *, status: int):
    """The form again by a GET, so that Back from the proof found next is no
    resubmission (``applicants.views.lookup_draft``); rendered here only when what was
    typed is too big to keep."""
    response = HttpResponseRedirect(f"{reverse('applicants:my_booking')}?again=1")
    response.status_code = 303
    if lookup_draft_save(response, request.POST, not_found=status == 404):
        return response
    return render(request, "applicants/my_booking.html", context, status=status)


def _lookup_page(request, context: dict):
    """The form; after a refused look-up (``again=1``), that look-up with its errors."""
    draft = lookup_draft_load(request) if request.GET.get("again") else None
    if draft is None:
        return render(request, "applicants/my_booking.html", {**context, "form": LookupForm()})
    form = LookupForm(data=draft.data)
    if form.is_valid() and draft.not_found:
        form.refuse(LOOKUP_NOT_FOUND)
    return render(request, "applicants/my_booking.html", {**context, "form": form})


# --- Changing a booking from its proof link ----------------------------------------------


def _booking_or_404(code: str, token: str):
    try:
        return booking_get_for_token(code=code, token=token)
    except BookingNotFound as exc:
        raise Http404(exc.detail) from exc


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, code: str, token: str):
    """Ask "are you sure?" (works without JavaScript), then cancel."""
    booking = _booking_or_404(code, token)
    now = timezone.now()
    context = {"booking": booking, "token": token}
    try:
        booking_cancel_check(booking=booking, now=now)
    except ServiceError as exc:
        # Already cancelled, ended, or its session has begun: say so, offer no button.
        context["not_allowed"] = exc.detail
        return render(
            request, "applicants/cancel.html", context, status=exc.status if request.method == "POST" else 200
        )
    if request.method == "GET":
        # Sent without the box ticked (``unticked``): the question again, saying so.
        context["form"] = CancelForm(data={} if request.GET.get("unticked") else None)
        return render(request, "applicants/cancel.html", context)
    form = CancelForm(data=request.POST)
    if not form.is_valid():
        # By a GET, so that Back from the proof, after cancelling, is no resubmission.
        response = redirect(f"{reverse('applicants:cancel', kwargs={'code': booking.code, 'token': token})}?unticked=1")
        response.status_code = 303
        return response
    try:
        booking_cancel(booking=booking, now=now)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Your booking is cancelled. The place goes to someone else."))
    return redirect(_proof_path(booking.code, token))


@never_cache
@require_http_methods(["GET", "POST"])
def reschedule(request, code: str, token: str):
    """Move a confirmed booking to another date and session of the same office and track."""
    booking = _booking_or_404(code, token)
    office = booking.office
    now = timezone.now()
    context = {
        "booking": booking,
        "token": token,
        "office": office,
        "free_reschedules": max(settings.BOOKING_FREE_RESCHEDULES - booking.reschedule_count, 0),
    }
    try:
        booking_reschedule_check(booking=booking, now=now)
    except (RescheduleNotAllowed, TooLateToChange) as exc:
        # Said before any date is chosen (the day before, the move used to be refused only
        # once sent), with the way left to come on another date: cancel, then book again.
        context["not_allowed"] = exc.detail
        context["cancel_instead"] = _cancellable(booking, now)
        return render(
            request, "applicants/reschedule.html", context, status=exc.status if request.method == "POST" else 200
        )

    first, _last = office_release_window(office=office, now=now)
    # Places of the booking's own track only: a move keeps the track.
    dates = pages.next_bookable_dates(
        office=office, after=first, now=now, limit=RESCHEDULE_DATES_SHOWN + 1, inclusive=True, tracks=[booking.track]
    )
    dates = [day for day in dates if day.date != booking.date][:RESCHEDULE_DATES_SHOWN]
    context["dates"] = dates
    chosen_date = _date_param(request.POST.get("date") if request.method == "POST" else request.GET.get("date"))
    chosen = next((day for day in dates if day.date == chosen_date), None)
    context["chosen"] = chosen
    if chosen is None:
        # A date offered when the page was shown may have filled (or closed) since.
        refusal = _reschedule_date_refusal(booking=booking, date=chosen_date, now=now) if chosen_date else ""
        context["date_refused"] = refusal
        status = 409 if refusal and request.method == "POST" else 200
        return render(request, "applicants/reschedule.html", context, status=status)

    form = RescheduleForm(
        data=request.POST if request.method == "POST" else None, office=office, day=chosen, track=booking.track
    )
    context["form"] = form
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            new_slot = slot_for_booking(slot_id=form.slot_ids[form.cleaned_data["session"]])
            booking_reschedule(booking=booking, new_slot=new_slot, now=now)
        except SessionFull as exc:
            # In the move's own words (``booking_reschedule``): the booking is unchanged.
            form.add_error("session", exc.detail)
            status = exc.status
        except ServiceError as exc:
            form_add_service_error(form, exc, refusal=True)
            status = exc.status
        else:
            messages.success(
                request,
                _("Your booking is moved. Download or print this proof again: one saved before shows the old date."),
            )
            # A calendar event saved before the move still stands on the old date and reminds of it.
            messages.info(
                request,
                _(
                    "If you added the earlier date to your calendar, delete it there and add this one: "
                    "a calendar does not change by itself."
                ),
            )
            return redirect(_proof_path(booking.code, token))
    return render(request, "applicants/reschedule.html", context, status=status if form.errors else 200)


def _cancellable(booking, now: dt.datetime) -> bool:
    try:
        booking_cancel_check(booking=booking, now=now)
    except ServiceError:
        return False
    return True


def _reschedule_date_refusal(*, booking, date: dt.date, now: dt.datetime) -> str:
    """Why ``date``, asked for but not among the dates offered, cannot be chosen; "" when
    there is nothing to tell (the booking's own date, or a date with room beyond the
    ones listed: the page only lists the first few)."""
    office = booking.office
    if date == booking.date:
        return ""
    first, last = office_release_window(office=office, now=now)
    label = long_date(date)
    if not first <= date <= last:
        return _("%(date)s can no longer be chosen. Your booking is unchanged: choose another date.") % {"date": label}
    day = pages.office_days(office=office, start=date, days=1, now=now, tracks=[booking.track])[0]
    if day.bookable:
        return ""
    if day.state == "full":
        return _("%(date)s has just filled up. Your booking is unchanged: choose another date.") % {"date": label}
    return _("%(date)s can no longer be chosen (%(reason)s). Your booking is unchanged: choose another date.") % {
        "date": label,
        "reason": day.description,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def renew_link(request, code: str, token: str):
    """Explain what renewing the secret link does, then (POST) renew it and open the new one.

    The old link answers 404 from then on, so the answer is a redirect to the new proof
    page, which shows the new link once. A second POST with the old link (a double
    click) is a 404 like any other old link: the page's script sends the form once.
    """
    booking = _booking_or_404(code, token)
    context = {"booking": booking, "token": token}
    try:
        booking_token_renew_check(booking=booking)
    except TokenNotRenewable as exc:
        context["not_allowed"] = exc.detail
        return render(request, "applicants/renew_link.html", context, status=409 if request.method == "POST" else 200)
    if request.method == "GET":
        return render(request, "applicants/renew_link.html", context)
    try:
        limit_by_ip(request, group="renew", rate=settings.RATELIMIT_RENEW_IP)
        limit_by_code(request, group="renew", rate=settings.RATELIMIT_RENEW_CODE, code=booking.code)
        result = booking_token_renew(booking=booking, now=timezone.now(), via="web")
    except BookingNotFound as exc:
        raise Http404(exc.detail) from exc
    except ServiceError as exc:
        context["error"] = _too_many_attempts(exc) if isinstance(exc, RateLimited) else exc.detail
        return _retry_after(render(request, "applicants/renew_link.html", context, status=exc.status), exc)
    messages.success(
        request, _("Your booking has a new secret link. The old link no longer works."), extra_tags=LINK_RENEWED_TAG
    )
    return redirect(_proof_path(booking.code, result.token))


@never_cache
@require_http_methods(["GET", "POST"])
def change_contact(request, code: str, token: str):
    """Show the booking's contact masked and take a new phone number and/or email address.

    On success the proof page opens again with a message saying where the proof and the
    notice of the change went (``applicants.services.contact``).
    """
    booking = _booking_or_404(code, token)
    applicant = booking.applicant
    context = {"booking": booking, "token": token}
    try:
        booking_contact_change_check(booking=booking)
    except ContactNotChangeable as exc:
        context["not_allowed"] = exc.detail
        return render(request, "applicants/contact.html", context, status=409 if request.method == "POST" else 200)
    masked = {
        "phone_masked": phone_masked(applicant.phone) if applicant.phone else "",
        "email_masked": email_masked(applicant.email) if applicant.email else "",
    }
    form = ContactChangeForm(data=request.POST if request.method == "POST" else None, **masked)
    context.update(masked, form=form)
    if request.method == "GET" or not form.is_valid():
        return render(request, "applicants/contact.html", context, status=400 if form.errors else 200)
    try:
        limit_by_ip(request, group="contact", rate=settings.RATELIMIT_CONTACT_IP)
        limit_by_code(request, group="contact", rate=settings.RATELIMIT_CONTACT_CODE, code=booking.code)
        result = booking_contact_change(booking=booking, now=timezone.now(), via="web", **form.changes())
    except RateLimited as exc:
        form.refuse(_too_many_attempts(exc))
        return _retry_after(render(request, "applicants/contact.html", context, status=exc.status), exc)
    except ServiceError as exc:
        form_add_service_error(form, exc, refusal=True)
        return render(request, "applicants/contact.html", context, status=exc.status)
    if not result.changed:
        form.refuse(_("These are already the contact details of this booking: nothing was changed."))
        return render(request, "applicants/contact.html", context, status=400)
    messages.success(request, _contact_changed_message(result.changed, result.booking.applicant))
    return redirect(_proof_path(booking.code, token))


def _contact_changed_message(changed: list[str], applicant) -> str:
    if changed == ["email"] and not applicant.email:
        return _("Your email address is removed: messages about your booking now go by SMS only.")
    return _(
        "Your contact details are changed. We sent this proof to the new contact, and told the old one of the change."
    )


@never_cache
@require_GET
def queue_status(request, code: str, token: str):
    """Live queue numbers for the proof page, refreshed by ``static/js/app.js``."""
    booking = _booking_or_404(code, token)
    state = queue_position(booking=booking, now=timezone.now())
    finished = booking.status in (
        BookingStatus.SERVED,
        BookingStatus.CANCELLED,
        BookingStatus.NO_SHOW,
        BookingStatus.EXPIRED,
        BookingStatus.ROLLED_OVER,
    )
    return JsonResponse(
        {
            "status": booking.get_status_display(),
            # The machine value, for the page to notice a change it must redraw whole.
            "status_code": booking.status,
            "queue_number": state.get("queue_number") or "–",
            "now_serving": state.get("now_serving") or "–",
            "position": state.get("position") if state.get("position") is not None else "–",
            "ahead": state.get("ahead") if state.get("ahead") is not None else "–",
            # Without an estimate, the words say why; the page sets the sentence smaller.
            "estimated_wait": estimate_text(state["estimated_wait_minutes"], state["estimated_wait_reason"]),
            "estimated_wait_known": state["estimated_wait_minutes"] is not None,
            "counter": state.get("counter") or "",
            "turn": queue_turn_text(state),
            "finished": finished,
        }
    )
