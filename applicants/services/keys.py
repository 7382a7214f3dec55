"""Rotating the personal-data keys (``NIK_ENCRYPTION_KEYS``).

Put the new Fernet key first in ``NIK_ENCRYPTION_KEYS`` and keep the old ones after it:
new values are encrypted with the new key at once and old ones still open. Then run
``manage.py rotate_personal_data_keys``, which re-encrypts every stored value with the
new key; after that the old keys can be removed. Safe to run twice or interrupted.
"""

from dataclasses import dataclass

from django.db import transaction

from applicants.identity import secret_rotate
from applicants.models import Applicant, Booking

BATCH = 500


@dataclass
class RotationReport:
    applicants: int = 0
    bookings: int = 0


def _rotate(queryset, field: str, batch: int) -> int:
    done = 0
    last_id = 0
    while True:
        rows = list(queryset.filter(id__gt=last_id).exclude(**{field: ""}).order_by("id").only("id", field)[:batch])
        if not rows:
            return done
        for row in rows:
            setattr(row, field, secret_rotate(getattr(row, field)))
        with transaction.atomic():
            queryset.model.objects.bulk_update(rows, [field])
        done += len(rows)
        last_id = rows[-1].id


def personal_data_keys_rotate(*, batch: int = BATCH) -> RotationReport:
    """Re-encrypt every NIK and booking token with the first key of ``NIK_ENCRYPTION_KEYS``."""
    return RotationReport(
        applicants=_rotate(Applicant.objects.all(), "nik_encrypted", batch),
        bookings=_rotate(Booking.objects.all(), "token_encrypted", batch),
    )
