"""The admin lists show the columns and filters that help the person reading them.

A supervisor of one office saw that office's long name on every row (pushing status and
booked / capacity out of sight) and filters with a single choice; a central admin could
not narrow the bookings of 167 offices to one.
"""

import datetime as dt
import re

import pytest
import time_machine

from applicants.models import Booking, Channel
from applicants.services.booking import booking_create
from offices.models import Closure, OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(office, serial: int) -> Booking:
    slot = factories.SlotFactory(office=office, date=DAY, capacity=5)
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial))
    return booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=NOW, channel=Channel.ONLINE
    ).booking


def _supervisor(*offices):
    staff_groups_sync()
    user = factories.UserFactory(username=f"supervisor.{len(offices)}")
    for office in offices:
        membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    return user


@pytest.mark.parametrize("path", ["/admin/applicants/booking/", "/admin/offices/slot/"])
def test_a_supervisor_of_one_office_is_not_shown_the_office_on_every_row(client, office, path):
    _book(office, 1)
    client.force_login(_supervisor(office))

    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "column-office" not in page
    assert "By office" not in page
    # Not in a cell; each row's tick box names its row, office included, for screen readers.
    rows = re.sub(r'aria-label="[^"]*"', "", page.split('id="result_list"')[1])
    assert office.name not in rows


def test_a_supervisor_of_one_office_gets_no_filters_for_a_list_of_one_office(client, office):
    client.force_login(_supervisor(office))

    page = client.get("/admin/offices/office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert office.name in page
    assert 'id="changelist-filter"' not in page


def test_a_supervisor_of_two_offices_still_reads_and_filters_by_office(client, office, other_office):
    _book(office, 2)
    client.force_login(_supervisor(office, other_office))

    page = client.get("/admin/applicants/booking/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "column-office" in page and "By office" in page


def test_a_central_admin_narrows_the_bookings_to_one_office(client, central_admin_user, office, other_office):
    here, there = _book(office, 3), _book(other_office, 4)
    client.force_login(central_admin_user)

    page = client.get("/admin/applicants/booking/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    narrowed = client.get(f"/admin/applicants/booking/?office={other_office.pk}").content.decode()

    assert "By office" in page and "column-office" in page
    assert there.code in narrowed and here.code not in narrowed


def test_the_date_filter_looks_ahead_from_the_offices_today(client, other_office):
    # 23 Nov 17.00 WITA: today is the 23rd there.
    for day in (22, 23, 24, 29, 30):
        factories.SlotFactory(office=other_office, date=dt.date(2026, 11, day), capacity=5)
    client.force_login(_supervisor(other_office))

    page = client.get("/admin/offices/slot/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    week = client.get("/admin/offices/slot/?when=week", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    tomorrow = client.get("/admin/offices/slot/?when=tomorrow", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "Next 7 days" in page and "Past 7 days" not in page
    listed = week.split('id="result_list"')[1]
    assert all(f"{day} Nov 2026" in listed for day in (23, 24, 29))
    assert "22 Nov 2026" not in listed and "30 Nov 2026" not in listed
    assert "Besok" in tomorrow and "24 Nov. 2026" in tomorrow.split('id="result_list"')[1]
    assert "23 Nov. 2026" not in tomorrow.split('id="result_list"')[1]


def _closures(office, other_office) -> None:
    national, local = Closure.Kind.NATIONAL_HOLIDAY, Closure.Kind.LOCAL
    for where, day, kind, reason in [
        (None, dt.date(2027, 8, 17), national, "Kemerdekaan 2027"),
        (None, dt.date(2026, 12, 25), national, "Natal"),
        (office, dt.date(2026, 11, 27), local, "Listrik padam"),
        (office, dt.date(2026, 11, 10), local, "Banjir"),
        (None, dt.date(2026, 8, 17), national, "Kemerdekaan 2026"),
        (other_office, dt.date(2026, 11, 30), local, "Renovasi"),
    ]:
        Closure.objects.create(office=where, date=day, kind=kind, reason=reason)


def _listed(page: str, reasons: list[str]) -> list[str]:
    rows = page.split('id="result_list"')[1]
    return sorted((reason for reason in reasons if reason in rows), key=rows.index)


REASONS = ["Kemerdekaan 2027", "Natal", "Listrik padam", "Banjir", "Kemerdekaan 2026", "Renovasi"]


def test_closures_list_the_upcoming_soonest_first_then_the_past(client, central_admin_user, office, other_office):
    _closures(office, other_office)
    client.force_login(central_admin_user)

    page = client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert _listed(page, REASONS) == [
        "Listrik padam",
        "Renovasi",
        "Natal",
        "Kemerdekaan 2027",
        "Banjir",
        "Kemerdekaan 2026",
    ]


def test_a_central_admin_narrows_the_closures_to_one_office_with_the_national_ones(
    client, central_admin_user, office, other_office
):
    _closures(office, other_office)
    client.force_login(central_admin_user)

    page = client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    narrowed = client.get(f"/admin/offices/closure/?office={office.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "By office" in page
    assert _listed(narrowed, REASONS) == ["Listrik padam", "Natal", "Kemerdekaan 2027", "Banjir", "Kemerdekaan 2026"]


def test_a_supervisor_of_one_office_reads_its_closures_first_without_an_office_filter(client, office, other_office):
    _closures(office, other_office)
    client.force_login(_supervisor(office))

    page = client.get("/admin/offices/closure/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "By office" not in page
    assert _listed(page, REASONS)[:2] == ["Listrik padam", "Natal"]
    assert "Renovasi" not in page


def _searched(client, term: str, language: str) -> set[tuple[str, str]]:
    """(date, session) of each row the slot list finds for ``term``."""
    page = client.get("/admin/offices/slot/", {"q": term}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    if 'id="result_list"' not in page:
        return set()
    rows = page.split('id="result_list"')[1].split("</table>")[0]
    return set(
        re.findall(
            r'<th class="field-date[^"]*"><a [^>]*>([^<]+)</a></th>.*?<td class="field-session">([^<]+)</td>', rows
        )
    )


def test_a_supervisor_of_one_office_searches_the_sessions_by_date_and_start(client, other_office):
    for day in (24, 30):
        for start, end in ((dt.time(8), dt.time(10)), (dt.time(10), dt.time(12))):
            factories.SlotFactory(office=other_office, date=dt.date(2026, 11, day), start=start, end=end)
    client.force_login(_supervisor(other_office))

    the_30th = {("30 Nov. 2026", "08.00-10.00"), ("30 Nov. 2026", "10.00-12.00")}
    assert _searched(client, "2026-11-30", "id") == the_30th
    assert _searched(client, "30 Nov. 2026", "id") == the_30th
    assert _searched(client, "30 november 2026", "id") == the_30th
    assert _searched(client, "30/11/2026", "id") == the_30th
    assert _searched(client, "30 Nov 2026", "en") == {
        ("30 Nov 2026", "08:00-10:00"),
        ("30 Nov 2026", "10:00-12:00"),
    }
    assert _searched(client, "10:00", "id") == {("24 Nov. 2026", "10.00-12.00"), ("30 Nov. 2026", "10.00-12.00")}
    assert _searched(client, "24 Nov. 2026 08.00", "id") == {("24 Nov. 2026", "08.00-10.00")}
    assert _searched(client, "31 Nov. 2026", "id") == set()  # no such date: nothing, not an error


def test_the_office_search_still_works_for_a_central_admin(client, central_admin_user, office, other_office):
    factories.SlotFactory(office=office, date=DAY)
    factories.SlotFactory(office=other_office, date=DAY)
    client.force_login(central_admin_user)

    page = client.get("/admin/offices/slot/", {"q": other_office.code}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    rows = page.split('id="result_list"')[1].split("</table>")[0]
    assert other_office.name in rows and office.name not in rows


LISTS_WITH_AN_OFFICE_FILTER = ["/admin/applicants/booking/", "/admin/applicants/notification/", "/admin/offices/slot/"]


@pytest.mark.parametrize("path", LISTS_WITH_AN_OFFICE_FILTER)
def test_a_link_with_an_office_filter_opens_for_a_supervisor_of_one_office(client, office, path):
    """Their list shows no office filter, and the admin refused a filter it does not show
    with its "incorrect lookup" page (``?e=1``): the list opens without that part."""
    _book(office, 5)
    client.force_login(_supervisor(office))

    response = client.get(f"{path}?office={office.pk}&o=1")
    opened = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302 and response["Location"] == f"{path}?o=1"
    assert opened.status_code == 200 and "e=1" not in opened.get("Location", "")


def test_a_supervisor_of_two_offices_keeps_the_office_filter_of_a_link(client, office, other_office):
    here, there = _book(office, 6), _book(other_office, 7)
    client.force_login(_supervisor(office, other_office))

    response = client.get(f"/admin/applicants/booking/?office={other_office.pk}")

    assert response.status_code == 200
    listed = response.content.decode().split('id="result_list"')[1]
    assert there.code in listed and here.code not in listed


def test_the_office_list_says_each_release_in_a_few_words(client, central_admin, office, other_office):
    """The policy's own label ("Batch: a block of dates at a set weekday and time") pushed
    the list of offices past a 1280 px screen; the list says when dates open instead."""
    office.release_policy = office.ReleasePolicy.BATCH
    office.release_weekday, office.release_time, office.release_block_days = 0, dt.time(9), 7
    office.save()
    other_office.release_policy, other_office.release_time = other_office.ReleasePolicy.ROLLING, dt.time(0)
    other_office.save()

    english = client.get("/admin/offices/office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    indonesian = client.get("/admin/offices/office/", HTTP_ACCEPT_LANGUAGE="id").content.decode()

    cells = re.findall(r'<td class="field-release_shown">(.*?)</td>', english)
    assert sorted(cells) == ["Monday 09:00, 7 days", "every day at 00:00"]
    assert "a block of dates" not in english.split('id="result_list"')[1].split("</table>")[0]
    assert sorted(re.findall(r'<td class="field-release_shown">(.*?)</td>', indonesian)) == [
        "Senin 09.00, 7 hari",
        "setiap hari pukul 00.00",
    ]
