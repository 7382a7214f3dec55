"""Who saw whose personal data, in the admin: read-only.

Supervisors see the rows of their own offices (membership gives the scope, as on every
office page of the admin), central admins every row, those of no office included (a
central admin's list of bookings across offices is one row per office it showed). No
one adds, changes or deletes a row here: the record is only written by the reads
themselves (``applicants.services.access_log``) and only removed by the retention purge.

The list names the booking by its code and the applicant by a number, never by name:
reading the record of who saw a person's data must not show that data again.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from applicants.access_models import PersonalDataAccess
from applicants.models import Booking
from offices.admin.records import RecordsAdmin
from offices.admin.scope import OfficeScopedAdmin, ScopedOfficeFilter
from offices.admin.times import office_time_field


class StaffUserFilter(admin.SimpleListFilter):
    """The staff users who appear in the rows the viewer may see (not every account)."""

    title = _("staff user")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).exclude(actor=None).values("actor_id").distinct()
        users = get_user_model().objects.filter(id__in=ids).order_by("username")
        return [(str(user.id), user.get_username()) for user in users]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class BookingAccessFilter(admin.SimpleListFilter):
    """Rows about one booking: what its page's "Who accessed this booking" opens. Shown
    only while chosen (it has one choice, that booking). A look-up by NIK that found
    several of the person's bookings names the person only: it is counted here too."""

    title = _("booking")
    parameter_name = "booking"

    def _booking(self):
        value = self.value()
        if not value or not value.isdigit():
            return None
        return Booking.objects.filter(id=value).values("id", "code", "applicant_id").first()

    def lookups(self, request, model_admin):
        booking = self._booking()
        return [(str(booking["id"]), booking["code"])] if booking else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        booking = self._booking()
        if booking is None:
            return queryset.none()
        return queryset.filter(
            Q(booking_id=booking["id"]) | Q(booking__isnull=True, applicant_id=booking["applicant_id"])
        )


def booking_access_url(booking_id: int) -> str:
    """The admin list of reads of the booking's personal data."""
    return (
        f"{reverse('admin:applicants_personaldataaccess_changelist')}?{BookingAccessFilter.parameter_name}={booking_id}"
    )


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(RecordsAdmin, OfficeScopedAdmin):
    # Who, what and whose first: a phone shows the first columns and scrolls to the rest.
    list_display = ("at_zoned", "who", "action", "booking_code", "office", "applicant_ref", "shown", "channel")
    list_filter = ("action", "channel", ("at", admin.DateFieldListFilter), StaffUserFilter, ScopedOfficeFilter)
    list_select_related = ("office", "booking")
    date_hierarchy = "at"
    list_per_page = 100
    fields = ("at_zoned", "office", "who", "action", "channel", "booking_code", "applicant_ref", "date", "shown")
    readonly_fields = fields
    # Sorting by id breaks ties in time, newest first.
    ordering = ("-at", "-id")

    at_zoned = office_time_field(PersonalDataAccess, "at")

    def changelist_view(self, request, extra_context=None):
        # Django's "Select personal data access to view" says nothing to a reader.
        title = _("Who saw whose personal data")
        booking_id = request.GET.get(BookingAccessFilter.parameter_name, "")
        if booking_id.isdigit():
            code = Booking.objects.filter(id=booking_id).values_list("code", flat=True).first()
            if code:
                title = _("Who accessed booking %(code)s") % {"code": code}
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), BookingAccessFilter]

    @admin.display(description=_("staff user"), ordering="actor_username")
    def who(self, obj: PersonalDataAccess) -> str:
        return obj.actor_username or self.get_empty_value_display()

    @admin.display(description=_("booking"), ordering="booking__code")
    def booking_code(self, obj: PersonalDataAccess) -> str:
        return obj.booking.code if obj.booking_id else self.get_empty_value_display()

    @admin.display(description=_("applicant"))
    def applicant_ref(self, obj: PersonalDataAccess) -> str:
        # A number, not the name (see the module's docstring).
        return f"#{obj.applicant_id}" if obj.applicant_id else self.get_empty_value_display()

    @admin.display(description=_("people shown"), ordering="count")
    def shown(self, obj: PersonalDataAccess) -> str:
        if obj.date is not None:
            date = formats.date_format(obj.date)
            return _("%(count)d (day list of %(date)s)") % {"count": obj.count, "date": date}
        return str(obj.count)
