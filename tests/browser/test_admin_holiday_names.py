"""A national day off typed by hand in the admin, with its official Indonesian name, gets
its English name as the holiday sync would give it: the English pages name it in English."""

import datetime as dt

import pytest
from django.utils import timezone

from offices.models import Closure
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport():
    return {"width": 1280, "height": 800}


def test_a_day_off_typed_by_its_indonesian_name_reads_in_english_on_english_pages(
    context, live_server, page, screenshot
):
    factories.OfficeFactory(code="batam", name="Kantor Imigrasi Kelas I Khusus TPI Batam")
    superuser = factories.UserFactory(username="pusat", is_staff=True, is_superuser=True)
    sign_in(context, live_server, superuser, "en")
    day = timezone.localdate() + dt.timedelta(days=10)

    page.goto("/admin/offices/closure/add/")
    help_text = page.locator("#id_reason_en_helptext").inner_text()
    assert "gets that day's English name (Christmas Day)" in help_text
    assert "any other reason is shown as typed" in help_text
    page.locator("#id_date").fill(day.strftime("%Y-%m-%d"))
    page.locator("#id_kind").select_option("holiday")
    page.locator("#id_reason").fill("Hari Raya Natal")
    screenshot("form")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/offices/closure/")
    screenshot("list")

    assert (
        "The English name of this national day off was filled in: Christmas Day."
        in page.locator("ul.messagelist").inner_text()
    )
    assert page.locator("#result_list td.field-reason_shown").all_inner_texts() == ["Christmas Day"]
    assert Closure.objects.get().reason_en == "Christmas Day"
    assert not page.js_errors
