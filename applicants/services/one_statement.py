"""An online booking as one PostgreSQL statement: place, person, booking, log and messages.

Under a launch-day flood a booking must cost about one short transaction. On PostgreSQL
``booking_request`` writes a confirmed booking with a single statement, which in
autocommit is its own transaction and one round trip. The place is taken first, by
``slot_take``'s own conditional UPDATE, and the id it returns feeds every insert that
uses it::

    taken   UPDATE offices_slot SET booked = booked + 1 WHERE <room> RETURNING id, filled
    person  INSERT applicant ... SELECT ... FROM taken ON CONFLICT (nik_hash) DO UPDATE ...
    booked  INSERT booking ... SELECT ..., person.id FROM person
    logged  INSERT transition ... SELECT ..., booked.id FROM booked
    told_N  INSERT notification ... SELECT ..., booked.id FROM booked  (one per channel)

A session without room (or closed) makes ``taken`` empty, and with it every insert, so
nothing at all is written. A violated constraint (one active booking per person, a
booking code already used) fails the whole statement. The slot's row lock, which every
concurrent booker of the session queues on, is held for this one statement only.

Columns and values come from the models (``get_db_prep_save``, as the ORM's own
inserts), so a field added to a model is written here too.
"""

import datetime as dt
import enum
import hashlib
from functools import cache, lru_cache

from django.db import connections, models
from django.db.models import Field, Model
from django.utils import timezone

from applicants.models import Applicant, Booking, BookingTransition, Notification
from applicants.services.applicants import REFRESHED_FIELDS
from offices.services.capacity import slot_take_sql


class Taken(enum.Enum):
    """What the statement did: no room (nothing written), a place, or the session's last one."""

    NONE = "none"
    PLACE = "place"
    LAST = "last"


# The foreign keys that point at a row written earlier in the same statement.
_LINKED = {
    Booking: ("applicant", "person.id"),
    BookingTransition: ("booking", "booked.id"),
    Notification: ("booking", "booked.id"),
}


@cache
def _fields(model: type[Model]) -> tuple[Field, ...]:
    """The columns an insert of ``model`` writes from the object: all but the id and the
    link to a row written earlier in the statement."""
    linked = _LINKED.get(model, (None,))[0]
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.name != linked)


def _insert_sql(model: type[Model], *, source: str, using: str) -> str:
    """``INSERT INTO <table> (...) SELECT %s::<type>, ... FROM <source>`` for ``model``.

    The casts type each value (``INSERT ... SELECT`` would otherwise read an untyped
    literal as text); without a length, so an over-long value fails as the ORM's would
    instead of being cut short by the cast.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = _fields(model)
    names = [quote(field.column) for field in fields]
    values = [f"%s::{field.db_type(connection).split('(')[0]}" for field in fields]
    if model in _LINKED:
        name, expression = _LINKED[model]
        names.append(quote(model._meta.get_field(name).column))
        values.append(expression)
    # Identifiers from the models, every value a parameter.
    table = quote(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608


@lru_cache(maxsize=16)
def _statement(take: str, using: str, channels: int) -> str:
    """The whole statement, built once per process for each number of channels."""
    quote = connections[using].ops.quote_name
    refreshed = ", ".join(
        f"{quote(column)} = EXCLUDED.{quote(column)}"
        for column in (Applicant._meta.get_field(name).column for name in REFRESHED_FIELDS)
    )
    person = _insert_sql(Applicant, source="taken", using=using)
    parts = [
        f"taken AS ({take})",
        f"person AS ({person} ON CONFLICT ({quote('nik_hash')}) DO UPDATE SET {refreshed} RETURNING id)",
        f"booked AS ({_insert_sql(Booking, source='person', using=using)} RETURNING id)",
        f"logged AS ({_insert_sql(BookingTransition, source='booked', using=using)})",
    ]
    parts += [f"told_{n} AS ({_insert_sql(Notification, source='booked', using=using)})" for n in range(channels)]
    return f"WITH {', '.join(parts)} SELECT person.id, booked.id, taken.filled FROM person, booked, taken"  # noqa: S608


def statements_compile(using: str = "default") -> None:
    """Build the statement for every number of channels a booking can notify on, as the
    first bookings of a process would (gunicorn's master does it once before forking,
    see ``queue_booking.warmup``). Compiling opens no connection."""
    take, _params = slot_take_sql(slot_id=0, using=using)
    for channels in range(len(Notification.Channel) + 1):
        _prepared_form(_statement(take, using, channels))


# The Python type of value that each of Django's own field classes sends to PostgreSQL
# unchanged: for such a value (or None) ``get_db_prep_save`` only walks its chain of
# calls (``get_prep_value``, ``to_python``, the backend's ``adapt_*_value``) to return it
# as it is. A booking writes 60 values; the walk cost about 35 us of its ~1.1 ms of CPU. Exact
# classes only: a subclass may prepare its values otherwise, and goes the ORM's way.
_PASSED_AS_IS: dict[type[Field], type] = {
    models.CharField: str,
    models.EmailField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.DateField: dt.date,
    models.DateTimeField: dt.datetime,
}
_KEYS = (models.ForeignKey, models.OneToOneField)


_NOW = object()  # an auto_now or auto_now_add timestamp: the insert's moment


def _passed_as_is(field: Field) -> type | object | None:
    """The type of value ``field`` sends as it is, ``_NOW`` for a timestamp the insert
    sets, or ``None`` when its values need the ORM's preparation."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return _NOW if type(field) is models.DateTimeField else None
    if type(field) in _KEYS:
        field = field.target_field
        if type(field) in (models.AutoField, models.BigAutoField):
            return int
    return _PASSED_AS_IS.get(type(field))


@cache
def _plan(model: type[Model]) -> tuple[tuple[Field, str, type | object | None], ...]:
    return tuple((field, field.attname, _passed_as_is(field)) for field in _fields(model))


def _values(obj: Model, using: str) -> list:
    """``obj``'s values for its insert, prepared by each field as the ORM's own inserts are
    (``test_booking_fast_path`` checks the two agree)."""
    connection = connections[using]
    now = None
    values = []
    for field, attname, as_is in _plan(type(obj)):
        if as_is is None:
            values.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
            continue
        if as_is is _NOW:  # DateTimeField.pre_save, one clock reading for all of them
            now = now or timezone.now()
            setattr(obj, attname, now)
            values.append(now)
            continue
        value = getattr(obj, attname)  # Field.pre_save
        # A naive datetime (made aware by the ORM, with a warning) and a bool given to an
        # integer column are the ORM's to prepare; type(), not isinstance(), for both.
        if value is None or (type(value) is as_is and (as_is is not dt.datetime or value.tzinfo is not None)):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(value, connection))
    return values


def booking_insert_confirmed(
    *,
    applicant: Applicant,
    booking: Booking,
    transition: BookingTransition,
    notifications: list[Notification],
    using: str = "default",
) -> Taken:
    """Take a place in ``booking.slot`` and write everything a confirmed booking needs.

    Returns ``Taken.NONE`` when there was no room (nothing was written), else whether
    it was the session's last place (``LAST``) or not (``PLACE``); the applicant and
    the booking then have their ids. Raises ``IntegrityError`` (nothing written) when
    a database constraint refuses the booking. PostgreSQL only.
    """
    take, params = slot_take_sql(slot_id=booking.slot_id, using=using)
    for obj in (applicant, booking, transition, *notifications):
        params += _values(obj, using)
    sql = _statement(take, using, len(notifications))
    with connections[using].cursor() as cursor:
        _execute_prepared(cursor, connections[using], sql, params)
        row = cursor.fetchone()
    if row is None:
        return Taken.NONE
    applicant.pk, booking.pk, filled = row
    booking.applicant = applicant
    for saved in (applicant, booking):
        saved._state.adding = False
        saved._state.db = using
    return Taken.LAST if filled else Taken.PLACE


# --- Prepared once per connection --------------------------------------------------------
#
# Planning this statement costs PostgreSQL about as much CPU as running it (0.3 ms
# against 0.5 ms on the bench machine). With persistent connections (CONN_MAX_AGE) each
# web process prepares it once per connection and then only sends EXECUTE with the
# values. PREPARE outlives a rolled-back transaction, and a new connection (after a
# restart or CONN_MAX_AGE) starts with nothing prepared, which is tracked per
# connection object. Behind a transaction-pooling PgBouncer, set CONN_MAX_AGE=0: then
# the statement is sent as it is.


@lru_cache(maxsize=16)
def _prepared_form(sql: str) -> tuple[str, str]:
    """A name for ``sql`` and its text with numbered parameters, as PREPARE wants."""
    parts = sql.split("%s")
    numbered = "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], start=1)) + parts[-1]
    return f"antrean_{hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:16]}", numbered


def _prepare(cursor, connection, sql: str) -> str:
    """PREPARE ``sql`` on this connection unless it already is; its name."""
    name, numbered = _prepared_form(sql)
    raw = connection.connection
    state = getattr(connection, "_antrean_prepared", None)
    if state is None or state[0] is not raw:
        state = connection._antrean_prepared = (raw, set())
    if name not in state[1]:
        cursor.execute(f"PREPARE {name} AS {numbered}")
        state[1].add(name)
    return name


def _execute_prepared(cursor, connection, sql: str, params: list) -> None:
    if not connection.settings_dict.get("CONN_MAX_AGE"):
        cursor.execute(sql, params)
        return
    name = _prepare(cursor, connection, sql)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def statements_prepare(using: str = "default") -> int:
    """PREPARE every form of the statement on this process's open connection, as its first
    bookings would; how many it prepared (none without persistent connections).

    A new web worker does it before it takes a request (``queue_booking.warmup``): the
    first PREPARE of a connection also loads PostgreSQL's catalog entries for the five
    tables, their indexes and constraints into the new server process, about 5 ms that
    the worker's first booking would otherwise pay while requests queue behind it.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.settings_dict.get("CONN_MAX_AGE"):
        return 0
    # No session has id 0: ``taken`` is empty, so each run writes and locks nothing.
    take, params = slot_take_sql(slot_id=0, using=using)
    with connection.cursor() as cursor:
        for channels in range(len(Notification.Channel) + 1):
            sql = _statement(take, using, channels)
            name = _prepare(cursor, connection, sql)
            values = [*params, *[None] * (sql.count("%s") - len(params))]
            cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(values))})", values)
    return len(Notification.Channel) + 1
