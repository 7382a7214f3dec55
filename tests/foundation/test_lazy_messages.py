"""Messages are stored for the requests that use them; every other request skips the storage."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse

from applicants.models import ServiceCounter


class CountingStorage(FallbackStorage):
    """Django's default storage, noting each request it is built for."""

    built: list[str] = []

    def __init__(self, request, *args, **kwargs):
        CountingStorage.built.append(request.path)
        super().__init__(request, *args, **kwargs)


@pytest.fixture
def storages_built(settings):
    settings.MESSAGE_STORAGE = f"{__name__}.CountingStorage"
    CountingStorage.built = []
    return CountingStorage.built


@pytest.mark.django_db
def test_a_request_that_never_uses_messages_builds_no_storage(client, office, storages_built):
    response = client.get(reverse("api:office-list"))

    assert response.status_code == 200
    assert storages_built == []
    assert "messages" not in response.cookies


@pytest.mark.django_db
def test_a_message_waits_in_its_cookie_through_requests_that_do_not_show_it(client, office, officer, storages_built):
    client.force_login(officer)
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    counter_url = reverse("staff:counter", kwargs={"office_code": office.code, "counter_id": desk.id})

    posted = client.post(counter_url, {"action": "call_next"})  # nobody is waiting: a message
    assert posted.status_code == 302
    stored = client.cookies["messages"].value
    assert stored

    client.get(reverse("api:office-list"))  # a poll in between, which never shows messages
    assert client.cookies["messages"].value == stored

    page = client.get(counter_url)
    shown = list(page.context["messages"])
    assert [message.level for message in shown] == [constants.INFO]
    assert storages_built == [counter_url, counter_url]
    # Shown once: the page's answer clears the cookie.
    assert page.cookies["messages"].value == ""
