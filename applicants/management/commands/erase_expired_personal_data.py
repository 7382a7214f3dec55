"""Erase by hand what the daily beat job erases: personal data past its retention (docs/privacy.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applicants.services.retention import BATCH, ErasureReport, applicant_erase_expired


class Command(BaseCommand):
    help = (
        "Erase the personal data of applicants whose last booking ended more than "
        "PERSONAL_DATA_RETENTION_DAYS ago. Prints counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be erased; change nothing")
        parser.add_argument("--batch", type=int, default=BATCH, help="applicants per transaction")
        parser.add_argument(
            "--days", type=int, default=None, help="retention in days (default: PERSONAL_DATA_RETENTION_DAYS)"
        )

    def handle(self, *args, dry_run: bool, batch: int, days: int | None, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        verb = "would erase" if dry_run else "erased"
        self.stdout.write(f"Retention {days} days{' (dry run: nothing is changed)' if dry_run else ''}.")

        def progress(report: ErasureReport) -> None:
            self.stdout.write(f"... {verb} {report.applicants} applicants so far ({report.bookings} bookings)")

        report = applicant_erase_expired(
            now=timezone.now(), retention_days=days, batch=batch, dry_run=dry_run, progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {verb} the personal data of {report.applicants} applicants"
                f" ({report.bookings} bookings, {report.notifications} notifications,"
                f" {report.answers} stored idempotent answers)."
            )
        )
