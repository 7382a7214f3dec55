"""The office's day for staff: today's board (supervisors), the day list to print or
download (the paper fallback) with recording who was served on paper, and stopping
service with people still waiting. Each page is limited to the user's offices
(``applicants.views.staff.office_staff_view``); a list that names people records that
staff read (``applicants.services.access_log``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from applicants.admin_notifications import office_unresolved_failures
from applicants.day_list import day_list, day_list_csv, day_list_dates
from applicants.exceptions_staff import SupervisorOnly
from applicants.forms_staff import (
    DayListForm,
    PaperServedForm,
    StopServiceForm,
)
from applicants.queue_selectors import day_summary
from applicants.services.access_log import Action, Channel, personal_data_access_record
from applicants.services.dayend import day_has_ended
from applicants.services.paper import paper_dates, paper_record_until, paper_recordable_ids, paper_served_record
from applicants.services.rollover import service_stop
from applicants.views.staff import office_staff_view, staff_page_context, stop_reason_worth_saying
from offices.models import OfficeMembership
from offices.timeutils import office_today


@office_staff_view(supervisor=True)
@require_GET
def today(request, office):
    context = staff_page_context(request, office, "today")
    now = timezone.now()
    summary = day_summary(office=office, now=now)
    context.update(
        {
            "summary": summary,
            "stop_reason": stop_reason_worth_saying(summary["stopped"]),
            "display_url": reverse("display-board", args=[office.display_token]),
            "unresolved_messages": office_unresolved_failures(request, office, now=now),
        }
    )
    return render(request, "staff/today.html", context)


@office_staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def day_list_page(request, office):
    """The list of the day, to print each morning (or download as CSV) so that the office
    can go on on paper if the system cannot be reached (``applicants.day_list``). Once
    the system is back, a supervisor records on the list of today, or of a day of the
    past week, who was served on paper (``applicants.services.paper``)."""
    now = timezone.now()
    today = office_today(office, now)
    first, last = day_list_dates(today=today)
    if request.method == "POST":
        return _paper_served(request, office, today=today, now=now)
    form = DayListForm(request.GET if "date" in request.GET else {"date": today}, first=first, last=last)
    date = form.cleaned_data["date"] if form.is_valid() else today
    listing = day_list(office=office, date=date)
    if request.GET.get("format") == "csv" and form.is_valid():
        response = HttpResponse(day_list_csv(listing), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{office.code}-{date.isoformat()}.csv"'
        # Only once the file is built: a list that failed to build was read by no one.
        # (The whole file is in the response; were it ever streamed, the record would
        # belong after its last row instead.)
        _day_list_record(request, office, listing=listing, now=now, action=Action.DAY_LIST_CSV)
        return response
    return _day_list_render(
        request, office, form=form, listing=listing, now=now, status=200 if form.is_valid() else 400
    )


def _day_list_record(request, office, *, listing, now, action) -> None:
    """One row for the list: the date and how many people it names (none: no row)."""
    shown = listing.count
    if shown:
        personal_data_access_record(
            actor=request.user,
            office=office,
            action=action,
            channel=Channel.DESK,
            now=now,
            date=listing.date,
            count=shown,
        )


def _day_list_render(request, office, *, form, listing, now, paper_form=None, status=200):
    context = staff_page_context(request, office, "day_list")
    first, last = paper_dates(office=office, now=now)
    can_record = context["is_supervisor"] and first <= listing.date <= last
    context.update(
        {
            "form": form,
            "listing": listing,
            "can_record": can_record,
            "paper_form": paper_form or (PaperServedForm(booking_ids=[]) if can_record else None),
            "recordable": paper_recordable_ids(office=office, date=listing.date, now=now) if can_record else set(),
            "day_ended": day_has_ended(office=office, date=listing.date, now=now),
            # Today a booked person who has not come yet says so; another day's list is the plan.
            "is_today": listing.date == office_today(office, now),
            "record_until": paper_record_until(listing.date),
            "printed_at": now,
        }
    )
    response = render(request, "staff/day_list.html", context, status=status)
    # Recorded once the page is built, as the CSV is: a page that failed showed no one.
    _day_list_record(request, office, listing=listing, now=now, action=Action.DAY_LIST)
    return response


def _paper_served(request, office, *, today, now):
    if request.staff_role != OfficeMembership.Role.SUPERVISOR:
        raise PermissionDenied(SupervisorOnly().detail)
    first, last = paper_dates(office=office, now=now)
    date_form = DayListForm(request.POST if "date" in request.POST else {"date": today}, first=first, last=last)
    date = date_form.cleaned_data["date"] if date_form.is_valid() else today
    listing = day_list(office=office, date=date)
    booking_ids = sorted(paper_recordable_ids(office=office, date=date, now=now)) if date_form.is_valid() else []
    paper_form = PaperServedForm(request.POST, booking_ids=booking_ids)
    if not (date_form.is_valid() and paper_form.is_valid()):
        return _day_list_render(
            request, office, form=date_form, listing=listing, now=now, paper_form=paper_form, status=400
        )
    result = paper_served_record(
        office=office, date=date, booking_ids=paper_form.cleaned_data["served"], now=now, actor=request.user
    )
    messages.success(
        request,
        ngettext(
            "%(count)d person recorded as served on paper.",
            "%(count)d people recorded as served on paper.",
            result.recorded,
        )
        % {"count": result.recorded},
    )
    if result.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d ticked booking had changed meanwhile and was left as it is.",
                "%(count)d ticked bookings had changed meanwhile and were left as they are.",
                result.skipped,
            )
            % {"count": result.skipped},
        )
    return redirect(f"{reverse('staff:day-list', args=[office.code])}?date={date.isoformat()}")


@office_staff_view(supervisor=True)
@require_http_methods(["GET", "POST"])
def stop_service(request, office):
    """ "Stop service now", with a confirmation step: this moves people to other days."""

    context = staff_page_context(request, office, "today")
    summary = day_summary(office=office, now=timezone.now())
    if summary["stopped"]:
        # A tab left open, or the back button: stopping again would move nobody, yet
        # said "Service stopped. 0 bookings are being moved".
        messages.info(request, _("Service is already stopped for today."))
        return redirect("staff:today", office_code=office.code)
    form = StopServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = service_stop(office=office, now=timezone.now(), actor=request.user)
        messages.success(
            request,
            ngettext(
                "Service stopped. %(n)s booking is being moved to another date; the applicant is told.",
                "Service stopped. %(n)s bookings are being moved to other dates; each applicant is told.",
                len(result.moved),
            )
            % {"n": len(result.moved)},
        )
        return redirect("staff:today", office_code=office.code)
    context.update({"form": form, "summary": summary})
    return render(request, "staff/stop_service.html", context)
