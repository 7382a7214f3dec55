from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _forget_cached_office(sender, instance, **kwargs) -> None:
    from offices.cache import office_forget

    office_forget(instance.code)


def _sync_staff_groups(sender, **kwargs) -> None:
    # Permissions are created by auth's post_migrate receiver, connected before this
    # one, so on a fresh database the groups get their permissions in the same run.
    from offices.services.staff import staff_groups_sync

    staff_groups_sync()


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices and capacity")

    def ready(self) -> None:
        # Cache bookkeeping only (the office-by-code cache), not a business rule.
        post_save.connect(_forget_cached_office, sender="offices.Office", dispatch_uid="office_forget_save")
        post_delete.connect(_forget_cached_office, sender="offices.Office", dispatch_uid="office_forget_delete")
        post_migrate.connect(_sync_staff_groups, sender=self, dispatch_uid="offices_staff_groups")
