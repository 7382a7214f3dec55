"""Home (search, province, near me) and the office page (calendar states, alternatives)."""

import datetime as dt
import re

import pytest
from django.utils import translation

from offices.models import Office
from tests import factories
from tests.web.conftest import TODAY, add_day, close, fill

pytestmark = pytest.mark.django_db


def _office_names(html: str) -> list[str]:
    return re.findall(r'class="office-name"><a href="/offices/[^/]+/">([^<]+)</a>', html)


def _cell(html: str, date: dt.date) -> str:
    match = re.search(rf'<td class="day ([^"]+)" data-date="{date.isoformat()}"', html)
    assert match, f"no calendar cell for {date}"
    return match.group(1)


def test_the_offices_address_without_an_office_leads_to_the_list_of_offices(client, pinned, surabaya):
    response = client.get("/offices/", {"q": "sura"})

    assert response.status_code == 302
    assert response["Location"] == "/?q=sura"
    assert "Kantor Imigrasi Kelas I Khusus TPI Surabaya" in client.get(response["Location"]).content.decode()


def test_home_lists_every_office_grouped_by_province(client, pinned, surabaya, makassar):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    listing = html[html.index('class="province-group"') :]
    assert listing.index("Jawa Timur") < listing.index(surabaya.name) < listing.index("Sulawesi Selatan")
    assert listing.index("Sulawesi Selatan") < listing.index(makassar.name)


def test_home_folds_each_province_so_a_phone_is_not_ten_screens_long(client, pinned, surabaya, malang, makassar):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    folded = re.findall(
        r'<details class="province-group">\s*<summary><h3 class="province-name">([^<]+)<span class="count">\(([^)]+)\)',
        html,
    )
    assert [(name.strip(), count) for name, count in folded] == [
        ("Jawa Timur", "2 offices"),
        ("Sulawesi Selatan", "1 office"),
    ]
    # A search shows its results open, as cards.
    searched = client.get("/?q=makassar").content.decode()
    assert "<details" not in searched and makassar.name in searched


def test_search_by_city_finds_the_office(client, pinned, surabaya, malang, makassar):
    html = client.get("/", {"q": "malang"}).content.decode()

    assert _office_names(html) == [malang.name]


def test_province_filter_keeps_only_that_province(client, pinned, surabaya, malang, makassar):
    html = client.get("/", {"province": "Sulawesi Selatan"}).content.decode()

    assert _office_names(html) == [makassar.name]
    assert '<option value="Sulawesi Selatan" selected>' in html


def test_an_unknown_province_is_ignored_rather_than_hiding_everything(client, pinned, surabaya, makassar):
    html = client.get("/", {"province": "Atlantis", "q": "imigrasi"}).content.decode()

    assert set(_office_names(html)) == {surabaya.name, makassar.name}


def test_service_points_are_listed_under_their_parent_office(client, pinned, surabaya, sidoarjo_point):
    html = client.get("/", {"q": "surabaya"}).content.decode()

    assert _office_names(html) == [surabaya.name]
    card = html[html.index('class="card office-card"') :]
    assert 'class="service-points"' in card
    assert '<a href="/offices/ulp-sidoarjo/">ULP Imigrasi Sidoarjo</a>' in card
    # Searching the service point itself shows it with its parent named.
    html = client.get("/", {"q": "ULP"}).content.decode()
    assert _office_names(html) == ["ULP Imigrasi Sidoarjo"]
    assert f"Service point of {surabaya.name}" in html or f"Titik layanan {surabaya.name}" in html


def _found(html: str) -> str:
    return re.search(r"<h2>([^<]*found|[^<]*ditemukan)</h2>", html).group(1)


@pytest.mark.parametrize(("language", "heading"), [("id", "1 kantor ditemukan"), ("en", "1 office found")])
def test_the_count_of_results_leaves_out_service_points_shown_in_their_office_s_card(
    client, pinned, surabaya, sidoarjo_point, language, heading
):
    """Both match "sidoarjo", and the service point is shown inside Surabaya's card: the
    heading said "2 offices found" above one card."""
    html = client.get("/", {"q": "sidoarjo"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert _office_names(html) == [surabaya.name]
    assert _found(html) == heading


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "1 kantor dan 1 titik layanan ditemukan"), ("en", "1 office and 1 service point found")],
)
def test_a_service_point_on_a_card_of_its_own_is_counted_as_a_service_point(
    client, pinned, surabaya, malang, language, heading
):
    factories.OfficeFactory(
        code="corner-malang",
        name="Imigrasi Corner Malang Town Square",
        kind=Office.Kind.CORNER,
        parent=surabaya,
        province="Jawa Timur",
        city="Kota Malang",
    )

    html = client.get("/", {"q": "malang"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    only_point = client.get("/", {"q": "town square"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert len(_office_names(html)) == 2
    assert _found(html) == heading
    assert _found(only_point) == ("1 titik layanan ditemukan" if language == "id" else "1 service point found")


def test_near_me_orders_offices_by_distance(client, pinned, surabaya, malang, makassar):
    # A point in Kota Batu, west of Malang.
    html = client.get("/", {"lat": "-7.87", "lon": "112.52"}).content.decode()

    names = _office_names(html)
    assert names[:3] == [malang.name, surabaya.name, makassar.name]
    assert "km" in html


def test_near_me_ignores_coordinates_that_are_not_on_earth(client, pinned, surabaya):
    response = client.get("/", {"lat": "123", "lon": "500"})

    assert response.status_code == 200
    assert surabaya.name in response.content.decode()


def test_calendar_shows_each_state(client, pinned, surabaya):
    full_day = TODAY + dt.timedelta(days=1)
    almost_full_day = TODAY + dt.timedelta(days=2)
    closed_day = TODAY + dt.timedelta(days=3)
    fill(surabaya, full_day)
    fill(surabaya, almost_full_day, leave=3)
    close(surabaya, closed_day, "Office moving to a new building")
    beyond_window = TODAY + dt.timedelta(days=surabaya.booking_window_days + 1)

    html = client.get("/offices/surabaya/").content.decode()

    assert "s-past" in _cell(html, TODAY)
    assert "s-full" in _cell(html, full_day)
    assert "s-almost_full" in _cell(html, almost_full_day)
    assert "s-closed" in _cell(html, closed_day)
    assert "s-open" in _cell(html, TODAY + dt.timedelta(days=6))
    assert "s-not_released" in _cell(html, beyond_window)
    assert "s-closed" in _cell(html, TODAY + dt.timedelta(days=4))  # Saturday: no sessions


def test_a_closed_date_says_why(client, pinned, surabaya):
    closed_day = TODAY + dt.timedelta(days=3)
    close(surabaya, closed_day, "Office moving to a new building")

    html = client.get("/offices/surabaya/", {"date": closed_day.isoformat()}).content.decode()

    assert "Office moving to a new building" in html


def test_a_date_not_yet_released_says_when_it_opens_with_the_zone(client, pinned, makassar):
    later = TODAY + dt.timedelta(days=makassar.booking_window_days + 2)

    with translation.override("en"):
        html = client.get("/offices/makassar/", {"date": later.isoformat()}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    release_day = later - dt.timedelta(days=makassar.booking_window_days)
    assert "WITA" in html
    assert f"{release_day.day} " in html
    assert "00.00 WITA" in html or "00:00 WITA" in html


def test_sessions_of_an_open_date_show_times_with_the_office_zone(client, pinned, makassar):
    date = TODAY + dt.timedelta(days=1)

    html = client.get("/offices/makassar/", {"date": date.isoformat()}).content.decode()

    assert "08.00–10.00 WITA" in html
    assert f"?date={date.isoformat()}&amp;session=08:00&amp;track=regular" in html


def test_dates_are_written_the_indonesian_way_by_default(client, pinned, surabaya):
    html = client.get("/offices/surabaya/", {"date": "2026-12-07"}).content.decode()

    assert "Senin, 7 Desember 2026" in html


def test_a_full_date_offers_next_dates_here_and_at_nearby_offices(
    client, pinned, surabaya, sidoarjo_point, malang, makassar
):
    wanted = TODAY + dt.timedelta(days=1)
    fill(surabaya, wanted)
    fill(surabaya, wanted + dt.timedelta(days=1))

    html = client.get("/offices/surabaya/", {"date": wanted.isoformat()}).content.decode()

    here = html[html.index('id="day"') :]
    next_free = wanted + dt.timedelta(days=2)
    assert f'href="?date={next_free.isoformat()}#day"' in here
    assert f'href="?date={(wanted + dt.timedelta(days=1)).isoformat()}#day"' not in here
    # The service point is nearest, then Malang; both have room on the wanted date.
    assert here.index(f"/offices/ulp-sidoarjo/?date={wanted.isoformat()}") < here.index(
        f"/offices/malang/?date={wanted.isoformat()}"
    )
    assert "if_full=next_available" in here
    assert "/offices/makassar/" not in here  # 800 km away is not "nearby"
    # Measured from this office, not from the person reading (who gave no location).
    assert "km dari kantor ini" in here
    assert "km dari Anda" not in here


def test_an_office_without_online_booking_says_so(client, pinned, surabaya):
    Office.objects.filter(pk=surabaya.pk).update(online_booking=False)
    from django.core.cache import cache

    cache.clear()

    html = client.get("/offices/surabaya/").content.decode()

    assert 'class="card notice warn"' in html


def test_an_office_without_online_booking_shows_no_closed_calendar_but_offices_that_book(
    client, pinned, surabaya, sidoarjo_point, malang
):
    """Every date read "Tutup" (closed) and a chosen one "The office does not serve
    applicants on this date. Reason: Online booking is not available at this office..",
    under a notice saying walk-ins are served there."""
    Office.objects.filter(pk=surabaya.pk).update(online_booking=False)
    wanted = (TODAY + dt.timedelta(days=1)).isoformat()

    html = client.get("/offices/surabaya/", {"date": wanted}).content.decode()
    english = client.get("/offices/surabaya/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = client.get("/offices/surabaya/book/", {"date": wanted}).content.decode()

    assert "data-online-paused" in html and 'class="calendar"' not in html and 'id="day"' not in html
    assert "Kantor tidak melayani pemohon pada tanggal ini" not in html
    assert "(lihat kalender)" not in html
    nearby = re.findall(r'<li><a href="/offices/([^/]+)/\?date=[^"]+#day"><strong>', html)
    assert nearby[:2] == ["ulp-sidoarjo", "malang"]
    assert "Nearby offices and service points that take online bookings" in english
    assert "First free date: Wednesday, 2 December 2026 — 20 places left" in english
    assert 'href="/">Cari kantor lain</a>' in html
    # The booking form's way on is another office, not another date here.
    assert 'href="/">Cari kantor lain</a>' in form and "Pilih tanggal lain" not in form
    assert "Kembali ke kalender" not in form and "Ganti tanggal" not in form


def test_an_unknown_office_is_404(client, pinned, db):
    assert client.get("/offices/atlantis/").status_code == 404


def test_the_office_page_costs_a_bounded_number_of_queries(client, pinned, surabaya, django_assert_max_num_queries):
    factories.OfficeFactory(code="other", latitude=None, longitude=None)
    wanted = TODAY + dt.timedelta(days=1)
    add_day(surabaya, wanted + dt.timedelta(days=90))

    with django_assert_max_num_queries(12):
        client.get("/offices/surabaya/", {"date": wanted.isoformat()})


def test_a_date_not_yet_released_points_to_the_dates_that_can_be_booked_now(client, pinned, surabaya):
    beyond_window = TODAY + dt.timedelta(days=surabaya.booking_window_days + 1)

    html = client.get("/offices/surabaya/", {"date": beyond_window.isoformat()}, HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()

    day = html[html.index('id="day"') :]
    badge = re.search(r'<span class="badge[^"]*">(.*?)</span>', day).group(1)
    assert badge == "Not yet released"
    assert "Dates you can book now at this office" in day
    links = re.findall(r'<a href="\?date=(\d{4}-\d{2}-\d{2})#day">', day)
    assert links and all(TODAY < dt.date.fromisoformat(link) < beyond_window for link in links)
    assert "No later date at this office has places left" not in day


def test_a_misspelt_search_suggests_the_office_s_word(client, pinned, surabaya, malang, makassar):
    html = client.get("/", {"q": "surbaya"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "0 offices found" in html
    suggestion = re.search(r'data-testid="search-suggestion">Did you mean <a [^>]*href="\?q=([^"&]+)"', html)
    assert suggestion and suggestion.group(1) == "surabaya"
    assert "Surabaya" in client.get("/", {"q": suggestion.group(1)}).content.decode()


def test_a_search_for_nothing_like_an_office_suggests_nothing(client, pinned, surabaya):
    html = client.get("/", {"q": "zzzzqqq"}).content.decode()

    assert "search-suggestion" not in html


def test_a_search_that_finds_offices_suggests_nothing(client, pinned, surabaya):
    html = client.get("/", {"q": "surabaya"}).content.decode()

    assert "search-suggestion" not in html
