"""Load demo data. Idempotent: running it again changes nothing.

Offices come from ``offices/data/offices.csv``; each gets a Monday-Friday plan whose
sessions add up to its daily quota, national holidays are recorded, and capacity rows
are created for every office's window, so the demo can be booked at once. Last,
``load_demo_bookings`` plays the demo offices' past two weeks and today at the desk and
books their coming days, so the staff screens, the waits history, the utilization chart
and the queue boards have something to show at any hour.
"""

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from offices import demo
from offices.models import Closure, Office, OfficeMembership, SessionTemplate, Slot
from offices.selectors.offices import CENTRAL_ADMIN_GROUP
from offices.services import (
    holidays_sync,
    membership_grant,
    office_directory_read,
    office_set_daily_quota,
    offices_import,
    offices_release,
    staff_groups_sync,
)


def track_quotas(code: str, daily_quota: int) -> tuple[int, int, int]:
    """The daily places per track (regular, express, priority) an office starts with."""
    if code in demo.TRACK_QUOTAS:
        return demo.TRACK_QUOTAS[code]
    regular = round(daily_quota * demo.TRACK_SHARES[0] / 100)
    express = round(daily_quota * demo.TRACK_SHARES[1] / 100)
    return regular, express, daily_quota - regular - express


class Command(BaseCommand):
    help = "Load demo data: offices, sessions, holidays, capacity rows and staff accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off, e.g. on a demo server (the accounts' password is public).",
        )
        parser.add_argument(
            "--no-bookings",
            action="store_true",
            help="Leave out the made-up bookings, past days and today's queue (load_demo_bookings).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            # A superuser whose password is printed in the README must never reach a
            # production database by a `make run` with DEBUG=0 in the environment.
            raise CommandError(
                "load_demo creates staff accounts, a superuser among them, with a public password: it runs only "
                "with DEBUG=1. Pass --allow-production to load it anyway (a demo server)."
            )
        self.started = time.monotonic()
        with demo.queries_unrecorded():
            self._load(no_bookings=options["no_bookings"], allow_production=options["allow_production"])
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - self.started:.1f}s."))

    def _load(self, *, no_bookings: bool, allow_production: bool) -> None:
        now = timezone.now()

        rows = office_directory_read()
        imported = offices_import(rows=rows)
        self._step(
            f"offices: {len(imported.created)} created, {len(imported.updated)} updated, {imported.unchanged} unchanged"
        )

        changed = self._apply_demo_settings()
        self._step(f"release and booking settings: {changed} offices changed")

        planned = rows_created = 0
        with_plan = set(SessionTemplate.objects.values_list("office__code", flat=True).distinct())
        offices = {office.code: office for office in Office.objects.all()}
        # One commit for all the plans, not one per office.
        with transaction.atomic():
            for row in rows:
                if row.code not in with_plan:
                    regular, express, priority = track_quotas(row.code, row.daily_quota)
                    result = office_set_daily_quota(
                        office=offices[row.code],
                        regular=regular,
                        express=express,
                        priority=priority,
                        actor=None,
                        now=now,
                    )
                    planned += 1
                    rows_created += result.created
        self._step(
            f"weekly sessions: {planned} offices given a plan ({rows_created} capacity rows), "
            f"{len(with_plan)} kept theirs"
        )

        year = now.astimezone(dt.UTC).year
        holidays = holidays_sync(years=[year, year + 1], now=now)
        self._step(
            f"national holidays and cuti bersama: {holidays.created} added, {holidays.unchanged} already there, "
            f"{holidays.renamed} renamed, {holidays.skipped_past} past skipped, "
            f"{holidays.skipped_lifted} lifted by an admin skipped"
        )

        report = offices_release(now=now)
        self._step(f"capacity rows: {report.slots_created} created for {report.offices} offices")

        accounts = self._accounts(offices)
        self._step(f"staff accounts: {accounts} created")

        if not no_bookings:
            # Through the command, not an import: the offices app does not depend on applicants.
            call_command("load_demo_bookings", allow_production=allow_production, stdout=self.stdout)

        totals = {
            "offices": Office.objects.count(),
            "weekly sessions": SessionTemplate.objects.count(),
            "national closures": Closure.objects.filter(office__isnull=True).count(),
            "capacity rows": Slot.objects.count(),
            "memberships": OfficeMembership.objects.count(),
        }
        self.stdout.write(", ".join(f"{count} {name}" for name, count in totals.items()))

    def _step(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:5.1f}s] {message}")

    def _apply_demo_settings(self) -> int:
        changed = 0
        for office in Office.objects.filter(code__in=[*demo.BATCH_RELEASES, *demo.ONLINE_BOOKING_OFF]):
            wanted = {}
            if office.code in demo.BATCH_RELEASES:
                weekday, at, block = demo.BATCH_RELEASES[office.code]
                wanted = {
                    "release_policy": Office.ReleasePolicy.BATCH,
                    "release_weekday": weekday,
                    "release_time": dt.time.fromisoformat(at),
                    "release_block_days": block,
                }
            if office.code in demo.ONLINE_BOOKING_OFF:
                wanted["online_booking"] = False
            fields = [name for name, value in wanted.items() if getattr(office, name) != value]
            if fields:
                for name in fields:
                    setattr(office, name, wanted[name])
                office.save(update_fields=[*fields, "updated_at"])
                changed += 1
        return changed

    def _accounts(self, offices: dict[str, Office]) -> int:
        staff_groups_sync()
        created = 0
        user_model = get_user_model()
        # Hashed once for all the accounts: the hasher is slow on purpose (a quarter of a
        # second each, seconds for the lot), and a salt shared by accounts whose password
        # is printed in the README hides nothing.
        password: str | None = None

        def account(username: str, **flags) -> object:
            nonlocal created, password
            user, made = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org", **flags}
            )
            if made:
                password = password or make_password(demo.DEMO_PASSWORD)
                user.password = password
                user.save(update_fields=["password"])
                created += 1
            return user

        account("admin", is_staff=True, is_superuser=True)
        central = account(demo.CENTRAL_ADMIN_USERNAME, is_staff=True, first_name="Admin Pusat")
        central.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
        for code in demo.DEMO_OFFICES:
            supervisor = account(demo.supervisor_username(code), is_staff=True)
            membership_grant(user=supervisor, office=offices[code], role=OfficeMembership.Role.SUPERVISOR)
            officer = account(demo.officer_username(code))
            membership_grant(user=officer, office=offices[code], role=OfficeMembership.Role.OFFICER)
        return created
