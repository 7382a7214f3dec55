"""Bookings in the admin: supervisors see their offices' bookings, central admins all.

Bookings are read-only here: every change of status or place goes through the
services (capacity, status log, notifications), so the admin offers actions that
call them instead of editable fields. Opening a booking's page, or a list of bookings
(masked NIKs), is recorded as a staff read of personal data (``applicants.admin_access``).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from applicants.admin_access import booking_access_url
from applicants.admin_notifications import booking_messages_url, booking_messages_view, recent_failures
from applicants.models import Booking, BookingStatus, BookingTransition, Notification, QueueEvent, ServiceCounter
from applicants.privacy import erased_note_text, erased_on
from applicants.services.access_log import (
    Action,
    Channel,
    personal_data_access_count_by_office,
    personal_data_access_record,
    personal_data_access_record_list,
)
from applicants.services.changes import booking_cancel
from applicants.services.tokens import VIA_STAFF
from offices.admin.confirm import confirmation_page
from offices.admin.records import RecordsAdmin
from offices.admin.scope import ComingDaysFilter, OfficeScopedAdmin, ScopedOfficeFilter
from offices.admin.times import office_time_field
from offices.formats import clock
from queue_booking.errors import ServiceError

# Who did what a transition logs, when no staff user is on it. The services log the
# applicant's own steps (online, via the web or the API) and the workers' without an
# actor; a staff member's step carries the staff user.
APPLICANT_REASONS = frozenset(
    {"booked", "session_full_waiting", "cancelled_by_applicant", "rescheduled", "token_renewed", "contact_changed"}
)
SYSTEM_REASONS = frozenset(
    {"allocated", "rolled_over", "waiting_expired", "day_end", "closure", "service_stopped", "plan_lowered"}
)
# Always written with the staff user who did it (nobody to name once the account is removed).
STAFF_REASONS = frozenset(
    {
        "walk_in",
        "cancelled_by_staff",
        "checked_in",
        "called",
        "missed",
        "missed_twice",
        "served",
        "served_on_paper",
        "contact_corrected",
        "messages_resent",
    }
)


def transition_actor_label(transition: BookingTransition) -> str:
    """Who made ``transition``, in words: the staff user, the applicant or the system
    ("" when it cannot be told: a staff step whose account was since removed)."""
    if transition.actor_id is not None:
        user = transition.actor
        return user.get_full_name() or user.get_username()
    # A cell of its own in the log's "done by" column, beside a staff member's name: a
    # capital, as every cell of the log starts with one, in both languages.
    if transition.reason in SYSTEM_REASONS:
        return pgettext("status log actor", "System")
    if transition.reason in APPLICANT_REASONS and (transition.detail or {}).get("via") != VIA_STAFF:
        return pgettext("status log actor", "Applicant")
    return ""


class BookingTransitionInline(admin.TabularInline):
    model = BookingTransition
    fields = ("at_zoned", "from_label", "to_label", "reason_label", "actor_label")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "id")

    at_zoned = office_time_field(BookingTransition, "at", office="booking.office")

    @admin.display(description=_("from status"))
    def from_label(self, obj):
        return BookingStatus(obj.from_status).label if obj.from_status else "–"

    @admin.display(description=_("to status"))
    def to_label(self, obj):
        return BookingStatus(obj.to_status).label

    @admin.display(description=_("reason"))
    def reason_label(self, obj):
        return obj.reason_label

    @admin.display(description=_("done by"))
    def actor_label(self, obj):
        return transition_actor_label(obj) or self.get_empty_value_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("booking__office", "actor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(RecordsAdmin, OfficeScopedAdmin):
    # A booking's page is read-only (its status log is the history; a booking is
    # cancelled, never deleted); "change" on the list lets the cancel action run.
    list_actions_change = True
    # What a booking is looked up for comes first; the office's long name after it, so
    # a desk-sized list does not push the status out of sight.
    list_display = (
        "code",
        "date",
        "session",
        "status",
        "office",
        "track",
        "service",
        "channel",
        "queue_number",
        "nik_masked",
        "created_at_zoned",
    )
    # The office filter lists every office for central admins: last, so the rest stay in reach.
    list_filter = (ComingDaysFilter, "status", "track", "channel", "service", ScopedOfficeFilter)
    list_select_related = ("office", "slot", "applicant")
    date_hierarchy = "date"
    search_fields = ("code",)
    # By code only: admin search is a GET, and a NIK must never appear in a URL.
    search_help_text = _("Booking code")
    ordering = ("-date", "slot__start", "queue_seq")
    inlines = [BookingTransitionInline]
    actions = ["cancel_bookings"]
    exclude = ("token_hash", "token_encrypted", "nik_hash")
    readonly_fields = (
        "code",
        "office",
        "slot",
        "date",
        "requested_date",
        "requested_slot",
        "track",
        "service",
        "channel",
        "priority_group",
        "status",
        "language_label",
        "applicant_name",
        "nik_masked",
        "person_slot",
        "waiting_since_zoned",
        "rollover_rank",
        "rolled_from",
        "reschedule_count",
        "queue_number",
        "queue_seq",
        "checked_in_at_zoned",
        "queued_at_zoned",
        "queue_session_start",
        "called_at_zoned",
        "counter",
        "served_at_zoned",
        "missed_count",
        "created_at_zoned",
        "updated_at_zoned",
    )

    # Each on the booking's office clock, with its zone (offices/admin/times.py).
    waiting_since_zoned = office_time_field(Booking, "waiting_since")
    checked_in_at_zoned = office_time_field(Booking, "checked_in_at")
    queued_at_zoned = office_time_field(Booking, "queued_at")
    called_at_zoned = office_time_field(Booking, "called_at")
    served_at_zoned = office_time_field(Booking, "served_at")
    created_at_zoned = office_time_field(Booking, "created_at")
    updated_at_zoned = office_time_field(Booking, "updated_at")

    def get_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description=_("session"), ordering="slot__start")
    def session(self, obj: Booking) -> str:
        if obj.slot is None:
            return "-"
        return f"{clock(obj.slot.start)}-{clock(obj.slot.end)} {obj.office.tz_abbreviation}"

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj: Booking) -> str:
        if obj.applicant.is_erased:
            # Short in the list; the whole note (and the retention) on hover and on the page.
            return format_html(
                '<span title="{}">{}</span>',
                erased_note_text(obj.applicant),
                _("erased %(date)s") % {"date": erased_on(obj.applicant)},
            )
        return obj.applicant.nik_masked

    @admin.display(description=_("language"))
    def language_label(self, obj: Booking) -> str:
        """The language the person is written to in, by its name ("id" meant nothing to a reader)."""
        return str(dict(settings.LANGUAGES).get(obj.language, obj.language))

    @admin.display(description=_("applicant"))
    def applicant_name(self, obj: Booking) -> str:
        return erased_note_text(obj.applicant) or obj.applicant.full_name

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Inside the change view's transaction: the page names the person.
        if obj is not None:
            personal_data_access_record(
                actor=request.user,
                office=obj.office,
                action=Action.ADMIN_BOOKING,
                channel=Channel.ADMIN,
                now=timezone.now(),
                booking=obj,
            )
            if request.user.has_perm("applicants.view_personaldataaccess"):
                context["access_log_url"] = booking_access_url(obj.id)
            notification_admin = self.admin_site.get_model_admin(Notification)
            failed = obj.notifications.filter(state=Notification.State.FAILED).count()
            if failed and notification_admin.may_resend(request, obj):
                context["failed_messages"] = {"count": failed, "url": booking_messages_url(obj.id)}
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        messages_view = self.admin_site.admin_view(
            lambda request, object_id: booking_messages_view(self, request, object_id)
        )
        return [
            path("<path:object_id>/messages/", messages_view, name="applicants_booking_messages"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"failed_recently": recent_failures(request), **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is not None and response.status_code == 200:
            # One row per office whose people the page showed (their masked NIKs), so
            # each office's supervisor sees who read their people's data.
            personal_data_access_record_list(
                actor=request.user,
                action=Action.ADMIN_BOOKING_LIST,
                channel=Channel.ADMIN,
                now=timezone.now(),
                counts=personal_data_access_count_by_office(changelist.result_list),
            )
        return response

    def history_view(self, request, object_id, extra_context=None):
        # The History lists what was done here in the admin; the status log says the rest.
        note = _("Every change of this booking's status, whoever made it, is in the status log on its page.")
        return super().history_view(request, object_id, {"history_note": note, **(extra_context or {})})

    @admin.action(description=_("Cancel the selected bookings (frees their places)"), permissions=["change"])
    def cancel_bookings(self, request, queryset):
        """Asks first, listing the bookings and telling that each person is told; a
        cancellation cannot be undone (the place goes to someone else)."""
        bookings = list(queryset.select_related("office", "slot", "applicant").order_by("date", "slot__start", "code"))
        cancellable = [b for b in bookings if b.status in (BookingStatus.WAITING, BookingStatus.CONFIRMED)]
        page = confirmation_page(
            self,
            request,
            title=_("Cancel bookings"),
            template="admin/applicants/booking/cancel_confirmation.html",
            selected=bookings,
            bookings=cancellable,
            others=[b for b in bookings if b not in cancellable],
        )
        if page is not None:
            return page
        now = timezone.now()
        cancelled, refused = 0, []
        for booking in bookings:
            if booking.status == BookingStatus.CANCELLED:
                continue
            try:
                booking_cancel(booking=booking, now=now, actor=request.user, reason="cancelled_by_staff")
            except ServiceError as exc:
                refused.append(f"{booking.code}: {exc.detail}")
            else:
                cancelled += 1
                # The booking's History and the audit trail say who cancelled it here; the
                # line is stored untranslated and read in the reader's language.
                self.log_change(request, booking, gettext_noop("Cancelled in the admin; the applicant is told."))
        if cancelled:
            messages.success(
                request,
                ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", cancelled)
                % {"count": cancelled},
            )
        if refused:
            messages.warning(request, "; ".join(refused))
        return None


@admin.register(ServiceCounter)
class ServiceCounterAdmin(OfficeScopedAdmin):
    list_display = ("name", "office", "track", "is_active", "opened_at_zoned", "opened_by")
    list_filter = ("is_active", "track")
    search_fields = ("name", "office__name", "office__code")
    list_select_related = ("office", "opened_by")
    # Who opened the counter last and when are the desk's record (``counter_open``), read
    # here only: an editable "opened by" listed every user of every office.
    fields = ("office", "name", "track", "is_active", "opened_at_zoned", "opened_by")
    readonly_fields = ("opened_at_zoned", "opened_by")

    opened_at_zoned = office_time_field(ServiceCounter, "opened_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from offices.admin.scope import scope_ids
        from offices.models import Office

        if db_field.name == "office":
            ids = scope_ids(request)
            kwargs["queryset"] = Office.objects.all() if ids is None else Office.objects.filter(id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(QueueEvent)
class QueueEventAdmin(RecordsAdmin, OfficeScopedAdmin):
    """The counters' audit trail: who called, served or missed whom, and when."""

    list_display = ("at_zoned", "office", "booking", "action", "counter", "actor")
    list_filter = ("action", "date", ScopedOfficeFilter)
    list_select_related = ("office", "booking", "counter", "actor")
    date_hierarchy = "date"
    search_fields = ("booking__code",)
    fields = ("at_zoned", "office", "date", "booking", "action", "counter", "actor")
    readonly_fields = fields

    at_zoned = office_time_field(QueueEvent, "at")
