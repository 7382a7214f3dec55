"""The applicant changes their own phone number or email address, from the booking's
secret link (the proof page or ``X-Booking-Token``).

Until now only staff could correct a contact (``applicants.services.resend``), after
checking the person's KTP. Here the only proof is the secret link, so the change is
told to both sides:

- every new address gets the booking's proof (the confirmation, or the waiting-list
  message while no place is found), with the secret link, as after booking;
- every address the person had before the change, changed or kept, gets a short notice
  that the contact was changed, without the link and without the person's name: the
  old address may be a stranger's (the very typo being corrected), and if the change
  was not the person's own, the notice tells them how to take the booking back ("find
  my booking" with code and NIK gives the link, renewing it ends the other holder's).

The contact belongs to the person (``Applicant``), not to the booking: every message
of every booking of theirs goes to it (``applicants.services.booking``
``_applicant_for_online_booking`` keeps it from being changed by a second booking).
Where ``BOOKING_MAX_ACTIVE_PER_PERSON`` lets a person hold several active bookings,
the holder of one booking's link must not redirect the others' messages, which carry
their own secret links: while another booking of the person is active the change is
refused (``ContactShared``) and staff correct it at the desk. With the default limit
of one that never happens.

Lock order as everywhere (``applicants.services.booking``): applicant row, then the
booking row.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from applicants.exceptions import (
    ContactMissing,
    ContactNotChangeable,
    ContactOfErasedPerson,
    ContactShared,
    PhoneRequired,
)
from applicants.identity import email_normalize, phone_normalize
from applicants.models import ACTIVE_STATUSES, Applicant, Booking, BookingStatus, BookingTransition, Notification
from applicants.notifications import notify, notify_enqueue

# While the secret link can still change the booking (as for renewing it,
# ``applicants.services.tokens``): from check-in on the person is at the office, where
# staff can correct the contact, and an ended booking sends no more messages.
CHANGEABLE_STATUSES = (BookingStatus.WAITING, BookingStatus.CONFIRMED)

# The reason in the status log; also the start of the notice's dedupe key.
CONTACT_CHANGED_REASON = "contact_changed"
# The start of the dedupe key of the proof sent to the new contact.
CONTACT_PROOF_KEY = "contact_proof"

FIELDS = ("phone", "email")
_CHANNEL_OF = {"phone": Notification.Channel.SMS, "email": Notification.Channel.EMAIL}


@dataclass(frozen=True)
class ContactChange:
    booking: Booking
    # The names of the fields that changed ("email", "phone"); empty when the values
    # given were the person's already, and nothing was written or sent.
    changed: list[str]


def booking_contact_change_check(*, booking: Booking) -> None:
    """Raise ``ContactNotChangeable`` unless the contact may be changed from ``booking``'s
    link (with its applicant loaded)."""
    if booking.applicant.is_erased:
        raise ContactOfErasedPerson()
    if booking.status not in CHANGEABLE_STATUSES:
        raise ContactNotChangeable(status=BookingStatus(booking.status).label)


def contact_normalize(*, phone: str | None, email: str | None) -> dict[str, str]:
    """The new values as stored, checked as the booking form checks them.

    ``None`` keeps a field. An empty email removes it (the booking form asks for none);
    the phone cannot be removed (``PhoneRequired``): the booking form requires one.
    """
    new: dict[str, str] = {}
    if phone is not None:
        if not phone.strip():
            raise PhoneRequired(fields={"phone": [str(PhoneRequired.message)]})
        new["phone"] = phone_normalize(phone)
    if email is not None:
        new["email"] = email_normalize(email)
    if not new:
        raise ContactMissing(fields={name: [str(ContactMissing.message)] for name in FIELDS})
    return new


def booking_contact_change(
    *, booking: Booking, now: dt.datetime, via: str, phone: str | None = None, email: str | None = None
) -> ContactChange:
    """Change the phone and/or email of ``booking``'s applicant, asked with its secret link.

    ``booking`` comes from ``booking_get_for_token`` (office and applicant loaded).
    ``via`` (``"web"`` or ``"api"``) goes into the status log with the names of the
    fields changed, never their values. Once the transaction commits, the new addresses
    get the proof and the former ones a notice (see the module). Asking for the contact
    the person already has changes and sends nothing, so a retry is harmless.
    """
    new = contact_normalize(phone=phone, email=email)
    booking_contact_change_check(booking=booking)
    with transaction.atomic():
        applicant = Applicant.objects.select_for_update().get(id=booking.applicant_id)
        status = Booking.objects.select_for_update().values_list("status", flat=True).get(id=booking.id)
        # Seen again under the locks: a cancellation or the erasure job may have come first.
        booking.status, booking.applicant = status, applicant
        booking_contact_change_check(booking=booking)
        others = Booking.objects.filter(applicant_id=applicant.id, status__in=ACTIVE_STATUSES).exclude(id=booking.id)
        if others.exists():
            raise ContactShared()
        before = {name: getattr(applicant, name) for name in FIELDS}
        changed = {name: value for name, value in new.items() if before[name] != value}
        if not changed:
            return ContactChange(booking=booking, changed=[])
        Applicant.objects.filter(id=applicant.id).update(**changed, updated_at=now)
        for name, value in changed.items():
            setattr(applicant, name, value)
        logged = BookingTransition.objects.create(
            booking=booking,
            from_status=status,
            to_status=status,
            at=now,
            reason=CONTACT_CHANGED_REASON,
            detail={"fields": sorted(changed), "via": via},
        )
        _notice_to_former_contacts(booking=booking, before=before, key=f"{CONTACT_CHANGED_REASON}:{logged.id}")
        kind = Notification.Kind.WAITING if status == BookingStatus.WAITING else Notification.Kind.CONFIRMATION
        notify(
            booking=booking,
            kind=kind,
            dedupe_key=f"{CONTACT_PROOF_KEY}:{logged.id}",
            channels=[_CHANNEL_OF[name] for name, value in changed.items() if value],
        )
    return ContactChange(booking=booking, changed=sorted(changed))


def _notice_to_former_contacts(*, booking: Booking, before: dict[str, str], key: str) -> None:
    """One notice per address the person had, addressed to it (``Notification.recipient``):
    a message is otherwise addressed when it is sent, by then to the new contact."""
    notices = [
        Notification(
            booking=booking,
            kind=Notification.Kind.CONTACT_CHANGED,
            channel=_CHANNEL_OF[name],
            dedupe_key=key,
            recipient=address,
        )
        for name, address in before.items()
        if address
    ]
    if notices:
        Notification.objects.bulk_create(notices)
        notify_enqueue(booking_id=booking.id, dedupe_key=key)
