"""A time of day is written by one function, outside any template tag library, that
models, services and templates all use: "08.00" in Indonesian, "08:00" in English."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from offices.formats import clock
from offices.models import SessionTemplate
from offices.templatetags import public_ui

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("language", "written"), [("id", "08.05"), ("en", "08:05")])
def test_a_time_and_a_moment_read_as_the_product_writes_them(language, written):
    moment = dt.datetime(2026, 12, 7, 8, 5, 49, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with translation.override(language):
        assert clock(dt.time(8, 5)) == written
        assert clock(moment) == written  # its own wall clock, not converted
        assert clock(None) == ""


def test_without_an_active_language_a_time_reads_as_the_site_s():
    with translation.override(None):
        assert clock(dt.time(16, 30)) == "16.30"


def test_templates_write_times_with_the_same_function():
    assert public_ui.register.filters["clock"] is clock


def test_a_session_s_name_uses_it():
    session = SessionTemplate(weekday=0, start=dt.time(8), end=dt.time(10))
    with translation.override("en"):
        assert str(session).endswith("08:00-10:00")
    with translation.override("id"):
        assert str(session).endswith("08.00-10.00")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(
    "module",
    [
        "offices/models.py",
        "applicants/proof.py",
        "applicants/notification_messages.py",
        "applicants/services/checkin.py",
        "applicants/forms_staff.py",
        "applicants/views/proof.py",
        "applicants/admin.py",
        "offices/admin/capacity.py",
        "offices/admin/closures.py",
        "offices/admin/office.py",
        "offices/admin/scope.py",
    ],
)
def test_code_outside_templates_writes_times_without_the_template_tag_library(module):
    assert "offices.templatetags.public_ui" not in _imports(ROOT / module)


def test_the_offices_models_lean_on_no_template_tag_library():
    assert not {name for name in _imports(ROOT / "offices/models.py") if "templatetags" in name}
