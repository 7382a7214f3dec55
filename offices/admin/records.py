"""Admin pages of rows that are a record to read (bookings, the queue's events, messages,
staff reads, the audit trail): nobody adds, edits or deletes them in the admin."""


class RecordsAdmin:
    """Put before the ``ModelAdmin`` base. With ``list_actions_change`` the model's
    "change" permission still counts on the list (not on a row, which has nothing to
    save), so that the list's actions run: cancelling bookings, sending messages again."""

    list_actions_change = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self.list_actions_change and obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
