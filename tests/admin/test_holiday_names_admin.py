"""The admin names a national day off in the admin's language; a typed reason as typed."""

import datetime as dt
import re

import pytest
import time_machine

from offices.models import Closure
from offices.services import closure_create, holidays_sync
from tests import factories

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday
CHRISTMAS = dt.date(2026, 12, 25)
MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def christmas_row(office, central_admin):
    """A session of Christmas Day, closed by the holiday sync, and a typed closure."""
    row = factories.SlotFactory(office=office, date=CHRISTMAS)
    holidays_sync(years=[2026], now=NOW)
    closure_create(office=office, date=MONDAY, start=None, kind="local", reason="Rapat dinas", actor=None, now=NOW)
    row.refresh_from_db()
    return row


def text(response) -> str:
    html = response.content.decode()
    html = html[html.index('<div id="content"') : html.index("<footer")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def christmas() -> Closure:
    return Closure.objects.get(date=CHRISTMAS, kind="holiday")


def test_the_closure_list_names_holidays_in_the_admin_s_language(client, christmas_row):
    english = text(client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="en"))
    indonesian = text(client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="id"))

    assert "Christmas Day" in english and "Hari Raya Natal" not in english
    assert "Collective leave for Christmas" in english
    assert "Hari Raya Natal" in indonesian and "Christmas Day" not in indonesian
    assert "Rapat dinas" in english and "Rapat dinas" in indonesian


def test_the_closure_list_finds_a_holiday_by_either_name(client, christmas_row):
    for term in ("Christmas Day", "Hari Raya Natal"):
        page = text(client.get("/admin/offices/closure/", {"q": term}, HTTP_ACCEPT_LANGUAGE="en"))
        assert "Christmas Day" in page, term


def test_a_recorded_holiday_shows_both_its_names(client, christmas_row):
    page = text(client.get(f"/admin/offices/closure/{christmas().pk}/change/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Hari Raya Natal" in page  # the reason as recorded
    assert "Reason in English: Christmas Day" in page


def test_the_lift_page_names_the_holiday_in_english(client, christmas_row):
    page = text(client.get(f"/admin/offices/closure/{christmas().pk}/delete/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Reason Christmas Day" in page


def test_a_session_closed_by_a_holiday_names_it_in_the_admin_s_language(client, christmas_row):
    url = f"/admin/offices/slot/{christmas_row.pk}/change/"

    assert "Closure reason: Christmas Day" in text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Alasan penutupan: Hari Raya Natal" in text(client.get(url, HTTP_ACCEPT_LANGUAGE="id"))


def test_lifting_a_closure_says_the_holiday_that_keeps_the_day_closed_in_english(client, christmas_row, office):
    own = closure_create(
        office=office, date=CHRISTMAS, start=None, kind="local", reason="Renovasi", actor=None, now=NOW
    ).closure

    page = text(client.get(f"/admin/offices/closure/{own.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "because another closure still covers them: 08:00 WIB (Christmas Day)" in page


# --- A national day off typed by hand -------------------------------------------------


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _add(client, reason: str, date: dt.date, reason_en: str = "", language: str = "en"):
    response = client.post(
        "/admin/offices/closure/add/",
        {"office": "", "date": date.isoformat(), "kind": "holiday", "reason": reason, "reason_en": reason_en},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert response.redirect_chain, text(response)
    return response


@pytest.mark.parametrize(
    ("typed", "date", "english"),
    [
        ("Hari Raya Natal", dt.date(2026, 12, 26), "Christmas Day"),
        ("hari raya  natal ", dt.date(2026, 12, 26), "Christmas Day"),
        # The data names 2027's Idul Fitri "(perkiraan)": the name without it is 2026's.
        ("Hari Raya Idul Fitri", dt.date(2027, 3, 10), "Eid al-Fitr"),
        ("Cuti Bersama Hari Raya Idul Fitri", dt.date(2026, 12, 28), "Collective leave for Eid al-Fitr"),
    ],
)
def test_a_day_off_typed_with_its_official_name_gets_its_english_name(client, central_admin, typed, date, english):
    response = _add(client, typed, date)

    closure = Closure.objects.get(date=date)
    assert (closure.reason, closure.reason_en) == (typed.strip(), english)
    assert f"The English name of this national day off was filled in: {english}." in _messages(response)


def test_an_english_name_typed_beside_a_day_off_s_name_is_kept(client, central_admin):
    _add(client, "Hari Raya Natal", dt.date(2026, 12, 26), reason_en="Boxing Day")

    assert Closure.objects.get(date=dt.date(2026, 12, 26)).reason_en == "Boxing Day"


def test_any_other_reason_has_no_english_name_and_reads_as_typed(client, central_admin):
    response = _add(client, "Hari Raya Natal kedua", dt.date(2026, 12, 26))

    assert Closure.objects.get(date=dt.date(2026, 12, 26)).reason_en == ""
    assert not any("filled in" in message for message in _messages(response))
    listing = text(client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Hari Raya Natal kedua" in listing


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Left empty, a reason that is the official name of a national day off (e.g. Hari Raya Natal) gets"),
        ("id", "Jika dikosongkan, alasan yang merupakan nama resmi hari libur nasional (misalnya Hari Raya Natal)"),
    ],
)
def test_the_form_says_when_the_english_name_is_filled_in(client, central_admin, language, said):
    page = text(client.get("/admin/offices/closure/add/", HTTP_ACCEPT_LANGUAGE=language))

    assert said in page
