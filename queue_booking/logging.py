"""Logging helpers: no personal data leaves the process through a log line."""

import logging
import re

# A NIK is 16 digits; anything that looks like one is masked in every log record, as a
# last line of defence behind the rule that code never logs a NIK.
_NIK_LIKE = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


def mask_digits(text: str) -> str:
    return _NIK_LIKE.sub(r"\1********\2", text)


class ScrubNikFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_digits(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
