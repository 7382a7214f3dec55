"""Closures: recorded and lifted through the services, never edited."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from offices.admin.scope import OfficeScopedAdmin, scope_ids
from offices.admin.times import office_time_field
from offices.exceptions import ClosureNotAllowed
from offices.models import Closure, Office
from offices.selectors.calendar import closure_preview
from offices.services import closure_create, closure_lift
from offices.services.closures import closure_earliest_date


class ClosureForm(forms.ModelForm):
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
        fields = ["office", "date", "start", "kind", "reason"]

    def __init__(self, *args, central: bool, office_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.central = central
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
                    "start": f"{start:%H:%M}",
                    "starts": ", ".join(f"{s:%H:%M}" for s in preview.session_starts),
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


@admin.register(Closure)
class ClosureAdmin(OfficeScopedAdmin):
    form = ClosureForm
    list_display = ["date", "office_or_all", "start", "kind", "reason", "created_by", "created_at_zoned"]
    list_filter = ["kind", ("date", admin.DateFieldListFilter)]
    search_fields = ["reason", "office__code", "office__name"]
    date_hierarchy = "date"
    ordering = ["-date"]
    list_select_related = ["office", "created_by"]

    # On the office's clock; a national closure's on the page's, named either way.
    created_at_zoned = office_time_field(Closure, "created_at")

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

    def get_readonly_fields(self, request, obj=None):
        # Reading a recorded closure also tells who recorded it, and when.
        return [] if obj is None else ["created_by", "created_at_zoned"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The confirmation belongs to recording a closure, not to reading one.
        return fields if obj is None else [name for name in fields if name != "confirm_move"]

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
        closed = ngettext("%(closed)d session closed.", "%(closed)d sessions closed.", len(result.slot_ids)) % {
            "closed": len(result.slot_ids)
        }
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
        count = len(result.reopened_slot_ids)
        messages.info(
            request,
            ngettext("%(count)d session reopened.", "%(count)d sessions reopened.", count) % {"count": count},
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.office_id is None and scope_ids(request) is not None:
            return False  # national closures: central admins only
        return super().has_delete_permission(request, obj)
