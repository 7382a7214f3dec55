from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _forget_cached_office(sender, instance, **kwargs) -> None:
    from offices.cache import office_forget, slot_copies_forget
    from offices.models import Slot

    office_forget(instance.code, instance.pk)
    # The booking path's copies of its sessions carry the office too.
    if kwargs.get("signal") is post_save:
        slot_copies_forget(Slot.objects.filter(office_id=instance.pk).values_list("id", flat=True))


def _forget_cached_slot(sender, instance, **kwargs) -> None:
    from offices.cache import slot_copies_forget

    slot_copies_forget([instance.pk])


def _sync_staff_groups(sender, **kwargs) -> None:
    # Permissions are created by auth's post_migrate receiver, connected before this
    # one, so on a fresh database the groups get their permissions in the same run.
    from offices.services.staff import staff_groups_sync

    staff_groups_sync()


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices and capacity")

    def ready(self) -> None:
        # Cache bookkeeping only (the office-by-code cache and the booking path's copies
        # of sessions), not a business rule.
        post_save.connect(_forget_cached_office, sender="offices.Office", dispatch_uid="office_forget_save")
        post_delete.connect(_forget_cached_office, sender="offices.Office", dispatch_uid="office_forget_delete")
        post_save.connect(_forget_cached_slot, sender="offices.Slot", dispatch_uid="slot_copy_forget_save")
        post_delete.connect(_forget_cached_slot, sender="offices.Slot", dispatch_uid="slot_copy_forget_delete")
        post_migrate.connect(_sync_staff_groups, sender=self, dispatch_uid="offices_staff_groups")
