"""Migration operations that keep the booking tables writable while they run.

Building an index on a large table takes a lock that blocks writes until it is done:
on a launch day's booking table that would stop bookings for the whole build. On
PostgreSQL ``AddIndexConcurrently`` builds it without that lock (slower, and outside a
transaction, so the migration sets ``atomic = False``). SQLite, the embedded default of
``make run``, has no such statement and no concurrent writers worth the name: there the
index is built the ordinary way.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexWithoutBlocking(AddIndexConcurrently):
    """``AddIndexConcurrently`` on PostgreSQL, ``AddIndex`` elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
