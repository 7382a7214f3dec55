"""Housekeeping: expired idempotency keys, notifications whose task was lost, personal data
past its retention, old records of staff reads of personal data."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from applicants import dispatch
from applicants.models import Notification
from applicants.notifications import SEND_TASK
from applicants.services.access_log import personal_data_access_purge
from applicants.services.idempotency import idempotency_purge
from applicants.services.retention import applicant_erase_expired

# A pending notification older than this lost its task (broker down at commit time,
# or the message expired); the sweep sends it again. The claim in
# ``notification_send`` makes a late duplicate harmless.
PENDING_GRACE = dt.timedelta(minutes=10)
PENDING_SWEEP_BATCH = 500


@shared_task(name="applicants.tasks.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Beat, hourly: delete ``Idempotency-Key`` answers older than ``IDEMPOTENCY_KEY_TTL_HOURS``."""
    return idempotency_purge(now=timezone.now())


@shared_task(name="applicants.tasks.resend_pending_notifications")
def resend_pending_notifications() -> int:
    """Beat: enqueue again the notifications still pending after ``PENDING_GRACE``."""
    cutoff = timezone.now() - PENDING_GRACE
    ids = list(
        Notification.objects.filter(state=Notification.State.PENDING, created_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:PENDING_SWEEP_BATCH]
    )
    for notification_id in ids:
        dispatch.publish(SEND_TASK, {"notification_id": notification_id})
    return len(ids)


@shared_task(name="applicants.tasks.erase_expired_personal_data")
def erase_expired_personal_data() -> dict:
    """Beat, daily: erase the personal data of applicants past ``PERSONAL_DATA_RETENTION_DAYS``.

    Idempotent; a run cut short (a worker killed) is finished by the next. The service
    logs the counts; the result holds counts only, never a name or a NIK."""
    report = applicant_erase_expired(now=timezone.now())
    return {
        "applicants": report.applicants,
        "bookings": report.bookings,
        "notifications": report.notifications,
        "answers": report.answers,
    }


@shared_task(name="applicants.tasks.purge_personal_data_access")
def purge_personal_data_access() -> int:
    """Beat, daily: delete records of staff reads older than ``STAFF_ACCESS_LOG_RETENTION_DAYS``."""
    return personal_data_access_purge(now=timezone.now())
