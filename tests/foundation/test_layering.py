"""Template-tag modules serve templates; code that is no template does not import them.

A helper that a template tag and a module both need (the erased person's note, used by
the admin, the proof's PDF and the day list's CSV) lives in a plain module
(``applicants.privacy``), and the tag imports it from there, so that the admin or a PDF
does not depend on a template library's registration."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("applicants", "offices", "queue_booking")
_OWN_TAGS = tuple(f"{app}.templatetags." for app in APPS)


def _template_tag_imports() -> set[tuple[str, str]]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/templatetags/" in relative or "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text(), relative)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                found.update((relative, name) for name in names if name.startswith(_OWN_TAGS))
    return found


def test_no_module_but_a_template_tag_imports_a_template_tag_module():
    assert _template_tag_imports() == set()


def test_the_erased_person_note_comes_from_the_plain_module():
    from applicants import privacy
    from applicants.templatetags import privacy_ui

    assert privacy_ui.erased_note_text is privacy.erased_note_text
