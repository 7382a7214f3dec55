"""Messages to applicants that failed, on the admin's home page.

Supervisors saw a failure only on the lists of bookings and messages; the home page,
where every visit to the admin starts, now says how many failed messages of their
offices still wait for someone, and opens exactly those.
"""

from django import template

from applicants.admin_notifications import unresolved_failures

register = template.Library()


@register.inclusion_tag("admin/applicants/unresolved_messages_note.html", takes_context=True)
def unresolved_messages_note(context) -> dict:
    request = context.get("request")
    return {"unresolved": unresolved_failures(request) if request is not None else None}
