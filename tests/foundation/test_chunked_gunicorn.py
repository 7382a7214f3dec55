"""A body sent in chunks under real gunicorn reaches the view (queue_booking/chunked_body.py).

gunicorn decodes ``Transfer-Encoding: chunked`` and passes no ``Content-Length``; Django
read such a body as empty, so ``curl -H 'Transfer-Encoding: chunked' --data-binary
@body.json`` was told every field was missing. Here a look-up with a booking code of
the wrong shape is sent in chunks: the answer names that code, which only a view that
read the body can do; and a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is the usual 413. Neither
needs the database (an empty SQLite file)."""

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]

# Past Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) by a few bytes: the server
# answers before reading the rest, which must fit the socket's buffers, or the client
# could not finish sending and would never read the answer.
_JUST_TOO_LARGE = [b'{"nik": "'] + [b"1" * 65536] * 40 + [b'"}']


def _post_in_chunks(port: int, path: str, chunks: list[bytes]) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST",
            path,
            body=iter(chunks),
            headers={"Content-Type": "application/json", "Accept-Language": "en"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        connection.close()


def _wait_until_serving(port: int, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            return
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)  # gunicorn is still starting


def test_gunicorn_hands_a_chunked_body_to_the_view(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "queue_booking.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "queue_booking.wsgi:application", "--config"]
    command += [str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_serving(port, server)
        read = _post_in_chunks(port, "/api/v1/bookings/lookup/", [b'{"code": "A1", ', b'"nik": "12345"}'])
        too_large = _post_in_chunks(port, "/api/v1/bookings/lookup/", _JUST_TOO_LARGE)
    finally:
        server.send_signal(signal.SIGTERM)
        log, _ = server.communicate(timeout=60)

    status, body = read
    assert status == 400, (body, log)
    assert body["code"] == "invalid_code", body
    assert list(body["fields"]) == ["code"], body
    assert too_large[0] == 413, (too_large, log)
    assert too_large[1]["code"] == "request_too_large"
