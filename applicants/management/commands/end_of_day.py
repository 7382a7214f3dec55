"""Close ended days by hand (the beat's end-of-day job): no-shows, then waiting requests."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applicants.services.dayend import day_end, day_end_due
from offices.models import Office


class Command(BaseCommand):
    help = "Mark confirmed bookings of ended days as no-shows and look at waiting requests again."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="Office code (with --date: close that day only).")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["date"] and not options["office"]:
            raise CommandError("--date needs --office.")
        if options["office"]:
            office = Office.objects.filter(code=options["office"]).first()
            if office is None:
                raise CommandError(f"Unknown office: {options['office']}")
            if options["date"]:
                due = [(office.id, options["date"])]
            else:
                due = [pair for pair in day_end_due(now=now) if pair[0] == office.id]
        else:
            due = day_end_due(now=now)
        codes = dict(Office.objects.filter(id__in={o for o, _ in due}).values_list("id", "code"))
        for office_id, date in due:
            result = day_end(office_id=office_id, date=date, now=now)
            placed = result.allocation.allocated_count if result.allocation else 0
            self.stdout.write(
                f"{codes[office_id]} {date}: no-show {len(result.no_show)}, expired {len(result.expired)}, "
                f"placed {placed}"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {len(due)} office-day(s)."))
