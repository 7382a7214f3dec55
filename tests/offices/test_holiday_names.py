"""A national day off is named in the reader's language; a reason typed by hand as typed.

The availability cache is shared by readers of every language: a day cached for one
language is read in the other with that language's name.
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from offices.cache import availability_key
from offices.selectors import office_availability
from offices.services import closure_create, holidays_sync, offices_release

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday
CHRISTMAS_EVE = dt.date(2026, 12, 24)  # cuti bersama
CHRISTMAS = dt.date(2026, 12, 25)  # national holiday
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def office(weekly):
    offices_release(now=NOW)
    holidays_sync(years=[2026], now=NOW)
    return weekly


def reason(office, date: dt.date, language: str) -> str | None:
    with translation.override(language):
        return office_availability(office=office, start=date, days=1, now=NOW)[0]["reason"]


def test_an_english_reader_sees_a_holiday_by_its_english_name(office):
    assert reason(office, CHRISTMAS, "en") == "Christmas Day"
    assert reason(office, CHRISTMAS_EVE, "en") == "Collective leave for Christmas"


def test_an_indonesian_reader_sees_a_holiday_by_its_official_name(office):
    assert reason(office, CHRISTMAS, "id") == "Hari Raya Natal"
    assert reason(office, CHRISTMAS_EVE, "id") == "Cuti Bersama Hari Raya Natal"


def test_a_reason_typed_by_hand_is_shown_as_typed_in_either_language(office):
    closure_create(office=office, date=MONDAY, start=None, kind="local", reason="Rapat dinas", actor=None, now=NOW)
    # A national day off an admin recorded by hand has no English name either.
    election = dt.date(2026, 12, 9)
    closure_create(
        office=None, date=election, start=None, kind="holiday", reason="Pemungutan Suara", actor=None, now=NOW
    )

    for language in ("en", "id"):
        assert reason(office, MONDAY, language) == "Rapat dinas"
        assert reason(office, election, language) == "Pemungutan Suara"


@pytest.mark.parametrize(
    ("first", "then", "expected"), [("id", "en", "Christmas Day"), ("en", "id", "Hari Raya Natal")]
)
def test_a_day_cached_in_one_language_is_read_in_the_other_in_its_own(office, first, then, expected):
    reason(office, CHRISTMAS, first)
    assert cache.get(availability_key(office.id, CHRISTMAS)) is not None

    assert reason(office, CHRISTMAS, then) == expected


def test_the_availability_api_names_the_holiday_in_the_request_s_language(client, office):
    url = f"/api/v1/offices/{office.code}/availability/?start={CHRISTMAS_EVE.isoformat()}&days=2"
    with time_machine.travel(NOW, tick=False):
        indonesian = client.get(url, HTTP_ACCEPT_LANGUAGE="id").json()["days"]
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["days"]  # from the shared cache

    assert [(d["status"], d["reason"]) for d in indonesian] == [
        ("closed", "Cuti Bersama Hari Raya Natal"),
        ("closed", "Hari Raya Natal"),
    ]
    assert [(d["status"], d["reason"]) for d in english] == [
        ("closed", "Collective leave for Christmas"),
        ("closed", "Christmas Day"),
    ]
    assert set(english[0]) == set(indonesian[0]) == {"date", "status", "reason", "release_at", "sessions"}
