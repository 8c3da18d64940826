"""Every UI string has a Korean translation in the committed django.po.

scripts/check-translations also checks that the .po and .mo match the source;
this test needs no GNU gettext and runs with the rest of the suite.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def po_entries(text: str) -> list[Entry]:
    """The entries of a .po file (the header included, obsolete ones left out)."""
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry, keyword = Entry(), ""
        for line in lines:
            if line.startswith("#,"):
                entry.flags = {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):  # continues the string above
                if keyword == "msgid":
                    entry.msgid += ast.literal_eval(line)
                elif keyword.startswith("msgstr"):
                    entry.msgstr[-1] += ast.literal_eval(line)
            else:
                keyword, _, literal = line.partition(" ")
                if keyword == "msgid":
                    entry.msgid = ast.literal_eval(literal)
                elif keyword.startswith("msgstr"):
                    entry.msgstr.append(ast.literal_eval(literal))
        entries.append(entry)
    return entries


@pytest.fixture
def entries() -> list[Entry]:
    if not PO.exists():
        pytest.skip(f"{PO.relative_to(ROOT)} does not exist yet")
    return [entry for entry in po_entries(PO.read_text(encoding="utf-8")) if entry.msgid]


def test_it_translates_every_string(entries: list[Entry]) -> None:
    assert [entry.msgid for entry in entries if not all(entry.msgstr)] == []


def test_it_has_no_fuzzy_translations(entries: list[Entry]) -> None:
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []


def test_it_reads_po_files() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Hello "\n"%(name)s"\nmsgstr "안녕 "\n"%(name)s"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n\n'
        '#~ msgid "gone"\n#~ msgstr ""\n'
    )
    entries = po_entries(text)
    assert [entry.msgid for entry in entries] == ["", "Hello %(name)s", "one"]
    assert entries[1].flags == {"fuzzy", "python-format"}
    assert entries[1].msgstr == ["안녕 %(name)s"]
    assert entries[2].msgstr == [""]
