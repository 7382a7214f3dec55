from django.core.management.base import BaseCommand

from applicants.services.keys import personal_data_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt stored NIKs, booking tokens and idempotent answers with the first key of NIK_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")

    def handle(self, *args, batch: int, **options):
        report = personal_data_keys_rotate(batch=batch)
        self.stdout.write(
            f"re-encrypted {report.applicants} applicants and {report.bookings} booking tokens"
            f" ({report.answers} stored idempotent answers)"
        )
