"""The generic background sentences: one file per language, the same sentences in the same order,
each file really in its language (a file the detector takes for another language would make the
answer model's z-scores mean something else for that archive language)."""

from __future__ import annotations

import pytest

from bot.answer import background
from bot.i18n import SUPPORTED
from index.language import guess_language

#: the share of a file's sentences the detector must take for the file's own language
MIN_DETECTED = 0.9
_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

LANGUAGES = sorted(p.stem for p in background.FOLDER.glob("*.txt") if p.stem != background.DEFAULT_LANGUAGE)
#: index.language tells Vietnamese by "ă", which Romanian uses too: most Romanian sentences come out "vi"
_DETECTOR_BUGS: dict[str, str] = {}  # language → why its detection fails (xfail, strict)


def _lines(language: str) -> list[str]:
    path = background.FOLDER / f"{language}.txt"
    assert path.exists(), f"no background file {path}"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_language_the_bot_speaks_has_a_background():
    assert set(SUPPORTED) <= {background.DEFAULT_LANGUAGE, *LANGUAGES}


@pytest.mark.parametrize("language", [background.DEFAULT_LANGUAGE, *LANGUAGES])
def test_a_background_has_as_many_sentences_as_the_english_one_each_once(language: str):
    english = _lines(background.DEFAULT_LANGUAGE)
    lines = _lines(language)
    assert len(lines) == len(english), f"{language}.txt has {len(lines)} sentences, en.txt {len(english)}"
    assert background.sentences(language) == [line.strip() for line in lines]  # what the engine reads
    repeated = sorted({line for line in lines if lines.count(line) > 1})
    assert not repeated, f"{language}.txt repeats {repeated}"
    controls = [n for n, line in enumerate(lines, 1) if _BIDI_CONTROLS & set(line)]
    assert not controls, f"{language}.txt has bidi control characters on lines {controls}"


@pytest.mark.parametrize("language", [
    pytest.param(code, marks=pytest.mark.xfail(strict=True, reason=_DETECTOR_BUGS[code])) if code in _DETECTOR_BUGS
    else code
    for code in [background.DEFAULT_LANGUAGE, *LANGUAGES]
])
def test_a_background_is_detected_as_its_own_language(language: str):
    lines = _lines(language)
    wrong = [(n, guess_language(line)) for n, line in enumerate(lines, 1) if guess_language(line) != language]
    assert len(wrong) <= (1 - MIN_DETECTED) * len(lines), f"{language}.txt: taken for another language {wrong[:20]}"


def test_the_detection_check_fails_for_a_file_in_another_language():
    """The check above is not vacuous: the German sentences are not detected as French."""
    german = _lines("de")
    assert sum(guess_language(line) == "fr" for line in german) < MIN_DETECTED * len(german)
