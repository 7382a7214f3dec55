"""Who saw whose personal data: staff reads of applicants' data (UU PDP No. 27/2022).

Changes are recorded elsewhere (``BookingTransition``, ``QueueEvent``, the admin's
``LogEntry``); this records reads: a desk look-up by NIK, a proof printed, the day
list, a booking opened in the admin. A row says who, where, when, what and which
booking or person, never the personal data itself: no NIK, no name, no search term.
Written by ``applicants.services.access_log``; kept ``STAFF_ACCESS_LOG_RETENTION_DAYS``.

Imported by ``applicants.models``; a module of its own so that it stays apart from the
applicant's own fields.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from offices.models import zoned_datetime


class PersonalDataAccess(models.Model):
    """One staff read of applicants' personal data.

    A page about one booking names it (``booking``, and its ``applicant``); a list (the
    day list, the admin's booking list) is one row per office with ``count``, the number
    of people it showed, and for the day list the ``date`` listed.
    """

    class Action(models.TextChoices):
        NIK_LOOKUP = "nik_lookup", _("Looked up by NIK at the desk")
        CHECKIN_VIEW = "checkin_view", _("Opened for check-in")
        CHECKIN = "checkin", _("Checked in")
        WALK_IN = "walk_in", _("Walk-in registered")
        COUNTER = "counter", _("Shown at a counter")
        PROOF_PRINT = "proof_print", _("Proof printed")
        LINK_RENEWAL = "link_renewal", _("Secret link renewal")
        DAY_LIST = "day_list", _("Day list viewed or printed")
        DAY_LIST_CSV = "day_list_csv", _("Day list downloaded (CSV)")
        ADMIN_BOOKING = "admin_booking", _("Booking opened in the admin")
        ADMIN_BOOKING_LIST = "admin_booking_list", _("Booking list in the admin")
        ADMIN_MESSAGES = "admin_messages", _("Failed messages of a booking in the admin")

    class Channel(models.TextChoices):
        DESK = "desk", _("Staff pages")
        API = "api", _("Staff API")
        ADMIN = "admin", _("Admin")

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The username as it was: the row still names who it was once the account is removed.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    # No index of its own: ``access_office_at`` starts with the office. SET_NULL, never
    # CASCADE: removing an office must not remove the record of who read its people's data.
    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Whose data: kept as references only, and let go (not deleted with) when the
    # applicant's data is erased.
    booking = models.ForeignKey(
        "applicants.Booking",
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant = models.ForeignKey(
        "applicants.Applicant",
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("service date"), null=True, blank=True, help_text=_("The day a day list was of."))
    count = models.PositiveIntegerField(_("people shown"), default=1)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["office", "at"], name="access_office_at"),
            # The daily purge and the central admin's list, newest first.
            models.Index(fields=["at"], name="access_at"),
        ]

    def __str__(self) -> str:
        # The admin's title and breadcrumbs: "petugas.surabaya: Proof printed, Dec. 7, 2026, 8:08 p.m. WIB".
        return f"{self.actor_username or '-'}: {self.get_action_display()}, {zoned_datetime(self.at, self.office)}"
