"""Applicants, their bookings, and the on-site queue."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from offices.models import Office, Slot, Track, zoned_datetime


class Applicant(models.Model):
    """A person, identified by NIK.

    The NIK is never stored in clear: ``nik_hash`` is a keyed HMAC (blind index) for
    look-ups and uniqueness, ``nik_encrypted`` a Fernet token for the rare case staff
    must read it, and ``nik_masked`` what every screen shows.

    Once the person's bookings are over and the retention has passed
    (``PERSONAL_DATA_RETENTION_DAYS``), ``applicant_erase_expired`` empties every
    personal field and sets ``erased_at``: see docs/privacy.md.
    """

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    # Unique by a constraint, not ``unique=True``: on PostgreSQL the latter also builds a
    # LIKE (pattern-ops) index, one more index written on every booking, read by nothing.
    nik_hash = models.CharField(_("NIK hash"), max_length=64)
    nik_encrypted = models.TextField(_("NIK (encrypted)"))
    nik_masked = models.CharField(_("NIK"), max_length=16)
    full_name = models.CharField(_("full name"), max_length=150)
    # Empty (null) only once the personal data is erased.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    # The retention that applied when it was erased (the setting may change later).
    erased_after_days = models.PositiveIntegerField(_("retention applied (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [models.UniqueConstraint(fields=["nik_hash"], name="applicant_nik_hash_unique")]

    def __str__(self) -> str:
        if self.erased_at is not None:
            return f"#{self.pk} (erased)"
        return f"{self.full_name} ({self.nik_masked})"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def erased_on(self) -> dt.date | None:
        """The day the data was erased, on the site's clock (as every screen shows it)."""
        return timezone.localtime(self.erased_at).date() if self.erased_at is not None else None


class BookingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a place")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not come")
    ROLLED_OVER = "rolled_over", _("Moved to another date")
    EXPIRED = "expired", _("Expired without a place")


ACTIVE_STATUSES = (
    BookingStatus.WAITING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.CALLED,
)


# The bookings the waits history reads (``applicants.wait_selectors``): a counter called
# the person (a measured wait) or they were served (on paper too, without a call). A
# new booking is neither, so the partial index on them (``booking_called_day``) costs
# the booking path nothing: an insert that does not match the predicate is not indexed.
CALLED_OR_SERVED = Q(called_at__isnull=False) | Q(status=BookingStatus.SERVED)


class Service(models.TextChoices):
    NEW = "new", _("New passport")
    RENEWAL = "renewal", _("Passport renewal")
    REPLACEMENT_LOST = "replacement_lost", _("Replacement for a lost passport")
    REPLACEMENT_DAMAGED = "replacement_damaged", _("Replacement for a damaged passport")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WALK_IN = "walk_in", _("Walk-in at the office")


class PriorityGroup(models.TextChoices):
    NONE = "", _("None")
    ELDERLY = "elderly", _("Elderly (60+)")
    DISABLED = "disabled", _("Person with a disability")
    PREGNANT = "pregnant", _("Pregnant")
    INFANT = "infant", _("Infant or toddler")


class Booking(models.Model):
    # Unique by a constraint (see ``Applicant.nik_hash``); the name must keep "code" in
    # it: the booking service tells a code collision by it.
    code = models.CharField(_("booking code"), max_length=8)
    # SHA-256 of the secret token in the proof link: what a request is checked against.
    token_hash = models.CharField(_("token hash"), max_length=64)
    # The same token, Fernet-encrypted with the personal-data keys, so "find my booking"
    # (code + NIK) and the emails can hand back the link already printed on the proof.
    token_encrypted = models.TextField(_("token (encrypted)"), blank=True, default="")
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="bookings"
    )
    # Copied from the applicant so the database can enforce "one active booking per
    # person" with a partial unique index.
    nik_hash = models.CharField(_("NIK hash"), max_length=64)
    person_slot = models.PositiveSmallIntegerField(_("booking number of this person"), default=1)

    # No index of its own: ``booking_office_day_status`` starts with the office.
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    slot = models.ForeignKey(
        Slot, verbose_name=_("session"), null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Service date once confirmed."))
    requested_date = models.DateField(_("requested date"))
    requested_slot = models.ForeignKey(
        Slot, verbose_name=_("requested session"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, default=Track.REGULAR)
    service = models.CharField(_("service"), max_length=24, choices=Service.choices, default=Service.NEW)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    priority_group = models.CharField(
        _("priority group"), max_length=10, choices=PriorityGroup.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    language = models.CharField(_("language"), max_length=5, default="id")

    # Allocation order: waiting requests and rolled-over bookings are served by these.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    rollover_rank = models.PositiveIntegerField(
        _("rollover order"), null=True, blank=True, help_text=_("Set on bookings moved by a closure; they go first.")
    )
    rolled_from = models.OneToOneField(
        "self",
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rolled_to",
    )
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)

    # The day of service.
    queue_number = models.CharField(_("queue number"), max_length=8, blank=True, default="")
    queue_seq = models.PositiveIntegerField(_("queue order"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    queued_at = models.DateTimeField(
        _("queued at"), null=True, blank=True, help_text=_("When the booking took its place in the queue (again).")
    )
    # Set at check-in; see ``applicants.services.queue`` for why a late arrival's differs
    # from its own session's start.
    queue_session_start = models.TimeField(
        _("queues with the session of"),
        null=True,
        blank=True,
        help_text=_(
            "Start of the session whose line this person joined at check-in: their own, or, for a late "
            "arrival let in by a supervisor, the session running (or the next one) when they came."
        ),
    )
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    counter = models.ForeignKey(
        "ServiceCounter",
        verbose_name=_("counter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    missed_count = models.PositiveSmallIntegerField(_("times missed"), default=0)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="booking_code_unique"),
            models.UniqueConstraint(
                fields=["nik_hash", "person_slot"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="booking_one_active_per_person_slot",
            ),
            models.UniqueConstraint(
                fields=["office", "date", "queue_number"],
                condition=~Q(queue_number=""),
                name="booking_queue_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status=BookingStatus.WAITING)
                | Q(status=BookingStatus.EXPIRED)
                | Q(status=BookingStatus.CANCELLED, slot__isnull=True)
                | Q(slot__isnull=False),
                name="booking_has_slot_unless_waiting",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "date", "status"], name="booking_office_day_status"),
            models.Index(fields=["status", "waiting_since"], name="booking_waiting_order"),
            # The waits history of every office over a few weeks: without it a range of
            # dates across offices read the whole table. Only called or served bookings
            # are in it: not-yet-called bookings (every insert, online or walk-in) stay
            # out, and the history's query carries the same condition so it can use it.
            models.Index(fields=["date", "office"], condition=CALLED_OR_SERVED, name="booking_called_day"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


# Why a booking's status changed, as the status log shows it to people. The codes are
# what the services write in ``BookingTransition.reason``; tests/admin/test_status_log.py
# checks that every code the code base writes has a label here.
TRANSITION_REASONS = {
    "booked": pgettext_lazy("status log", "Booked"),
    "walk_in": pgettext_lazy("status log", "Registered as a walk-in"),
    "session_full_waiting": pgettext_lazy("status log", "Session full: put on the waiting list"),
    "allocated": pgettext_lazy("status log", "Given a place from the waiting list"),
    "waiting_expired": pgettext_lazy("status log", "Waiting list request expired"),
    "rescheduled": pgettext_lazy("status log", "Moved to another session"),
    "rolled_over": pgettext_lazy("status log", "Moved to another day"),
    "closure": pgettext_lazy("status log", "Moved: the office closed that day"),
    "service_stopped": pgettext_lazy("status log", "Moved: service stopped for the day"),
    "plan_lowered": pgettext_lazy("status log", "Moved: the session's places were lowered"),
    "cancelled_by_applicant": pgettext_lazy("status log", "Cancelled by the applicant"),
    "cancelled_by_staff": pgettext_lazy("status log", "Cancelled by staff"),
    "checked_in": pgettext_lazy("status log", "Checked in"),
    "called": pgettext_lazy("status log", "Called to a counter"),
    "missed": pgettext_lazy("status log", "Missed a call: back in the queue"),
    "missed_twice": pgettext_lazy("status log", "Missed two calls"),
    "served": pgettext_lazy("status log", "Served"),
    "day_end": pgettext_lazy("status log", "Did not come by closing time"),
    "served_on_paper": pgettext_lazy("status log", "Recorded as served on paper"),
    "token_renewed": pgettext_lazy("status log", "Secret link renewed"),
    "contact_corrected": pgettext_lazy("status log", "Contact details corrected by staff"),
    "contact_changed": pgettext_lazy("status log", "Contact details changed by the applicant"),
    "messages_resent": pgettext_lazy("status log", "Failed messages sent again"),
}


class BookingTransition(models.Model):
    """Every status change: who, when, from, to, why.

    Events that keep the status are logged here too, with the same ``from_status`` and
    ``to_status``: a reschedule (``reason="rescheduled"``), a renewed secret link
    (``"token_renewed"``; never with the token or its hash).
    """

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(_("reason"), max_length=64)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("booking transition")
        verbose_name_plural = _("booking transitions")

    def __str__(self) -> str:
        start = BookingStatus(self.from_status).label if self.from_status else "–"
        return f"{start} → {BookingStatus(self.to_status).label} ({self.reason_label})"

    @property
    def reason_label(self) -> str:
        """The reason in words (its code, for one written before it had a label)."""
        return TRANSITION_REASONS.get(self.reason, self.reason)


class IdempotencyKey(models.Model):
    """A stored answer to a POST made with an ``Idempotency-Key`` header."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    key = models.CharField(_("key"), max_length=255)
    scope = models.CharField(_("scope"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} ({self.state})"


class QueueCounter(models.Model):
    """The last queue number handed out per office, day and track."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("queue number counter")
        verbose_name_plural = _("queue number counters")
        constraints = [models.UniqueConstraint(fields=["office", "date", "track"], name="queue_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.track}: {self.last_number}"


class ServiceCounter(models.Model):
    """A desk ("loket") at which staff call and serve applicants."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="counters")
    name = models.CharField(_("name"), max_length=40)
    # A desk kept for one kind of service (express, or the priority groups) calls only that
    # track's numbers; the rest call every track, priority first.
    track = models.CharField(
        _("calls"),
        max_length=10,
        choices=Track.choices,
        blank=True,
        default="",
        help_text=_("Only this track's numbers are called here. Empty: every track, priority first."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Who opened it last, and when: what an officer opening it under the same name is told
    # ("already open since 08.10, by ..."), so two desks do not share one name unawares.
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["office", "name"]
        verbose_name = _("service counter")
        verbose_name_plural = _("service counters")
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="service_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office.code} {self.name}"


class QueueEvent(models.Model):
    """What happened at the counters: called, recalled, served, missed. Feeds the board."""

    class Action(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        CALLED = "called", _("Called")
        RECALLED = "recalled", _("Called again")
        SERVED = "served", _("Served")
        MISSED = "missed", _("Missed")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="queue_events"
    )
    counter = models.ForeignKey(
        ServiceCounter, verbose_name=_("counter"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("queue event")
        verbose_name_plural = _("queue events")
        indexes = [models.Index(fields=["office", "date", "at"], name="queue_event_office_day")]

    def __str__(self) -> str:
        # The admin's title and breadcrumbs: "L3L9RXLU: Selesai dilayani, 7 Des. 2026, 14.15 WIB".
        return f"{self.booking.code}: {self.get_action_display()}, {zoned_datetime(self.at, self.office)}"


class Notification(models.Model):
    """A message to an applicant. ``dedupe_key`` makes sending it twice impossible."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Booking confirmed")
        WAITING = "waiting", _("Waiting for a place")
        ALLOCATED = "allocated", _("Place found")
        ROLLED_OVER = "rolled_over", _("Moved to another date")
        CANCELLED = "cancelled", _("Cancelled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        REMINDER = "reminder", _("Reminder")
        EXPIRED = "expired", _("Request expired")
        TOKEN_RENEWED = "token_renewed", _("New secret link")
        # Renewed by staff at the desk for the person in front of them: told in other words.
        TOKEN_RENEWED_AT_OFFICE = "token_at_office", _("New secret link (renewed at the office)")
        # To the person's contacts as they were before the applicant changed them: a
        # notice without the secret link (``applicants.services.contact``).
        CONTACT_CHANGED = "contact_changed", _("Contact details changed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS / WhatsApp")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # No index of its own: ``notification_once`` starts with the booking.
    booking = models.ForeignKey(
        Booking,
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    dedupe_key = models.CharField(_("deduplication key"), max_length=100)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    # Why the last try failed, for the people who run the office: what the mail server or
    # the gateway said, scrubbed of addresses, numbers and links (``send_failure_text``).
    # Emptied once the message goes.
    last_error = models.CharField(_("last error"), max_length=300, blank=True, default="")
    # The address this message goes to instead of the person's current contact: only the
    # notice of a contact change, which must reach the contact as it was before. Emptied
    # once the message goes (the admin never shows it); erased with the person.
    recipient = models.CharField(_("recipient"), max_length=254, blank=True, default="")

    class Meta:
        # As the admin's list is titled, in its breadcrumbs, the app index and the side menu too.
        verbose_name = _("message to applicant")
        verbose_name_plural = _("messages to applicants")
        constraints = [models.UniqueConstraint(fields=["booking", "channel", "dedupe_key"], name="notification_once")]
        indexes = [
            # "Failed in the last 7 days": partial, so a booking's pending rows never enter it.
            models.Index(fields=["failed_at"], condition=Q(state="failed"), name="notification_failed_at"),
        ]

    def __str__(self) -> str:
        # The admin's title, breadcrumbs and row labels: "GEWZXEMC: Booking confirmed, Email (Sent)".
        return (
            f"{self.booking.code}: {self.get_kind_display()}, {self.get_channel_display()} ({self.get_state_display()})"
        )


# What a message tells of a booking's end may still be sent once it has ended; anything
# else (a confirmation, a reminder, a new link) only while the booking is active: a
# confirmation sent after a cancellation would tell the person the wrong thing.
TOLD_AFTER_END = frozenset({Notification.Kind.CANCELLED, Notification.Kind.EXPIRED})


# Staff reads of personal data: in a module of its own (see there).
from applicants.access_models import PersonalDataAccess  # noqa: E402, F401
