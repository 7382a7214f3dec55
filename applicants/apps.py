from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("Applicants and bookings")

    def ready(self) -> None:
        # Listen to the offices app's capacity signals (allocation, closure rollover).
        from applicants import capacity_events  # noqa: F401
