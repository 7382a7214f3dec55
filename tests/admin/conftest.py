"""Supervisors of two offices, for the admin's office-scoped record pages."""

import pytest

from offices.models import OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories


def _supervisor(office, username: str):
    staff_groups_sync()
    user = factories.UserFactory(username=username)
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    return user


@pytest.fixture
def supervisor_a(office):
    return _supervisor(office, "supervisor.surabaya")


@pytest.fixture
def supervisor_b(other_office):
    return _supervisor(other_office, "supervisor.makassar")
