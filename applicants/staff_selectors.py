"""Reads for the staff desk that the booking selectors do not cover."""

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from applicants.identity import nik_hash
from applicants.models import ACTIVE_STATUSES, Booking
from offices.models import Office

# How many of one person's bookings at one office the desk is shown: the active one and
# enough history to recognise them. A person has at most a handful.
DESK_NIK_RESULTS = 20


def staff_bookings_for_nik(*, office: Office, nik: str) -> QuerySet[Booking]:
    """The bookings of the person with ``nik`` (a checked NIK) at ``office``: active ones
    first (soonest date first), then the others (latest date first).

    Matched through the keyed hash the booking carries (``Booking.nik_hash``): the NIK
    itself is neither stored nor compared in clear. Other offices' bookings are never
    returned, whoever asks.
    """
    active = [status.value for status in ACTIVE_STATUSES]
    return (
        Booking.objects.filter(office=office, nik_hash=nik_hash(nik))
        .select_related("office", "slot", "applicant")
        .annotate(
            ended=Case(When(status__in=active, then=Value(0)), default=Value(1), output_field=IntegerField()),
            # A waiting request has no service date yet: the date it asked for stands in.
            day=Coalesce("date", "requested_date"),
        )
        .order_by("ended", Case(When(status__in=active, then=F("day"))), F("day").desc(), "-id")[:DESK_NIK_RESULTS]
    )
