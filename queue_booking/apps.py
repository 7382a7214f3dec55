from django.apps import AppConfig


class QueueBookingConfig(AppConfig):
    name = "queue_booking"
    verbose_name = "Antrean Paspor"

    def ready(self) -> None:
        from queue_booking import checks  # noqa: F401 - importing registers the checks
