"""The admin audit trail: who changed what in the admin, and when. Central admins only.

Django records every save, deletion and admin action that logs (``LogEntry``); each
object's "History" shows its own lines, and this list shows them all, so a central
admin can see what supervisors changed across the country. Read-only.
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext_lazy as _

from offices.admin.history import change_message_text
from offices.admin.records import RecordsAdmin
from offices.admin.times import office_time_field
from offices.selectors import user_is_central_admin


@admin.register(LogEntry)
class AuditTrailAdmin(RecordsAdmin, admin.ModelAdmin):
    list_display = ["action_time_zoned", "user", "content_type", "object_repr", "action_flag", "change"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    ordering = ["-action_time"]
    list_per_page = 100
    fields = ["action_time_zoned", "user", "content_type", "object_id", "object_repr", "action_flag", "change"]
    readonly_fields = fields

    # A line belongs to no office: it is shown on the page's clock (WIB), named.
    action_time_zoned = office_time_field(LogEntry, "action_time", office=None)

    @admin.display(description=_("change"))
    def change(self, entry: LogEntry) -> str:
        return change_message_text(entry)

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        if entry is not None:
            # The entry's page is titled with str(entry), which reads the line through
            # get_change_message: the line in the reader's language there too.
            entry.get_change_message = lambda: change_message_text(entry)
        return entry

    def has_module_permission(self, request):
        return user_is_central_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return user_is_central_admin(request.user)
