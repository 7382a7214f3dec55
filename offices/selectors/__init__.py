"""Reads for the offices app, split by topic. Import from here."""

from offices.selectors.availability import (
    MAX_AVAILABILITY_DAYS,
    AvailabilitySnapshot,
    office_availability,
    office_availability_snapshot,
    office_day_entries,
)
from offices.selectors.calendar import ClosureIndex, SessionSpec, sessions_by_date
from offices.selectors.offices import (
    CENTRAL_ADMIN_GROUP,
    SUPERVISOR_GROUP,
    NearbyOffice,
    office_get,
    office_nearest,
    office_provinces,
    office_search,
    office_search_suggestion,
    office_service_points,
    offices_for_user,
    user_can_act_for,
    user_is_central_admin,
    user_office_ids,
)
from offices.selectors.release import (
    office_is_released,
    office_materialize_range,
    office_next_release_at,
    office_release_window,
)
from offices.selectors.utilization import Utilization, utilization_by_day, utilization_by_office

__all__ = [
    "Utilization",
    "utilization_by_day",
    "utilization_by_office",
    "CENTRAL_ADMIN_GROUP",
    "MAX_AVAILABILITY_DAYS",
    "SUPERVISOR_GROUP",
    "ClosureIndex",
    "NearbyOffice",
    "SessionSpec",
    "AvailabilitySnapshot",
    "office_availability",
    "office_availability_snapshot",
    "office_day_entries",
    "office_get",
    "office_is_released",
    "office_materialize_range",
    "office_nearest",
    "office_next_release_at",
    "office_provinces",
    "office_release_window",
    "office_search",
    "office_search_suggestion",
    "office_service_points",
    "offices_for_user",
    "sessions_by_date",
    "user_can_act_for",
    "user_is_central_admin",
    "user_office_ids",
]
