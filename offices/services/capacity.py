"""Taking and giving back places. The only code that changes ``Slot.booked``.

Every caller runs these inside its own ``transaction.atomic()`` together with the
write that uses the place (a booking, a walk-in, a rollover), so a place is taken
exactly when that write commits.
"""

from functools import lru_cache

from django.conf import settings
from django.db import connections, router
from django.db.models import Case, F, QuerySet, When
from django.db.models.functions import Greatest
from django.db.models.sql import UpdateQuery

from offices.models import Slot


def _with_room(*, slot_id: int, count: int, use_reserve: bool) -> QuerySet[Slot]:
    """The slot, if ``count`` more places fit: the rule every taker goes through."""
    limit = F("capacity") if use_reserve else F("capacity") - F("reserved")
    return Slot.objects.filter(id=slot_id, closed=False, booked__lte=limit - count)


def slot_take(*, slot_id: int, count: int = 1, use_reserve: bool = False) -> bool:
    """Take ``count`` places if there is room; return whether it did.

    One conditional UPDATE: the row lock it takes serializes concurrent takers on this
    slot only, and the WHERE clause re-checks room under that lock, so no interleaving
    can push ``booked`` past the limit. ``use_reserve`` lets rolled-over bookings use
    the places held back for them.
    """
    using = router.db_for_write(Slot)
    sql, params, slot_index = _take_template(using, count, use_reserve)
    params = list(params)
    params[slot_index] = slot_id
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


# Stands for the slot id while the statement is compiled; never a real id.
_ANY_SLOT = -7_000_001


@lru_cache(maxsize=32)
def _take_template(using: str, count: int, use_reserve: bool) -> tuple[str, tuple, int]:
    # Every booking, walk-in and rollover takes a place: building the queryset
    # and compiling its UPDATE cost several times the statement itself (the demo's load
    # spent a tenth of its time here). Compiled once per kind of take, from the same
    # queryset, so the rule stays in ``_with_room``.
    query = _with_room(slot_id=_ANY_SLOT, count=count, use_reserve=use_reserve).query.chain(UpdateQuery)
    query.add_update_values({"booked": F("booked") + count})
    sql, params = query.get_compiler(using).as_sql()
    return sql, tuple(params), params.index(_ANY_SLOT)


@lru_cache(maxsize=4)
def _take_one_template(using: str) -> tuple[str, tuple, int]:
    sql, params, slot_index = _take_template(using, 1, False)
    quote = connections[using].ops.quote_name
    table = quote(Slot._meta.db_table)
    column = {name: f"{table}.{quote(name)}" for name in ("id", "booked", "capacity", "reserved")}
    filled = f"{column['booked']} >= {column['capacity']} - {column['reserved']}"
    sql = f"{sql} RETURNING {column['id']} AS id, {filled} AS filled"
    return sql, params, slot_index


def slot_take_sql(*, slot_id: int, using: str = "default") -> tuple[str, list]:
    """``slot_take`` of one place as SQL that, when it took it, returns the slot's ``id``
    and ``filled``: whether that was the last place open to new bookings.

    For a writer that feeds the place into its own INSERT in the same statement
    (``UPDATE ... RETURNING`` as a PostgreSQL CTE). It is compiled, once per process,
    from the same queryset as ``slot_take``, so the rule stays in ``_with_room``.
    """
    sql, params, slot_index = _take_one_template(using)
    params = list(params)
    params[slot_index] = slot_id
    return sql, params


def slot_release(*, slot_id: int, count: int = 1) -> bool:
    """Give back ``count`` places; return whether it did.

    On a row whose plan gives fewer places than were booked (``planned_capacity``), the
    capacity comes down with the bookings instead, so a place given back there opens
    only once the row is within its plan again (DESIGN rule 1: the plan was lowered).
    """
    left = F("booked") - count  # every expression of one UPDATE reads the row as it was
    updated = Slot.objects.filter(id=slot_id, booked__gte=count).update(
        booked=left,
        capacity=Case(
            When(planned_capacity__isnull=False, then=Greatest(F("planned_capacity"), left)),
            default=F("capacity"),
        ),
        planned_capacity=Case(When(planned_capacity__lt=left, then=F("planned_capacity")), default=None),
    )
    return updated == 1


def slot_reserve_for(capacity: int) -> int:
    """Places of a new row held back for rolled-over bookings (``ROLLOVER_RESERVE_PERCENT``,
    rounded down). The rollover's daily job gives them back the day before."""
    return capacity * settings.ROLLOVER_RESERVE_PERCENT // 100
