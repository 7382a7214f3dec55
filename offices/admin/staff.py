"""Office memberships: central admins only."""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from offices.admin.scope import TranslatedHistoryAdmin, office_clock, render_in
from offices.models import OfficeMembership
from offices.selectors import user_is_central_admin
from offices.services import membership_grant


@admin.register(OfficeMembership)
class OfficeMembershipAdmin(TranslatedHistoryAdmin):
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

    def history_view(self, request, object_id, extra_context=None):
        # A membership belongs to its office: its History reads on that office's clock.
        membership = self.get_object(request, unquote(object_id))
        clock = office_clock(membership.office_id if membership is not None else None)
        return render_in(clock, super().history_view, request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        membership = membership_grant(user=obj.user, office=obj.office, role=obj.role)
        obj.pk = membership.pk
