"""Admin for supervisors (their own offices only) and central admins (everything).

Who sees what: superusers and the ``central_admin`` group see every office; any other
staff user sees only the offices where they are a *supervisor*. The group gives the
model permissions, the membership gives the scope; both must hold. Every change that
touches capacity goes through the services, so the admin obeys the same rules as the
rest of the system (never below booked, closures close rows, caches are forgotten).
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from offices.exceptions import CapacityBelowBooked, ClosureNotAllowed, InvalidQuota
from offices.models import Closure, DateOverride, Office, OfficeMembership, SessionTemplate, Slot
from offices.selectors import user_is_central_admin, user_office_ids
from offices.services import (
    closure_create,
    closure_lift,
    membership_grant,
    office_release,
    office_set_daily_quota,
    office_slots_resync,
    slot_set_capacity,
)
from offices.services.closures import closure_earliest_date

SUPERVISOR = OfficeMembership.Role.SUPERVISOR
MAX_CONFLICTS_LISTED = 10


def scope_ids(request) -> set[int] | None:
    """Office ids the user may manage here, or ``None`` for every office."""
    if not hasattr(request, "_office_scope"):
        user = request.user
        request._office_scope = None if user_is_central_admin(user) else user_office_ids(user, roles=(SUPERVISOR,))
    return request._office_scope


class OfficeScopedAdmin(admin.ModelAdmin):
    """Limits rows and objects to the user's offices. ``office_lookup`` is the path
    from the model to the office id."""

    office_lookup = "office_id"

    def object_office_id(self, obj) -> int | None:
        return obj.office_id

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = scope_ids(request)
        return queryset if ids is None else queryset.filter(**{f"{self.office_lookup}__in": ids})

    def in_scope(self, request, obj) -> bool:
        ids = scope_ids(request)
        return obj is None or ids is None or self.object_office_id(obj) in ids

    def has_module_permission(self, request):
        ids = scope_ids(request)
        return super().has_module_permission(request) and (ids is None or bool(ids))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)


def report_conflicts(request, office: Office, conflicts) -> None:
    if not conflicts:
        return
    listed = "; ".join(
        f"{c.date:%Y-%m-%d} {c.start:%H:%M} {c.track}: {c.booked} booked, plan {c.wanted}"
        for c in conflicts[:MAX_CONFLICTS_LISTED]
    )
    messages.warning(
        request,
        ngettext(
            "%(office)s: %(count)d session keeps its old capacity because more places are booked "
            "than the new plan gives (%(listed)s). Move the excess bookings first.",
            "%(office)s: %(count)d sessions keep their old capacity because more places are booked "
            "than the new plan gives (%(listed)s). Move the excess bookings first.",
            len(conflicts),
        )
        % {"office": office.code, "count": len(conflicts), "listed": listed},
    )


class SessionTemplateInline(admin.TabularInline):
    model = SessionTemplate
    extra = 0
    fields = ["weekday", "start", "end", "capacity_regular", "capacity_express", "capacity_priority"]


class DateOverrideInline(admin.TabularInline):
    model = DateOverride
    extra = 0
    fields = ["date", "start", "end", "capacity_regular", "capacity_express", "capacity_priority", "note"]

    def get_queryset(self, request):
        # Past overrides are history; the form would grow without end.
        return super().get_queryset(request).filter(date__gte=timezone.localdate() - dt.timedelta(days=1))


class DailyQuotaForm(forms.Form):
    regular = forms.IntegerField(label=_("Regular places per day"), min_value=0)
    express = forms.IntegerField(label=_("Express places per day"), min_value=0)
    priority = forms.IntegerField(label=_("Priority places per day"), min_value=0)


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


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = [name for _, options in OFFICE_FIELDSETS for name in options["fields"]]

    def clean(self):
        data = super().clean()
        if data.get("release_policy") == Office.ReleasePolicy.BATCH and data.get("release_weekday") is None:
            self.add_error("release_weekday", _("A batch release needs a weekday."))
        return data


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    form = OfficeForm
    office_lookup = "id"
    list_display = ["code", "name", "kind", "province", "city", "timezone", "online_booking", "release_policy"]
    list_filter = ["province", "kind", "timezone", "online_booking", "release_policy"]
    search_fields = ["code", "name", "city", "province"]
    ordering = ["province", "name"]
    inlines = [SessionTemplateInline, DateOverrideInline]
    actions = ["set_daily_quota"]
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

    def get_readonly_fields(self, request, obj=None):
        return [] if scope_ids(request) is None else self.central_only_fields

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
        form = DailyQuotaForm(request.POST if "apply" in request.POST else None)
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
            "offices": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/offices/office/set_daily_quota.html", context)


class ScopedOfficeFilter(admin.SimpleListFilter):
    """The office filter, listing only offices the user may see."""

    title = _("office")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        ids = scope_ids(request)
        offices = Office.objects.order_by("name") if ids is None else Office.objects.filter(id__in=ids)
        return [(str(office.id), office.name) for office in offices]

    def queryset(self, request, queryset):
        return queryset.filter(office_id=self.value()) if self.value() else queryset


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["capacity"]

    def clean_capacity(self):
        # A friendly early answer; slot_set_capacity decides again under a row lock.
        capacity = self.cleaned_data["capacity"]
        booked = Slot.objects.filter(pk=self.instance.pk).values_list("booked", flat=True).first() or 0
        if capacity < booked:
            raise ValidationError(CapacityBelowBooked(booked=booked).detail, code=CapacityBelowBooked.code)
        return capacity


@admin.register(Slot)
class SlotAdmin(OfficeScopedAdmin):
    """The date list: booked / capacity per session and track."""

    form = SlotForm
    list_display = ["date", "weekday", "office", "session", "track", "booked_of_capacity", "reserved", "closed"]
    list_filter = [ScopedOfficeFilter, ("date", admin.DateFieldListFilter), "track", "closed"]
    list_select_related = ["office"]
    search_fields = ["office__code", "office__name"]
    date_hierarchy = "date"
    ordering = ["date", "office__name", "start", "track"]
    list_per_page = 100
    fields = ["office", "date", "start", "end", "track", "capacity", "booked", "reserved", "closed", "closed_reason"]
    readonly_fields = ["office", "date", "start", "end", "track", "booked", "reserved", "closed", "closed_reason"]

    @admin.display(description=_("weekday"))
    def weekday(self, slot: Slot) -> str:
        return slot.date.strftime("%a")

    @admin.display(description=_("session"))
    def session(self, slot: Slot) -> str:
        return f"{slot.start:%H:%M}-{slot.end:%H:%M}"

    @admin.display(description=_("booked / capacity"))
    def booked_of_capacity(self, slot: Slot) -> str:
        return f"{slot.booked} / {slot.capacity}"

    def has_add_permission(self, request):
        return False  # rows come from the weekly plan (materialization), not by hand

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            slot_set_capacity(slot=obj, capacity=form.cleaned_data["capacity"], actor=request.user, now=timezone.now())
        except CapacityBelowBooked as error:
            messages.error(request, error.detail)


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["office", "date", "start", "kind", "reason"]

    def __init__(self, *args, central: bool, office_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.central = central
        if not central:
            self.fields["office"].queryset = Office.objects.filter(id__in=office_ids or ())
            self.fields["office"].required = True
            self.fields["kind"].choices = [
                (value, label)
                for value, label in Closure.Kind.choices
                if value in (Closure.Kind.LOCAL, Closure.Kind.OUTAGE)
            ]

    def clean(self):
        data = super().clean()
        if "date" in data and data["date"] < closure_earliest_date(office=data.get("office"), now=timezone.now()):
            self.add_error("date", ClosureNotAllowed.message)
        return data


@admin.register(Closure)
class ClosureAdmin(OfficeScopedAdmin):
    form = ClosureForm
    list_display = ["date", "office_or_all", "start", "kind", "reason", "created_by"]
    list_filter = ["kind", ("date", admin.DateFieldListFilter)]
    search_fields = ["reason", "office__code", "office__name"]
    date_hierarchy = "date"
    ordering = ["-date"]
    list_select_related = ["office", "created_by"]

    @admin.display(description=_("office"))
    def office_or_all(self, closure: Closure) -> str:
        return closure.office.name if closure.office else _("All offices")

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        central, ids = scope_ids(request) is None, scope_ids(request)

        class ScopedClosureForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, central=central, office_ids=ids, **inner)

        return ScopedClosureForm

    def get_changeform_initial_data(self, request):
        return {"kind": Closure.Kind.LOCAL, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        result = closure_create(
            office=obj.office,
            date=obj.date,
            start=obj.start,
            kind=obj.kind,
            reason=obj.reason,
            actor=request.user,
            now=timezone.now(),
        )
        obj.pk = result.closure.pk
        obj.created_by, obj.created_at = result.closure.created_by, result.closure.created_at
        messages.info(
            request,
            _("%(closed)d sessions closed; %(booked)d of them have bookings, which must be moved.")
            % {"closed": len(result.slot_ids), "booked": len(result.booked_slot_ids)},
        )

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
        messages.info(request, _("%(count)d sessions reopened.") % {"count": len(result.reopened_slot_ids)})

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.office_id is None and scope_ids(request) is not None:
            return False  # national closures: central admins only
        return super().has_delete_permission(request, obj)


@admin.register(OfficeMembership)
class OfficeMembershipAdmin(admin.ModelAdmin):
    """Who works where. Central admins only."""

    list_display = ["user", "office", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "office__code", "office__name"]
    autocomplete_fields = ["user", "office"]
    list_select_related = ["user", "office"]

    def has_module_permission(self, request):
        return user_is_central_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return user_is_central_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return user_is_central_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return user_is_central_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return user_is_central_admin(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        membership = membership_grant(user=obj.user, office=obj.office, role=obj.role)
        obj.pk = membership.pk
