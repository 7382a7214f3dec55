"""Staff roles: office membership, and the permission groups the admin relies on.

Two layers decide what a person may do in the admin: the group gives model
permissions (``supervisor``: sessions, quotas and closures; ``central_admin``:
everything in this app), and membership limits a supervisor to their own offices
(``offices.admin``). Officers work on the staff pages, not in the admin.
"""

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction

from offices.models import Office, OfficeMembership
from offices.selectors.offices import CENTRAL_ADMIN_GROUP, SUPERVISOR_GROUP

SUPERVISOR_PERMISSIONS = {
    "office": ("view", "change"),
    "sessiontemplate": ("view", "add", "change", "delete"),
    "dateoverride": ("view", "add", "change", "delete"),
    "slot": ("view", "change"),
    "closure": ("view", "add", "delete"),
}
CENTRAL_ADMIN_MODELS = ("office", "sessiontemplate", "dateoverride", "slot", "closure", "officemembership")
# Bookings are read-only in the admin (changes go through services); "change" lets a
# supervisor run the admin's cancel action on their offices' bookings.
BOOKING_PERMISSIONS = {
    "booking": ("view", "change"),
    # The booking's status log, an inline of the booking page (no page of its own): who
    # did what to it and when. Without it only superusers saw the log.
    "bookingtransition": ("view",),
    "servicecounter": ("view", "add", "change"),
    "queueevent": ("view",),
    # Who saw whose personal data (read-only; a supervisor sees their offices' rows).
    "personaldataaccess": ("view",),
    # Messages to applicants (read-only); "change" lets a supervisor send failed ones again.
    "notification": ("view", "change"),
}


def _permissions(app_label: str, wanted: dict[str, tuple[str, ...]]) -> list[Permission]:
    codenames = [f"{action}_{model}" for model, actions in wanted.items() for action in actions]
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def staff_groups_sync() -> dict[str, int]:
    """Create or refresh the ``supervisor`` and ``central_admin`` groups. Idempotent.

    Returns how many permissions each group holds (0 before the app's permissions
    exist, e.g. in the middle of the first ``migrate``).
    """
    everything = ("view", "add", "change", "delete")
    groups = {
        SUPERVISOR_GROUP: _permissions("offices", SUPERVISOR_PERMISSIONS)
        + _permissions("applicants", BOOKING_PERMISSIONS),
        CENTRAL_ADMIN_GROUP: _permissions("offices", dict.fromkeys(CENTRAL_ADMIN_MODELS, everything))
        + _permissions("applicants", BOOKING_PERMISSIONS)
        # View only: with "change user" the stock user admin would let them make
        # anyone (themselves included) a superuser. Accounts are made by superusers.
        + _permissions("auth", {"user": ("view",), "group": ("view",)}),
    }
    counts = {}
    with transaction.atomic():
        for name, permissions in groups.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(*permissions)
            counts[name] = group.permissions.count()
    return counts


def membership_grant(*, user: AbstractBaseUser, office: Office, role: str) -> OfficeMembership:
    """Make ``user`` a member of ``office`` with ``role``. Idempotent.

    A supervisor gets staff status and the ``supervisor`` group, so the admin opens
    for them (limited to their offices).
    """
    with transaction.atomic():
        membership, created = OfficeMembership.objects.get_or_create(user=user, office=office, defaults={"role": role})
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        if role == OfficeMembership.Role.SUPERVISOR:
            group, _ = Group.objects.get_or_create(name=SUPERVISOR_GROUP)
            user.groups.add(group)
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
    return membership
