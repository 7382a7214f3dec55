"""The counters in the admin: who opened one last and when is the desk's record, shown on the
office's clock and never edited there."""

import pytest

from applicants.models import ServiceCounter
from tests.factories import UserFactory
from tests.staff.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(office):
    officer = UserFactory(username="budi.surabaya", first_name="Budi", last_name="Santoso")
    return ServiceCounter.objects.create(office=office, name="Loket 1", opened_at=at(8, 10), opened_by=officer)


def test_the_counter_page_shows_who_opened_it_and_when_without_letting_it_be_edited(admin_client, counter):
    html = admin_client.get(f"/admin/applicants/servicecounter/{counter.pk}/change/").text

    assert "08.10 WIB" in html
    assert "budi.surabaya" in html or "Budi Santoso" in html
    # An editable "opened by" was a list of every user of every office.
    assert 'name="opened_by"' not in html and 'name="opened_at_0"' not in html


def test_saving_a_counter_in_the_admin_keeps_who_opened_it(admin_client, counter):
    response = admin_client.post(
        f"/admin/applicants/servicecounter/{counter.pk}/change/",
        {"office": counter.office_id, "name": "Loket 1A", "track": "", "is_active": "on"},
    )

    assert response.status_code == 302
    counter.refresh_from_db()
    assert counter.name == "Loket 1A"
    assert counter.opened_at == at(8, 10) and counter.opened_by.username == "budi.surabaya"


def test_the_counter_list_says_when_each_was_opened(admin_client, counter):
    html = admin_client.get("/admin/applicants/servicecounter/").text

    assert "08.10 WIB" in html
