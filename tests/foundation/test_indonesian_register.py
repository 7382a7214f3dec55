"""The Indonesian catalogue keeps the register and the terms of docs/glossary.md: a word
it rules out, once fixed, does not come back with the next string. (The pages themselves
are checked in their own tests; this guards the catalogue as a whole.)"""

import ast
import re
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"

# word -> what the glossary says instead
RULED_OUT = {
    r"\bbisa\b": "dapat",
    r"\bpunya\b": "memiliki",
    r"\b(?<!terlebih )dahulu\b|\bdulu\b": "terlebih dahulu (or didahulukan: priority first)",
    r"\b(pakai|dipakai|memakai)\b": "gunakan / digunakan / menggunakan",
    r"\bbila\b": "jika",
    r"\bkalau\b": "jika",
    r"\bterlewat\b": "tidak hadir saat dipanggil",
    r"\bsah\b": "tidak valid / yang benar (sah: only an authentic proof)",
    r"\b(bidang|field) ini\b": "isian ini",
    r"\bkotak Tanggal\b": "tanggalnya (the date of birth's day box)",
    r"\bTidak dapat check-in\b": "Check-in tidak dapat dilakukan",
}
# "Kode QR ini bukan bukti pendaftaran yang sah.": a forged proof is not authentic.
ALLOWED = {"Kode QR ini bukan bukti pendaftaran yang sah."}


def _translations() -> list[str]:
    """Every msgstr of the catalogue, its continued lines joined."""
    found = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        strings = re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', block + "\n", re.M)
        for quoted in strings:
            text = "".join(ast.literal_eval(line) for line in quoted.strip().split("\n"))
            if text and "Project-Id-Version" not in text:
                found.append(text)
    return found


def test_the_catalogue_is_read():
    assert len(_translations()) > 1000


@pytest.mark.parametrize("pattern", RULED_OUT)
def test_no_translation_uses_a_word_the_glossary_rules_out(pattern):
    offending = [text for text in _translations() if text not in ALLOWED and re.search(pattern, text, re.IGNORECASE)]

    assert offending == [], f"say {RULED_OUT[pattern]!r}"
