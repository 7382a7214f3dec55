"""Record national holidays and cuti bersama as closures of every office (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from offices.services import holidays_sync


class Command(BaseCommand):
    help = "Record national holidays (holidays package, ID) and cuti bersama as closures. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="A year to sync (repeatable). Default: this and next.",
        )

    def handle(self, *args, years=None, **options):
        now = timezone.now()
        years = years or [now.year, now.year + 1]
        result = holidays_sync(years=years, now=now)
        self.stdout.write(
            f"{', '.join(map(str, years))}: {result.created} added, {result.unchanged} already there, "
            f"{result.renamed} renamed, {result.skipped_past} in the past skipped, "
            f"{result.skipped_lifted} lifted by an admin skipped"
        )
