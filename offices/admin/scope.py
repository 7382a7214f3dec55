"""Who may manage which offices in the admin, and helpers the admin pages share."""

import datetime as dt
import zoneinfo
from contextlib import nullcontext

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override

from offices.formats import clock
from offices.models import Office, OfficeMembership, Track
from offices.selectors import user_is_central_admin, user_office_ids

SUPERVISOR = OfficeMembership.Role.SUPERVISOR
MAX_CONFLICTS_LISTED = 10


def scope_ids(request) -> set[int] | None:
    """Office ids the user may manage here, or ``None`` for every office."""
    if not hasattr(request, "_office_scope"):
        user = request.user
        request._office_scope = None if user_is_central_admin(user) else user_office_ids(user, roles=(SUPERVISOR,))
    return request._office_scope


def office_clock(office_id: int | None):
    """A context in which pages render on office ``office_id``'s clock (none: the server's)."""
    zone = Office.objects.filter(pk=office_id).values_list("timezone", flat=True).first() if office_id else None
    return timezone.override(zoneinfo.ZoneInfo(zone)) if zone else nullcontext()


def render_in(clock, view, *args, **kwargs):
    """``view``'s response rendered inside ``clock``: admin pages render after the view
    returns, so a zone set only around the view would not reach the template."""
    with clock:
        response = view(*args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response


class ScopedOfficeFilter(admin.SimpleListFilter):
    """The office filter, listing only offices the user may see."""

    title = gettext_lazy("office")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        ids = scope_ids(request)
        offices = Office.objects.order_by("name") if ids is None else Office.objects.filter(id__in=ids)
        return [(str(office.id), office.name) for office in offices]

    def queryset(self, request, queryset):
        return queryset.filter(office_id=self.value()) if self.value() else queryset


class ComingDaysFilter(admin.SimpleListFilter):
    """Dates as a planner reads them: today, tomorrow, the coming week or month, or past.

    Django's date filter offers "Past 7 days", "This month" and "This year": on lists of
    sessions, closures and bookings, which are mostly ahead, it could not show the next
    week. "Today" is the page's (the office's, for a supervisor of one office)."""

    title = gettext_lazy("date")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", gettext_lazy("Today")),
            ("tomorrow", gettext_lazy("Tomorrow")),
            ("week", gettext_lazy("Next 7 days")),
            ("month", gettext_lazy("Next 30 days")),
            ("past", gettext_lazy("Before today")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        spans = {
            "today": {"date": today},
            "tomorrow": {"date": today + dt.timedelta(days=1)},
            "week": {"date__gte": today, "date__lt": today + dt.timedelta(days=7)},
            "month": {"date__gte": today, "date__lt": today + dt.timedelta(days=30)},
            "past": {"date__lt": today},
        }
        return queryset.filter(**spans[self.value()]) if self.value() in spans else queryset


class TranslatedHistoryAdmin(admin.ModelAdmin):
    """Keeps the History (and the audit trail) in the reader's language.

    Django records a change's field names as the form labels, in English with a
    capital ("Opening time"), and translates them when the History is read; the
    catalogue knows the fields as their verbose names ("opening time"), so an
    Indonesian History read "Opening time berubah". The names are recorded as the
    verbose names instead, which the catalogue translates.
    """

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if not isinstance(message, list):
            return message
        names = {}
        with override(None):
            for model in [self.model, *(formset.model for formset in formsets or ())]:
                for field in model._meta.fields:
                    names[capfirst(str(field.verbose_name))] = str(field.verbose_name)
        for part in message:
            changed = part.get("changed")
            if changed and "fields" in changed:
                changed["fields"] = [names.get(label, label) for label in changed["fields"]]
        return message


class OfficeScopedAdmin(TranslatedHistoryAdmin):
    """Limits rows and objects to the user's offices. ``office_lookup`` is the path
    from the model to the office id."""

    office_lookup = "office_id"

    def object_office_id(self, obj) -> int | None:
        return obj.office_id

    # --- Times on the office's clock -------------------------------------------------
    # A page about one office's object (or any page of a supervisor of one office) shows
    # times, and the admin's clock widgets work, in that office's zone: a check-in at
    # 09:00 WIT read "07:00" (the server's WIB), and every time field of a WIT office
    # said "your time is 2 hours ahead of server time".

    def office_zone(self, request, object_id=None):
        office_id = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            office_id = self.object_office_id(obj) if obj is not None else None
        if office_id is None:
            ids = scope_ids(request)
            office_id = next(iter(ids)) if ids is not None and len(ids) == 1 else None
        return office_clock(office_id)

    def _in_office_zone(self, request, object_id, view, *args, **kwargs):
        return render_in(self.office_zone(request, object_id), view, request, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        hidden = self._hidden_office_parameters(request)
        if hidden:
            # A link made for someone who sees several offices (a central admin's, a
            # bookmark from before a membership ended): the admin would refuse a filter
            # it does not show with its "incorrect lookup" page. The list is of the
            # supervisor's one office anyway: open it without that part.
            query = request.GET.copy()
            for name in hidden:
                del query[name]
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        return self._in_office_zone(request, None, super().changelist_view, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._in_office_zone(request, object_id, super().changeform_view, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._in_office_zone(request, object_id, super().history_view, object_id, extra_context)

    # --- Lists of one office -----------------------------------------------------------
    # A supervisor of one office saw that office's long name on every row, which pushed
    # the columns that matter (status, booked / capacity) out of sight, and an office
    # filter with a single choice.

    def one_office(self, request) -> bool:
        ids = scope_ids(request)
        return ids is not None and len(ids) == 1

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return [c for c in columns if c != "office"] if self.one_office(request) else columns

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if not self.one_office(request):
            return filters
        return [f for f in filters if not self._is_office_filter(f)]

    @staticmethod
    def _is_office_filter(list_filter) -> bool:
        return list_filter == "office" or getattr(list_filter, "parameter_name", None) == "office"

    def _hidden_office_parameters(self, request) -> list[str]:
        """The query's parameters of office filters this user's list does not show."""
        if not self.one_office(request):
            return []
        names = set()
        for list_filter in super().get_list_filter(request):
            if list_filter == "office":  # Django's filter of the foreign key
                names |= {"office__id__exact", "office__isnull"}
            elif self._is_office_filter(list_filter):
                names.add("office")
        return sorted(names & set(request.GET))

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
        _("%(date)s %(start)s %(track)s: %(booked)d booked, plan %(wanted)d")
        % {
            "date": formats.date_format(c.date),
            "start": clock(c.start),
            "track": Track(c.track).label,
            "booked": c.booked,
            "wanted": c.wanted,
        }
        for c in conflicts[:MAX_CONFLICTS_LISTED]
    )
    if len(conflicts) > MAX_CONFLICTS_LISTED:
        listed += "; …"
    messages.warning(
        request,
        ngettext(
            "%(office)s: %(count)d session has more places booked than the new plan gives (%(listed)s). "
            "It keeps those bookings but takes no new ones. To follow the plan, select it under Session capacities "
            "and choose “Move the bookings above the plan”.",
            "%(office)s: %(count)d sessions have more places booked than the new plan gives (%(listed)s). "
            "They keep those bookings but take no new ones. To follow the plan, select them under Session "
            "capacities and choose “Move the bookings above the plan”.",
            len(conflicts),
        )
        % {"office": office.name, "count": len(conflicts), "listed": listed},
    )
