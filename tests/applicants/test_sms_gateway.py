"""SMS/WhatsApp through an HTTP gateway (``applicants.sms_gateway.HttpSmsBackend``).

A gateway of the test's own on 127.0.0.1 plays the operator's: it records each request
and answers as the test tells it. Only a 2xx answer whose body does not say refused counts
as sent; a timeout, a refused connection, a 5xx or a 429 leaves the message pending for
the pipeline's retries; any other answer, a refusal in a 2xx body included, fails it for
good at once, logged without the number or the text.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import current_app
from celery.exceptions import Retry
from django.core import mail

from applicants import dispatch, sms_gateway
from applicants.models import Booking, Notification
from applicants.notifications import notification_send
from applicants.sms_gateway import GatewayUnavailable, HttpSmsBackend, gateway_reply
from applicants.tasks.notifications import send_notifications
from tests.applicants.conftest import NOW, payload
from tests.conftest import free_port

pytestmark = pytest.mark.django_db

# Taken before any test replaces it (tests/applicants/conftest.py records tasks instead).
REAL_PUBLISH = dispatch.publish
PHONE = "+6281234567890"
TOKEN = "gw-token-0123456789abcdef"


@dataclass
class FakeGateway:
    """What the gateway received, and how it answers the next requests."""

    url: str
    received: list[dict] = field(default_factory=list)
    status: int = 200
    body: bytes = b'{"status": "queued", "id": "m-1"}'
    hang: threading.Event | None = None  # set: hold every answer until the event is set

    def answer(self, status: int, body: bytes | str = b"") -> None:
        self.status, self.body = status, body.encode() if isinstance(body, str) else body


@pytest.fixture
def gateway(settings):
    state = FakeGateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", 0))
            state.received.append({"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)})
            if state.hang is not None:
                state.hang.wait(10)
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/v1/messages"
    settings.SMS_BACKEND = "applicants.sms_gateway.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = state.url
    settings.SMS_GATEWAY_TOKEN = TOKEN
    settings.SMS_GATEWAY_TIMEOUT = 5.0
    sms_gateway._paused_until = 0.0
    yield state
    if state.hang is not None:
        state.hang.set()
    server.shutdown()
    server.server_close()
    sms_gateway._paused_until = 0.0


@pytest.fixture
def booking(api, slot, gateway):
    response = api.post("/api/v1/bookings/", payload(slot, language="en"), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def sms_id() -> int:
    return Notification.objects.get(channel="sms").id


def test_the_gateway_gets_the_number_and_text_as_json_with_the_bearer_token(gateway, booking):
    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"

    [request] = gateway.received
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    sent = json.loads(request["body"])
    assert set(sent) == {"to", "text"}
    assert sent["to"] == PHONE
    assert booking["code"] in sent["text"]
    assert booking["proof_url"] in sent["text"]
    assert Notification.objects.get(channel="sms").state == "sent"


def test_every_try_of_one_message_carries_the_same_idempotency_key(gateway, booking):
    gateway.answer(503)
    notification_send(notification_id=sms_id(), now=NOW)
    gateway.answer(200, "{}")
    notification_send(notification_id=sms_id(), now=NOW)

    first, second = (request["headers"]["Idempotency-Key"] for request in gateway.received)
    assert first == second == f"antrean-notification-{sms_id()}"


def test_field_names_number_form_extra_fields_and_scheme_follow_the_settings(gateway, booking, settings):
    settings.SMS_GATEWAY_TO_FIELD = "target"
    settings.SMS_GATEWAY_TEXT_FIELD = "message"
    settings.SMS_GATEWAY_NUMBER_FORMAT = "digits"
    settings.SMS_GATEWAY_EXTRA = {"sender": "IMIGRASI", "channel": "whatsapp"}
    settings.SMS_GATEWAY_AUTH_SCHEME = ""

    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"

    [request] = gateway.received
    sent = json.loads(request["body"])
    assert set(sent) == {"target", "message", "sender", "channel"}
    assert (sent["target"], sent["sender"], sent["channel"]) == (PHONE[1:], "IMIGRASI", "whatsapp")
    assert request["headers"]["Authorization"] == TOKEN


def test_without_a_token_no_authorization_header_is_sent(gateway, booking, settings):
    settings.SMS_GATEWAY_TOKEN = ""

    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"

    assert "Authorization" not in gateway.received[0]["headers"]


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_a_busy_or_failing_gateway_leaves_the_message_to_be_retried(gateway, booking, status):
    gateway.answer(status, '{"error": "try later"}')

    assert notification_send(notification_id=sms_id(), now=NOW) == "retry"

    notification = Notification.objects.get(channel="sms")
    assert (notification.state, notification.attempts) == ("pending", 1)
    gateway.answer(200)
    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"
    assert len(gateway.received) == 2


def test_a_gateway_that_keeps_failing_is_given_up_after_the_pipeline_s_attempts(gateway, booking):
    gateway.answer(500)

    outcomes = [notification_send(notification_id=sms_id(), now=NOW) for _ in range(6)]

    assert outcomes == ["retry"] * 5 + ["failed"]


def test_a_timeout_leaves_the_message_to_be_retried_and_pauses_the_gateway(gateway, booking, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    gateway.hang = threading.Event()

    assert notification_send(notification_id=sms_id(), now=NOW) == "retry"
    assert Notification.objects.get(channel="sms").state == "pending"
    # Within the pause the next message is not waited on: it fails at once, still temporary.
    with pytest.raises(GatewayUnavailable, match="not tried"):
        HttpSmsBackend().send(to=PHONE, text="x")
    assert len(gateway.received) == 1

    gateway.hang.set()
    gateway.hang = None
    sms_gateway._paused_until = 0.0  # the pause is over
    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"


def test_an_unreachable_gateway_leaves_the_message_to_be_retried(gateway, booking, settings):
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/v1/messages"  # nobody listens

    assert notification_send(notification_id=sms_id(), now=NOW) == "retry"
    assert Notification.objects.get(channel="sms").state == "pending"


def test_a_timeout_in_the_event_task_makes_celery_retry_it(gateway, booking, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    gateway.hang = threading.Event()

    with pytest.raises(Retry):
        send_notifications.apply(
            kwargs={"booking_id": Booking.objects.get(code=booking["code"]).id, "dedupe_key": "confirmation"}
        )

    assert len(mail.outbox) == 1  # the email went; it is not sent again by the retry
    assert Notification.objects.get(channel="sms").state == "pending"


@pytest.mark.parametrize(
    ("status", "reply"),
    [
        (400, '{"error": "invalid number", "to": "+6281234567890", "text": "%(text)s"}'),
        (401, '{"error": "invalid token"}'),
        (403, "forbidden"),
        (404, "no such endpoint"),
    ],
)
def test_a_refused_message_fails_at_once_and_is_logged_without_personal_data(
    gateway, booking, status, reply, product_log
):
    # Gateways quote what they refused; JSON may escape the link's slashes, beyond the
    # reach of the log filter's pattern for a proof link's secret.
    token = booking["proof_url"].rstrip("/").rsplit("/", 1)[1]
    gateway.answer(status, reply.replace("%(text)s", booking["proof_url"].replace("/", "\\/")))

    assert notification_send(notification_id=sms_id(), now=NOW) == "failed"

    notification = Notification.objects.get(channel="sms")
    assert (notification.state, notification.attempts) == ("failed", 1)
    assert notification_send(notification_id=notification.id, now=NOW) == "skipped"  # never again
    assert len(gateway.received) == 1
    written = product_log.getvalue()
    assert f"notification {notification.id} (confirmation by sms) refused for good" in written
    assert f"refused the message with {status}" in written
    assert PHONE not in written
    assert PHONE[3:] not in written
    assert token not in written
    assert TOKEN not in written
    assert booking["proof_url"] not in written


def test_a_redirect_is_not_followed_with_the_token(gateway, booking):
    gateway.answer(302)

    assert notification_send(notification_id=sms_id(), now=NOW) == "failed"
    assert len(gateway.received) == 1


def test_a_gateway_s_answer_is_quoted_without_the_message_s_words_or_long_numbers():
    text = "Antrean Paspor: Booking confirmed: K7M2QX9A. Proof: https://a.example/b/K7M2QX9A/Xb3q-L0v8_c2M4n6R1/"
    body = (
        b'{"error":"invalid destination","to":"0812-3456-7890",'
        b'"text":"https:\\/\\/a.example\\/b\\/K7M2QX9A\\/Xb3q-L0v8_c2M4n6R1\\/"}'
    )

    quoted = gateway_reply(body, text=text)

    assert "invalid destination" in quoted
    assert "Xb3q-L0v8_c2M4n6R1" not in quoted
    assert "3456" not in quoted
    assert "K7M2QX9A" not in quoted


def test_a_confirmed_booking_s_sms_goes_through_the_celery_task_to_the_gateway(
    api, slot, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(dispatch, "publish", REAL_PUBLISH)
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/bookings/", payload(slot, language="en"), format="json")
    finally:
        current_app.conf.task_always_eager = False

    assert response.status_code == 201, response.json()
    body = response.json()
    [request] = gateway.received
    sent = json.loads(request["body"])
    assert sent["to"] == PHONE
    assert body["proof_url"] in sent["text"]
    booking = Booking.objects.get(code=body["code"])
    assert set(booking.notifications.values_list("channel", "state")) == {("email", "sent"), ("sms", "sent")}


# --- A 2xx answer whose body says the message was refused --------------------------------


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('{"status": false, "message": "Saldo tidak cukup"}', "Saldo tidak cukup"),
        ('{"success": false, "error": {"code": 21, "message": "Nomor tidak valid"}}', "Nomor tidak valid"),
        ('{"Status": "FAILED", "reason": "sender not registered"}', "sender not registered"),
        ('{"ok": false, "description": "blocked"}', "blocked"),
        ('{"error": "quota exceeded"}', "quota exceeded"),
        ('{"errors": ["invalid destination"]}', "invalid destination"),
        ('{"success": false}', '{"success": false}'),
    ],
)
def test_a_200_whose_body_says_refused_fails_at_once_with_the_gateway_s_words(gateway, booking, body, said):
    gateway.answer(200, body)

    assert notification_send(notification_id=sms_id(), now=NOW) == "failed"

    notification = Notification.objects.get(channel="sms")
    assert (notification.state, notification.attempts, notification.failed_at) == ("failed", 1, NOW)
    assert notification.last_error == f"SMS gateway refused the message in its 200 answer: {said}"
    assert notification_send(notification_id=notification.id, now=NOW) == "skipped"  # not retried
    assert len(gateway.received) == 1


@pytest.mark.parametrize(
    "body",
    [
        '{"status": true, "message": "Pesan terkirim"}',
        '{"success": true, "errors": []}',
        '{"status": "queued", "id": "m-1"}',
        '{"error": null, "id": 17}',
        '{"error": "", "status": "sent"}',
        '{"success": true, "error": "none"}',
        "[]",
    ],
)
def test_a_200_whose_body_says_taken_or_nothing_of_a_refusal_is_sent(gateway, booking, body):
    gateway.answer(200, body)

    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"


@pytest.mark.parametrize("body", [b"", b"OK", b"<html>Message queued</html>", b"\xff\xfe"])
def test_without_a_success_field_a_body_that_is_not_json_counts_as_sent(gateway, booking, body):
    # Many gateways answer a bare "OK"; counting it as refused would send the message
    # twice once a supervisor sends it again.
    gateway.answer(200, body)

    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"


def test_a_refusal_in_the_body_is_quoted_without_the_number_or_the_message(gateway, booking, product_log):
    token = booking["proof_url"].rstrip("/").rsplit("/", 1)[1]
    body = json.dumps({"status": False, "message": f"Nomor {PHONE} ditolak: {booking['proof_url']}"})
    gateway.answer(200, body)

    assert notification_send(notification_id=sms_id(), now=NOW) == "failed"

    last_error = Notification.objects.get(channel="sms").last_error
    assert last_error.startswith("SMS gateway refused the message in its 200 answer: Nomor [digits] ditolak")
    written = product_log.getvalue()
    assert "refused the message in its 200 answer" in written
    for secret in (PHONE, PHONE[3:], token):
        assert secret not in last_error
        assert secret not in written


@pytest.mark.parametrize(
    ("values", "body", "outcome", "last_error"),
    [
        (["0"], '{"code": 0, "message": "Success"}', "sent", ""),
        (["0"], '{"code": 1001, "message": "Saldo habis"}', "failed", "code 1001: Saldo habis"),
        (["200"], '{"data": {"code": 200}}', "failed", 'answer without code: {"data": {"code": 200}}'),
        (["0"], "OK", "failed", "answer without code: OK"),
    ],
)
def test_a_configured_success_field_decides_and_a_body_without_it_is_a_refusal(
    gateway, booking, settings, values, body, outcome, last_error
):
    settings.SMS_GATEWAY_SUCCESS_FIELD = "code"
    settings.SMS_GATEWAY_SUCCESS_VALUES = values
    gateway.answer(200, body)

    assert notification_send(notification_id=sms_id(), now=NOW) == outcome

    said = f"SMS gateway refused the message in its 200 answer: {last_error}" if last_error else ""
    assert Notification.objects.get(channel="sms").last_error == said


def test_a_configured_success_field_may_be_a_dotted_path_and_overrides_the_common_shapes(gateway, booking, settings):
    settings.SMS_GATEWAY_SUCCESS_FIELD = "data.status"
    settings.SMS_GATEWAY_SUCCESS_VALUES = ["accepted"]
    # "error" would be a refusal by the common shapes; the configured field says taken.
    gateway.answer(200, '{"error": "none of your business", "data": {"Status": "Accepted"}}')

    assert notification_send(notification_id=sms_id(), now=NOW) == "sent"


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        (b'{"status": 0}', None),  # a number is read only with SMS_GATEWAY_SUCCESS_FIELD
        (b'{"status": "error", "msg": "bad sender"}', "bad sender"),
        (b'{"status": "error"}', "error"),
        (b'{"error": {"detail": "x"}, "success": "false"}', "x"),
        (b'{"error": true}', '{"error": true}'),
    ],
)
def test_gateway_refusal_reads_the_common_shapes(settings, body, refusal):
    settings.SMS_GATEWAY_SUCCESS_FIELD = ""

    assert sms_gateway.gateway_refusal(body) == refusal
