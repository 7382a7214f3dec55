"""The partial index of the waits history is built without blocking bookings: on
PostgreSQL ``CREATE INDEX CONCURRENTLY`` outside a transaction, elsewhere a plain
``CREATE INDEX`` (SQLite has no concurrent form)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


def _sql(migration: str) -> str:
    out = io.StringIO()
    call_command("sqlmigrate", "applicants", migration, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_index_is_built_concurrently_on_postgresql_and_plainly_elsewhere():
    sql = _sql("0013")
    if connection.vendor == "postgresql":
        assert 'CREATE INDEX CONCURRENTLY "booking_called_day"' in sql
        assert "BEGIN;" not in sql  # CONCURRENTLY cannot run in a transaction
    else:
        assert 'CREATE INDEX "booking_called_day"' in sql
        assert "CONCURRENTLY" not in sql


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forth():
    call_command("migrate", "applicants", "0012", verbosity=0)
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "applicants_booking"))
    assert "booking_called_day" not in names
    call_command("migrate", "applicants", verbosity=0)
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "applicants_booking"))
    assert "booking_called_day" in names
