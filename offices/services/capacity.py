"""Taking and giving back places. The only code that changes ``Slot.booked``.

Every caller runs these inside its own ``transaction.atomic()`` together with the
write that uses the place (a booking, a walk-in, a rollover), so a place is taken
exactly when that write commits.
"""

from django.conf import settings
from django.db.models import F

from offices.models import Slot


def slot_take(*, slot_id: int, count: int = 1, use_reserve: bool = False) -> bool:
    """Take ``count`` places if there is room; return whether it did.

    One conditional UPDATE: the row lock it takes serializes concurrent takers on this
    slot only, and the WHERE clause re-checks room under that lock, so no interleaving
    can push ``booked`` past the limit. ``use_reserve`` lets rolled-over bookings use
    the places held back for them.
    """
    limit = F("capacity") if use_reserve else F("capacity") - F("reserved")
    updated = Slot.objects.filter(id=slot_id, closed=False, booked__lte=limit - count).update(
        booked=F("booked") + count
    )
    return updated == 1


def slot_release(*, slot_id: int, count: int = 1) -> bool:
    """Give back ``count`` places; return whether it did."""
    updated = Slot.objects.filter(id=slot_id, booked__gte=count).update(booked=F("booked") - count)
    return updated == 1


def slot_reserve_for(capacity: int) -> int:
    """Places of a new row held back for rolled-over bookings (``ROLLOVER_RESERVE_PERCENT``,
    rounded down). The rollover's daily job gives them back the day before."""
    return capacity * settings.ROLLOVER_RESERVE_PERCENT // 100
