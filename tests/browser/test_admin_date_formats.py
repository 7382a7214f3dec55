"""The admin's calendar in Chromium with the product's date formats: a date field shows
"17 Mar 2027" in English and "17-03-2027" in Indonesian, the calendar opens at that
date's month with its day marked, a day picked is written the same way, and it saves
and reads back (queue_booking/formats, static/js/admin/date_names.js)."""

import datetime as dt

import pytest

from offices.models import DateOverride
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Months away from today's, so that a calendar opened at today's month would show.
STORED = dt.date(2027, 3, 17)
PICKED = dt.date(2027, 3, 24)


@pytest.fixture
def viewport():
    return {"width": 1280, "height": 900}


@pytest.fixture
def office(transactional_db):
    return factories.OfficeFactory(code="makassar", name="Kantor Imigrasi Kelas I TPI Makassar")


@pytest.fixture
def superuser(transactional_db):
    return factories.UserFactory(username="pusat", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("language", "shown", "month", "written"),
    [
        ("en", "17 Mar 2027", "March 2027", "24 Mar 2027"),
        ("id", "17-03-2027", "Maret 2027", "24-03-2027"),
    ],
)
def test_a_date_picked_in_the_calendar_is_written_saved_and_read_back(
    context, live_server, page, screenshot, office, superuser, language, shown, month, written
):
    DateOverride.objects.create(office=office, date=STORED, start=dt.time(8), end=dt.time(10), capacity_regular=5)
    sign_in(context, live_server, superuser, language)
    url = f"/admin/offices/office/{office.pk}/change/"
    field = page.locator("#id_date_overrides-0-date")

    page.goto(url)
    page.wait_for_load_state("load")  # Django's calendar shortcuts are drawn on load
    assert field.input_value() == shown
    # The whole date is seen: the field is wide enough for "17 Mar 2027".
    assert field.evaluate("el => el.scrollWidth <= el.clientWidth"), field.evaluate(
        "el => [el.scrollWidth, el.clientWidth]"
    )
    field.scroll_into_view_if_needed()
    screenshot(f"field-{language}")
    page.locator("#id_date_overrides-0-date ~ .datetimeshortcuts a:has(.date-icon)").click()
    calendar = page.locator(".calendarbox:visible")
    assert calendar.locator("caption").text_content().strip() == month
    assert calendar.locator("td.selected").inner_text() == "17"
    screenshot(f"calendar-{language}")

    calendar.locator("td a", has_text="24").click()
    assert field.input_value() == written
    page.locator("input[name=_continue]").click()
    page.wait_for_url(f"**{url}")

    assert page.locator("#id_date_overrides-0-date").input_value() == written
    assert DateOverride.objects.get().date == PICKED
    assert not page.js_errors
