"""An erased applicant on screens and on paper: ``{% erased_note applicant %}``.

The words are ``applicants.privacy``'s, shared with the admin, the proof's PDF and the
day list's CSV, which are no templates.
"""

from django import template

from applicants.models import Applicant
from applicants.privacy import erased_note_text

register = template.Library()


@register.simple_tag
def erased_note(applicant: Applicant | None) -> str:
    return erased_note_text(applicant)
