"""Run the waiting-request allocation by hand (the beat's allocate-waiting-sweep)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applicants.models import Booking, BookingStatus
from applicants.services.allocation import waiting_allocate, waiting_expire
from offices.models import Office


class Command(BaseCommand):
    help = "Place waiting requests first come first served, office by office (expire those too old first)."

    def add_arguments(self, parser):
        parser.add_argument("--office", action="append", default=[], help="Office code (repeatable). Default: all.")
        parser.add_argument("--no-expire", action="store_true", help="Do not expire requests that waited too long.")

    def handle(self, *args, **options):
        offices = Office.objects.filter(is_active=True).order_by("code")
        if options["office"]:
            offices = offices.filter(code__in=options["office"])
            missing = set(options["office"]) - set(offices.values_list("code", flat=True))
            if missing:
                raise CommandError(f"Unknown or inactive office: {', '.join(sorted(missing))}")
        else:
            waiting = Booking.objects.filter(status=BookingStatus.WAITING).values_list("office_id", flat=True)
            offices = offices.filter(id__in=set(waiting))
        total = 0
        for office in offices:
            now = timezone.now()
            expired = [] if options["no_expire"] else waiting_expire(office_id=office.id, now=now)
            result = waiting_allocate(office_id=office.id, now=now)
            total += result.allocated_count
            self.stdout.write(
                f"{office.code}: allocated {result.allocated_count}, still waiting {len(result.still_waiting)}, "
                f"expired {len(expired)}"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {total} request(s) placed."))
