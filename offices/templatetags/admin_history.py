"""Admin log lines in the reader's language (offices/admin/history.py)."""

from django import template
from django.contrib.admin.models import LogEntry

from offices.admin.history import change_message_text

register = template.Library()


@register.filter
def change_message(entry: LogEntry) -> str:
    """``entry``'s line in the page's language, whatever the writer's was."""
    return change_message_text(entry)
