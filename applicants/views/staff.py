"""Staff pages at the desk: the office list, utilization, check-in, walk-ins and the
counters. The supervisor's day (today's board, the day list, stopping service) is in
``applicants.views.staff_day``; the public TV board and queue page in
``applicants.views.queue_boards``. Server-rendered, working without JavaScript; scripts
only add the camera scanner and live updates.

Each office page is limited to the offices the user belongs to (403 otherwise), the
same rule as the API (``applicants.staff_access``). A page that shows a person's name
records that staff read (``applicants.services.access_log``).
"""

import datetime as dt
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from applicants.exceptions_staff import (
    BookingNotCalled,
    BookingNotFoundForStaff,
    InvalidCounterTrack,
    NotOfficeStaff,
    SupervisorOnly,
    WalkinAlreadyQueued,
    WalkinNoSession,
)
from applicants.forms_staff import (
    CheckinConfirmForm,
    CheckinLookupForm,
    CounterOpenForm,
    CounterTrackForm,
    NikLookupForm,
    WalkinForm,
)
from applicants.models import Booking, BookingStatus, QueueEvent, ServiceCounter
from applicants.queue_selectors import service_stopped
from applicants.services.access_log import Action, Channel, personal_data_access_record
from applicants.services.checkin import (
    ALREADY_CHECKED_IN,
    CODE_MAX_LENGTH,
    LATE_ALLOWED,
    PRIORITY_GROUP,
    WALK_IN,
    CheckinResult,
    booking_code_normalize,
    checkin_confirm,
    checkin_find,
    checkin_preview,
)
from applicants.services.queue import (
    CounterOpening,
    counter_close,
    counter_current,
    counter_get,
    counter_open,
    counter_set_track,
    counter_waiting,
    counters_in_order,
    queue_call_next,
    queue_missed,
    queue_recall,
    queue_served,
    queue_waiting,
)
from applicants.services.rollover import SERVICE_STOPPED_REASON
from applicants.services.tokens import RENEWABLE_STATUSES
from applicants.services.walkin import (
    walkin_day_had_sessions,
    walkin_day_sessions,
    walkin_register,
)
from applicants.staff_access import staff_offices, staff_require, staff_role, user_sees_waits
from offices.exceptions import OfficeNotFound
from offices.formats import clock
from offices.models import Office, OfficeMembership, Track
from offices.selectors import (
    office_get,
    user_is_central_admin,
    user_office_ids,
    utilization_by_day,
    utilization_by_office,
)
from offices.selectors.availability import online_tracks
from offices.timeutils import office_now, office_today
from queue_booking.errors import ServiceError

SESSION_COUNTER_KEY = "staff_counter"
# The booking whose person a counter screen last showed to this user: the screen reads
# itself again every few seconds, and one record per person shown is what matters.
SESSION_COUNTER_SHOWN_KEY = "staff_counter_shown"

# What the check-in page says about notes that do not block a check-in.
NOTE_LABELS = {
    ALREADY_CHECKED_IN: (gettext_lazy("Already checked in"), "warn"),
    WALK_IN: (gettext_lazy("Walk-in"), "info"),
    PRIORITY_GROUP: (gettext_lazy("Priority group"), "info"),
    LATE_ALLOWED: (gettext_lazy("Late arrival let in by a supervisor"), "warn"),
}


def office_staff_view(*, supervisor: bool = False):
    """Load the office named in the URL; 403 unless the user may act there (as a supervisor)."""

    def decorator(view):
        @functools.wraps(view)
        @never_cache
        def wrapper(request, office_code, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.method == "POST":
                    # Signed out meanwhile (in another tab, or the session ended): what was
                    # sent is lost, and the sign-in page must say so.
                    messages.warning(request, _("You were signed out, so that was not done. Sign in and do it again."))
                return redirect_to_login(request.get_full_path())
            try:
                office = office_get(code=office_code)
            except OfficeNotFound:
                raise Http404 from None
            try:
                role = staff_require(request.user, office, supervisor=supervisor)
            except (NotOfficeStaff, SupervisorOnly) as exc:
                raise PermissionDenied(exc.detail) from exc
            request.staff_role = role
            # Times on staff pages are the office's wall clock, whatever the server's zone.
            with timezone.override(office.tz):
                return view(request, office, *args, **kwargs)

        return wrapper

    return decorator


def staff_page_context(request, office: Office, active: str) -> dict:
    now = timezone.now()
    return {
        "office": office,
        "role": request.staff_role,
        "is_supervisor": request.staff_role == OfficeMembership.Role.SUPERVISOR,
        "active": active,
        "local_now": office_now(office, now),
        "live_refresh_seconds": settings.STAFF_LIVE_REFRESH_SECONDS,
    }


@login_required
@never_cache
def home(request):
    offices = [{"office": office, "role": staff_role(request.user, office)} for office in staff_offices(request.user)]
    if len(offices) == 1 and request.GET.get("stay") is None:
        return redirect("staff:checkin", office_code=offices[0]["office"].code)
    return render(request, "staff/home.html", {"offices": offices, "sees_waits": user_sees_waits(request.user)})


UTILIZATION_DAYS = (7, 14, 30)
# The offices whose bars the chart shows at once; the others open under it.
UTILIZATION_OFFICES_CHARTED = 20


def report_scope(user, *, roles=None) -> tuple[set[int] | None, str]:
    """The offices a report over many days covers for ``user`` (``None``: every office,
    for a central admin) and how the page names them; 403 for a user with none (of
    ``roles``, when given)."""
    if user_is_central_admin(user):
        return None, _("all offices")
    office_ids = user_office_ids(user, roles=roles)
    if not office_ids:
        raise PermissionDenied
    return office_ids, _("your offices")


def days_chosen(request, choices: tuple[int, ...], *, default: int) -> int:
    """The ``days`` a report page was asked for, one of ``choices``; ``default`` otherwise."""
    try:
        days = int(request.GET.get("days", default))
    except ValueError:
        return default
    return days if days in choices else default


@login_required
@require_GET
def utilization(request):
    """Booked against offered places over the coming days, per office and per day.

    Central admins see every office; other staff see the offices they belong to.
    """
    office_ids, scope = report_scope(request.user)
    days = days_chosen(request, UTILIZATION_DAYS, default=UTILIZATION_DAYS[1])
    # The country spans three zones; "tomorrow" is taken in WIB, where most offices are.
    start = timezone.localdate() + dt.timedelta(days=1)
    by_office = utilization_by_office(office_ids=office_ids, start=start, days=days)
    by_day = utilization_by_day(office_ids=office_ids, start=start, days=days)
    total_capacity = sum(u.capacity for u in by_office)
    total_booked = sum(u.booked for u in by_office)
    context = {
        "active": "utilization",
        "sees_waits": user_sees_waits(request.user),
        "scope": scope,
        "days": days,
        "day_choices": UTILIZATION_DAYS,
        "start": start,
        "end": start + dt.timedelta(days=days - 1),
        "by_office": by_office,
        # A central admin compares some 160 offices: the fullest in the chart, the rest folded.
        "offices_charted": by_office[:UTILIZATION_OFFICES_CHARTED],
        "offices_folded": by_office[UTILIZATION_OFFICES_CHARTED:],
        "by_day": by_day,
        "total_capacity": total_capacity,
        "total_booked": total_booked,
        "total_percent": round(100 * total_booked / total_capacity) if total_capacity else 0,
        "priority_kept_for_the_office": Track.PRIORITY not in online_tracks(),
    }
    return render(request, "staff/utilization.html", context)


def refused_code(typed: str, booking: Booking | None) -> str:
    """The code a refused check-in was about: the booking's, else what was typed when it
    has a code's length (a scanned QR's text is longer, and not worth repeating)."""
    if booking is not None:
        return booking.code
    code = booking_code_normalize(typed)
    return code if 0 < len(code) <= CODE_MAX_LENGTH else ""


@office_staff_view()
@require_http_methods(["GET", "POST"])
def checkin(request, office):
    """Scan or type → see the booking and its flags → confirm → queue number."""
    context = staff_page_context(request, office, "checkin")
    lookup_form = CheckinLookupForm(request.POST if request.POST.get("action") == "lookup" else None)
    context.update({"form": lookup_form, "nik_form": NikLookupForm()})
    if request.method == "POST":
        now = timezone.now()
        action = request.POST.get("action")
        booking = None
        try:
            if action == "confirm":
                confirm = CheckinConfirmForm(request.POST)
                if not confirm.is_valid():
                    # Only a changed page sends no code or a longer one: said as for any
                    # code that names no booking, on the page, not as a bare 404.
                    raise BookingNotFoundForStaff()
                allow_late = confirm.cleaned_data["allow_late"]
                if allow_late and not context["is_supervisor"]:
                    raise SupervisorOnly()
                booking = checkin_find(code=confirm.cleaned_data["code"])
                result = checkin_confirm(
                    office=office, booking=booking, now=now, actor=request.user, allow_late=allow_late
                )
                _desk_record(request, office, Action.CHECKIN, now, result.booking)
                context.update({"result": result, "booking": result.booking, "form": CheckinLookupForm()})
            elif lookup_form.is_valid():
                booking = checkin_find(code=lookup_form.cleaned_data["code"])
                assessment = checkin_preview(office=office, booking=booking, now=now)
                # Only a booking of this office is shown (``checkin_preview`` refuses others).
                _desk_record(request, office, Action.CHECKIN_VIEW, now, booking)
                late_only = bool(assessment.problems) and all(p.code == "too_late" for p in assessment.problems)
                context.update(
                    {
                        "assessment": assessment,
                        "booking": booking,
                        # Empty again: the next person's code or QR goes straight in.
                        "form": CheckinLookupForm(),
                        # Its own ids: the lookup form's code box on the same page is id_code.
                        "confirm_form": CheckinConfirmForm(initial={"code": booking.code}, auto_id="confirm_%s"),
                        "notes": [
                            {"code": note, "label": NOTE_LABELS[note][0], "tone": NOTE_LABELS[note][1]}
                            for note in assessment.notes
                            if note in NOTE_LABELS
                        ],
                        "late_only": late_only,
                        # Who may act on what was found: a refused booking offers no button.
                        "can_confirm": not assessment.problems or (late_only and context["is_supervisor"]),
                        # A person at the desk whose proof link leaked or got lost.
                        "can_renew_link": booking.status in RENEWABLE_STATUSES,
                    }
                )
        except ServiceError as exc:
            context["error"] = exc
            # Empty again: a scan into the refused text would make the next valid
            # proof look like a broken QR. The refusal above names what was refused:
            # the booking's code, or the code as typed (a QR that is not a proof has none).
            context["refused_code"] = refused_code(request.POST.get("code", ""), booking)
            context["form"] = CheckinLookupForm()
    if context.get("can_confirm"):
        # Enter confirms the person in front of the desk; the next scan goes in after.
        # A refused booking (too early, another day, already served) has nothing to
        # confirm: the field keeps the focus, so the next scan is not typed into nothing.
        context["form"].fields["code"].widget.attrs.pop("autofocus", None)
    status = 200
    if context.get("error") is not None:
        status = 409 if context["error"].status == 409 else 200
    return render(request, "staff/checkin.html", context, status=status)


def _desk_record(request, office, action, now, booking):
    """The access log's line for an officer at a desk shown a person's data."""
    return personal_data_access_record(
        actor=request.user, office=office, action=action, channel=Channel.DESK, now=now, booking=booking
    )


def stop_reason_worth_saying(stopped: dict | None) -> str:
    """The reason a whole day was closed, unless it only repeats "service is stopped" (the
    "Stop service now" button's own words, stored in the language of whoever pressed it,
    which is not always the reader's)."""
    if not stopped:
        return ""
    own_words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            own_words.add(str(SERVICE_STOPPED_REASON))
    return "" if stopped["reason"] in own_words else stopped["reason"]


@office_staff_view()
@require_http_methods(["GET", "POST"])
def walkin(request, office):
    context = staff_page_context(request, office, "walkin")
    now = timezone.now()
    day_sessions = walkin_day_sessions(office=office, now=now)
    form = WalkinForm(request.POST or None, sessions=day_sessions, online_booking=office.online_booking)
    # Stopped for the day ("Stop service now", an outage): said as such, not as "no room".
    stopped = service_stopped(office=office, date=office_today(office, now))
    context.update(
        {
            "form": form,
            "sessions": form.sessions_with_room,
            "stopped": stopped,
            "stop_reason": stop_reason_worth_saying(stopped),
            # Without a session to offer, why: all full, all ended, or none open today
            # ("no room left" read as "come back later" on a day the office does not serve).
            "ended": not day_sessions and walkin_day_had_sessions(office=office, now=now),
            "all_full": bool(day_sessions),
        }
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slot = next((s for s in day_sessions if s.id == data["session"]), None) if data["session"] else None
        try:
            result = walkin_register(
                office=office,
                nik=data["nik"],
                full_name=data["full_name"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                priority_group=data["priority_group"],
                track=data["track"] or Track.REGULAR,
                service=data["service"],
                slot=slot,
                now=now,
                actor=request.user,
                language=data["language"],
            )
        except WalkinAlreadyQueued as exc:
            # Already in today's queue here (the form sent twice, or registered at another
            # desk): the number they have, not a refusal that hides it.
            queued = exc.booking
            _desk_record(request, office, Action.CHECKIN_VIEW, now, queued)
            fresh = WalkinForm(sessions=day_sessions, online_booking=office.online_booking)
            context.update(
                {
                    "result": CheckinResult(booking=queued, created=False, flags=[ALREADY_CHECKED_IN]),
                    "booking": queued,
                    "form": fresh,
                    "sessions": fresh.sessions_with_room,
                }
            )
        except ServiceError as exc:
            context["error"] = exc
            # No room (at all, or in the session chosen): the notice before the form says it
            # once when nothing is left to offer.
            context["error_no_room"] = isinstance(exc, WalkinNoSession)
            for name, errors in exc.fields.items():
                if name in form.fields:
                    for error in errors:
                        form.add_error(name, error)
        else:
            _desk_record(request, office, Action.WALK_IN, now, result.booking)
            # The sessions again: the one just used has a place fewer, or none left.
            fresh = WalkinForm(
                sessions=walkin_day_sessions(office=office, now=now), online_booking=office.online_booking
            )
            context.update(
                {
                    "result": result,
                    "booking": result.booking,
                    "form": fresh,
                    "sessions": fresh.sessions_with_room,
                }
            )
    return render(request, "staff/walkin.html", context)


@office_staff_view()
@require_http_methods(["GET", "POST"])
def counters(request, office):
    """Choose (or open) the counter this person works at today."""
    form = CounterOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        opening = counter_open(
            office=office, name=form.cleaned_data["name"], track=form.cleaned_data["track"], now=now, actor=request.user
        )
        if opening.joined:
            messages.warning(request, counter_joined_note(opening, office=office, user=request.user, now=now))
        request.session[SESSION_COUNTER_KEY] = opening.counter.id
        return redirect("staff:counter", office_code=office.code, counter_id=opening.counter.id)
    context = staff_page_context(request, office, "counter")
    today = office_today(office, timezone.now())
    desks = counters_in_order(ServiceCounter.objects.filter(office=office, is_active=True))
    for desk in desks:
        desk.current = counter_current(counter=desk, date=today)
    context.update({"counters": desks, "form": form, "last_counter": request.session.get(SESSION_COUNTER_KEY)})
    return render(request, "staff/counters.html", context)


def counter_opened_since(counter: ServiceCounter, *, office, now) -> str:
    """When ``counter`` was opened, in the office's time: "08.10" today, with the date before."""
    opened = office_now(office, counter.opened_at)
    if opened.date() == office_today(office, now):
        return clock(opened)
    return f"{formats.date_format(opened.date(), 'j M')}, {clock(opened)}"


def counter_joined_note(opening: CounterOpening, *, office, user, now) -> str:
    """What an officer who opened a counter that was open already is told: who opened it
    and when (two desks under one name share its calls), and what it calls if that changed."""
    counter = opening.counter
    names = {"counter": counter.name}
    if counter.opened_at is None:
        note = _("%(counter)s was already open: you joined it.") % names
    else:
        names["since"] = counter_opened_since(counter, office=office, now=now)
        if counter.opened_by_id == user.id:
            note = _("%(counter)s was already open, by you since %(since)s: you are back at it.") % names
        elif counter.opened_by is None:
            note = _("%(counter)s was already open (since %(since)s): you joined it.") % names
        else:
            names["officer"] = counter.opened_by.get_full_name() or counter.opened_by.get_username()
            note = _("%(counter)s was already open (since %(since)s, by %(officer)s): you joined it.") % names
    if opening.track_before is not None:
        before = ServiceCounter(track=opening.track_before)
        note += " " + _("It now calls %(calls)s (before: %(before)s).") % {
            "calls": counter_calls_label(counter),
            "before": counter_calls_label(before),
        }
    return note


COUNTER_ACTIONS = {"served": queue_served, "missed": queue_missed, "recall": queue_recall}


def counter_calls_label(counter: ServiceCounter) -> str:
    """What a counter calls, in words: its track, or every track."""
    return counter.get_track_display() if counter.track else str(_("every track, priority first"))


def counter_stale_note(booking: Booking) -> str:
    """What a counter screen says when its action came too late for ``booking``."""
    if booking.status == BookingStatus.CALLED and booking.counter is not None:
        where = _("called at %(counter)s") % {"counter": booking.counter.name}
    elif booking.status == BookingStatus.CHECKED_IN:
        where = _("waiting in the queue")
    else:
        where = booking.get_status_display()
    return _("%(number)s is no longer called at this counter (now: %(status)s): nothing was changed.") % {
        "number": booking.queue_number,
        "status": where,
    }


@office_staff_view()
@require_http_methods(["GET", "POST"])
def counter(request, office, counter_id):
    """One counter's screen: call next, recall, served, missed, close. POST, then redirect (no resubmits)."""
    try:
        desk = counter_get(office=office, counter_id=counter_id)
    except ServiceError:
        raise Http404 from None
    request.session[SESSION_COUNTER_KEY] = desk.id
    now = timezone.now()
    today = office_today(office, now)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "call_next":
                called = queue_call_next(office=office, counter=desk, now=now, actor=request.user)
                if called is None:
                    # What the press did; the page below says who is waiting, on which track.
                    messages.info(request, _("There was nobody to call."))
                else:
                    messages.success(request, _("Calling %(number)s.") % {"number": called.queue_number})
            elif action == "close":
                counter_close(counter=desk, now=now)
                if request.session.get(SESSION_COUNTER_KEY) == desk.id:
                    del request.session[SESSION_COUNTER_KEY]
                messages.success(
                    request,
                    _(
                        "%(counter)s is closed: it no longer shows on the display board. To open it again, "
                        "open a counter by the same name."
                    )
                    % {"counter": desk.name},
                )
                return redirect("staff:counters", office_code=office.code)
            elif action == "set_track":
                form = CounterTrackForm(request.POST)
                if not form.is_valid():
                    raise InvalidCounterTrack()
                desk = counter_set_track(counter=desk, track=form.cleaned_data["track"])
                messages.success(
                    request,
                    _("%(counter)s now calls: %(calls)s.") % {"counter": desk.name, "calls": counter_calls_label(desk)},
                )
            elif action in COUNTER_ACTIONS:
                current = get_object_or_404(Booking, code=request.POST.get("code", ""), office=office)
                try:
                    done = COUNTER_ACTIONS[action](booking=current, now=now, actor=request.user, counter=desk)
                except BookingNotCalled:
                    # The screen was out of date (another tab, another device, a double
                    # tap): say whom it was about and where they are now.
                    current.refresh_from_db()
                    messages.warning(request, counter_stale_note(current))
                    return redirect("staff:counter", office_code=office.code, counter_id=desk.id)
                notes = {
                    "served": _("%(number)s served."),
                    "recall": _("Calling %(number)s again."),
                    "missed": _("%(number)s missed: back in the queue.")
                    if done.status == "checked_in"
                    else _("%(number)s missed twice: marked as not come."),
                }
                messages.success(request, notes[action] % {"number": done.queue_number})
        except ServiceError as exc:
            messages.error(request, exc.detail)
        return redirect("staff:counter", office_code=office.code, counter_id=desk.id)

    context = staff_page_context(request, office, "counter")
    waiting = counter_waiting(office=office, counter=desk, date=today)
    waiting_count = waiting.count()
    # A counter kept for one track: the people it cannot call, so an empty line here is
    # not read as an empty office.
    others_waiting = queue_waiting(office=office, date=today).count() - waiting_count if desk.track else 0
    current = counter_current(counter=desk, date=today)
    if current is not None and request.session.get(SESSION_COUNTER_SHOWN_KEY) != current.id:
        record = personal_data_access_record(
            actor=request.user, office=office, action=Action.COUNTER, channel=Channel.DESK, now=now, booking=current
        )
        if record is not None:
            request.session[SESSION_COUNTER_SHOWN_KEY] = current.id
    context.update(
        {
            "counter": desk,
            "current": current,
            "waiting_count": waiting_count,
            "others_waiting": others_waiting,
            "calls": counter_calls_label(desk),
            "track_form": CounterTrackForm(initial={"track": desk.track}, auto_id="track_%s"),
            "next_up": list(waiting.values_list("queue_number", flat=True)[:5]),
            "events": QueueEvent.objects.filter(counter=desk, date=today)
            .select_related("booking", "actor")
            .order_by("-at", "-id")[:10],
        }
    )
    return render(request, "staff/counter.html", context)
