"""An erased applicant in words: a note in place of the name and NIK.

Personal data past its retention is erased (``applicants.services.retention``,
docs/privacy.md); the booking stays, so every place that showed the person (pages, the
admin, the proof's PDF, the day list) says why they are no longer there instead of
showing blanks. The pages' template tag is ``applicants.templatetags.privacy_ui``.
"""

from django.utils import formats
from django.utils.translation import ngettext

from applicants.models import Applicant


def erased_on(applicant: Applicant) -> str:
    """The day the data was erased, on the site's clock: "6 Desember 2026"."""
    return formats.date_format(applicant.erased_on, "j F Y")


def erased_note_text(applicant: Applicant | None) -> str:
    """ "Personal data erased on 6 December 2026 (retention 90 days)"; "" if not erased."""
    if applicant is None or applicant.erased_at is None:
        return ""
    days = applicant.erased_after_days or 0
    return ngettext(
        "Personal data erased on %(date)s (retention %(days)d day)",
        "Personal data erased on %(date)s (retention %(days)d days)",
        days,
    ) % {"date": erased_on(applicant), "days": days}
