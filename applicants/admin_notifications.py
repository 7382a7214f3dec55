"""Messages to applicants in the admin: what went, what failed and why; sending failed
ones again.

Read-only rows, scoped like every office page: supervisors see their offices' messages,
central admins all. A row names the booking by its code and says what was sent by which
channel, never to whom: no phone number, email address or text is shown, and the last
error is stored scrubbed of them (``applicants.notifications.send_failure_text``).

"Send again" (an action on the list, and a page per booking with failed messages that
first lets the supervisor correct the person's phone or email) goes through
``applicants.services.resend``. That page names the person and shows their contacts
masked, so opening it is recorded as a staff read of personal data.
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from applicants.forms import NewContactMixin
from applicants.identity import email_masked, phone_masked
from applicants.models import Booking, Notification
from applicants.privacy import erased_note_text
from applicants.selectors import failed_notification_count, unresolved_failed_notifications
from applicants.services.access_log import Action, Channel, personal_data_access_record
from applicants.services.resend import applicant_contact_correct, notification_resend, notification_resendable
from offices.admin.confirm import confirmation_page
from offices.admin.history import log_note
from offices.admin.records import RecordsAdmin
from offices.admin.scope import OfficeScopedAdmin, ScopedOfficeFilter, scope_ids
from offices.admin.times import office_time_field, zoned_datetime
from offices.models import Office

RECENT_FAILURES = dt.timedelta(days=7)
FAILED_RECENTLY = "failed_7d"
UNRESOLVED = "unresolved"


class NotificationOfficeFilter(ScopedOfficeFilter):
    def queryset(self, request, queryset):
        return queryset.filter(booking__office_id=self.value()) if self.value() else queryset


class NotificationStateFilter(admin.SimpleListFilter):
    """The states, the failures of the last 7 days (what the count on the lists opens) and
    the failures still to be dealt with (what the count on the admin's home page opens)."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            *Notification.State.choices,
            (FAILED_RECENTLY, _("Failed in the last 7 days")),
            (UNRESOLVED, _("Failed, still to be dealt with")),
        ]

    def queryset(self, request, queryset):
        if self.value() == UNRESOLVED:
            # The list is already scoped to the user's offices.
            return queryset & unresolved_failed_notifications(office_ids=None, now=timezone.now())
        if self.value() == FAILED_RECENTLY:
            return queryset.filter(state=Notification.State.FAILED, failed_at__gte=timezone.now() - RECENT_FAILURES)
        if self.value() in Notification.State.values:
            return queryset.filter(state=self.value())
        return queryset


def recent_failures(request) -> dict | None:
    """The count of messages of the user's offices that failed in the last 7 days and the
    list that shows them, for the lists' headers; ``None`` for a user who may not see them."""
    if not request.user.has_perm("applicants.view_notification"):
        return None
    count = failed_notification_count(office_ids=scope_ids(request), since=timezone.now() - RECENT_FAILURES)
    changelist = reverse("admin:applicants_notification_changelist")
    url = f"{changelist}?{NotificationStateFilter.parameter_name}={FAILED_RECENTLY}"
    return {"count": count, "url": url}


def unresolved_failures(request) -> dict | None:
    """The count of messages of the user's offices that failed and still wait for someone
    (``unresolved_failed_notifications``, each office judged on its own clock) and the
    list that shows them, for the admin's home page; ``None`` for a user who may not see
    them."""
    if not request.user.has_perm("applicants.view_notification"):
        return None
    ids = scope_ids(request)
    if ids is not None and not ids:
        return None
    count = unresolved_failed_notifications(office_ids=ids, now=timezone.now()).count()
    return {"count": count, "url": unresolved_list_url()}


def office_unresolved_failures(request, office: Office, *, now: dt.datetime) -> dict | None:
    """The same for one office, for its staff Today page, which has already made sure
    that the user supervises it (or every office): the count and the admin's list of
    them, filtered to the office (a supervisor of that office alone is sent on to their
    list without the filter, by ``OfficeScopedAdmin``); ``None`` when there are none or
    the user may not view messages. One count query after the user's permissions, which
    Django reads once per request."""
    if not request.user.has_perm("applicants.view_notification"):
        return None
    count = unresolved_failed_notifications(office_ids={office.id}, now=now).count()
    return {"count": count, "url": unresolved_list_url(office_id=office.id)} if count else None


def unresolved_list_url(*, office_id: int | None = None) -> str:
    """The admin's list of messages that failed and still wait for someone (of one office)."""
    query = {NotificationStateFilter.parameter_name: UNRESOLVED}
    if office_id is not None:
        query[NotificationOfficeFilter.parameter_name] = office_id
    return f"{reverse('admin:applicants_notification_changelist')}?{urlencode(query)}"


def booking_messages_url(booking_id: int) -> str:
    return reverse("admin:applicants_booking_messages", args=[booking_id])


@admin.register(Notification)
class NotificationAdmin(RecordsAdmin, OfficeScopedAdmin):
    list_actions_change = True  # "send again" on the list
    office_lookup = "booking__office_id"
    list_display = ("created_at_zoned", "booking_link", "office", "kind", "channel", "state_label", "last_error")
    list_filter = (
        NotificationStateFilter,
        "channel",
        "kind",
        ("created_at", admin.DateFieldListFilter),
        NotificationOfficeFilter,
    )
    list_select_related = ("booking__office",)
    list_per_page = 100
    search_fields = ("booking__code",)
    search_help_text = _("Booking code")
    ordering = ("-created_at", "-id")
    actions = ["resend_failed"]
    fields = (
        "created_at_zoned",
        "booking_link",
        "office",
        "kind",
        "channel",
        "state_label",
        "sent_at_zoned",
        "failed_at_zoned",
        "last_error",
    )
    readonly_fields = fields

    created_at_zoned = office_time_field(Notification, "created_at", office="booking.office")
    sent_at_zoned = office_time_field(Notification, "sent_at", office="booking.office")
    failed_at_zoned = office_time_field(Notification, "failed_at", office="booking.office")

    def object_office_id(self, obj: Notification) -> int | None:
        return obj.booking.office_id

    @admin.display(description=_("booking"), ordering="booking__code")
    def booking_link(self, obj: Notification) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:applicants_booking_change", args=[obj.booking_id]), obj.booking.code
        )

    @admin.display(description=_("office"), ordering="booking__office__name")
    def office(self, obj: Notification) -> str:
        return obj.booking.office.name

    @admin.display(description=_("state"), ordering="state")
    def state_label(self, obj: Notification) -> str:
        return ngettext("%(state)s (%(count)d attempt)", "%(state)s (%(count)d attempts)", obj.attempts) % {
            "state": obj.get_state_display(),
            "count": obj.attempts,
        }

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())

    def changelist_view(self, request, extra_context=None):
        context = {"title": _("Messages to applicants"), "failed_recently": recent_failures(request)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def may_resend(self, request, booking: Booking) -> bool:
        return self.has_change_permission(request) and self.in_scope(request, Notification(booking=booking))

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def resend_failed(self, request, queryset):
        """Asks first, listing what goes again and what is left as it is (sent, pending, or
        of a booking that has ended since). The person's contact is corrected on the
        booking's page ("Failed messages")."""
        selected = list(queryset.select_related("booking__applicant", "booking__office").order_by("booking_id", "id"))
        resendable = [n for n in selected if notification_resendable(n)]
        page = confirmation_page(
            self,
            request,
            title=_("Send failed messages again"),
            template="admin/applicants/notification/resend_confirmation.html",
            selected=selected,
            resendable=resendable,
            others=[n for n in selected if n not in resendable],
        )
        if page is not None:
            return page
        result = notification_resend(
            notification_ids=[n.id for n in resendable], actor=request.user, now=timezone.now()
        )
        log_resent(self, request, result.resent)
        report_resent(request, len(result.resent), len(selected) - len(result.resent))
        return None


def log_resent(model_admin, request, resent: list[Notification]) -> None:
    """Each booking's History says who sent its failed messages again here."""
    counts: dict[int, tuple[Booking, int]] = {}
    for notification in resent:
        booking, count = counts.get(notification.booking_id, (notification.booking, 0))
        counts[notification.booking_id] = (booking, count + 1)
    for booking, count in counts.values():
        model_admin.log_change(
            request, booking, log_note(gettext_noop("Failed messages sent again: %(count)d."), count=count)
        )


def report_resent(request, resent: int, left: int) -> None:
    if resent:
        messages.success(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", resent)
            % {"count": resent},
        )
    if left:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected message was left as it is: only failed messages of a booking still running "
                "(or telling that it ended) are sent again.",
                "%(count)d selected messages were left as they are: only failed messages of a booking still running "
                "(or telling that it ended) are sent again.",
                left,
            )
            % {"count": left},
        )


# --- One booking's failed messages: correct the contact, send again ----------------------


class ContactCorrectionForm(NewContactMixin, forms.Form):
    phone = forms.CharField(
        label=_("New phone number"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to keep the current one."),
    )
    email = forms.CharField(
        label=_("New email address"),
        required=False,
        max_length=254,
        help_text=_("Leave empty to keep the current one."),
    )


def booking_failed_messages(booking: Booking) -> list[Notification]:
    return list(
        booking.notifications.filter(state=Notification.State.FAILED)
        .select_related("booking__applicant", "booking__office")
        .order_by("id")
    )


def booking_messages_view(booking_admin, request, object_id):
    """The page behind "Failed messages" on a booking's page."""
    booking = booking_admin.get_object(request, unquote(object_id))
    if booking is None:
        raise Http404
    notification_admin = booking_admin.admin_site.get_model_admin(Notification)
    if not notification_admin.may_resend(request, booking):
        raise PermissionDenied
    booking_url = reverse("admin:applicants_booking_change", args=[booking.id])
    failed = booking_failed_messages(booking)
    if not failed:
        messages.info(request, _("This booking has no failed messages."))
        return HttpResponseRedirect(booking_url)
    form = ContactCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        changed = applicant_contact_correct(
            booking=booking,
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            actor=request.user,
            now=now,
        )
        if changed:
            booking_admin.log_change(request, booking, gettext_noop("Contact details of the applicant corrected."))
        result = notification_resend(notification_ids=[n.id for n in failed], actor=request.user, now=now)
        log_resent(booking_admin, request, result.resent)
        report_resent(request, len(result.resent), len(result.left))
        return HttpResponseRedirect(booking_url)
    applicant = booking.applicant
    personal_data_access_record(
        actor=request.user,
        office=booking.office,
        action=Action.ADMIN_MESSAGES,
        channel=Channel.ADMIN,
        now=timezone.now(),
        booking=booking,
    )
    context = {
        **booking_admin.admin_site.each_context(request),
        "title": _("Failed messages of booking %(code)s") % {"code": booking.code},
        "opts": Booking._meta,
        "booking": booking,
        "booking_url": booking_url,
        "applicant_name": erased_note_text(applicant) or applicant.full_name,
        "phone": phone_masked(applicant.phone) if applicant.phone else "",
        "email": email_masked(applicant.email) if applicant.email else "",
        "messages_failed": [
            {
                "notification": n,
                "failed_at": zoned_datetime(n.failed_at, booking.office) if n.failed_at else "",
                "resendable": notification_resendable(n),
            }
            for n in failed
        ],
        "form": form,
    }
    return TemplateResponse(request, "admin/applicants/booking/messages.html", context)
