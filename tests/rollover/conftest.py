"""The rollover world: Tuesday 1 December 2026, 10:00 WIB, Kanim Surabaya (rolling window
from tomorrow to 30 days ahead).

Time is frozen. Tasks the code would send after commit are recorded (``published``);
``deliver`` sends the recorded notifications for real, into ``mail.outbox``.
"""

import datetime as dt

import pytest
import time_machine

from applicants.models import Notification
from applicants.notifications import SEND_EVENT_TASK, SEND_TASK, notification_send, pending_notification_ids

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)  # Tuesday 10:00 WIB
TOMORROW = dt.date(2026, 12, 2)


def days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def deliver(published):
    """Send every notification recorded so far (as the worker would) and return how many went."""

    def run() -> int:
        count = 0
        ids = [kwargs["notification_id"] for name, kwargs in published if name == SEND_TASK]
        for name, kwargs in published:
            if name == SEND_EVENT_TASK:
                ids += pending_notification_ids(**kwargs)
        published[:] = [(name, kwargs) for name, kwargs in published if name not in (SEND_TASK, SEND_EVENT_TASK)]
        for notification_id in ids:
            if notification_send(notification_id=notification_id, now=NOW) == "sent":
                count += 1
        return count

    return run


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks of the block as a real commit would (tests run in a transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def notifications_of(booking_ids, kind=None) -> list[Notification]:
    rows = Notification.objects.filter(booking_id__in=list(booking_ids))
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows)
