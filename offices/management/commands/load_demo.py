"""Load demo data. Idempotent: running it again changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from offices.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load demo data (idempotent)."

    def handle(self, *args, **options):
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
