from django.apps import AppConfig


class QueueBookingConfig(AppConfig):
    name = "queue_booking"
    verbose_name = "Antrean Paspor"
