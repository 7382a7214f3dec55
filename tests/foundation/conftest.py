"""A database connection kept between requests, and a server that drops it.

Shared by the tests of a database restart: the API's (test_database_restart.py) and the
pages' (test_error_pages.py).
"""

import time
from collections.abc import Iterator

import pytest
from django.db import connection


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    """Drop the backend ``pid`` from a second connection, as a server restart would."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
            deadline = time.monotonic() + 10
            while True:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                assert time.monotonic() < deadline, f"backend {pid} still alive"
                time.sleep(0.01)
    finally:
        other.close()


@pytest.fixture
def kept_connection(request) -> Iterator[None]:
    """The connection settings under test; both are read when a connection opens."""
    health_checks = getattr(request, "param", False)
    saved = {key: connection.settings_dict[key] for key in ("CONN_HEALTH_CHECKS", "CONN_MAX_AGE")}
    connection.settings_dict.update(CONN_HEALTH_CHECKS=health_checks, CONN_MAX_AGE=60)
    connection.close()
    yield
    connection.close()
    connection.settings_dict.update(saved)
