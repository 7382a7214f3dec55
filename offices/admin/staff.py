"""Office memberships: central admins only."""

from django.contrib import admin

from offices.admin.scope import TranslatedHistoryAdmin
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

    def save_model(self, request, obj, form, change):
        membership = membership_grant(user=obj.user, office=obj.office, role=obj.role)
        obj.pk = membership.pk
