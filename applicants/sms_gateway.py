"""SMS/WhatsApp through an HTTP gateway: one JSON POST per message.

Most gateways that serve Indonesia take a message as a JSON POST with the number, the
text and a token in a header; they differ in the field names, the number's form and the
header. ``SMS_GATEWAY_*`` in the settings describe the gateway (README, "Configuration");
the default is ``{"to": "+62...", "text": "..."}`` with ``Authorization: Bearer <token>``.

Only a 2xx answer counts as sent, and only when its body does not say otherwise: many
gateways answer 200 to a message they refused, with ``{"status": false, "message":
"..."}`` or the like (``gateway_refusal``). Such a refusal fails the message for good at
once, like a 4xx: the gateway had the message and said no, so the same request would get
the same answer (a wrong number, an empty balance) until a person acts; it stays in the
admin's failed messages with the gateway's words, to be sent again. A timeout, a refused connection, a 5xx or a 429 is
temporary: the message stays pending and the notification pipeline tries again with
back-off. Any other answer (400 bad number, 401/403 bad token, 404 or a redirect: a wrong
URL) would be given again, so the message fails for good at once
(``PermanentSendError``) and is logged as such. Nothing here logs or raises with the
number, the text or the token; what the gateway answered is quoted only with the
message's own words (and every long run of digits) taken out.
"""

import http.client
import json
import logging
import re
import time
import urllib.error
import urllib.request

from django.conf import settings

from applicants.notifications import PermanentSendError, SmsBackend

logger = logging.getLogger(__name__)

# After a timeout this process does not wait on the gateway again for this long: a
# drain of a burst of messages would otherwise wait SMS_GATEWAY_TIMEOUT for each one.
# The messages not tried stay pending and are retried with the others.
PAUSE_AFTER_TIMEOUT_SECONDS = 10.0
# How much of a refusing gateway's answer a failure quotes.
REPLY_EXCERPT_CHARS = 200

RETRY_STATUSES = frozenset({408, 425, 429})

# What a 2xx body says when no SMS_GATEWAY_SUCCESS_FIELD is set: one of these keys false
# or one of these words, or an error key that holds something.
VERDICT_KEYS = ("status", "success", "ok")
REFUSAL_WORDS = frozenset({"false", "error", "failed", "fail", "failure", "rejected", "refused", "invalid"})
ERROR_KEYS = ("error", "errors")
NO_ERROR_WORDS = frozenset({"", "0", "false", "none", "null", "ok", "success"})
# Where a refusing body says why, in the order looked for.
REASON_KEYS = ("message", "msg", "reason", "description", "detail", "error", "errors", "status")
NUMBER_FORMATS = ("e164", "digits")

# Until when this process leaves a gateway that timed out alone (monotonic clock).
_paused_until = 0.0


class GatewayUnavailable(Exception):
    """The gateway could not take the message now; sending it again later may work."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # urllib follows a redirect of a POST as a GET without the body but with the
    # Authorization header, possibly to another host: a redirect is a wrong URL instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def gateway_number(e164: str, number_format: str) -> str:
    """The number as the gateway wants it: ``+6281...`` (``e164``) or ``6281...`` (``digits``)."""
    return e164 if number_format == "e164" else e164.lstrip("+")


def gateway_reply(body: bytes, *, text: str) -> str:
    """A refusing gateway's answer as a failure may quote it: gateways echo the number and
    the message (whose link holds the booking's secret, perhaps JSON-escaped beyond the
    log filter's reach), so every word of six or more characters that is in the message
    and every run of six or more digits is taken out."""
    reply = " ".join(body[: REPLY_EXCERPT_CHARS * 4].decode("utf-8", "replace").replace("\\/", "/").split())
    message_words = set(re.findall(r"[\w-]{6,}", text))
    reply = re.sub(r"[\w-]{6,}", lambda m: "[message]" if m.group() in message_words else m.group(), reply)
    reply = re.sub(r"\+?\d[\d -]{4,}\d", "[digits]", reply)
    return reply[:REPLY_EXCERPT_CHARS]


def _keys_lowered(data: dict) -> dict:
    return {key.lower(): value for key, value in data.items() if isinstance(key, str)}


def _verdict_word(value) -> str:
    """A JSON value as the words of ``SMS_GATEWAY_SUCCESS_VALUES``: ``true``, ``200``, ``ok``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        return value.strip().lower()
    return json.dumps(value).lower()


def _reason(data) -> str:
    """The gateway's own words about a refusal: its message field, else the whole body."""
    if isinstance(data, dict):
        fields = _keys_lowered(data)
        for key in REASON_KEYS:
            value = fields.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, dict):
                value = _reason(value) or None
            if isinstance(value, str) and value.strip():
                return value
    return json.dumps(data, ensure_ascii=False)


def _field(data, path: str):
    """The value at ``path`` ("data.status") in ``data``, or ``KeyError``."""
    for name in path.split("."):
        if not isinstance(data, dict):
            raise KeyError(name)
        data = _keys_lowered(data)[name.lower()]
    return data


def _refused_by_shape(data: dict) -> bool:
    fields = _keys_lowered(data)
    verdicts = [fields[key] for key in VERDICT_KEYS if key in fields]
    if any(value is False or (isinstance(value, str) and value.strip().lower() in REFUSAL_WORDS) for value in verdicts):
        return True
    if any(value is True for value in verdicts):
        return False
    for key in ERROR_KEYS:
        value = fields.get(key)
        if isinstance(value, str):
            if value.strip().lower() not in NO_ERROR_WORDS:
                return True
        elif value not in (None, False, 0, [], {}):  # True, a number, a non-empty object or list
            return True
    return False


def gateway_refusal(body: bytes) -> str | None:
    """Why a gateway refused a message it answered with a 2xx, or ``None`` if it took it.

    With ``SMS_GATEWAY_SUCCESS_FIELD`` set, the body must be JSON with that field holding
    one of ``SMS_GATEWAY_SUCCESS_VALUES``; anything else is a refusal, a body that is not
    JSON or lacks the field too: the gateway was said to answer that way, so another
    answer is not a confirmation (an HTML page from a wrong address or a proxy) and
    would come again. Without it the common shapes are read (``status``/``success``/``ok``
    false or a word such as ``error``/``failed``, or an ``error``/``errors`` key that
    holds something, unless one of the first is ``true``), and a body that is empty, not
    JSON or not an object counts as taken: many gateways answer a bare ``OK`` or an id,
    and a message counted as refused there would reach the person twice once sent again.
    """
    success_field = settings.SMS_GATEWAY_SUCCESS_FIELD
    try:
        data = json.loads(body.decode("utf-8"))
    except ValueError:  # not UTF-8 (UnicodeDecodeError) or not JSON
        if not success_field:
            return None
        return f"answer without {success_field}: {body.decode('utf-8', 'replace')}"
    if not success_field:
        return _reason(data) if isinstance(data, dict) and _refused_by_shape(data) else None
    try:
        value = _field(data, success_field)
    except KeyError:
        return f"answer without {success_field}: {_reason(data)}"
    if _verdict_word(value) in settings.SMS_GATEWAY_SUCCESS_VALUES:
        return None
    return f"{success_field} {_verdict_word(value)}: {_reason(data)}"


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    if not _paused():
        logger.warning("SMS gateway timed out; not waiting on it again for %.0f s", PAUSE_AFTER_TIMEOUT_SECONDS)
    _paused_until = time.monotonic() + PAUSE_AFTER_TIMEOUT_SECONDS


class HttpSmsBackend(SmsBackend):
    """POSTs each message as JSON to ``SMS_GATEWAY_URL`` (the default ``SMS_BACKEND`` once
    that is set)."""

    supports_reference = True

    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def payload(self, *, to: str, text: str) -> dict:
        return {
            **settings.SMS_GATEWAY_EXTRA,
            settings.SMS_GATEWAY_TO_FIELD: gateway_number(to, settings.SMS_GATEWAY_NUMBER_FORMAT),
            settings.SMS_GATEWAY_TEXT_FIELD: text,
        }

    def headers(self, *, reference: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            scheme = settings.SMS_GATEWAY_AUTH_SCHEME
            headers["Authorization"] = f"{scheme} {self.token}" if scheme else self.token
        if reference:
            # The same for every try of one message: a gateway that honours it sends a
            # message once even when its first answer was lost (a timeout after it took it).
            headers["Idempotency-Key"] = reference
        return headers

    def send(self, *, to: str, text: str, reference: str = "") -> None:
        if _paused():
            raise GatewayUnavailable(
                f"SMS gateway timed out less than {PAUSE_AFTER_TIMEOUT_SECONDS:.0f} s ago; not tried"
            )
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked by the settings
            self.url,
            data=json.dumps(self.payload(to=to, text=text)).encode(),
            headers=self.headers(reference=reference),
            method="POST",
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                body = response.read(65536)
                status = response.status
        except urllib.error.HTTPError as error:
            self._refused(error.code, self._reply(error, text=text))
        except TimeoutError as error:
            _pause()
            raise GatewayUnavailable(f"SMS gateway did not answer within {self.timeout:g} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                _pause()
                raise GatewayUnavailable(f"SMS gateway did not answer within {self.timeout:g} s") from None
            raise GatewayUnavailable(f"SMS gateway could not be reached: {error.reason}") from None
        except (OSError, http.client.HTTPException) as error:  # a reset connection, a broken answer
            raise GatewayUnavailable(f"SMS gateway connection failed: {type(error).__name__}") from None
        if not 200 <= status < 300:  # a 1xx final answer: never a confirmation
            self._refused(status, "")
        refusal = gateway_refusal(body)
        if refusal is not None:
            said = gateway_reply(refusal.encode(), text=text)
            raise PermanentSendError(
                f"SMS gateway refused the message in its {status} answer" + (f": {said}" if said else "")
            )

    @staticmethod
    def _reply(error: urllib.error.HTTPError, *, text: str) -> str:
        try:
            return gateway_reply(error.read(), text=text)
        except (OSError, http.client.HTTPException):
            return ""
        finally:
            error.close()

    def _refused(self, status: int, reply: str) -> None:
        said = f": {reply}" if reply else ""
        if status >= 500 or status in RETRY_STATUSES:
            raise GatewayUnavailable(f"SMS gateway answered {status}{said}")
        raise PermanentSendError(f"SMS gateway refused the message with {status}{said}")
