"""Waits in words on the pages: ``{{ minutes|wait_estimate }}`` (``{{ minutes|wait_estimate:reason }}``
says why there is none), ``{{ minutes|wait_measured }}`` (``applicants.waits``)."""

from django import template

from applicants.waits import estimate_text, wait_text

register = template.Library()


@register.filter
def wait_estimate(minutes: int | None, reason: str | None = None) -> str:
    """An estimated wait: "about 1 hour 20 minutes"; without one, why not (a ``WaitUnknown``)."""
    return estimate_text(minutes, reason)


@register.filter
def wait_measured(minutes: int | None) -> str:
    """A wait that was measured, such as an average: "1 hour 7 minutes"."""
    return wait_text(minutes, estimate=False)
