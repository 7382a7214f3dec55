"""How a wait reads to a person: "sekitar 25 menit", "sekitar 1 jam 20 menit".

The one place where minutes become words, for every page (and the JSON a page polls)
that shows a wait to people: the public queue page and the public queue API's
``estimated_wait_text``, the proof page, the supervisor's today page. The API's numeric
``estimated_wait_minutes`` stays minutes; only what people read goes through here.
Where there is no estimate, people are told why (``estimate_text``), never shown a bare "–".
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.queue_selectors import RATE_WINDOW, WaitUnknown

# An estimate of more than an hour is no finer than this: the call rate behind it moves
# by more from one minute to the next, and "about 2 hours 5 minutes" reads at a glance
# where "about 2 hours 3 minutes" only looks precise.
ESTIMATE_STEP_MINUTES = 5
NBSP = "\u00a0"


def _unbroken(text: str) -> str:
    # A number and its unit stay on one line ("20" above "menit" in a narrow tile reads
    # badly); a line may still break between the hours and the minutes.
    return text.replace(" ", NBSP)


def duration_text(minutes: int) -> str:
    """``minutes`` in hours and minutes: "45 minutes", "2 hours", "1 hour 20 minutes"."""
    hours, rest = divmod(int(minutes), 60)
    minutes_part = _unbroken(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    if not hours:
        return minutes_part
    hours_part = _unbroken(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if not rest:
        return hours_part
    # Translators: a duration of hours and minutes, e.g. "1 hour 20 minutes".
    return _("%(hours)s %(minutes)s") % {"hours": hours_part, "minutes": minutes_part}


def wait_text(minutes: int | None, *, estimate: bool = True) -> str:
    """A wait as people read it, "–" when it is not known.

    An ``estimate`` reads "about ..." and, from an hour on, is rounded to
    ``ESTIMATE_STEP_MINUTES``; a measured wait (an average) is said as it is.
    """
    if minutes is None:
        return "–"
    minutes = round(minutes)
    if minutes < 1:
        return _("less than a minute")
    if not estimate:
        return duration_text(minutes)
    if minutes >= 60:
        minutes = round(minutes / ESTIMATE_STEP_MINUTES) * ESTIMATE_STEP_MINUTES
    # Translators: an estimated wait, e.g. "about 1 hour 20 minutes".
    return _("about %(duration)s") % {"duration": duration_text(minutes)}


def unknown_wait_text(reason: str | None) -> str:
    """Why there is no estimated wait (a ``queue_selectors.WaitUnknown``), in words; "–" for no reason."""
    if reason == WaitUnknown.NO_CALLS_YET:
        return _("Not known yet: no number has been called today, so there is nothing to estimate from.")
    if reason == WaitUnknown.NO_RECENT_CALLS:
        minutes = int(RATE_WINDOW.total_seconds() // 60)
        return _("Not known: no number has been called in the last %(minutes)d minutes.") % {"minutes": minutes}
    if reason == WaitUnknown.QUEUE_EMPTY:
        return _("No one is waiting now.")
    if reason == WaitUnknown.OFFICE_CLOSED:
        return _("The office is not serving any more today.")
    if reason == WaitUnknown.NEXT:
        return _("You are next in line.")
    if reason == WaitUnknown.NOT_CHECKED_IN:
        return _("Known once you have checked in.")
    if reason == WaitUnknown.CALLED:
        return _("It is your turn now.")
    return "–"


def estimate_text(minutes: int | None, reason: str | None) -> str:
    """An estimated wait in words, or why there is none."""
    return wait_text(minutes) if minutes is not None else unknown_wait_text(reason)
