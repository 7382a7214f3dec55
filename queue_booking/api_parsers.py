"""The API's JSON parser: DRF's, which also refuses a body nested too deeply to decode.

Python's decoder raises ``RecursionError`` (not ``ValueError``) at about a thousand
levels, which DRF let through as a server error: two kilobytes of ``[`` answered 500
on every endpoint that reads a body, without signing in.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
