"""The date list: capacity rows, booked / capacity per session and track."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from offices.admin.history import log_note
from offices.admin.scope import ComingDaysFilter, OfficeScopedAdmin, ScopedOfficeFilter
from offices.exceptions import CapacityBelowBooked
from offices.models import Slot
from offices.services import slot_excess, slot_set_capacity, slots_excess_move


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "capacity" in self.fields:
            # What the number means and what changing it does, asked by supervisors
            # lowering a day's places: are the people booked moved? Does it last?
            self.fields["capacity"].help_text = _(
                "Places in this session for this track; %(booked)d already booked. It cannot go below that, and "
                "lowering it moves or cancels nobody. A later change of the office's weekly sessions or daily "
                "quota sets it back to the plan; to change this one date for good, add a date override on the "
                "office's page."
            ) % {"booked": self.instance.booked}

    def clean_capacity(self):
        # A friendly early answer; slot_set_capacity decides again under a row lock.
        capacity = self.cleaned_data["capacity"]
        booked = Slot.objects.filter(pk=self.instance.pk).values_list("booked", flat=True).first() or 0
        if capacity < booked:
            raise ValidationError(CapacityBelowBooked(booked=booked).detail, code=CapacityBelowBooked.code)
        return capacity


class AbovePlanFilter(admin.SimpleListFilter):
    """Sessions holding more bookings than their (lowered) plan gives: the ones "Move the
    bookings above the plan" is for."""

    title = _("plan")
    parameter_name = "above_plan"

    def lookups(self, request, model_admin):
        return [("yes", _("More booked than the plan gives"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(planned_capacity__isnull=False, booked__gt=F("planned_capacity"))
        return queryset


@admin.register(Slot)
class SlotAdmin(OfficeScopedAdmin):
    """The date list: booked / capacity per session and track."""

    form = SlotForm
    # The numbers before the office's long name, so they stay in sight at desk size.
    list_display = ["date", "weekday", "session", "track", "booked_of_capacity", "office", "reserved", "closed"]
    list_filter = [ScopedOfficeFilter, ComingDaysFilter, AbovePlanFilter, "track", "closed"]
    list_select_related = ["office"]
    search_fields = ["office__code", "office__name"]
    date_hierarchy = "date"
    ordering = ["date", "office__name", "start", "track"]
    list_per_page = 100
    fields = [
        "office",
        "date",
        "start",
        "end",
        "track",
        "capacity",
        "planned_capacity",
        "booked",
        "reserved",
        "closed",
        "closed_reason",
    ]
    readonly_fields = [
        "office",
        "date",
        "start",
        "end",
        "track",
        "planned_capacity",
        "booked",
        "reserved",
        "closed",
        "closed_reason",
    ]

    actions = ["move_excess"]

    @admin.action(description=_("Move the bookings above the plan"), permissions=["change"])
    def move_excess(self, request, queryset):
        """DESIGN rule 1: a lowered plan leaves a session with more bookings than it gives;
        the excess is rolled over only when a supervisor says so. Asks first, listing
        how many of each session's people are moved; then the move runs in a worker."""
        slots = list(queryset.select_related("office").order_by("date", "start", "track"))
        over = [(slot, slot_excess(slot)) for slot in slots if slot_excess(slot) > 0]
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Move the bookings above the plan"),
                "opts": self.model._meta,
                "over": over,
                "people": sum(excess for _slot, excess in over),
                "within": [slot for slot in slots if slot_excess(slot) == 0],
                "selected": slots,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/offices/slot/move_excess_confirmation.html", context)
        moving = slots_excess_move(slots=slots, actor=request.user)
        if not moving:
            messages.info(request, _("No selected session holds more bookings than its plan gives: nobody is moved."))
            return None
        for slot in moving:
            self.log_change(request, slot, gettext_noop("Bookings above the plan sent to the next sessions with room."))
        people = sum(slot_excess(slot) for slot in moving)
        messages.success(
            request,
            ngettext(
                "%(people)d booking above the plan is being moved to the next session with room; the person is told.",
                "%(people)d bookings above the plan are being moved to the next sessions with room; each person "
                "is told.",
                people,
            )
            % {"people": people},
        )
        return None

    @admin.display(description=_("weekday"))
    def weekday(self, slot: Slot) -> str:
        return formats.date_format(slot.date, "D")  # in the admin's language, not the C locale

    @admin.display(description=_("session"))
    def session(self, slot: Slot) -> str:
        return f"{slot.start:%H:%M}-{slot.end:%H:%M}"

    @admin.display(description=_("booked / capacity"))
    def booked_of_capacity(self, slot: Slot) -> str:
        if slot_excess(slot):
            return _("%(booked)d / %(capacity)d (plan %(plan)d)") % {
                "booked": slot.booked,
                "capacity": slot.capacity,
                "plan": slot.planned_capacity,
            }
        return f"{slot.booked} / {slot.capacity}"

    def has_add_permission(self, request):
        return False  # rows come from the weekly plan (materialization), not by hand

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            form.capacity_change = slot_set_capacity(
                slot=obj, capacity=form.cleaned_data["capacity"], actor=request.user, now=timezone.now()
            )
        except CapacityBelowBooked as error:
            messages.error(request, error.detail)

    def construct_change_message(self, request, form, formsets, add=False):
        # The audit trail keeps the numbers, not only "changed capacity".
        change = getattr(form, "capacity_change", None)
        if change is None:
            return gettext_noop("Capacity not changed.")
        return log_note(
            gettext_noop("Capacity %(old)d → %(new)d (%(booked)d booked)."),
            old=change.old,
            new=change.new,
            booked=change.slot.booked,
        )
