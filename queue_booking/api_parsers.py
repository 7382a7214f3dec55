"""The API's parsers: JSON, and a multipart body that carries nothing.

``JSONParser`` is DRF's, which also refuses a body nested too deeply to decode. Python's
decoder raises ``RecursionError`` (not ``ValueError``) at about a thousand levels, which
DRF let through as a server error: two kilobytes of ``[`` answered 500 on every endpoint
that reads a body, without signing in.

``EmptyMultipartParser`` takes a multipart body without a single part as no body: what a
browser's ``fetch`` sends for an empty ``FormData``, and Django's test client for
``post(url)`` (the staff API's "served" and "missed" are asked so). Any part makes it a
form, which the API does not take: 415, as for any other body that is not JSON. It is
left out of the OpenAPI schema (``PARSER_WHITELIST``), which names JSON only.
"""

from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError, UnsupportedMediaType


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc


# "--", a boundary (at most 70 characters, RFC 2046), "--" and a line break.
_EMPTY_MULTIPART_MAX = 80


class EmptyMultipartParser(parsers.BaseParser):
    media_type = "multipart/form-data"

    def parse(self, stream, media_type=None, parser_context=None):
        boundary = parse_header_parameters(media_type or "")[1].get("boundary", "")
        # Never more than an empty body's few bytes: a real upload is not read, only refused.
        if boundary and stream.read(_EMPTY_MULTIPART_MAX).strip() == f"--{boundary}--".encode("latin-1"):
            return {}
        raise UnsupportedMediaType(media_type)
