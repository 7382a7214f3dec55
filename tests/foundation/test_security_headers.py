"""Pages tell the browser to run only the product's own scripts and to use the camera
and location for this site only (``queue_booking.security_headers``)."""

import re
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in policy.split(";"))}


@pytest.mark.parametrize("path", ["/", "/my-booking/", "/staff/login/", "/no-such-page/"])
def test_pages_allow_only_the_site_s_own_scripts(client, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["script-src"] == "'self'"  # no inline script, no other site
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_display_board_has_the_policy_and_its_words_in_attributes(client):
    office = factories.OfficeFactory(code="surabaya")
    board = client.get(f"/display/{office.display_token}/")

    assert directives(board)["script-src"] == "'self'"
    assert 'data-text-announce="' in board.content.decode()


def test_json_answers_do_without(client):
    response = client.get("/api/v1/offices/")

    assert response.status_code == 200
    assert not response.has_header("Content-Security-Policy")


def test_the_admin_keeps_its_own_scripts_but_never_in_a_frame(client):
    response = client.get("/admin/login/")

    assert not response.has_header("Content-Security-Policy")
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_of_the_product_has_an_inline_script():
    inline = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                inline.append(f"{template.relative_to(ROOT)}: {tag}")
        inline += [f"{template.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
        inline += [f"{template.relative_to(ROOT)}: {m}" for m in re.findall(r"javascript:", text)]
    assert not inline
