"""Coalesced notifications (``NOTIFY_COALESCE_SECONDS``): one drain task for a burst of
commits, and nothing left behind."""

from smtplib import SMTPException

import pytest
from django.core import mail

from applicants.models import Notification
from applicants.notifications import DRAIN_TASK, SEND_EVENT_TASK, SEND_TASK
from applicants.tasks import notifications as tasks
from applicants.tasks.notifications import send_pending_notifications
from tests.applicants.conftest import nik_number, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture(autouse=True)
def _coalesce(settings):
    settings.NOTIFY_COALESCE_SECONDS = 30


@pytest.fixture
def book(api, slot, django_capture_on_commit_callbacks):
    def book(n: int) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(URL, payload(slot, nik=nik_number(n)), format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return book


def names(published) -> list[str]:
    return [name for name, _kwargs in published]


def test_a_burst_of_bookings_asks_for_one_drain_that_sends_them_all(book, published, sms_outbox):
    for n in range(1, 4):
        book(n)

    assert names(published) == [DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 6
    assert len(mail.outbox) == 3
    assert len(sms_outbox) == 3
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    # Run twice (a redelivered message): nothing goes out again.
    assert send_pending_notifications.apply().get() == 0
    assert len(mail.outbox) == 3


def test_a_commit_after_the_drain_started_asks_for_another(book, published):
    book(1)
    send_pending_notifications.apply()

    book(2)

    assert names(published) == [DRAIN_TASK, DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 2


def test_a_commit_while_a_drain_is_asked_for_but_not_started_is_sent_by_it(book, published):
    book(1)
    book(2)  # finds the flag: no second task

    assert names(published) == [DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 4


def test_when_the_broker_refuses_the_next_commit_asks_again(book, published, monkeypatch):
    from applicants import dispatch

    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **_options: False)
    book(1)
    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **_options: published.append((name, kwargs)) or True)

    book(2)

    assert names(published) == [DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 4


def test_without_coalescing_each_event_has_its_own_task(book, published, settings):
    settings.NOTIFY_COALESCE_SECONDS = 0

    book(1)
    book(2)

    assert names(published) == [SEND_EVENT_TASK, SEND_EVENT_TASK]


def test_a_failing_channel_is_left_to_its_own_retry_and_later_drains_skip_it(book, monkeypatch, sms_outbox):
    book(1)
    retried = []
    monkeypatch.setattr(
        tasks.send_notification, "apply_async", lambda kwargs, countdown, **options: retried.append((kwargs, countdown))
    )

    def refuse(self, *args, **kwargs):
        raise SMTPException("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        assert send_pending_notifications.apply().get() == 1

    email = Notification.objects.get(channel="email")
    assert (email.state, email.attempts) == ("pending", 1)
    assert retried == [({"notification_id": email.id}, tasks.BACKOFF_BASE_SECONDS)]
    assert len(sms_outbox) == 1
    # The next drain leaves the retrying row to its back-off.
    assert send_pending_notifications.apply().get() == 0
    assert not mail.outbox


def test_a_long_drain_hands_the_rest_to_a_fresh_task(book, published, monkeypatch):
    for n in range(1, 4):
        book(n)
    published.clear()
    monkeypatch.setattr(tasks, "DRAIN_BATCH", 2)
    monkeypatch.setattr(tasks, "DRAIN_SECONDS", -1)

    assert send_pending_notifications.apply().get() == 2
    assert names(published) == [DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 2
    assert SEND_TASK not in names(published)


# --- Knowing when the asked-for drain starts ----------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """This process's clock as ``notifications_kick`` reads it: ``clock.now`` seconds."""
    from applicants import notifications

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr(notifications, "_clock", lambda: Clock.now)
    return Clock


@pytest.fixture
def cache_calls(monkeypatch):
    """The shared-cache calls made on the drain flag (one round trip each on Redis)."""
    from django.core.cache import cache

    from applicants.notifications import _kick_key

    calls: list[str] = []

    def recording(name, real):
        def call(key, *args, **kwargs):
            if key == _kick_key():
                calls.append(name)
            return real(key, *args, **kwargs)

        return call

    for name in ("add", "get", "add_or_get"):
        real = getattr(cache, name, None)
        if real is not None:
            monkeypatch.setattr(cache, name, recording(name, real))
    return calls


def test_the_drain_is_asked_to_start_after_the_delay(book, monkeypatch, settings):
    from applicants import dispatch

    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0
    asked = []
    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **options: asked.append((name, options)) or True)

    book(1)

    assert asked == [(DRAIN_TASK, {"countdown": 2.0})]


def test_until_shortly_before_the_drain_starts_a_commit_asks_nobody(book, published, clock, cache_calls, settings):
    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0
    book(1)
    asked = len(cache_calls)

    clock.now += 1.4  # the drain starts at +2.0; the margin is 0.5 s
    book(2)
    book(3)

    assert len(cache_calls) == asked
    assert names(published) == [DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 6


def test_inside_the_margin_a_commit_asks_the_shared_cache_again(book, published, clock, cache_calls, settings):
    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0
    book(1)
    asked = len(cache_calls)

    clock.now += 1.6
    book(2)

    assert len(cache_calls) > asked
    assert names(published) == [DRAIN_TASK]  # the flag is still set: that drain reads it


def test_a_drain_asked_for_by_another_process_is_known_from_the_flag(book, published, clock, cache_calls, settings):
    from django.core.cache import cache

    from applicants.notifications import _kick_key

    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0
    cache.set(_kick_key(), clock.now + 1.0, 30)  # another process asked; its drain starts in 1 s

    book(1)
    asked = len(cache_calls)
    clock.now += 0.4
    book(2)

    assert names(published) == []
    assert len(cache_calls) == asked  # known to start after this commit


def test_once_the_drain_has_started_here_the_next_commit_asks_again(book, published, clock, settings):
    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0
    book(1)
    send_pending_notifications.apply()  # started early, in this process

    book(2)

    assert names(published) == [DRAIN_TASK, DRAIN_TASK]


def test_with_eager_tasks_every_commit_asks(book, published, clock, settings):
    from celery import current_app

    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0
    current_app.conf.task_always_eager = True
    try:
        book(1)
        send_pending_notifications.apply()
        book(2)
    finally:
        current_app.conf.task_always_eager = False

    assert names(published) == [DRAIN_TASK, DRAIN_TASK]


def test_a_drain_nobody_started_is_asked_for_again_after_the_delay(book, published, clock, settings, monkeypatch):
    """The flag lives as long as the countdown, so a commit that finds it is always
    before its drain starts, and a lost drain message is replaced."""
    from django.core.cache import cache

    from applicants.notifications import _kick_key

    settings.NOTIFY_DRAIN_DELAY_SECONDS = 0.2
    lives = []
    name = "add_or_get" if hasattr(cache, "add_or_get") else "add"
    real = getattr(cache, name)

    def recording(key, value, timeout):
        if key == _kick_key():
            lives.append(timeout)
        return real(key, value, timeout)

    monkeypatch.setattr(cache, name, recording)
    book(1)
    cache.delete(_kick_key())  # what its life of 0.2 s does (the test clock stands still)
    clock.now += 0.3

    book(2)

    assert lives == [0.2, 0.2]
    assert names(published) == [DRAIN_TASK, DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 4
