"""Writes for the offices app, split by topic. Import from here.

``capacity`` (taking and giving back places) is imported from its module directly by
the booking path.
"""

from offices.services.closures import ClosureLiftResult, ClosureResult, closure_create, closure_lift
from offices.services.directory import ImportResult, office_directory_read, offices_import
from offices.services.holidays import HolidaySyncResult, day_off_name_en, holidays_sync, national_days_off
from offices.services.quotas import (
    CapacityChange,
    ResyncResult,
    SlotConflict,
    office_set_daily_quota,
    office_slots_resync,
    slot_excess,
    slot_set_capacity,
    slots_excess_move,
    split_quota,
)
from offices.services.release import (
    MaterializeResult,
    ReleaseReport,
    office_release,
    offices_release,
    slots_materialize,
)
from offices.services.staff import membership_grant, staff_groups_sync

__all__ = [
    "CapacityChange",
    "ClosureLiftResult",
    "ClosureResult",
    "HolidaySyncResult",
    "ImportResult",
    "MaterializeResult",
    "ReleaseReport",
    "ResyncResult",
    "SlotConflict",
    "closure_create",
    "closure_lift",
    "day_off_name_en",
    "holidays_sync",
    "membership_grant",
    "national_days_off",
    "office_directory_read",
    "office_release",
    "office_set_daily_quota",
    "office_slots_resync",
    "offices_import",
    "offices_release",
    "slot_excess",
    "slot_set_capacity",
    "slots_excess_move",
    "slots_materialize",
    "split_quota",
    "staff_groups_sync",
]
