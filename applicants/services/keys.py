"""Rotating the personal-data keys (``NIK_ENCRYPTION_KEYS``).

Put the new Fernet key first in ``NIK_ENCRYPTION_KEYS`` and keep the old ones after it:
new values are encrypted with the new key at once and old ones still open. Then run
``manage.py rotate_personal_data_keys``, which re-encrypts every stored value with the
new key (NIKs, booking tokens, and the stored answers of ``Idempotency-Key`` requests,
which hold a token); after that the old keys can be removed. Safe to run twice or
interrupted.
"""

from dataclasses import dataclass

from django.db import transaction

from applicants.identity import secret_rotate
from applicants.models import Applicant, Booking, IdempotencyKey
from applicants.services.idempotency import stored_answers_in_batches

BATCH = 500


@dataclass
class RotationReport:
    applicants: int = 0
    bookings: int = 0
    answers: int = 0


def _rotate(queryset, field: str, batch: int) -> int:
    done = 0
    last_id = 0
    while True:
        rows = list(queryset.filter(id__gt=last_id).exclude(**{field: ""}).order_by("id").only("id", field)[:batch])
        if not rows:
            return done
        with transaction.atomic():
            for row in rows:
                read = getattr(row, field)
                # Written only over the value read: a booking's secret link renewed in
                # between holds a new token (already under the newest key), which the
                # re-encrypted old one must not replace (the proof link would then no
                # longer match what "find my booking" and the emails hand out).
                done += queryset.model.objects.filter(id=row.id, **{field: read}).update(**{field: secret_rotate(read)})
        last_id = rows[-1].id


def _rotate_answers(batch: int) -> int:
    """Stored answers are ``{"sealed": <Fernet token>, ...}`` (``services.idempotency``)."""
    done = 0
    for rows in stored_answers_in_batches(batch):
        changed = [row for row in rows if isinstance(row.response_body, dict) and row.response_body.get("sealed")]
        for row in changed:
            row.response_body = {**row.response_body, "sealed": secret_rotate(row.response_body["sealed"])}
        with transaction.atomic():
            IdempotencyKey.objects.bulk_update(changed, ["response_body"])
        done += len(changed)
    return done


def personal_data_keys_rotate(*, batch: int = BATCH) -> RotationReport:
    """Re-encrypt every NIK, booking token and stored idempotent answer with the first
    key of ``NIK_ENCRYPTION_KEYS``."""
    return RotationReport(
        applicants=_rotate(Applicant.objects.all(), "nik_encrypted", batch),
        bookings=_rotate(Booking.objects.all(), "token_encrypted", batch),
        answers=_rotate_answers(batch),
    )
