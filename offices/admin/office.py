"""Offices with their weekly sessions and date overrides, and the bulk daily quota."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from offices.admin.history import log_note
from offices.admin.scope import OfficeScopedAdmin, report_conflicts, scope_ids
from offices.exceptions import InvalidQuota
from offices.formats import clock
from offices.models import MAX_PLACES, DateOverride, Office, OfficeTimezone, SessionTemplate
from offices.selectors.calendar import WeekdayQuota, busiest_weekday, office_weekday_quotas
from offices.services import office_release, office_set_daily_quota, office_slots_resync
from offices.services.display import office_display_token_renew
from offices.timeutils import office_today


class SessionsFormSet(BaseInlineFormSet):
    """Sessions of one day (``day_field``: a weekday or a date) may touch but not overlap:
    two sessions at once would offer the office's places twice."""

    day_field = "weekday"

    def clean(self):
        super().clean()
        days: dict = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            self.clean_session(form, data)
            if data.get(self.day_field) is not None and data.get("start") and data.get("end"):
                days.setdefault(data[self.day_field], []).append((data["start"], data["end"], form))
        for sessions in days.values():
            sessions.sort(key=lambda session: session[:2])
            for (start, end, _form), (next_start, _next_end, next_form) in zip(sessions, sessions[1:], strict=False):
                if next_start < end:
                    next_form.add_error(
                        "start",
                        _("This session overlaps the session %(start)s-%(end)s of the same day.")
                        % {"start": clock(start), "end": clock(end)},
                    )

    def clean_session(self, form, data) -> None:
        """Checks of one session; overridden per kind."""


class SessionTemplateInline(admin.TabularInline):
    model = SessionTemplate
    formset = SessionsFormSet
    extra = 0
    fields = ["weekday", "start", "end", "capacity_regular", "capacity_express", "capacity_priority"]


class DateOverridesFormSet(SessionsFormSet):
    day_field = "date"

    def clean_session(self, form, data) -> None:
        # The plan is applied from tomorrow (office time): today is being served, so an
        # override for today or earlier would be saved and silently never used.
        office = self.instance
        if not office.timezone:
            office = Office(timezone=OfficeTimezone.WIB)
        date = data.get("date")
        if date is not None and form.has_changed() and date <= office_today(office, timezone.now()):
            form.add_error(
                "date",
                _(
                    "A date override applies from tomorrow. Change today's places under Session capacities, "
                    "or close today's sessions with a closure."
                ),
            )


class DateOverrideInline(admin.TabularInline):
    model = DateOverride
    formset = DateOverridesFormSet
    extra = 0
    # Django's tabular inline, after a line on what an override does to its day.
    template = "admin/offices/office/date_overrides_inline.html"
    fields = ["date", "start", "end", "capacity_regular", "capacity_express", "capacity_priority", "note"]

    def get_queryset(self, request):
        # Past overrides are history; the form would grow without end.
        return super().get_queryset(request).filter(date__gte=timezone.localdate() - dt.timedelta(days=1))


# A mistyped 9000000000 was a server error on PostgreSQL (see offices.models.MAX_PLACES).
MAX_DAILY_PLACES = MAX_PLACES


def _weekly_plan(office, days: list[WeekdayQuota]) -> dict:
    """What "Set a daily quota" shows of one office: its places per weekday now, whether
    the weekdays differ (the action makes them equal), and the weekdays left closed."""
    busiest = busiest_weekday(days)
    with_sessions = {day.weekday for day in days}
    return {
        "office": office,
        "days": days,
        "differing_days": [day for day in days if busiest and day.places() != busiest.places()],
        "busiest": busiest,
        "closed_days": [WEEKDAYS[n] for n in range(7) if n not in with_sessions] if days else [],
    }


class DailyQuotaForm(forms.Form):
    regular = forms.IntegerField(label=_("Regular places per day"), min_value=0, max_value=MAX_DAILY_PLACES)
    express = forms.IntegerField(label=_("Express places per day"), min_value=0, max_value=MAX_DAILY_PLACES)
    priority = forms.IntegerField(label=_("Priority places per day"), min_value=0, max_value=MAX_DAILY_PLACES)


OFFICE_FIELDSETS = [
    (None, {"fields": ["code", "name", "kind", "parent", "kanim_class", "is_active"]}),
    (_("Where"), {"fields": ["province", "city", "address", "latitude", "longitude", "timezone", "phone"]}),
    (
        _("Booking"),
        {
            "fields": [
                "online_booking",
                "first_day_offset",
                "booking_window_days",
                "release_policy",
                "release_weekday",
                "release_time",
                "release_block_days",
            ]
        },
    ),
    (
        _("Day of service"),
        {"fields": ["opening_time", "closing_time", "checkin_early_minutes", "checkin_late_minutes"]},
    ),
    (_("Data notes"), {"fields": ["data_confidence", "data_notes"], "classes": ["collapse"]}),
]


# The availability read looks a year ahead at most; a longer window would only make
# every release run create rows nobody can see.
MAX_BOOKING_WINDOW_DAYS = 365


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = [name for _, options in OFFICE_FIELDSETS for name in options["fields"]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            # Service points hang off a main office: one level, never the office itself.
            parents = Office.objects.filter(parent__isnull=True)
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
            self.fields["parent"].queryset = parents

    def clean(self):
        data = super().clean()
        if data.get("release_policy") == Office.ReleasePolicy.BATCH and data.get("release_weekday") is None:
            self.add_error("release_weekday", _("A batch release needs a weekday."))
        window, offset = data.get("booking_window_days"), data.get("first_day_offset")
        if window is not None and not 1 <= window <= MAX_BOOKING_WINDOW_DAYS:
            self.add_error(
                "booking_window_days",
                _("The booking window is 1 to %(max)d days ahead.") % {"max": MAX_BOOKING_WINDOW_DAYS},
            )
        elif window is not None and offset is not None and offset > window:
            self.add_error(
                "first_day_offset",
                _("The first bookable day cannot be after the end of the booking window (%(days)d days ahead).")
                % {"days": window},
            )
        opening, closing = data.get("opening_time"), data.get("closing_time")
        if opening is not None and closing is not None and closing <= opening:
            self.add_error("closing_time", _("The office must close after it opens."))
        parent = data.get("parent")
        if parent is not None and self.instance.pk and self.instance.service_points.exists():
            self.add_error("parent", _("This office has service points of its own, so it cannot be a service point."))
        return data


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    form = OfficeForm
    office_lookup = "id"
    # The release in a few words ("Mon 09:00, 7 days"): the policy's own label, made to
    # explain it on the form, pushed the list past a 1280 px screen.
    list_display = ["code", "name", "kind", "province", "city", "timezone", "online_booking", "release_shown"]
    list_filter = ["province", "kind", "timezone", "online_booking", "release_policy"]
    search_fields = ["code", "name", "city", "province"]
    ordering = ["province", "name"]
    inlines = [SessionTemplateInline, DateOverrideInline]
    actions = ["set_daily_quota", "renew_display_link"]
    fieldsets = OFFICE_FIELDSETS
    # What only central admins decide: identity, place, window and release schedule.
    central_only_fields = [
        "code",
        "name",
        "kind",
        "parent",
        "kanim_class",
        "is_active",
        "province",
        "city",
        "address",
        "latitude",
        "longitude",
        "timezone",
        "first_day_offset",
        "booking_window_days",
        "release_policy",
        "release_weekday",
        "release_time",
        "release_block_days",
        "data_confidence",
        "data_notes",
    ]

    def object_office_id(self, obj) -> int | None:
        return obj.id

    @admin.display(description=_("release"), ordering="release_policy")
    def release_shown(self, obj: Office) -> str:
        time = clock(obj.release_time)
        if obj.release_policy == Office.ReleasePolicy.BATCH and obj.release_weekday is not None:
            return ngettext(
                "%(weekday)s %(time)s, %(days)d day", "%(weekday)s %(time)s, %(days)d days", obj.release_block_days
            ) % {"weekday": obj.get_release_weekday_display(), "time": time, "days": obj.release_block_days}
        return _("every day at %(time)s") % {"time": time}

    def get_readonly_fields(self, request, obj=None):
        return [] if scope_ids(request) is None else self.central_only_fields

    def get_list_filter(self, request):
        # Filtering a list of one office by province or time zone finds nothing new.
        return [] if self.one_office(request) else super().get_list_filter(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        office, now = form.instance, timezone.now()
        if any(formset.has_changed() for formset in formsets):
            result = office_slots_resync(office=office, now=now)
            messages.info(
                request,
                _("Future sessions updated: %(created)d added, %(updated)d changed, %(removed)d removed.")
                % {"created": result.created, "updated": result.updated, "removed": result.removed},
            )
            report_conflicts(request, office, result.conflicts)
        # A new office, or a longer window: create the rows it needs now.
        office_release(office=office, now=now)

    @admin.action(description=_("Set a daily quota for the selected offices"), permissions=["change"])
    def set_daily_quota(self, request, queryset):
        weekdays = office_weekday_quotas(office_ids=[office.id for office in queryset])
        # One office: its busiest weekday is where the supervisor starts from.
        busiest = busiest_weekday(next(iter(weekdays.values()))) if len(weekdays) == 1 else None
        form = DailyQuotaForm(
            request.POST if "apply" in request.POST else None, initial=busiest.places() if busiest else {}
        )
        if "apply" in request.POST and form.is_valid():
            now, done = timezone.now(), 0
            for office in queryset:
                if not self.has_change_permission(request, office):
                    continue
                try:
                    result = office_set_daily_quota(office=office, actor=request.user, now=now, **form.cleaned_data)
                except InvalidQuota as error:
                    messages.error(request, error.detail)
                    return None
                # The office's History and the audit trail say who set which quota, in
                # each reader's language.
                self.log_change(
                    request,
                    office,
                    log_note(
                        gettext_noop(
                            "Daily quota set: %(regular)d regular, %(express)d express, %(priority)d priority places."
                        ),
                        **form.cleaned_data,
                    ),
                )
                report_conflicts(request, office, result.conflicts)
                done += 1
            messages.success(
                request,
                ngettext("Daily quota set for %(count)d office.", "Daily quota set for %(count)d offices.", done)
                % {"count": done},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Set a daily quota"),
            "offices": [_weekly_plan(office, weekdays.get(office.id, [])) for office in queryset],
            "busiest": busiest,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/offices/office/set_daily_quota.html", context)

    @admin.action(description=_("Issue a new display-board link (the old one stops working)"), permissions=["change"])
    def renew_display_link(self, request, queryset):
        done = 0
        for office in queryset:
            if not self.has_change_permission(request, office):
                continue
            office_display_token_renew(office=office)
            self.log_change(
                request, office, gettext_noop("New display-board link issued; the old one no longer works.")
            )
            done += 1
        messages.success(
            request,
            ngettext(
                "New display-board link issued for %(count)d office: open it on the TV from the staff page Today.",
                "New display-board links issued for %(count)d offices: open each on the TV from the staff page Today.",
                done,
            )
            % {"count": done},
        )
