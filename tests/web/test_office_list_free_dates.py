"""The office list shows each office's first free date: availability across offices at once."""

import datetime as dt
import re

import pytest
from django.core.cache import cache

from offices.models import Office, Slot
from offices.selectors.availability import NEXT_FREE_KEY, offices_next_free
from tests.web.conftest import NOW, TODAY, fill

pytestmark = pytest.mark.django_db

WEDNESDAY = TODAY + dt.timedelta(days=1)  # the first bookable day
THURSDAY = TODAY + dt.timedelta(days=2)


def _card(html: str, code: str) -> str:
    match = re.search(
        rf'<li class="card office-card">(?:(?!</li>\s*<li class="card).)*?/offices/{code}/".*?</li>', html, re.S
    )
    assert match, f"no card for {code}"
    return match.group(0)


def test_each_card_shows_its_offices_first_free_date_and_places(client, pinned, surabaya, malang):
    fill(surabaya, WEDNESDAY)

    html = client.get("/", {"province": "Jawa Timur"}).content.decode()

    surabaya_card, malang_card = _card(html, "surabaya"), _card(html, "malang")
    assert "Tanggal tersedia pertama: Kamis, 3 Desember 2026, 50 tempat" in surabaya_card
    assert f"/offices/surabaya/?date={THURSDAY.isoformat()}#day" in surabaya_card
    assert "Tanggal tersedia pertama: Rabu, 2 Desember 2026, 50 tempat" in malang_card


def test_an_office_full_in_its_whole_window_says_so(client, pinned, surabaya):
    Slot.objects.filter(office=surabaya).update(booked=0, capacity=0)

    html = client.get("/", {"q": "surabaya"}).content.decode()

    assert "Penuh di seluruh rentang pendaftaran" in _card(html, "surabaya")


def test_an_office_without_online_booking_shows_that_instead(client, pinned, surabaya):
    Office.objects.filter(pk=surabaya.pk).update(online_booking=False)

    card = _card(client.get("/", {"q": "surabaya"}).content.decode(), "surabaya")

    assert "Tanggal tersedia pertama" not in card and "Penuh di seluruh" not in card


def test_the_list_of_every_office_stays_a_list_of_names(client, pinned, surabaya):
    html = client.get("/").content.decode()

    assert "Tanggal tersedia pertama" not in html
    assert cache.get(NEXT_FREE_KEY) is None  # and costs nothing


def test_the_summary_is_read_once_for_every_office_and_cached(pinned, surabaya, malang, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # offices, closures, sessions (+ savepoint-free)
        first = offices_next_free(now=NOW)

    assert first[surabaya.id].date == WEDNESDAY and first[malang.id].places == 50
    with django_assert_max_num_queries(0):
        assert offices_next_free(now=NOW) == first


def test_while_another_process_reads_it_the_list_shows_no_dates(client, pinned, surabaya):
    cache.add(f"{NEXT_FREE_KEY}:claim", 1, 10)

    response = client.get("/", {"q": "surabaya"})

    assert response.status_code == 200
    assert "Tanggal tersedia pertama" not in response.content.decode()


def test_without_the_cache_the_list_still_answers_without_dates(client, pinned, surabaya, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)

    response = client.get("/", {"q": "surabaya"})

    assert response.status_code == 200
    assert "Tanggal tersedia pertama" not in response.content.decode()


def test_with_redis_out_the_list_still_shows_the_free_dates(client, pinned, surabaya, redis_out):
    fill(surabaya, WEDNESDAY)

    html = client.get("/", {"q": "surabaya"}).content.decode()

    assert "Tanggal tersedia pertama: Kamis, 3 Desember 2026, 50 tempat" in _card(html, "surabaya")
