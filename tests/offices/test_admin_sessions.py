"""The office form refuses session plans that make no sense, in the admin's language."""

import datetime as dt

import pytest
import time_machine

from offices.models import DateOverride, OfficeMembership, SessionTemplate
from offices.services import membership_grant, offices_release, staff_groups_sync
from tests import factories
from tests.offices.admin_forms import change, errors, office_form
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(db):
    office = weekly_office("surabaya", name="Kanim Surabaya")
    offices_release(now=NOW)
    return office


@pytest.fixture
def superuser(client, db):
    user = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def supervisor(client, office):
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    return user


def test_a_session_that_ends_before_it_starts_is_refused_in_words(client, supervisor, office):
    data = office_form(office)
    data["session_templates-1-end"] = "09:00"  # Monday 10:00-09:00

    text = errors(change(client, office, data, "id"))

    assert "Sesi harus berakhir setelah dimulai." in text
    assert "session_template_ends_after_start" not in text
    assert SessionTemplate.objects.filter(office=office, weekday=0, start=dt.time(10), end=dt.time(12)).exists()


def test_overlapping_sessions_on_one_weekday_are_refused(client, supervisor, office):
    data = office_form(office)
    data["session_templates-1-start"] = "09:00"  # Monday 08:00-10:00 and 09:00-12:00
    data["session_templates-4-start"] = "09:00"  # Tuesday too: each day is checked

    text = errors(change(client, office, data))

    assert text.count("This session overlaps the session 08:00-10:00 of the same day.") == 2
    assert not SessionTemplate.objects.filter(office=office, start=dt.time(9)).exists()


def test_sessions_that_only_touch_are_accepted(client, supervisor, office):
    data = office_form(office)
    data["session_templates-0-end"] = "10:00"

    assert change(client, office, data).status_code == 302


def test_overlapping_overrides_of_one_date_are_refused(client, supervisor, office):
    monday = {"date": "2026-11-30", "capacity_regular": "5", "capacity_express": "0", "capacity_priority": "0"}
    data = office_form(
        office, overrides=[{**monday, "start": "08:00", "end": "12:00"}, {**monday, "start": "11:00", "end": "13:00"}]
    )

    text = errors(change(client, office, data))

    assert "This session overlaps the session 08:00-12:00 of the same day." in text
    assert not DateOverride.objects.exists()


def test_an_override_for_today_is_refused_and_for_tomorrow_accepted(client, supervisor, office):
    day = {"start": "08:00", "end": "10:00", "capacity_regular": "5", "capacity_express": "0", "capacity_priority": "0"}

    today = change(client, office, office_form(office, overrides=[{**day, "date": "2026-11-25"}]))
    tomorrow = change(client, office, office_form(office, overrides=[{**day, "date": "2026-11-26"}]))

    assert "A date override applies from tomorrow." in errors(today)
    assert tomorrow.status_code == 302
    assert list(DateOverride.objects.values_list("date", flat=True)) == [dt.date(2026, 11, 26)]


def test_the_release_weekday_is_chosen_by_name_and_a_bad_one_is_refused(client, superuser, office):
    page = client.get(f"/admin/offices/office/{office.pk}/change/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    data = office_form(office, release_policy="batch", release_weekday="9")

    text = errors(change(client, office, data))

    assert '<option value="4">Jumat</option>' in page
    assert "office_release_weekday_range" not in text and "Select a valid choice" in text


@pytest.mark.parametrize("language, words", [("id", "menggantikan semua sesi"), ("en", "replace all of that weekday")])
def test_the_date_overrides_say_that_they_replace_the_day_s_weekly_sessions(
    client, supervisor, office, language, words
):
    html = client.get(f"/admin/offices/office/{office.pk}/change/", HTTP_ACCEPT_LANGUAGE=language).text

    help_at = html.index('data-testid="date-overrides-help"')
    assert words in html[help_at : help_at + 400]
    assert help_at < html.index('id="date_overrides-group"')


def test_a_weekly_session_past_what_any_office_serves_is_refused(client, supervisor, office):
    before = sorted(SessionTemplate.objects.filter(office=office).values_list("capacity_regular", flat=True))
    data = office_form(office)
    data["session_templates-0-capacity_regular"] = "100001"

    assert "100000" in errors(change(client, office, data))
    after = sorted(SessionTemplate.objects.filter(office=office).values_list("capacity_regular", flat=True))
    assert after == before
