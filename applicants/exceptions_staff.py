"""Errors of the day of service: check-in, walk-ins, the counters.

Part of the applicants app's exception family (every class here is a ``ServiceError``
with a stable ``code``); kept in its own module so the booking errors can evolve
without the two colliding.
"""

from django.utils.translation import gettext_lazy as _

from applicants.exceptions import ActiveBookingExists
from queue_booking.errors import Conflict, Forbidden, NotFound, ServiceError


class StaffError(ServiceError):
    code = "staff_error"


class NotOfficeStaff(StaffError, Forbidden):
    code = "not_office_staff"
    message = _("You are not on the staff of this office.")


class SupervisorOnly(StaffError, Forbidden):
    code = "supervisor_only"
    message = _("Only a supervisor of this office can do this.")


class OfficeRequired(StaffError):
    code = "office_required"
    message = _("Say which office: you work at more than one.")


class BookingNotFoundForStaff(StaffError, NotFound):
    code = "booking_not_found"
    message = _("No booking has this code.")


class CheckinRefused(StaffError, Conflict):
    """A booking that cannot be checked in here and now; ``code`` says why."""

    code = "checkin_refused"
    message = _("This booking cannot be checked in.")


class CheckinWrongOffice(CheckinRefused):
    code = "wrong_office"
    message = _("This booking is for another office: %(office)s.")


class CheckinWrongDate(CheckinRefused):
    code = "wrong_date"
    message = _("This booking is for %(date)s, not today.")


class CheckinTooEarly(CheckinRefused):
    code = "too_early"
    message = _("Too early: check-in for this session opens at %(opens)s.")


class CheckinTooLate(CheckinRefused):
    code = "too_late"
    message = _("Too late: check-in for this session closed at %(closes)s.")


class CheckinCancelled(CheckinRefused):
    code = "booking_cancelled"
    message = _("This booking was cancelled.")


class CheckinMoved(CheckinRefused):
    code = "booking_moved"
    message = _("This booking was moved to %(date)s, code %(new_code)s.")


class CheckinMovedPending(CheckinRefused):
    code = "booking_moved"
    message = _("This booking was moved to a later date, not fixed yet; its new code is %(new_code)s.")


class CheckinWaiting(CheckinRefused):
    code = "booking_waiting"
    message = _("This request is still waiting for a place; it has no session yet.")


class CheckinFinished(CheckinRefused):
    code = "booking_finished"
    message = _("This booking is closed (%(status)s).")


class WalkinNotAllowed(StaffError):
    code = "walkin_not_allowed"
    message = _(
        "Walk-ins are for priority groups (elderly, disabled, pregnant, infants) while the office takes online "
        "bookings. Anyone else books online for another day; a person with a booking for today is checked in."
    )


class WalkinNotElderly(StaffError):
    """The elderly group for someone under 60; raised with ``age`` and the form's field."""

    code = "priority_group_mismatch"
    message = _("“Elderly (60+)” is for people aged 60 or over: by the date of birth, this person is %(age)d.")


class WalkinActiveBookingExists(ActiveBookingExists):
    """``active_booking_exists`` said to the officer at the desk: the booking error speaks
    to the person who owns it ("cancel it first, or look it up with its code")."""

    message = _(
        "This person already has an active booking. If it is for today at this office, check them in on the "
        "check-in page (“Find by NIK”); otherwise the applicant must first cancel it, with its booking code "
        "and their NIK."
    )


class WalkinAlreadyQueued(WalkinActiveBookingExists):
    """The person is already in today's queue at this office (a form sent twice, a second
    desk): ``booking`` is the one with their number, for the desk to show instead of a
    refusal. Still ``active_booking_exists`` to the API, whose 409 adds the number."""

    def __init__(self, *args, booking, **kwargs):
        self.booking = booking
        super().__init__(*args, **kwargs)

    def extra(self) -> dict:
        return {"queue_number": self.booking.queue_number}


class WalkinNoSession(StaffError, Conflict):
    code = "walkin_no_session"
    message = _("No session today has room left on this track.")


class WalkinSessionUnavailable(WalkinNoSession):
    """The session chosen on the page has ended, closed or filled since it was shown."""

    code = "walkin_session_unavailable"
    message = _("The session chosen has ended or has no room left: choose another one.")


class CounterNotFound(StaffError, NotFound):
    code = "counter_not_found"
    message = _("This counter does not exist at this office.")


class CounterBusy(StaffError, Conflict):
    code = "counter_busy"
    message = _("Number %(number)s is still at this counter: mark it served or missed first.")


class InvalidCounterName(StaffError):
    code = "invalid_counter_name"
    message = _("Give the counter a name people can read, for example: Loket 1.")


class InvalidCounterTrack(StaffError):
    code = "invalid_counter_track"
    message = _("Choose regular, express, priority, or every track.")


class BookingNotCalled(StaffError, Conflict):
    code = "booking_not_called"
    message = _("This number is not being called at a counter right now.")


class ServiceStopUnavailable(StaffError, Conflict):
    code = "service_stop_unavailable"
    message = _("Stopping service is not available yet on this installation.")


class LinkRenewedMeanwhile(StaffError, Conflict):
    code = "booking_state_changed"
    message = _(
        "This booking changed while you were renewing its link (renewed from elsewhere, or checked in). "
        "Nothing was renewed here: look at the booking again."
    )
