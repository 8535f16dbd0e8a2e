"""The message catalogues: the template is current with the code, and every catalogue present is
complete with its {placeholders} intact (a translation that drops or renames one fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALE_DIR

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"gettext": None, "ngettext": (1, 2)}  # as `make messages` extracts them
CATALOGUES = sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _template() -> dict[str, object]:
    with TEMPLATE.open("rb") as handle:
        return {_key(m.id): m.id for m in read_po(handle) if m.id}


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def test_the_template_is_current_with_the_code():
    in_code = {}
    for _, _, message, _, _ in extract_from_dir(REPO / "bot", keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        msgid = message if isinstance(message, str) else tuple(message)
        in_code[_key(msgid)] = msgid
    assert in_code, "no messages found in the code"
    template = _template()
    missing, stale = sorted(set(in_code) - set(template)), sorted(set(template) - set(in_code))
    assert not missing and not stale, f"run `make messages`: new {missing}, gone {stale}"
    assert {k: in_code[k] for k in template} == template  # plural forms too


def test_every_msgid_formats_with_its_own_placeholders():
    for key, msgid in _template().items():
        for form in (msgid if isinstance(msgid, tuple) else (msgid,)):
            assert "{}" not in form, f"positional placeholder in {form!r}: name it"
            form.format(**{name: "x" for name in placeholders(form)})


def test_there_is_at_least_the_russian_catalogue():
    assert LOCALE_DIR / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_catalogue_is_complete_with_its_placeholders(path: Path):
    language = path.parts[-3]
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    translated = {_key(m.id): m for m in catalogue if m.id}
    problems = []
    for key, msgid in _template().items():
        message = translated.get(key)
        if message is None or message.fuzzy:
            problems.append(f"untranslated: {key!r}")
            continue
        wanted = placeholders(key) | (placeholders(msgid[1]) if isinstance(msgid, tuple) else set())
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(msgid, tuple) and len(forms) != catalogue.num_plurals:
            problems.append(f"{key!r}: {len(forms)} plural forms, the language has {catalogue.num_plurals}")
        for form in forms:
            if not form:
                problems.append(f"untranslated: {key!r}")
            elif placeholders(form) != wanted:
                problems.append(f"{key!r}: {form!r} has {sorted(placeholders(form))}, wants {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_a_dropped_placeholder_is_caught(tmp_path: Path):
    """The check above fails on a catalogue whose translation loses a placeholder."""
    text = (LOCALE_DIR / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")
    broken = text.replace('msgstr "Причина: {reason}"', 'msgstr "Причина: {причина}"')
    assert broken != text
    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    bad = tmp_path / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po"
    bad.write_text(broken, encoding="utf-8")
    with pytest.raises(AssertionError, match="Причина"):
        test_every_catalogue_is_complete_with_its_placeholders(bad)
