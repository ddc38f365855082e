"""The Russian catalogue is complete: every msgid translated, nothing fuzzy, three plural forms,
placeholders kept, and the committed .mo matches the .po (`make run` must not need gettext)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"
PLURAL_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [v for k, v in sorted(self.fields.items()) if k.startswith("msgstr")]


def parse_po(text: str) -> list[Entry]:
    """A small .po reader: enough for flags, msgid/msgid_plural/msgstr[n] and continuation lines."""
    entries: list[Entry] = []
    current = Entry()
    key = ""
    for line in text.splitlines() + [""]:
        if not line.strip():
            if current.fields:
                entries.append(current)
            current, key = Entry(), ""
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current.fields[key] = ast.literal_eval(value)
    return entries


def catalogue() -> tuple[Entry, list[Entry]]:
    entries = parse_po((LC_MESSAGES / "django.po").read_text(encoding="utf-8"))
    header = next(e for e in entries if e.msgid == "")
    return header, [e for e in entries if e.msgid != "" and not e.obsolete]


def test_parser_sees_untranslated_and_fuzzy_entries() -> None:
    sample = '#, fuzzy\nmsgid "a"\nmsgstr "b"\n\nmsgid ""\n"long "\n"id"\nmsgstr ""\n'
    fuzzy, empty = parse_po(sample)
    assert "fuzzy" in fuzzy.flags
    assert empty.msgid == "long id" and empty.translations == [""]


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    header, entries = catalogue()
    assert len(entries) > 300
    assert "fuzzy" not in header.flags
    untranslated = [e.msgid for e in entries if not all(e.translations)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_forms_are_russian() -> None:
    header, entries = catalogue()
    assert f"Plural-Forms: {PLURAL_FORMS}" in header.fields["msgstr"]
    plurals = [e for e in entries if "msgid_plural" in e.fields]
    assert plurals
    for entry in plurals:
        assert sorted(k for k in entry.fields if k.startswith("msgstr")) == ["msgstr[0]", "msgstr[1]", "msgstr[2]"]


def test_placeholders_are_kept() -> None:
    _, entries = catalogue()
    for entry in entries:
        source = entry.fields.get("msgid_plural", entry.msgid)
        wanted = sorted(set(PLACEHOLDER.findall(source)))
        for text in entry.translations:
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, entry.msgid


def test_compiled_catalogue_matches_the_po_file() -> None:
    _, entries = catalogue()
    with (LC_MESSAGES / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in entries:
        context, plural = entry.fields.get("msgctxt"), entry.fields.get("msgid_plural")
        if plural and context:
            got = [compiled.npgettext(context, entry.msgid, plural, n) for n in (1, 3, 5)]
        elif plural:
            got = [compiled.ngettext(entry.msgid, plural, n) for n in (1, 3, 5)]
        elif context:
            got = [compiled.pgettext(context, entry.msgid)]
        else:
            got = [compiled.gettext(entry.msgid)]
        assert got == entry.translations, entry.msgid
