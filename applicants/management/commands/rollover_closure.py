"""Move the bookings of a closed day (or session) by hand, as the closure hook does."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applicants.services.rollover import closure_rollover
from offices.models import Office


class Command(BaseCommand):
    help = "Move the active bookings of an office's closed sessions on a date to the next sessions with room."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office code.")
        parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--start", type=dt.time.fromisoformat, help="Only the session starting at HH:MM.")

    def handle(self, *args, **options):
        office = Office.objects.filter(code=options["office"]).first()
        if office is None:
            raise CommandError(f"Unknown office: {options['office']}")
        result = closure_rollover(office_id=office.id, date=options["date"], start=options["start"], now=timezone.now())
        self.stdout.write(
            f"{office.code} {result.date}: moved {len(result.moved)}, placed {len(result.confirmed)}, "
            f"still waiting for a place {len(result.waiting)}"
        )
        self.stdout.write(self.style.SUCCESS("Done."))
