"""The rollover tasks are the kind a broker can redeliver safely: late acknowledgement,
rejected (so redelivered) when the worker dies, bounded retries that never wait past the
broker's visibility timeout, and one beat entry per sweep."""

import pytest
from django.conf import settings

from queue_booking.celery import app

ROLLOVER_TASKS = [
    "applicants.tasks.allocate_waiting",
    "applicants.tasks.allocate_waiting_sweep",
    "applicants.tasks.rollover_closure",
    "applicants.tasks.rollover_finish",
    "applicants.tasks.end_of_day",
    "applicants.tasks.end_of_day_sweep",
    "applicants.tasks.send_reminders",
    "applicants.tasks.send_reminders_sweep",
    "applicants.tasks.release_reserves",
    "applicants.tasks.release_reserves_sweep",
]


@pytest.mark.parametrize("name", ROLLOVER_TASKS)
def test_each_task_is_acked_late_and_retries_a_bounded_number_of_times_within_the_visibility_timeout(name):
    app.loader.import_default_modules()
    task = app.tasks[name]

    assert task.acks_late and task.reject_on_worker_lost
    assert 0 < task.max_retries <= 10
    assert task.retry_backoff_max < settings.CELERY_VISIBILITY_TIMEOUT / 2
    assert task.autoretry_for


def test_each_sweep_is_scheduled_once_and_expires_before_the_next():
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in [t for t in ROLLOVER_TASKS if t.endswith("_sweep")]:
        entry = schedule[name]
        assert entry["options"]["expires"] < entry["schedule"]
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert len(tasks) == len(set(tasks))
