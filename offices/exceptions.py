"""The offices app's exception family. Codes are stable: clients match on them."""

from django.utils.translation import gettext_lazy as _

from queue_booking.errors import Conflict, NotFound, ServiceError


class OfficeError(ServiceError):
    code = "office_error"


class OfficeNotFound(OfficeError, NotFound):
    code = "office_not_found"
    message = _("This office does not exist.")


class CapacityBelowBooked(OfficeError, Conflict):
    code = "capacity_below_booked"
    message = _("The capacity cannot be lower than the %(booked)s places already booked.")


class InvalidDateRange(OfficeError):
    code = "invalid_date_range"
    message = _("The dates asked for are not valid.")


class InvalidDate(OfficeError):
    code = "invalid_date"
    message = _("Enter a valid date (YYYY-MM-DD).")


class ClosureNotAllowed(OfficeError):
    code = "closure_not_allowed"
    message = _("A date in the past cannot be closed.")


class InvalidQuota(OfficeError):
    code = "invalid_quota"
    message = _("Give a whole number of places, zero or more, for each track.")
