"""Send tomorrow's reminders by hand (the beat's send-reminders job). Never twice per booking."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applicants.services.dayend import reminders_send
from offices.models import Office


class Command(BaseCommand):
    help = "Remind confirmed bookings of tomorrow (office-local), once per booking and date."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="Office code. Default: all offices.")

    def handle(self, *args, **options):
        office_ids = list(Office.objects.filter(is_active=True).order_by("code").values_list("id", "code"))
        if options["office"]:
            office_ids = [(i, c) for i, c in office_ids if c == options["office"]]
            if not office_ids:
                raise CommandError(f"Unknown or inactive office: {options['office']}")
        total = 0
        for office_id, code in office_ids:
            sent = reminders_send(now=timezone.now(), office_id=office_id)
            total += len(sent)
            if sent:
                self.stdout.write(f"{code}: {len(sent)} reminder(s)")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} reminder(s) queued."))
