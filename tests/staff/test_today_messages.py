"""The Today page tells the office's supervisors how many messages to applicants failed
and still wait for someone, and opens exactly those in the admin."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.models import BookingStatus, Notification
from applicants.views import staff_day
from offices.models import OfficeMembership, Track
from offices.services import membership_grant, staff_groups_sync
from tests import factories
from tests.staff.conftest import make_booking

pytestmark = pytest.mark.django_db

NOTE = 'data-testid="unresolved-messages"'
LIST = "/admin/applicants/notification/"


def _failed(slot, *, kind: str = Notification.Kind.CONFIRMATION, **booking_fields) -> Notification:
    booking = make_booking(slot, **booking_fields)
    return Notification.objects.create(
        booking=booking, kind=kind, channel="sms", dedupe_key=f"{booking.code}:{kind}:sms", state="failed", attempts=3
    )


def _today(client, office, language: str = "en"):
    response = client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


@pytest.fixture
def messages_supervisor(office):
    """A supervisor as ``membership_grant`` makes one: in the ``supervisor`` group, which
    may view messages."""
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.messages")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    return user


@pytest.fixture
def messages_client(client, messages_supervisor):
    client.force_login(messages_supervisor)
    return client


def test_the_page_counts_the_office_s_failed_messages_and_links_to_them(messages_client, office, slots, morning):
    slot = slots[(dt.time(8), Track.REGULAR)]
    _failed(slot)
    _failed(slot)
    resent = _failed(slot)
    Notification.objects.filter(id=resent.id).update(state="pending")  # sent again: dealt with

    page = _today(messages_client, office).text

    url = f"{LIST}?state=unresolved&amp;office={office.id}"
    assert NOTE in page
    assert f'<a href="{url}">2 messages to applicants failed</a> and wait for someone' in page


def test_it_says_it_in_indonesian(messages_client, office, slots, morning):
    _failed(slots[(dt.time(8), Track.REGULAR)])

    page = _today(messages_client, office, "id").text

    assert "1 pesan kepada pemohon gagal terkirim</a> dan menunggu ditangani" in page


def test_the_link_opens_exactly_the_office_s_unresolved_messages(
    messages_client, messages_supervisor, office, slots, other_office, other_slots, morning
):
    ours = [_failed(slots[(dt.time(8), Track.REGULAR)]) for _ in range(2)]
    # A supervisor of both offices: without the office filter the list would show both.
    membership_grant(user=messages_supervisor, office=other_office, role=OfficeMembership.Role.SUPERVISOR)
    _failed(other_slots[(dt.time(8), Track.REGULAR)])
    _failed(slots[(dt.time(8), Track.REGULAR)], status=BookingStatus.SERVED)  # over: past helping

    response = _today(messages_client, office)
    url = response.context["unresolved_messages"]["url"]
    listed = messages_client.get(url)

    assert listed.status_code == 200
    assert sorted(n.id for n in listed.context_data["cl"].result_list) == sorted(n.id for n in ours)
    assert response.context["unresolved_messages"]["count"] == 2


def test_a_supervisor_of_this_office_alone_gets_a_list_that_opens(messages_client, office, slots, other_slots, morning):
    """Their admin list has no office filter (it would offer one choice): the link's
    filter is dropped on the way, and the list is of their office."""
    ours = _failed(slots[(dt.time(8), Track.REGULAR)])
    _failed(other_slots[(dt.time(8), Track.REGULAR)])

    url = _today(messages_client, office).context["unresolved_messages"]["url"]
    listed = messages_client.get(url, follow=True)

    assert listed.redirect_chain == [(f"{LIST}?state=unresolved", 302)]
    assert [n.id for n in listed.context_data["cl"].result_list] == [ours.id]


def test_nothing_is_shown_when_nothing_failed(messages_client, office, slots, morning):
    sent = _failed(slots[(dt.time(8), Track.REGULAR)])
    Notification.objects.filter(id=sent.id).update(state="sent")

    page = _today(messages_client, office).text

    assert NOTE not in page and "failed</a>" not in page
    assert 'id="live-messages" data-live' in page  # the place a new failure appears on refresh


def test_another_office_s_failures_are_not_counted(messages_client, office, slots, other_office, other_slots, morning):
    _failed(other_slots[(dt.time(8), Track.REGULAR)])

    assert NOTE not in _today(messages_client, office).text

    _failed(slots[(dt.time(8), Track.REGULAR)])
    _failed(other_slots[(dt.time(10), Track.EXPRESS)])

    assert _today(messages_client, office).context["unresolved_messages"]["count"] == 1


def test_a_supervisor_who_may_not_view_messages_sees_nothing(supervisor_client, office, slots, morning):
    # ``supervisor`` is a member of the office as supervisor but in no permission group.
    _failed(slots[(dt.time(8), Track.REGULAR)])

    response = _today(supervisor_client, office)

    assert NOTE not in response.text
    assert response.context["unresolved_messages"] is None


def test_the_permission_given_to_the_user_alone_is_enough(supervisor_client, supervisor, office, slots, morning):
    supervisor.user_permissions.add(Permission.objects.get(codename="view_notification"))
    _failed(slots[(dt.time(8), Track.REGULAR)])

    assert NOTE in _today(supervisor_client, office).text


def test_a_central_admin_sees_the_viewed_office_s_count(client, admin_user, office, slots, other_slots, morning):
    _failed(slots[(dt.time(8), Track.REGULAR)])
    _failed(other_slots[(dt.time(8), Track.REGULAR)])
    client.force_login(admin_user)

    assert _today(client, office).context["unresolved_messages"]["count"] == 1


def test_the_notice_costs_the_page_one_count_after_the_permissions(
    messages_client, office, slots, morning, monkeypatch, django_assert_num_queries
):
    """The page reads itself again every few seconds: the notice adds the user's
    permissions (two queries, as ``has_perm`` reads them once per request) and one count."""
    for _ in range(3):
        _failed(slots[(dt.time(8), Track.REGULAR)])
    _today(messages_client, office)  # the session and the user, read once as on any visit

    with monkeypatch.context() as patched:
        patched.setattr(staff_day, "office_unresolved_failures", lambda request, office, *, now: None)
        with CaptureQueriesContext(connection) as without_notice:
            assert NOTE not in _today(messages_client, office).text

    with django_assert_num_queries(len(without_notice) + 3) as with_notice:
        assert NOTE in _today(messages_client, office).text
    added = [q["sql"] for q in with_notice.captured_queries if "applicants_notification" in q["sql"]]
    assert len(added) == 1 and "COUNT" in added[0]
