"""`make run PORT=...` and `manage.py runstack --port ...`: the links the app hands out point at
the server they start, not at the default port."""

import shutil
import subprocess

import pytest
from django.conf import settings

from queue_booking.management.commands.runstack import child_environment


def test_the_children_link_to_the_port_runstack_serves():
    env = child_environment({"PATH": "/usr/bin"}, "127.0.0.1", "8101")
    assert env["SITE_URL"] == "http://127.0.0.1:8101"
    assert env["PATH"] == "/usr/bin"


def test_a_server_on_every_address_is_linked_on_loopback():
    assert child_environment({}, "0.0.0.0", "8102")["SITE_URL"] == "http://127.0.0.1:8102"  # noqa: S104


def test_a_site_url_that_is_set_is_kept():
    env = child_environment({"SITE_URL": "https://antrean.example.go.id"}, "127.0.0.1", "8101")
    assert env["SITE_URL"] == "https://antrean.example.go.id"


def _make_run_dry(*args: str, **env: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("needs make")
    return subprocess.run(
        ["make", "-n", "run", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    ).stdout


def test_make_run_on_another_port_links_to_it():
    out = _make_run_dry("PORT=8101")
    assert "SITE_URL=http://127.0.0.1:8101 " in out
    assert "8000" not in out


def test_make_run_keeps_a_site_url_from_the_environment():
    out = _make_run_dry(SITE_URL="https://antrean.example.go.id")
    assert "SITE_URL=https://antrean.example.go.id " in out
