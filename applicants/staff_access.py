"""Staff scope for the day of service: may this user act at this office, and as what?

Membership itself is decided in ``offices.selectors`` (superusers and the
``central_admin`` group act everywhere, others at their memberships); this module adds
the role and the errors, and both the pages and the API ask here, so an officer of
office B is refused at office A in both.
"""

from django.db.models import QuerySet

from applicants.exceptions_staff import NotOfficeStaff, SupervisorOnly
from offices.models import Office, OfficeMembership
from offices.selectors import offices_for_user, user_is_central_admin, user_office_ids


def staff_offices(user) -> QuerySet[Office]:
    """The active offices ``user`` may work at, by name."""
    return offices_for_user(user).filter(is_active=True).order_by("name")


def staff_role(user, office: Office) -> str | None:
    """``"supervisor"``, ``"officer"``, or ``None`` when ``user`` may not act at ``office``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user_is_central_admin(user):
        return OfficeMembership.Role.SUPERVISOR
    return OfficeMembership.objects.filter(user=user, office=office).values_list("role", flat=True).first()


def staff_require(user, office: Office, *, supervisor: bool = False) -> str:
    """Return the user's role at ``office`` or raise ``NotOfficeStaff`` / ``SupervisorOnly``."""
    role = staff_role(user, office)
    if role is None:
        raise NotOfficeStaff()
    if supervisor and role != OfficeMembership.Role.SUPERVISOR:
        raise SupervisorOnly()
    return role


def user_sees_waits(user) -> bool:
    """The waits history is for central admins and supervisors (of any office): its
    numbers judge an office's staffing."""
    return user_is_central_admin(user) or bool(user_office_ids(user, roles=(OfficeMembership.Role.SUPERVISOR,)))
