"""Django's ``{# #}`` comment ends at the end of its line: one spread over two lines is
not a comment, and the page prints it. The proof page showed such a note, in English,
to every applicant."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def test_no_template_has_a_one_line_comment_spread_over_several_lines():
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                # Every "{#" must close on its own line.
                if re.search(r"\{#(?!.*#\})", line):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []
