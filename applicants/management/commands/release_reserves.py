"""Release tomorrow's held-back places by hand (the beat's release-reserves job)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from applicants.services.allocation import waiting_allocate
from applicants.services.dayend import reserves_release
from offices.models import Office


class Command(BaseCommand):
    help = "Give places held back for rollover on tomorrow's sessions to everyone, then place waiting requests."

    def handle(self, *args, **options):
        total = 0
        for office in Office.objects.filter(is_active=True).order_by("code"):
            now = timezone.now()
            released = reserves_release(office_id=office.id, now=now)
            if released:
                placed = waiting_allocate(office_id=office.id, now=now).allocated_count
                total += released
                self.stdout.write(f"{office.code}: {released} session(s) released, {placed} request(s) placed")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} session(s) released."))
