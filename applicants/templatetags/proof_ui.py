"""What the proof page says about where a booking stands: waiting position, a move made
for the applicant, the live queue on the day, and which changes to offer.

Which changes to *offer* is presentation; whether a change is allowed stays with the
services, which answer with a translated error if the page offered too much.
"""

import datetime as dt

from django import template
from django.utils import timezone

from applicants.exceptions import ContactNotChangeable, RescheduleNotAllowed, TokenNotRenewable, TooLateToChange
from applicants.models import Booking, BookingStatus
from applicants.proof import checkin_window, queue_turn_text
from applicants.queue_selectors import queue_position
from applicants.selectors import booking_position_in_waiting
from applicants.services.changes import booking_reschedule_check
from applicants.services.contact import booking_contact_change_check
from applicants.services.tokens import booking_token_renew_check
from offices.timeutils import office_datetime, office_today

register = template.Library()

ON_THE_DAY = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.CALLED)


def _moved_from(booking: Booking) -> dt.date | None:
    """The date the applicant asked for, when the booking now sits on another one."""
    if booking.rolled_from_id:
        original = booking.rolled_from
        return original.date or original.requested_date
    if booking.slot_id and booking.date and booking.requested_date and booking.date != booking.requested_date:
        return booking.requested_date
    return None


@register.simple_tag
def queue_turn(queue: dict | None) -> str:
    return queue_turn_text(queue)


def _can_renew_link(booking: Booking) -> bool:
    try:
        booking_token_renew_check(booking=booking)
    except TokenNotRenewable:
        return False
    return True


def _can_change_contact(booking: Booking) -> bool:
    try:
        booking_contact_change_check(booking=booking)
    except ContactNotChangeable:
        return False
    return True


@register.simple_tag
def proof_state(booking: Booking) -> dict:
    now = timezone.now()
    office = booking.office
    today = office_today(office, now)
    status = booking.status
    state = {
        "waiting_position": booking_position_in_waiting(booking=booking) if status == BookingStatus.WAITING else None,
        "moved_from": _moved_from(booking),
        "rolled_over": bool(booking.rolled_from_id),
        "is_today": booking.date == today,
        "queue": None,
        "can_cancel": False,
        "can_reschedule": False,
        "reschedule_refusal": "",
        "can_renew_link": _can_renew_link(booking),
        "can_change_contact": _can_change_contact(booking),
        "checkin": checkin_window(booking) if booking.slot_id else None,
    }
    if status in ON_THE_DAY and booking.date == today:
        state["queue"] = queue_position(booking=booking, now=now)
    if status == BookingStatus.WAITING:
        state["can_cancel"] = True
    elif status == BookingStatus.CONFIRMED and booking.slot_id:
        starts = office_datetime(office, booking.slot.date, booking.slot.start)
        state["can_cancel"] = now < starts
        try:
            booking_reschedule_check(booking=booking, now=now)
        except (RescheduleNotAllowed, TooLateToChange) as exc:
            # Why "Reschedule" is missing, where cancelling is the way left to another date.
            state["reschedule_refusal"] = exc.detail if state["can_cancel"] else ""
        else:
            state["can_reschedule"] = True
    # Whether the secret link still changes anything (the page's "manage" part and its warning).
    changes = ("can_cancel", "can_reschedule", "can_renew_link", "can_change_contact")
    state["can_change"] = any(state[name] for name in changes)
    return state
