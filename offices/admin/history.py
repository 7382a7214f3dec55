"""Admin log lines (each object's History, the audit trail) in the reader's language.

A line is stored once, by whoever made the change, and read by anyone: stored in the
writer's language, an Indonesian supervisor's "Kuota harian ditetapkan: 300 reguler, ..."
read so on an English reader's History. Lines are stored untranslated and translated
when read: a plain line as its msgid (marked with ``gettext_noop``), a line with numbers
as a "note" in Django's JSON change_message list, ``{"note": {"msgid": ..., "params": ...}}``,
beside Django's own "added" / "changed" / "deleted" parts.
"""

import json

from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext

NOTE = "note"


def log_note(msgid: str, **params) -> str:
    """A change message for ``log_change``: ``msgid`` (marked with ``gettext_noop``) with
    its ``%(name)`` parameters, translated only when read."""
    return json.dumps([{NOTE: {"msgid": msgid, "params": params}}], ensure_ascii=False)


def _note_text(note: dict) -> str:
    msgid, params = note.get("msgid", ""), note.get("params") or {}
    try:
        return gettext(msgid) % params
    except (KeyError, TypeError, ValueError):
        return msgid  # parameters that no longer fit the line: the msgid rather than an error page


def change_message_text(entry: LogEntry) -> str:
    """``entry``'s line in the active language."""
    raw = entry.change_message or ""
    if raw.startswith("["):
        try:
            parts = json.loads(raw)
        except json.JSONDecodeError:
            parts = None
        if isinstance(parts, list) and any(isinstance(part, dict) and NOTE in part for part in parts):
            texts = []
            for part in parts:
                if isinstance(part, dict) and NOTE in part:
                    texts.append(_note_text(part[NOTE]))
                else:
                    # Django's own part, rendered (and translated) by Django.
                    texts.append(LogEntry(change_message=json.dumps([part])).get_change_message())
            return " ".join(text for text in texts if text)
    # Django's lines come translated; ours without numbers are stored as their msgid.
    text = LogEntry.get_change_message(entry)
    return gettext(text) if text else ""  # gettext("") is the catalogue's header
