"""Messages that failed, sent again by the people who run the office.

A message refused for good (a wrong number, a mailbox that does not exist) or out of
attempts stays ``failed`` (``applicants.notifications.notification_send``). After the
supervisor has corrected the person's contact (``applicant_contact_correct``), the
failed rows are put back to pending with fresh attempts and enqueued by id, as the
resend sweep does; the message is rendered and addressed when it is sent, so it goes
to the corrected contact. Only ``failed`` rows move: a sent message is never sent again
from here, and a pending one is left to the pipeline that already has it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from applicants import dispatch
from applicants.identity import email_normalize, phone_normalize
from applicants.models import ACTIVE_STATUSES, TOLD_AFTER_END, Applicant, Booking, Notification
from applicants.notifications import SEND_TASK
from applicants.services.transitions import transition_record

RESENT_REASON = "messages_resent"
CONTACT_REASON = "contact_corrected"


@dataclass
class ResendResult:
    resent: list[Notification] = field(default_factory=list)
    # Selected but left as they were: sent, pending, or no longer worth sending.
    left: list[Notification] = field(default_factory=list)


def notification_resendable(notification: Notification) -> bool:
    """Whether ``notification`` (with its booking and applicant loaded) may be sent again."""
    booking = notification.booking
    applicant = booking.applicant
    if notification.state != Notification.State.FAILED or applicant.is_erased:
        return False
    contact = applicant.email if notification.channel == Notification.Channel.EMAIL else applicant.phone
    if not contact:
        return False
    return booking.status in ACTIVE_STATUSES or notification.kind in TOLD_AFTER_END


def notification_resend(*, notification_ids: list[int], actor, now: dt.datetime) -> ResendResult:
    """Put the failed ones of ``notification_ids`` back to pending with fresh attempts and
    have each sent once the transaction commits.

    Each booking's status log records who asked and what went again (kinds and channels,
    never an address). Safe against a concurrent send or a second click: the rows are
    locked and only a ``failed`` row is changed.
    """
    result = ResendResult()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("booking__applicant", "booking__office")
            .filter(id__in=notification_ids)
            .order_by("booking_id", "id")
        )
        by_booking: dict[int, list[Notification]] = {}
        for notification in rows:
            if not notification_resendable(notification):
                result.left.append(notification)
                continue
            Notification.objects.filter(id=notification.id, state=Notification.State.FAILED).update(
                state=Notification.State.PENDING, attempts=0, failed_at=None
            )
            notification.state, notification.attempts, notification.failed_at = Notification.State.PENDING, 0, None
            by_booking.setdefault(notification.booking_id, []).append(notification)
            result.resent.append(notification)
            dispatch.enqueue_on_commit(SEND_TASK, notification_id=notification.id)
        for notifications in by_booking.values():
            booking = notifications[0].booking
            transition_record(
                booking=booking,
                from_status=booking.status,
                to_status=booking.status,
                reason=RESENT_REASON,
                now=now,
                actor=actor,
                detail={"messages": [{"kind": n.kind, "channel": n.channel} for n in notifications]},
            )
    return result


def applicant_contact_correct(
    *, booking: Booking, phone: str = "", email: str = "", actor, now: dt.datetime
) -> list[str]:
    """Replace the phone and/or the email of ``booking``'s applicant (empty: kept) and
    return the names of the fields that changed.

    Checked and normalized as at booking (``InvalidPhone``, ``InvalidEmail``). Every
    later message to the person, of any of their bookings, goes to the new contact, the
    secret proof link included: whoever corrects it must know they speak with the
    person. The status log says which fields changed and who changed them, never the
    old or the new value.
    """
    changes = {}
    if phone:
        changes["phone"] = phone_normalize(phone)
    if email:
        changes["email"] = email_normalize(email)
    with transaction.atomic():
        applicant = Applicant.objects.select_for_update().get(id=booking.applicant_id)
        changed = {name: value for name, value in changes.items() if getattr(applicant, name) != value}
        if not changed or applicant.is_erased:
            return []
        Applicant.objects.filter(id=applicant.id).update(**changed, updated_at=now)
        for name, value in changed.items():
            setattr(booking.applicant, name, value)
        transition_record(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            reason=CONTACT_REASON,
            now=now,
            actor=actor,
            detail={"fields": sorted(changed)},
        )
    return sorted(changed)
