from django.apps import AppConfig


class QueueBookingConfig(AppConfig):
    name = "queue_booking"
    verbose_name = "Antrean Paspor"

    def ready(self) -> None:
        from queue_booking import api_schema, checks  # noqa: F401 - importing registers the checks and schema extensions
