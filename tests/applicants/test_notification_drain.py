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


# --- One drain per window of NOTIFY_DRAIN_DELAY_SECONDS ------------------------------------


@pytest.fixture
def clock(monkeypatch, settings):
    """This process's clock as ``notifications_kick`` reads it (``clock.now``), 0.3 s into
    a window of 2 s."""
    from applicants import notifications

    settings.NOTIFY_DRAIN_DELAY_SECONDS = 2.0

    class Clock:
        now = 1_000_000.3

    monkeypatch.setattr(notifications, "_clock", lambda: Clock.now)
    return Clock


@pytest.fixture
def flag_calls(monkeypatch):
    """(method, timeout) of the shared-cache calls made on a drain flag."""
    from django.core.cache import cache

    calls: list[tuple[str, float | None]] = []

    def recording(name, real):
        def call(key, *args, **kwargs):
            if key.startswith("notify:drain-asked"):
                calls.append((name, args[1] if len(args) > 1 else None))
            return real(key, *args, **kwargs)

        return call

    for name in ("add", "get", "delete"):
        monkeypatch.setattr(cache, name, recording(name, getattr(cache, name)))
    return calls


def test_the_drain_starts_just_after_its_window_and_its_flag_lives_until_then(book, monkeypatch, clock, flag_calls):
    from applicants import dispatch

    asked = []
    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **options: asked.append((name, options)) or True)

    book(1)

    # The window ends at +1.7 s; the drain starts 0.5 s later.
    assert asked == [(DRAIN_TASK, {"countdown": pytest.approx(2.2)})]
    assert flag_calls == [("add", 4)]


def test_for_the_rest_of_the_window_a_commit_asks_nobody(book, published, clock, flag_calls):
    book(1)

    clock.now += 1.6  # still the same window
    book(2)
    book(3)

    assert flag_calls == [("add", 4)]
    assert names(published) == [DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 6


def test_the_next_window_has_its_own_drain(book, published, clock, flag_calls):
    book(1)

    clock.now += 2.0
    book(2)

    assert [name for name, _life in flag_calls] == ["add", "add"]
    assert names(published) == [DRAIN_TASK, DRAIN_TASK]


def test_a_window_asked_for_by_another_process_is_asked_for_once_here(book, published, clock, flag_calls):
    from django.core.cache import cache

    from applicants.notifications import _kick_key

    cache.add(_kick_key(500_000), 1, 5)  # another process asked for this window's drain
    flag_calls.clear()

    book(1)
    book(2)

    assert names(published) == []
    assert flag_calls == [("add", 4)]  # found set once; then known here


def test_once_the_drain_has_started_here_the_next_commit_asks_again(book, published, clock):
    book(1)
    send_pending_notifications.apply()  # started early, in this process

    book(2)

    assert names(published) == [DRAIN_TASK, DRAIN_TASK]


def test_with_eager_tasks_every_commit_asks(book, published, clock):
    from celery import current_app

    current_app.conf.task_always_eager = True
    try:
        book(1)
        send_pending_notifications.apply()
        book(2)
    finally:
        current_app.conf.task_always_eager = False

    assert names(published) == [DRAIN_TASK, DRAIN_TASK]


def test_without_a_delay_the_drain_is_asked_at_once_and_its_flag_waits_for_it(book, monkeypatch, settings, flag_calls):
    from applicants import dispatch

    settings.NOTIFY_DRAIN_DELAY_SECONDS = 0
    asked = []
    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **options: asked.append((name, options)) or True)

    book(1)
    book(2)

    assert asked == [(DRAIN_TASK, {"countdown": None})]
    assert [name for name, _life in flag_calls] == ["add", "add"]
    assert send_pending_notifications.apply().get() == 4


def test_with_redis_out_each_commit_asks_for_a_drain(book, published, redis_out):
    """No shared flag without the cache: nothing is coalesced, and nothing is left behind."""
    book(1)
    book(2)

    assert names(published) == [DRAIN_TASK, DRAIN_TASK]
    assert send_pending_notifications.apply().get() == 4
