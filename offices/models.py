"""Where and when people can be served, and how much room there is."""

import secrets
import zoneinfo
from datetime import datetime, time

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from offices.formats import clock


class Track(models.TextChoices):
    REGULAR = "regular", _("Regular")
    EXPRESS = "express", _("Express")
    PRIORITY = "priority", _("Priority")


# Far above any office's places in one session or day (Surabaya serves about 400 a day),
# and far below the database's integers: 9223372036854775807 places were accepted and
# every sum of capacities overflowed.
MAX_PLACES = 100_000
PLACES_VALIDATORS = [MaxValueValidator(MAX_PLACES)]

# Queue numbers read "A-001" (regular), "B-001" (express), "P-001" (priority).
QUEUE_PREFIX = {Track.REGULAR: "A", Track.EXPRESS: "B", Track.PRIORITY: "P"}


class OfficeTimezone(models.TextChoices):
    WIB = "Asia/Jakarta", "WIB (Asia/Jakarta)"
    WITA = "Asia/Makassar", "WITA (Asia/Makassar)"
    WIT = "Asia/Jayapura", "WIT (Asia/Jayapura)"


TIMEZONE_ABBREVIATION = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

ENDS_AFTER_START = _("A session must end after it starts.")


# Callables, not time values: Django's check fields.W161 warns about a fixed time default
# whenever the check runs within 10 s of that time of day (UTC), which failed
# `manage.py check --deploy --fail-level WARNING` at 07:30:0x every day.
def default_opening_time() -> time:
    return time(7, 30)


def default_closing_time() -> time:
    return time(16, 0)


def new_display_token() -> str:
    return secrets.token_urlsafe(24)


class Office(models.Model):
    class Kind(models.TextChoices):
        KANIM = "kanim", _("Immigration office")
        ULP = "ulp", _("Passport service unit (ULP)")
        CORNER = "corner", _("Imigrasi Corner")

    class ReleasePolicy(models.TextChoices):
        ROLLING = "rolling", _("Rolling: a new date every midnight")
        BATCH = "batch", _("Batch: a block of dates at a set weekday and time")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.KANIM)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    kanim_class = models.CharField(_("office class"), max_length=40, blank=True)
    province = models.CharField(_("province"), max_length=80, db_index=True)
    city = models.CharField(_("city or regency"), max_length=80)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=20, choices=OfficeTimezone.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    is_active = models.BooleanField(_("active"), default=True)
    online_booking = models.BooleanField(_("online booking open"), default=True)
    first_day_offset = models.PositiveSmallIntegerField(_("first bookable day (days from today)"), default=1)
    booking_window_days = models.PositiveSmallIntegerField(_("booking window (days ahead)"), default=30)
    release_policy = models.CharField(
        _("release policy"), max_length=10, choices=ReleasePolicy.choices, default=ReleasePolicy.ROLLING
    )
    release_weekday = models.PositiveSmallIntegerField(_("release weekday"), choices=WEEKDAYS, null=True, blank=True)
    release_time = models.TimeField(_("release time (local)"), default=time(0, 0))
    release_block_days = models.PositiveSmallIntegerField(_("days released per batch"), default=7)
    # The last date already announced as released. Advanced by one conditional UPDATE in
    # ``offices.services.release``, so exactly one worker reports each newly released
    # date (the moment capacity appears for waiting requests).
    released_through = models.DateField(_("released through"), null=True, blank=True, editable=False)

    opening_time = models.TimeField(_("opening time"), default=default_opening_time)
    closing_time = models.TimeField(_("closing time"), default=default_closing_time)
    checkin_early_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the session)"), default=60
    )
    checkin_late_minutes = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after the session ends)"), default=0
    )
    display_token = models.CharField(
        _("display board token"), max_length=64, unique=True, default=new_display_token, editable=False
    )

    data_confidence = models.CharField(_("data confidence"), max_length=10, blank=True)
    data_notes = models.TextField(_("data notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(release_weekday__isnull=True) | Q(release_weekday__lte=6),
                name="office_release_weekday_range",
                violation_error_message=_("Choose a weekday from Monday to Sunday."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def tz_abbreviation(self) -> str:
        return TIMEZONE_ABBREVIATION.get(self.timezone, self.timezone)

    @property
    def address_shown(self) -> str:
        """The address on one line, naming the city and province once.

        The directory's addresses end with their province already ("Sabang, Aceh",
        "Jl. Raya Juanda, Sedati, Sidoarjo, Jawa Timur": offices/data/README.md), and the
        office page added the city and province again after them; an address typed
        without them (a street only) gets them added."""
        address = self.address.strip()
        if not address:
            return f"{self.city}, {self.province}"
        if address.rsplit(",", 1)[-1].strip().casefold() == self.province.strip().casefold():
            return address
        return f"{address}, {self.city}, {self.province}"


class SessionTemplate(models.Model):
    """A recurring session on one weekday, with its capacity per track."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="session_templates"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    capacity_regular = models.PositiveIntegerField(_("regular places"), default=0, validators=PLACES_VALIDATORS)
    capacity_express = models.PositiveIntegerField(_("express places"), default=0, validators=PLACES_VALIDATORS)
    capacity_priority = models.PositiveIntegerField(_("priority places"), default=0, validators=PLACES_VALIDATORS)

    class Meta:
        ordering = ["office", "weekday", "start"]
        verbose_name = _("weekly session")
        verbose_name_plural = _("weekly sessions")
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday", "start"], name="session_template_unique"),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="session_template_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {clock(self.start)}-{clock(self.end)}"

    def capacity_for(self, track: str) -> int:
        return getattr(self, f"capacity_{track}")


class DateOverride(models.Model):
    """On a date with overrides, these sessions replace the weekly ones."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="date_overrides"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    capacity_regular = models.PositiveIntegerField(_("regular places"), default=0, validators=PLACES_VALIDATORS)
    capacity_express = models.PositiveIntegerField(_("express places"), default=0, validators=PLACES_VALIDATORS)
    capacity_priority = models.PositiveIntegerField(_("priority places"), default=0, validators=PLACES_VALIDATORS)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["office", "date", "start"]
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        constraints = [
            models.UniqueConstraint(fields=["office", "date", "start"], name="date_override_unique"),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="date_override_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            ),
        ]

    def __str__(self) -> str:
        return f"{date_format(self.date)} {clock(self.start)}-{clock(self.end)}"

    def capacity_for(self, track: str) -> int:
        return getattr(self, f"capacity_{track}")


class Closure(models.Model):
    """A date (or some sessions of it) on which an office, or every office, does not serve."""

    class Kind(models.TextChoices):
        NATIONAL_HOLIDAY = "holiday", _("National holiday")
        COLLECTIVE_LEAVE = "cuti_bersama", _("Collective leave (cuti bersama)")
        LOCAL = "local", _("Local closure")
        OUTAGE = "outage", _("Unplanned closure")

    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("Empty means every office."),
    )
    date = models.DateField(_("date"), db_index=True)
    start = models.TimeField(_("session start"), null=True, blank=True, help_text=_("Empty closes the whole day."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCAL)
    reason = models.CharField(_("reason"), max_length=200)
    # A national day off's name is the official Indonesian one; the holiday sync gives
    # its English name beside it. An admin may type one beside a reason; left empty, a
    # reason typed as a day off's official name gets that day's (the admin's form), and
    # any other reason is shown as typed, in both languages.
    reason_en = models.CharField(
        _("reason in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages instead of the reason. Empty: the reason is shown as typed."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "office"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        # The admin's title, breadcrumbs and "was added" message: "15 Des. 2026 Banjir".
        return f"{date_format(self.date)} {self.reason_shown}"

    @property
    def reason_shown(self) -> str:
        """The reason in the reader's language (``closure_reason_shown``)."""
        return closure_reason_shown(self.reason, self.reason_en)


def zoned_datetime(value: datetime, office: "Office | None") -> str:
    """``value`` on ``office``'s wall clock with its zone: "6 Des. 2026, 09.15 WITA".

    Without an office (a national closure, the audit trail) it is shown on the clock of
    the page (WIB unless a page of one office sets that office's) and that zone is named.
    """
    if office is not None:
        zone, abbreviation = office.tz, office.tz_abbreviation
    else:
        zone, name = timezone.get_current_timezone(), timezone.get_current_timezone_name()
        abbreviation = TIMEZONE_ABBREVIATION.get(name, name)
    return f"{date_format(value.astimezone(zone), 'DATETIME_FORMAT')} {abbreviation}"


def closure_reason_shown(reason: str, reason_en: str = "") -> str:
    """A closure's reason as the active language reads it: the English name given beside
    it for an English reader, else the reason as recorded (a national day off's official
    Indonesian name, or what an admin typed, which has no English name). A name, not a
    sentence: a full stop typed at its end is left out, as the pages put it in sentences of
    their own ("Reason: Banjir." would read "Banjir..")."""
    if reason_en and (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0] == "en":
        reason = reason_en
    return reason.rstrip(" .")


class LiftedDayOff(models.Model):
    """A national day off (holiday or cuti bersama) that an admin lifted.

    The holiday sync records every day off of the ``holidays`` package and the decree's
    list; without this row it would record a lifted day again on its next run (closing
    every office and moving the bookings made since). Recording the same day off again
    by hand removes it.
    """

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Closure.Kind.choices)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lifted by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    lifted_at = models.DateTimeField(_("lifted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lifted day off")
        verbose_name_plural = _("lifted days off")
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="lifted_day_off_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Slot(models.Model):
    """The capacity row bookings draw on: one office, date, session and track.

    ``booked`` is only ever changed by a conditional UPDATE (see
    ``offices.services.capacity``); the CHECK constraints are the backstop.
    """

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    capacity = models.PositiveIntegerField(_("capacity"), validators=PLACES_VALIDATORS)
    booked = models.IntegerField(_("booked"), default=0)
    # Places held back for rolled-over bookings; new bookings may use only
    # capacity - reserved. Released (set to 0) the day before.
    reserved = models.PositiveIntegerField(_("held back for rollover"), default=0)
    closed = models.BooleanField(_("closed"), default=False)
    closed_reason = models.CharField(_("closure reason"), max_length=200, blank=True)
    # Set while the plan gives this row fewer places than are already booked on it
    # (``offices.services.quotas``): the capacity then stays at the bookings and follows
    # them down as places are given back, until it reaches the plan again.
    planned_capacity = models.PositiveIntegerField(
        _("capacity in the plan"),
        null=True,
        blank=True,
        help_text=_("Set while more places are booked than the plan gives; the capacity comes down to it."),
    )

    class Meta:
        ordering = ["office", "date", "start", "track"]
        verbose_name = _("session capacity")
        verbose_name_plural = _("session capacities")
        constraints = [
            models.UniqueConstraint(fields=["office", "date", "start", "track"], name="slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_booked_lte_capacity"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_gte_zero"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_ends_after_start"),
        ]
        indexes = [models.Index(fields=["date", "office"], name="slot_date_office")]

    def __str__(self) -> str:
        # What the admin shows for a booking's session and on this row's own page, in the
        # reader's language: "Kanim Surabaya, 8 Des. 2026 08.00-09.00 WIB, Reguler" ("08:00" in English).
        office = self.office
        return (
            f"{office.name}, {date_format(self.date)} {clock(self.start)}-{clock(self.end)} "
            f"{office.tz_abbreviation}, {self.get_track_display()}"
        )

    @property
    def available(self) -> int:
        return 0 if self.closed else max(self.capacity - self.booked, 0)


class OfficeMembership(models.Model):
    class Role(models.TextChoices):
        OFFICER = "officer", _("Officer")
        SUPERVISOR = "supervisor", _("Supervisor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        verbose_name = _("office membership")
        verbose_name_plural = _("office memberships")
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.office.code} ({self.get_role_display()})"
