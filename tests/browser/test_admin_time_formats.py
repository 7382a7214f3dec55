"""The admin in Chromium writes times as the rest of the product: 08.00 in Indonesian,
08:00 in English, in its lists, its time fields and their "Choose a time" list, and
takes a time typed either way."""

import datetime as dt

import pytest
from django.utils import timezone

from offices.models import Closure, Office
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport():
    return {"width": 1280, "height": 800}


@pytest.fixture
def office(transactional_db):
    return factories.OfficeFactory(
        code="makassar", name="Kantor Imigrasi Kelas I TPI Makassar", timezone="Asia/Makassar"
    )


@pytest.fixture
def superuser(transactional_db):
    return factories.UserFactory(username="pusat", is_staff=True, is_superuser=True)


def test_the_english_closure_list_gives_a_session_start_as_08_00(
    context, live_server, page, screenshot, office, superuser
):
    Closure.objects.create(
        office=office,
        date=timezone.localdate() + dt.timedelta(days=3),
        start=dt.time(8),
        kind=Closure.Kind.LOCAL,
        reason="Apel pagi",
    )
    sign_in(context, live_server, superuser, "en")

    page.goto("/admin/offices/closure/")
    screenshot("closures-en")

    assert page.locator("#result_list td.field-start").all_inner_texts() == ["08:00"]
    assert "a.m." not in page.locator("#result_list").inner_text()


def _clock_choices(page) -> list[str]:
    page.locator("#id_opening_time").scroll_into_view_if_needed()
    page.locator("#id_opening_time ~ .datetimeshortcuts a:has(.clock-icon)").click()
    box = page.locator(".clockbox").filter(has=page.locator("li")).locator("visible=true")
    return [text.strip() for text in box.locator("ul.timelist li").all_inner_texts()]


@pytest.mark.parametrize(
    ("language", "opening", "choices", "typed", "saved"),
    [
        ("id", "07.30", ["Sekarang", "00.00", "06.00", "12.00", "18.00"], "7.15", "07.15"),
        ("en", "07:30", ["Now", "00:00", "06:00", "12:00", "18:00"], "7.15", "07:15"),
    ],
)
def test_an_office_s_time_fields_read_and_take_times_as_the_product_writes_them(
    context, live_server, page, screenshot, office, superuser, language, opening, choices, typed, saved
):
    Office.objects.filter(pk=office.pk).update(opening_time=dt.time(7, 30))
    sign_in(context, live_server, superuser, language)
    url = f"/admin/offices/office/{office.pk}/change/"

    page.goto(url)
    page.wait_for_load_state("load")  # Django's time shortcuts are drawn on load
    assert page.locator("#id_opening_time").input_value() == opening
    assert _clock_choices(page) == choices
    screenshot(f"office-clock-{language}")

    page.locator(".clockbox:visible ul.timelist li a", has_text=choices[2]).click()
    assert page.locator("#id_opening_time").input_value() == choices[2]

    page.locator("#id_opening_time").fill(typed)
    page.locator("input[name=_continue]").click()
    page.wait_for_url(f"**{url}")
    assert page.locator("#id_opening_time").input_value() == saved
    office.refresh_from_db()
    assert office.opening_time == dt.time(7, 15)
    assert not page.js_errors
