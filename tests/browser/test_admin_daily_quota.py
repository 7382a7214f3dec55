"""The admin's "Set a daily quota" page in Chromium: each weekday's places, readable on a
phone and at a desk."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from offices.models import SessionTemplate
from offices.selectors import CENTRAL_ADMIN_GROUP
from offices.services import staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in
from tests.offices.conftest import weekly_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_quota_page_shows_each_weekday_and_fits_the_screen(browser, live_server, screenshot, width):
    office = weekly_office("surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    SessionTemplate.objects.filter(office=office, weekday=4, start=dt.time(13)).delete()
    staff_groups_sync()
    user = factories.UserFactory(username="pusat", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url, locale="id-ID")
    try:
        sign_in(context, live_server, user, language="id")
        page = context.new_page()
        page.goto("/admin/offices/office/")
        page.locator(f'input[name=_selected_action][value="{office.pk}"]').check()
        page.select_option("select[name=action]", "set_daily_quota")
        page.locator("button[name=index]").click()

        table = page.locator("table.weekly-plan")
        expect(table.locator("tbody tr")).to_have_count(5)
        expect(table.locator("tr.differs th")).to_have_text("Jumat")
        expect(page.get_by_text("Saat ini jumlah tempat tiap hari berbeda.")).to_be_visible()
        expect(page.locator("#id_regular")).to_have_value("30")
        screenshot(f"quota-{width}", target=page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    finally:
        context.close()
