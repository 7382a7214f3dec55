"""The office page names a national day off in the page's language."""

import datetime as dt

import pytest

from offices.services import holidays_sync
from tests.web.conftest import NOW, TODAY, close

pytestmark = pytest.mark.django_db

CHRISTMAS = dt.date(2026, 12, 25)


@pytest.fixture
def christmas(pinned, surabaya):
    holidays_sync(years=[2026], now=NOW)
    return surabaya


def page(client, language: str, date: dt.date = CHRISTMAS) -> str:
    return client.get("/offices/surabaya/", {"date": date.isoformat()}, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_an_english_page_names_the_holiday_in_english(client, christmas):
    html = page(client, "en")

    assert "Closed: Christmas Day" in html  # the calendar cell and the day's heading
    assert "Reason: Christmas Day." in html
    assert "Hari Raya Natal" not in html


def test_an_indonesian_page_names_the_holiday_by_its_official_name(client, christmas):
    html = page(client, "id")

    assert "Tutup: Hari Raya Natal" in html
    assert "Alasan: Hari Raya Natal." in html
    assert "Christmas Day" not in html


def test_an_english_page_read_after_an_indonesian_one_still_says_english(client, christmas):
    page(client, "id")  # caches the days

    assert "Closed: Christmas Day" in page(client, "en")


def test_a_reason_typed_by_hand_reads_as_typed_on_an_english_page(client, christmas):
    moving_day = TODAY + dt.timedelta(days=3)
    close(christmas, moving_day, "Pindah gedung")

    html = page(client, "en", moving_day)

    assert "Closed: Pindah gedung" in html
    assert "Reason: Pindah gedung." in html


def test_a_reason_typed_with_a_full_stop_ends_one_sentence_once(client, christmas):
    moving_day = TODAY + dt.timedelta(days=3)
    close(christmas, moving_day, "Pindah gedung.")

    html = page(client, "id", moving_day)

    assert "Alasan: Pindah gedung." in html
    assert "gedung.." not in html


def test_an_english_name_typed_beside_a_reason_in_the_admin_is_shown_on_english_pages(client, christmas, central_admin):
    flood_day = TODAY + dt.timedelta(days=3)
    response = client.post(
        "/admin/offices/closure/add/",
        {
            "office": christmas.pk,
            "date": flood_day.isoformat(),
            "kind": "local",
            "reason": "Banjir",
            "reason_en": "Flood",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert "Closed: Flood" in page(client, "en", flood_day)
    indonesian = page(client, "id", flood_day)
    assert "Tutup: Banjir" in indonesian
    assert "Flood" not in indonesian
