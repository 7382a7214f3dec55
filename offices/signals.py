"""What the offices app announces about capacity. Other apps listen; offices imports none of them.

Both are sent inside the transaction that made the change; receivers must defer their
work to commit (``transaction.on_commit``) and must not fail the sender.

- ``capacity_appeared(office_ids=set[int])``: room may have appeared at these offices
  (dates released, a quota raised, a closure lifted).
- ``sessions_closed(slot_ids=list[int], date=date, start=time|None, actor_id=int|None)``:
  sessions that hold bookings were just closed.
"""

from django.dispatch import Signal

capacity_appeared = Signal()
sessions_closed = Signal()
