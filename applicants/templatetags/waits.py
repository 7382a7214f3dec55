"""Waits in words on the pages: ``{{ minutes|wait_estimate }}``, ``{{ minutes|wait_measured }}``
(``applicants.waits``)."""

from django import template

from applicants.waits import wait_text

register = template.Library()


@register.filter
def wait_estimate(minutes: int | None) -> str:
    """An estimated wait: "about 1 hour 20 minutes"."""
    return wait_text(minutes)


@register.filter
def wait_measured(minutes: int | None) -> str:
    """A wait that was measured, such as an average: "1 hour 7 minutes"."""
    return wait_text(minutes, estimate=False)
