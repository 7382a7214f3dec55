"""The date list: capacity rows, booked / capacity per session and track."""

import datetime as dt
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from offices.admin.confirm import confirmation_page
from offices.admin.history import log_note
from offices.admin.scope import ComingDaysFilter, OfficeScopedAdmin, ScopedOfficeFilter
from offices.exceptions import CapacityBelowBooked
from offices.formats import clock
from offices.models import Slot
from offices.selectors.calendar import slot_closure_name
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


_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:\s*-\s*\d{1,2}[:.]\d{2})?")


def search_time(term: str) -> dt.time | None:
    """A session start as typed or as listed: "08:00", "8.00", "08.00-10.00" or "08:00-10:00"."""
    match = _TIME.fullmatch(term)
    if not match:
        return None
    try:
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        return None


def search_date(term: str) -> dt.date | None:
    """A date as typed (2026-11-30, or the language's input formats such as 30/11/2026) or
    as the admin shows it in the active language ("30 Nov. 2026", "Nov. 30, 2026",
    "30 Desember 2026")."""
    for pattern in dict.fromkeys(["%Y-%m-%d", *formats.get_format("DATE_INPUT_FORMATS")]):
        try:
            return dt.datetime.strptime(term, pattern).date()  # noqa: DTZ007 - a calendar date, no moment
        except ValueError:
            continue
    words = re.findall(r"\d+|[^\W\d_]+", term.lower())
    months = {
        str(name).lower().rstrip("."): number
        for table in (MONTHS, MONTHS_3, MONTHS_AP, MONTHS_ALT)
        for number, name in table.items()
    }
    named = [months.get(word) for word in words if not word.isdigit()]
    numbers = sorted(int(word) for word in words if word.isdigit())
    if len(named) != 1 or named[0] is None or len(numbers) != 2 or numbers[1] < 1000:
        return None
    try:
        return dt.date(numbers[1], named[0], numbers[0])
    except ValueError:
        return None


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
    # Also by date and session start (get_search_results): the office's name alone was no
    # search at all for a supervisor of one office.
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
        "closure_reason",
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
        "closure_reason",
    ]

    actions = ["move_excess"]

    @admin.display(description=_("closure reason"))
    def closure_reason(self, slot: Slot) -> str:
        # A national day off in the reader's language; a reason typed by hand as typed.
        return slot_closure_name(slot).shown if slot.closed_reason else ""

    @admin.action(description=_("Move the bookings above the plan"), permissions=["change"])
    def move_excess(self, request, queryset):
        """DESIGN rule 1: a lowered plan leaves a session with more bookings than it gives;
        the excess is rolled over only when a supervisor says so. Asks first, listing
        how many of each session's people are moved; then the move runs in a worker."""
        slots = list(queryset.select_related("office").order_by("date", "start", "track"))
        over = [(slot, slot_excess(slot)) for slot in slots if slot_excess(slot) > 0]
        page = confirmation_page(
            self,
            request,
            title=_("Move the bookings above the plan"),
            template="admin/offices/slot/move_excess_confirmation.html",
            selected=slots,
            over=over,
            people=sum(excess for _slot, excess in over),
            within=[slot for slot in slots if slot_excess(slot) == 0],
        )
        if page is not None:
            return page
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

    def get_search_results(self, request, queryset, search_term):
        """A date, a session start, or both ("2026-11-30 08:00"); otherwise an office."""
        term = " ".join(search_term.split())
        day = search_date(term) if term else None
        if day is not None:
            return queryset.filter(date=day), False
        start = search_time(term)
        if start is not None:
            return queryset.filter(start=start), False
        head, _space, last = term.rpartition(" ")
        day, start = (search_date(head), search_time(last)) if head else (None, None)
        if day is not None and start is not None:
            return queryset.filter(date=day, start=start), False
        return super().get_search_results(request, queryset, search_term)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        example = {
            "iso": timezone.localdate().isoformat(),
            "shown": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        }
        if self.one_office(request):
            changelist.search_help_text = _("A date (%(iso)s or %(shown)s) or a session start (08:00).") % example
        else:
            changelist.search_help_text = (
                _("A date (%(iso)s or %(shown)s), a session start (08:00), or an office's code or name.") % example
            )
        return changelist

    @admin.display(description=_("weekday"))
    def weekday(self, slot: Slot) -> str:
        return formats.date_format(slot.date, "D")  # in the admin's language, not the C locale

    @admin.display(description=_("session"))
    def session(self, slot: Slot) -> str:
        return f"{clock(slot.start)}-{clock(slot.end)}"

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
            # A booking landed after the form's check: nothing was saved, so neither the
            # audit trail nor "changed successfully" may say it was.
            request._capacity_refused = True
            messages.error(request, error.detail)

    def log_change(self, request, obj, message):
        if getattr(request, "_capacity_refused", False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "_capacity_refused", False):
            # Back to the session, its booked count read afresh, the refusal above it.
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

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
