"""The applicants app's booking errors. Codes are stable: clients match on them.

Every class is a ``queue_booking.errors.ServiceError``; the API renders them as
``{"code", "detail", "fields"}`` with the class's status, the HTML views as a message.
(The day-of-service errors live beside this in ``exceptions_staff``.)
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from queue_booking.errors import Conflict, NotFound, RateLimited, ServiceError

__all__ = [
    "ActiveBookingExists",
    "BookingError",
    "BookingNotCancellable",
    "BookingNotFound",
    "BookingStateChanged",
    "ContactMissing",
    "ContactNotChangeable",
    "ContactOfErasedPerson",
    "ContactShared",
    "DateNotReleased",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "InvalidBirthDate",
    "InvalidEmail",
    "InvalidIdempotencyKey",
    "InvalidName",
    "InvalidNik",
    "InvalidPhone",
    "InvalidTransition",
    "NikBirthDateMismatch",
    "OnlineBookingClosed",
    "PhoneRequired",
    "ProofInvalid",
    "RateLimited",
    "RescheduleLimitReached",
    "RescheduleNotAllowed",
    "RescheduleNotConfirmed",
    "RescheduleTooLate",
    "SessionClosed",
    "SessionFull",
    "SessionNotFound",
    "TokenNotRenewable",
    "TooLateToChange",
    "TrackNotAllowed",
]


class BookingError(ServiceError):
    code = "booking_error"


# --- Bad input (400) -----------------------------------------------------------------


class InvalidNik(BookingError):
    code = "invalid_nik"
    message = _("The NIK is not valid: it has 16 digits, as printed on the e-KTP.")


class NikBirthDateMismatch(BookingError):
    code = "nik_birth_date_mismatch"
    message = _("The date of birth does not match the NIK. Check both against the e-KTP.")


class InvalidBirthDate(BookingError):
    code = "invalid_birth_date"
    message = _("Enter a valid date of birth, not in the future.")


class InvalidName(BookingError):
    code = "invalid_name"
    message = _("Enter the full name as it is written on the e-KTP, in letters.")


class InvalidPhone(BookingError):
    code = "invalid_phone"
    message = _("Enter a valid mobile number, for example 0812 3456 7890.")


class InvalidEmail(BookingError):
    code = "invalid_email"
    message = _("Enter a valid email address.")


class PhoneRequired(BookingError):
    code = "phone_required"
    message = _("A booking needs a mobile phone number for its messages: enter the new number instead of removing it.")


class ContactMissing(BookingError):
    code = "contact_missing"
    message = _("Enter a new phone number or email address.")


class TrackNotAllowed(BookingError):
    code = "track_not_allowed"
    message = _("This track cannot be booked online. Priority service is given at the office.")


class ProofInvalid(BookingError):
    code = "invalid_qr"
    message = _("This QR code is not a valid proof of registration.")


class InvalidIdempotencyKey(BookingError):
    code = "invalid_idempotency_key"
    message = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")


# --- Not found (404) -----------------------------------------------------------------


class SessionNotFound(BookingError, NotFound):
    code = "session_not_found"
    message = _("This session does not exist for the office, date and track given.")


class BookingNotFound(BookingError, NotFound):
    # The same answer for an unknown code and a wrong secret: the code alone reveals
    # nothing, not even whether it exists.
    code = "booking_not_found"
    message = _("No booking was found for these details.")


# --- Conflicts with the current state (409) --------------------------------------------


class SessionFull(BookingError, Conflict):
    code = "session_full"
    message = _("This session is full. Choose another session, or ask for the next available date.")


# A reschedule refused because the session filled: the booking keeps its place.
RESCHEDULE_SESSION_FULL = _("This session has just filled up. Your booking is unchanged: choose another session.")


class SessionClosed(BookingError, Conflict):
    code = "session_closed"
    message = _("This session is closed and takes no bookings.")


class DateNotReleased(BookingError, Conflict):
    code = "date_not_released"
    message = _("This date cannot be booked: it is in the past or not yet released.")


class OnlineBookingClosed(BookingError, Conflict):
    code = "online_booking_closed"
    message = _("This office does not take online bookings at the moment. Please come to the office.")


class ActiveBookingExists(BookingError, Conflict):
    code = "active_booking_exists"
    message = _("This NIK already has an active booking. Cancel it first, or look it up with its code.")


class BookingNotCancellable(BookingError, Conflict):
    """Raised with ``status``: the booking's status label, e.g. ``BookingStatus.SERVED.label``."""

    code = "booking_not_cancellable"
    message = _(
        "This booking can no longer be cancelled: its status is “%(status)s”. "
        "Only a booking that is waiting for a place or confirmed can be cancelled."
    )


class RescheduleNotAllowed(BookingError, Conflict):
    # One code for every reason, as clients already match on it; the message says which.
    code = "reschedule_not_allowed"
    message = _("This booking cannot be moved.")


class RescheduleNotConfirmed(RescheduleNotAllowed):
    """Raised with ``status``: the booking's status label, e.g. ``BookingStatus.CANCELLED.label``."""

    message = _("This booking cannot be moved: its status is “%(status)s”, and only a confirmed booking can be moved.")


class RescheduleLimitReached(RescheduleNotAllowed):
    """Raised with ``count``: how many free reschedules a booking has."""

    message = ngettext_lazy(
        "You have already used your free reschedule.",
        "You have already used your %(count)d free reschedules.",
        "count",
    )

    @property
    def detail(self) -> str:
        # A plural message picks its form from the count, so it is formatted unforced.
        return self.message % self.params


class TokenNotRenewable(BookingError, Conflict):
    """Raised with ``status``: the booking's status label, e.g. ``BookingStatus.SERVED.label``."""

    code = "token_not_renewable"
    message = _(
        "The secret link of this booking can no longer be renewed: its status is “%(status)s”. "
        "Only a booking that is waiting for a place or confirmed gets a new link."
    )


class ContactNotChangeable(BookingError, Conflict):
    """Raised with ``status``: the booking's status label, e.g. ``BookingStatus.CANCELLED.label``."""

    code = "contact_not_changeable"
    message = _(
        "The phone number and email address of this booking can no longer be changed: its status is "
        "“%(status)s”. Only a booking that is waiting for a place or confirmed can be changed."
    )


class ContactOfErasedPerson(ContactNotChangeable):
    message = _("The personal data of this booking has been erased: there is no contact left to change.")


class ContactShared(BookingError, Conflict):
    # The contact is the person's, not the booking's: changing it from one booking's link
    # would send the other bookings' messages, with their secret links, to the new contact.
    code = "contact_shared"
    message = _(
        "Your phone number and email address are also used by another active booking of yours, so they cannot "
        "be changed from here. Ask the office to correct them (at the desk, with your KTP)."
    )


class TooLateToChange(BookingError, Conflict):
    code = "too_late_to_change"
    message = _("It is too late to change this booking.")


class RescheduleTooLate(TooLateToChange):
    """Raised with ``days``: how many days before its date a booking can last be moved."""

    message = ngettext_lazy(
        "A booking can be moved until %(days)d day before its date.",
        "A booking can be moved until %(days)d days before its date.",
        "days",
    )

    @property
    def detail(self) -> str:
        # A plural message picks its form from the count, so it is formatted unforced.
        return self.message % self.params


class InvalidTransition(BookingError, Conflict):
    code = "invalid_transition"
    message = _("A booking that is %(from_status)s cannot become %(to_status)s.")


class BookingStateChanged(BookingError, Conflict):
    code = "booking_state_changed"
    message = _("This booking was changed at the same moment. Reload it and try again.")


class IdempotencyInProgress(BookingError, Conflict):
    code = "idempotency_in_progress"
    message = _("A request with this Idempotency-Key is still being processed. Try again shortly.")


class IdempotencyKeyReused(BookingError):
    code = "idempotency_key_reused"
    status = 422
    message = _("This Idempotency-Key was already used for a different request.")


# Raised for the person's own data (NIK, birth date, name, phone, email), never for the place.
IDENTITY_ERRORS = (InvalidNik, NikBirthDateMismatch, InvalidBirthDate, InvalidName, InvalidPhone, InvalidEmail)
