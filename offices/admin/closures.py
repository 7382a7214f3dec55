"""Closures: recorded and lifted through the services, never edited.

Lifting a closure is Django's delete (so the audit trail records it as a deletion), but
it is asked and told as a lift: the confirmation states the closure and what lifting it
does, as ``closure_lift`` does it, instead of Django's list of objects to be deleted.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from offices.admin.scope import ComingDaysFilter, OfficeScopedAdmin, ScopedOfficeFilter, scope_ids
from offices.admin.times import office_time_field, zoned_datetime
from offices.exceptions import ClosureNotAllowed
from offices.formats import clock
from offices.models import Closure, Office
from offices.selectors.calendar import closure_lift_split, closure_preview, sessions_counted
from offices.services import closure_create, closure_lift, day_off_name_en
from offices.services.closures import (
    PAST_CLOSURE_STAYS,
    closure_can_be_lifted,
    closure_earliest_date,
    closure_is_national_day_off,
)


class ClosureForm(forms.ModelForm):
    reason_en_filled = ""
    """The English name ``clean`` filled in for a national day off's name, if any."""

    confirm_move = forms.BooleanField(
        label=_("Move the bookings"),
        required=False,
        help_text=_(
            "Needed when people have booked the sessions being closed: they are moved to the next free "
            "sessions and told. Lifting the closure later does not move them back."
        ),
    )

    class Meta:
        model = Closure
        fields = ["office", "date", "start", "kind", "reason", "reason_en"]

    def __init__(self, *args, central: bool, office_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.central = central
        if "reason_en" in self.fields:
            self.fields["reason_en"].label = _("Reason in English (optional)")
            self.fields["reason_en"].help_text = _(
                "Shown instead of the reason on the English pages, e.g. Flood. Left empty, a reason that is the "
                "official name of a national day off (e.g. Hari Raya Natal) gets that day's English name (Christmas "
                "Day); any other reason is shown as typed, in both languages."
            )
        if "start" in self.fields:
            self.fields["start"].help_text = _(
                "Leave empty to close the whole day. To close one session, its start on the office's own clock "
                "(WITA for an office in Makassar), e.g. 08:00."
            )
        # A closure is never edited: opening a recorded one builds this form with no
        # fields at all (every field is shown read-only).
        if not central and "office" in self.fields:
            self.fields["office"].queryset = Office.objects.filter(id__in=office_ids or ())
            self.fields["office"].required = True
            self.fields["office"].help_text = ""  # "empty means every office" is not theirs to choose
            self.fields["kind"].choices = [
                (value, label)
                for value, label in Closure.Kind.choices
                if value in (Closure.Kind.LOCAL, Closure.Kind.OUTAGE)
            ]

    def clean(self):
        data = super().clean()
        if "reason_en" in self.fields and not data.get("reason_en") and data.get("reason") and data.get("date"):
            # A national day off typed by hand gets the English name the holiday sync gives it.
            data["reason_en"] = day_off_name_en(reason=data["reason"], date=data["date"])
            self.reason_en_filled = data["reason_en"]
        if "date" in data and data["date"] < closure_earliest_date(office=data.get("office"), now=timezone.now()):
            self.add_error("date", ClosureNotAllowed.message)
        if self.errors or "date" not in data:
            return data
        office, start = data.get("office"), data.get("start")
        preview = closure_preview(office_id=office.id if office else None, date=data["date"], start=start)
        if office is not None and start is not None and start not in preview.session_starts:
            # It would close nothing, and say "0 sessions closed" after the fact.
            if preview.session_starts:
                message = _(
                    "No session of this office starts at %(start)s on that date; its sessions start at %(starts)s."
                ) % {
                    "start": clock(start),
                    "starts": ", ".join(clock(s) for s in preview.session_starts),
                }
            else:
                message = _("This office has no sessions on that date.")
            self.add_error("start", message)
        elif preview.booked_places and not data.get("confirm_move"):
            self.add_error(
                "confirm_move",
                ngettext(
                    "%(count)d place is booked on the sessions this closes. Tick the box to close them and move "
                    "the booking.",
                    "%(count)d places are booked on the sessions this closes. Tick the box to close them and move "
                    "the bookings.",
                    preview.booked_places,
                )
                % {"count": preview.booked_places},
            )
        return data


@dataclass(frozen=True)
class LiftFacts:
    """What the lift confirmation says about one closure."""

    closure: Closure
    office: str
    session: str
    recorded: str
    refusal: str = ""
    """Why it cannot be lifted here; empty when it can."""
    reopen: str = ""
    """One office: the session starts that open again ("08.00, 10.00 WITA"; "08:00" in English)."""
    reopen_offices: int = 0
    """Every office: how many offices get sessions back."""
    still_closed: list[str] = field(default_factory=list)
    """What another closure keeps closed, with its reason."""
    nothing_yet: bool = False
    """The date has no sessions yet: nothing reopens now."""
    day_off_remembered: bool = False
    """A national day off: the holiday sync will not record it again."""

    @property
    def reopens(self) -> bool:
        return bool(self.reopen or self.reopen_offices)


def _times(starts, zone: str) -> str:
    """Session starts on an office's clock: "08.00, 10.00 WITA" ("08:00" in English)."""
    return f"{', '.join(clock(start) for start in sorted(set(starts)))} {zone}"


def closure_lift_facts(closure: Closure, *, refusal: str = "", lifted_together: Iterable[int] = ()) -> LiftFacts:
    """The closure in words and, unless ``refusal`` says why it cannot be lifted, what
    ``closure_lift`` would do with it (with the closures ``lifted_together`` lifted too)."""
    office = closure.office
    if closure.start is None:
        session = _("Whole day")
    elif office is not None:
        session = _times([closure.start], office.tz_abbreviation)
    else:
        session = _("%(start)s, on each office's own clock") % {"start": clock(closure.start)}
    recorded = zoned_datetime(closure.created_at, office)
    if closure.created_by is not None:
        recorded = _("%(when)s, by %(user)s") % {"when": recorded, "user": closure.created_by.get_username()}
    facts = LiftFacts(
        closure=closure,
        office=f"{office.name} ({office.code})" if office else str(_("All offices")),
        session=str(session),
        recorded=str(recorded),
    )
    if refusal:
        return replace(facts, refusal=str(refusal))

    split = closure_lift_split(
        office_id=closure.office_id,
        date=closure.date,
        start=closure.start,
        excluding_ids={closure.pk, *lifted_together},
    )
    reopen_starts = [start for _slot, _office, start in split.reopen]
    reopen_offices = {office_id for _slot, office_id, _start in split.reopen}
    if office is not None:
        # One office: say which of its sessions.
        still_closed = [
            f"{_times([start for _slot, _office, start in rows], office.tz_abbreviation)} ({name.shown})"
            for name, rows in split.still_closed.items()
        ]
    else:
        # Every office: say which offices.
        held = {office_id for rows in split.still_closed.values() for _slot, office_id, _start in rows}
        names = dict(Office.objects.filter(id__in=held).values_list("id", "name"))
        still_closed = [
            f"{', '.join(sorted({names[office_id] for _slot, office_id, _start in rows}))} ({name.shown})"
            for name, rows in split.still_closed.items()
        ]
    return replace(
        facts,
        reopen=_times(reopen_starts, office.tz_abbreviation) if office is not None and reopen_starts else "",
        reopen_offices=len(reopen_offices) if office is None else 0,
        still_closed=still_closed,
        nothing_yet=not split.reopen and not split.still_closed,
        day_off_remembered=closure_is_national_day_off(closure=closure),
    )


class ClosureOfficeFilter(ScopedOfficeFilter):
    """An office's closures: its own, and the national ones that close it too."""

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(Q(office_id=self.value()) | Q(office__isnull=True))


@admin.register(Closure)
class ClosureAdmin(OfficeScopedAdmin):
    form = ClosureForm
    list_display = ["date", "office_or_all", "start", "kind", "reason_shown", "created_by", "created_at_zoned"]
    # The office filter is dropped for a supervisor of one office (OfficeScopedAdmin).
    list_filter = ["kind", ComingDaysFilter, ClosureOfficeFilter]
    search_fields = ["reason", "reason_en", "office__code", "office__name"]
    date_hierarchy = "date"
    # The list's order is get_ordering's; this only keeps the date header from claiming
    # a plain date order (Django marks the column of the default ordering as sorted).
    ordering = ["-pk"]
    list_select_related = ["office", "created_by"]
    actions = ["lift_selected"]
    delete_confirmation_template = "admin/offices/closure/lift_confirmation.html"

    # On the office's clock; a national closure's on the page's, named either way.
    created_at_zoned = office_time_field(Closure, "created_at")

    def get_ordering(self, request):
        # Upcoming closures first, the soonest at the top, then past ones, the latest
        # first: newest-first put the next year's national holidays (synced a year
        # ahead) above an office's closure of next week. "Today" is the page's (the
        # office's, for a supervisor of one office).
        today = timezone.localdate()
        upcoming, past = Q(date__gte=today), Q(date__lt=today)
        # Expressions only, so no column header claims the list is sorted by it.
        return [
            Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
            Case(When(upcoming, then=F("date"))).asc(),
            Case(When(past, then=F("date"))).desc(),
            Case(When(start__isnull=False, then=F("start"))).asc(nulls_first=True),
            "office__name",
        ]

    @admin.display(description=_("office"))
    def office_or_all(self, closure: Closure) -> str:
        return closure.office.name if closure.office else _("All offices")

    @admin.display(description=_("reason"), ordering="reason")
    def reason_shown(self, closure: Closure) -> str:
        return closure.reason_shown

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        ids = scope_ids(request)
        return queryset if ids is None else queryset.filter(Q(office__isnull=True) | Q(office_id__in=ids))

    def in_scope(self, request, obj) -> bool:
        ids = scope_ids(request)
        return obj is None or ids is None or obj.office_id in ids

    def has_view_permission(self, request, obj=None):
        # Everyone with access sees national closures; only their office's local ones.
        if obj is not None and obj.office_id is None:
            return admin.ModelAdmin.has_view_permission(self, request, obj)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a closure is recorded or lifted, never edited

    def get_readonly_fields(self, request, obj=None):
        # Reading a recorded closure also tells who recorded it, and when, and its English
        # name when it has one (the holiday sync's, or one typed beside the reason).
        if obj is None:
            return []
        return ["reason_en", "created_by", "created_at_zoned"] if obj.reason_en else ["created_by", "created_at_zoned"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        # The confirmation belongs to recording a closure, not to reading one.
        fields = [name for name in fields if name != "confirm_move"]
        if "reason_en" in fields:
            fields.remove("reason_en")
            fields.insert(fields.index("reason") + 1, "reason_en")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        central, ids = scope_ids(request) is None, scope_ids(request)

        class ScopedClosureForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, central=central, office_ids=ids, **inner)

        return ScopedClosureForm

    def get_changeform_initial_data(self, request):
        initial = {"kind": Closure.Kind.LOCAL}
        ids = scope_ids(request)
        if ids is not None and len(ids) == 1:
            initial["office"] = next(iter(ids))  # a supervisor of one office has nothing to choose
        return {**initial, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        result = closure_create(
            office=obj.office,
            date=obj.date,
            start=obj.start,
            kind=obj.kind,
            reason=obj.reason,
            reason_en=obj.reason_en,
            actor=request.user,
            now=timezone.now(),
        )
        obj.pk = result.closure.pk
        obj.created_by, obj.created_at = result.closure.created_by, result.closure.created_at
        sessions = sessions_counted(result.slot_ids)
        closed = ngettext("%(closed)d session closed.", "%(closed)d sessions closed.", sessions) % {"closed": sessions}
        if result.booked_places:
            moved = ngettext(
                "%(booked)d booking in it is being moved to the next free session, ahead of new requests, "
                "and the person is told.",
                "%(booked)d bookings in them are being moved to the next free sessions, ahead of new requests, "
                "and each person is told.",
                result.booked_places,
            ) % {"booked": result.booked_places}
        else:
            moved = _("No booking had to be moved.")
        messages.info(request, f"{closed} {moved}")
        if form.reason_en_filled:
            messages.info(
                request,
                _("The English name of this national day off was filled in: %(name)s.")
                % {"name": form.reason_en_filled},
            )

    # --- Lifting ---------------------------------------------------------------------
    # Django's delete path (its permission checks, the audit trail's deletion entry), with
    # the confirmation and the messages of a lift, and the work done by closure_lift.

    def render_delete_form(self, request, context):
        closure = context["object"]
        if context["perms_lacking"] or context["protected"]:
            refusal = _("You may not lift this closure.")
        else:
            refusal = self._lift_refusal(request, closure, now=timezone.now())
        facts = closure_lift_facts(closure, refusal=refusal)
        context.update(title=_("Lift a closure"), facts=facts, reopens=facts.reopens)
        return super().render_delete_form(request, context)

    def response_delete(self, request, obj_display, obj_id):
        if IS_POPUP_VAR in request.POST:
            return super().response_delete(request, obj_display, obj_id)
        # _lift has said what happened (lifted, or why not); "deleted successfully" would not fit.
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist", current_app=self.admin_site.name
        )
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # lift_selected is it, asked and told as a lift
        return actions

    @admin.action(description=_("Lift the selected closures"), permissions=["delete"])
    def lift_selected(self, request, queryset):
        """Django's "delete selected" (same permissions: one closure out of reach refuses
        the lot), with a confirmation that lists each closure and what lifting does, and
        offers to lift only those that can be (not a past one, not one out of reach)."""
        _objects, _counts, perms_needed, protected = self.get_deleted_objects(queryset, request)
        if request.POST.get("post") and not protected:
            if perms_needed:
                raise PermissionDenied
            if len(queryset):
                self.log_deletions(request, queryset)
                self.delete_queryset(request, queryset)
            return None
        now = timezone.now()
        closures = list(queryset.select_related("office", "created_by").order_by("date", "start", "office__name", "pk"))
        refusals = {closure.pk: self._lift_refusal(request, closure, now=now) for closure in closures}
        # Overlapping closures lifted together: say what is open once all of them are gone.
        together = [pk for pk, refusal in refusals.items() if not refusal]
        facts = [
            closure_lift_facts(closure, refusal=refusals[closure.pk], lifted_together=together) for closure in closures
        ]
        lifting = [f for f in facts if not f.refusal]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lift closures"),
            "opts": self.opts,
            "lifting": lifting,
            "staying": [f for f in facts if f.refusal],
            "reopens": any(f.reopens for f in lifting),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/offices/closure/lift_selected_confirmation.html", context)

    def _lift_refusal(self, request, closure: Closure, *, now: dt.datetime) -> str:
        """Why ``closure`` cannot be lifted here, or "" (the permission and the rule of
        ``closure_lift`` itself, asked before, so the page offers no lift that would fail)."""
        if not self.has_delete_permission(request, closure):
            if closure.office_id is None:
                return str(_("National closures are lifted by central admins only."))
            return str(_("You may not lift this closure."))
        if not closure_can_be_lifted(closure=closure, now=now):
            return str(PAST_CLOSURE_STAYS)
        return ""

    def log_deletions(self, request, queryset):
        """The audit trail records a lift before it is done (Django logs, then deletes):
        leave out the closures ``closure_lift`` will refuse, so a stale or forged POST for a
        past closure does not log a lift that never happened."""
        now = timezone.now()
        return super().log_deletions(request, [c for c in queryset if closure_can_be_lifted(closure=c, now=now)])

    def delete_model(self, request, obj):
        self._lift(request, obj)

    def delete_queryset(self, request, queryset):
        for closure in queryset:
            self._lift(request, closure)

    def _lift(self, request, closure: Closure) -> None:
        try:
            result = closure_lift(closure=closure, actor=request.user, now=timezone.now())
        except ClosureNotAllowed as error:
            messages.error(request, error.detail)
            return
        messages.success(
            request,
            _("Closure lifted: %(office)s, %(date)s (%(reason)s).")
            % {
                "office": closure.office.name if closure.office else _("All offices"),
                "date": formats.date_format(closure.date, "DATE_FORMAT"),
                "reason": closure.reason_shown,
            },
        )
        count = sessions_counted(result.reopened_slot_ids)
        messages.info(
            request,
            ngettext("%(count)d session reopened.", "%(count)d sessions reopened.", count) % {"count": count},
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.office_id is None and scope_ids(request) is not None:
            return False  # national closures: central admins only
        return super().has_delete_permission(request, obj)
