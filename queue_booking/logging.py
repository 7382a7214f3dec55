"""Logging helpers: no personal data (NIK, email address, phone number) and no secret link
leaves the process through a log line.

Kept free of Django imports: gunicorn's access log (``deploy/gunicorn.conf.py``) uses
``scrub`` before Django is set up.
"""

import logging
import re

# A NIK is 16 digits; anything that looks like one is masked in every log record, as a
# last line of defence behind the rule that code never logs a NIK. Not the decimals of a
# number ("succeeded in 0.5496123456789417s", Celery's task times).
_NIK_LIKE = re.compile(r"(?<![\d.])(\d{4})\d{8}(\d{4})(?!\d)")
# The secret half of a proof link (/b/<code>/<token>/...) and a display board's link
# (/display/<token>/): whoever holds one sees (and may cancel) the booking, or shows the
# board. A request's path is in most log lines Django and gunicorn write. The code
# alone reveals nothing personal and helps whoever reads the log, so it stays.
_SECRET_IN_PATH = re.compile(r"(/b/[^/\s?#'\"]+/|/display/)[^/\s?#'\"]+")
HIDDEN = "[hidden]"
# An applicant's contact details: a refusing mail server names the recipient in its
# error, SMS gateways quote the number. Phones as stored and sent (E.164) and as
# Indonesians write mobile numbers (08..., 628...).
_EMAIL = re.compile(r"[\w.+-]+@(?:[\w-]+\.)+[A-Za-z]{2,}")
_PHONE = re.compile(r"\+\d{8,15}(?!\d)|(?<![\d+.])(?:62|0)8\d{8,11}(?!\d)")

# What every record has; anything else on a record came as ``extra`` (Django's request
# log lines add ``request`` and ``status_code``).
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def mask_digits(text: str) -> str:
    return _NIK_LIKE.sub(r"\1********\2", text)


def scrub(text: str) -> str:
    """``text`` with NIK-like numbers masked, email addresses and phone numbers hidden,
    and the secrets of links hidden."""
    text = _SECRET_IN_PATH.sub(rf"\1{HIDDEN}", mask_digits(text))
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def describe_request(request) -> str:
    """A request as a log line may show it: method and path, secrets hidden, without the
    query string (Django's own repr carries the query string, which may hold anything)."""
    return scrub(f"{getattr(request, 'method', '-')} {getattr(request, 'path', '-')}")


def _is_request(value) -> bool:
    # Duck-typed: Django's HttpRequest and DRF's Request alike, without importing Django.
    return hasattr(value, "META") and hasattr(value, "path") and hasattr(value, "method")


class ScrubNikFilter(logging.Filter):
    """Scrubs everything a handler writes: the message, an exception's text, the stack,
    and whatever came as ``extra`` (a request becomes its method and path)."""

    _exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:
            # Formatted here, once, so that every formatter writes the scrubbed text
            # (the JSON formatter would format ``exc_info`` again).
            record.exc_text = record.exc_text or self._exceptions.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name, value in list(vars(record).items()):
            if name in _RECORD_ATTRIBUTES:
                continue
            if isinstance(value, str):
                setattr(record, name, scrub(value))
            elif _is_request(value):
                setattr(record, name, describe_request(value))
        return True
