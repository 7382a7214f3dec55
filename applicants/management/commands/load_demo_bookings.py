"""Play the demo's past days and today, and book its coming days (``load_demo`` runs it last)."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applicants.services.demo import demo_booking_link, demo_bookings_load
from offices import demo
from offices.models import Office

QUIET_LOGGERS = ("applicants.services.dayend", "applicants.services.allocation")


class Command(BaseCommand):
    help = (
        "Add made-up past days, today's queue and coming bookings at the demo offices "
        "(idempotent; needs load_demo first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off, e.g. on a demo server (never on a real office's database).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "load_demo_bookings makes up bookings for real offices: it runs only with DEBUG=1. "
                "Pass --allow-production to run it anyway (a demo server)."
            )
        started = time.monotonic()
        offices = list(Office.objects.filter(code__in=demo.DEMO_OFFICES))
        offices.sort(key=lambda office: demo.DEMO_OFFICES.index(office.code))
        if not offices:
            raise CommandError("No demo offices: run `manage.py load_demo` first.")

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:5.1f}s] demo bookings, {message}")

        # The made-up days' ends and placements are not news: their log lines would bury
        # the progress. Warnings still show.
        quiet = [logging.getLogger(name) for name in QUIET_LOGGERS]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.WARNING)
        try:
            with demo.queries_unrecorded():
                result = demo_bookings_load(offices=offices, now=timezone.now(), progress=progress)
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
        self.stdout.write(
            f"demo bookings: {result.booked} booked, {result.waiting} on the waiting list, "
            f"{result.arrivals} arrivals today ({result.served} served), "
            f"{result.past_days} past days played ({result.past_served} served), "
            f"{result.days_kept} office-days kept as they were"
        )
        if result.closed_today:
            self.stdout.write(f"closed today: {', '.join(result.closed_today)}")
        if result.carried_on_today:
            self.stdout.write(
                f"today's queue carried on from where an earlier load left it: {', '.join(result.carried_on_today)}"
            )
        if result.kept_today:
            self.stdout.write(f"today kept as it was (the day is over): {', '.join(result.kept_today)}")
        link = demo_booking_link()
        if link:
            self.stdout.write(f"a booking to open as its applicant: {link}")
