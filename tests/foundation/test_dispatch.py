"""Sending tasks when the broker is out: the write stands, and only one request in
``BROKER_RETRY_SECONDS`` pays for trying (kombu retries a send for about 0.6 s)."""

import logging

import pytest
from kombu.exceptions import OperationalError

from applicants import dispatch


@pytest.fixture
def broker(monkeypatch):
    """A broker that refuses until told otherwise; counts what it was sent."""
    state = {"up": False, "sent": 0, "now": 500.0}

    def send_task(name, **options):
        state["sent"] += 1
        if not state["up"]:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(dispatch.current_app, "send_task", send_task)
    monkeypatch.setattr(dispatch.time, "monotonic", lambda: state["now"])
    monkeypatch.setattr(dispatch, "_down_until", 0.0)
    return state


def test_after_a_refused_send_nothing_is_sent_for_a_while(broker, caplog):
    with caplog.at_level(logging.ERROR, logger="applicants.dispatch"):
        results = [dispatch.publish("not.registered", {"booking_id": 1}) for _ in range(5)]

    assert results == [False] * 5
    assert broker["sent"] == 1
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage() == "could not enqueue task not.registered; not trying again for 5 s"


def test_after_the_pause_it_tries_again_and_goes_on_once_the_broker_answers(broker):
    dispatch.publish("not.registered", {})
    broker["now"] += dispatch.BROKER_RETRY_SECONDS
    broker["up"] = True

    assert dispatch.publish("not.registered", {}) is True
    assert dispatch.publish("not.registered", {}) is True
    assert broker["sent"] == 3


def test_an_error_that_is_not_the_broker_does_not_stop_later_sends(broker, monkeypatch):
    def broken(name, **options):
        broker["sent"] += 1
        raise ValueError("bad task arguments")

    monkeypatch.setattr(dispatch.current_app, "send_task", broken)

    assert [dispatch.publish("not.registered", {}) for _ in range(3)] == [False, False, False]
    assert broker["sent"] == 3


def test_task_arguments_are_ids_lists_of_ids_and_flags_only(db):
    dispatch.enqueue_on_commit("applicants.tasks.rollover_excess", office_id=1, slot_ids=[2, 3], actor_id=None)
    with pytest.raises(TypeError, match="not list"):
        dispatch.enqueue_on_commit("applicants.tasks.rollover_excess", office_id=1, slot_ids=[object()])
    with pytest.raises(TypeError, match="not dict"):
        dispatch.enqueue_on_commit("applicants.tasks.rollover_excess", office_id=1, slot_ids={"a": 1})


def test_a_new_worker_connects_to_the_broker_before_its_first_task(monkeypatch):
    monkeypatch.setattr(dispatch, "_down_until", 0.0)
    assert dispatch.broker_connect() is True
    assert dispatch.broker_available()


def test_a_broker_that_is_down_at_start_is_left_alone_for_a_while(monkeypatch, caplog):
    tries = []

    class Connection:
        def ensure_connection(self, max_retries=None):
            tries.append(max_retries)
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    class Refusing:
        connection = Connection()

    class Acquire:
        def __enter__(self):
            return Refusing()

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(dispatch.current_app, "producer_or_acquire", lambda: Acquire())
    monkeypatch.setattr(dispatch, "_down_until", 0.0)
    with caplog.at_level(logging.WARNING, logger="applicants.dispatch"):
        assert dispatch.broker_connect() is False
    assert "broker unreachable at start" in caplog.text
    assert not dispatch.broker_available()
    assert tries == [0]  # one attempt: kombu's retries would hold the new worker for seconds
