"""The catalogues are complete and compiled: every Indonesian string translated, nothing
fuzzy, and each committed .mo says exactly what its .po says (a fresh machine may have
no gettext to compile them)."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
# djangojs exists once a script under static/ calls gettext(); today's scripts take their
# texts from data attributes rendered by the templates, so it is checked when present.
CATALOGUES = [("id", "django"), ("en", "django")] + [
    (language, "djangojs") for language in ("id", "en") if (LOCALE / language / "LC_MESSAGES" / "djangojs.po").is_file()
]


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for catalogues written by gettext's own tools."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            if entry.msgid or entry.msgstr:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(line))
            continue
        if keyword == "msgctxt":
            if entry.msgid or entry.msgstr:
                finish()
            entry.msgctxt, target = _unquote(rest), ("msgctxt", None)
        elif keyword == "msgid":
            if entry.msgstr:
                finish()
            entry.msgid, target = _unquote(rest), ("msgid", None)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", None)
        elif keyword.startswith("msgstr"):
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            index = int(match.group(1) or 0)
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
    finish()
    return [e for e in entries if not e.obsolete]


def _catalogue(language: str, domain: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_every_catalogue_exists_and_is_compiled(language, domain):
    po = _catalogue(language, domain)
    assert po.is_file(), f"{po} is missing: run `make messages`"
    assert po.with_suffix(".mo").is_file(), f"{po.with_suffix('.mo')} is missing: run `make messages`"


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_no_entry_is_fuzzy(language, domain):
    entries = parse_po(_catalogue(language, domain))

    fuzzy = [e.msgid for e in entries if e.msgid and "fuzzy" in e.flags]
    assert fuzzy == [], f"fuzzy in {language}/{domain}.po: {fuzzy[:10]}"


@pytest.mark.parametrize("domain", [domain for language, domain in CATALOGUES if language == "id"])
def test_every_indonesian_string_is_translated(domain):
    entries = parse_po(_catalogue("id", domain))

    missing = [e.msgid for e in entries if e.msgid and not all(e.msgstr.get(i) for i in e.msgstr)]
    assert missing == [], f"{len(missing)} untranslated in id/{domain}.po, e.g. {missing[:10]}"


def test_the_indonesian_catalogue_is_not_trivially_small():
    entries = [e for e in parse_po(_catalogue("id", "django")) if e.msgid]

    assert len(entries) > 300


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_compiled_catalogue_matches_its_source(language, domain):
    po = _catalogue(language, domain)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog

    expected: dict = {}
    for entry in parse_po(po):
        if not entry.msgid or "fuzzy" in entry.flags:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            if entry.msgstr.get(0):
                expected[key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    compiled = {k: v for k, v in compiled.items() if k != ""}

    stale = {k for k in expected if compiled.get(k) != expected[k]}
    extra = set(compiled) - set(expected)
    assert not stale and not extra, (
        f"{language}/{domain}.mo is out of date with its .po (run `make messages`): "
        f"{sorted(map(str, stale))[:5]} {sorted(map(str, extra))[:5]}"
    )


def test_a_full_day_reads_the_same_in_the_calendar_cell_the_legend_and_the_badge():
    """The cell says "Penuh"; the legend and the day's badge said "Kuota habis", so the
    legend did not explain the cell (found in the applicant screens review)."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("id"):
        cell, legend = pgettext("calendar cell", "Full"), gettext("Full")
    assert legend.startswith(cell)
