"""What the offices app announces about capacity. Other apps listen; offices imports none of them.

Both are sent inside the transaction that made the change; receivers must defer their
work to commit (``transaction.on_commit``) and must not fail the sender.

- ``capacity_appeared(office_ids=set[int])``: room may have appeared at these offices
  (dates released, a quota raised, a closure lifted).
- ``sessions_closed(slot_ids=list[int], date=date, start=time|None, actor_id=int|None)``:
  sessions that hold bookings were just closed.
- ``sessions_over_plan(slot_ids=list[int], actor_id=int|None)``: a supervisor asked to
  move the bookings these sessions hold beyond their (lowered) plan.
"""

from django.dispatch import Signal

capacity_appeared = Signal()
sessions_closed = Signal()
sessions_over_plan = Signal()
