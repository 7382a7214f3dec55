"""A time field in the admin is on the office's clock, named with its zone: Django's note
"you are N hours behind server time" would tell a supervisor in another zone to shift it."""

import pytest

from offices.models import OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def context(browser, live_server):
    """A browser in Jakarta (WIB), as a central office's staff would use."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-US", timezone_id="Asia/Jakarta", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_a_makassar_closure_form_in_a_jakarta_browser_has_no_server_time_note(context, page, live_server, screenshot):
    office = factories.OfficeFactory(code="makassar", name="Kantor Imigrasi Makassar", timezone="Asia/Makassar")
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.makassar")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    sign_in(context, live_server, user)

    page.goto("/admin/offices/closure/add/")
    page.wait_for_load_state("load")
    # The time field's own shortcuts are there (Django's script ran) ...
    assert page.locator(".datetimeshortcuts").count() >= 1
    screenshot("closure-form")
    # ... without the note comparing the browser's zone with the office's.
    assert page.locator(".timezonewarning").count() == 0
