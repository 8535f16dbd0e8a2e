"""Language detection of questions (by script first, then py3langid), of a whole archive (`ArchiveLanguage`),
and transliteration to Latin."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

_SCRIPTS = {
    "CYRILLIC": "ru",
    "HEBREW": "he",
    "ARABIC": "ar",
    "GREEK": "el",
    "DEVANAGARI": "hi",
    "THAI": "th",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
}

_CYRILLIC_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}
_GREEK_LATIN = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
#: languages py3langid chooses among, per script (a short text is otherwise easily taken for a rare language)
_LATIN_LANGS = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "sl", "hr", "bs",
                "sr", "tr", "ro", "hu", "id", "ms", "vi", "tl", "et", "lv", "lt", "sq", "ca", "gl", "eu", "af", "sw",
                "az", "uz", "is", "ga", "cy", "mt", "la"]
_CYRILLIC_LANGS = ["ru", "uk", "be", "bg", "sr", "mk", "kk"]
_ARABIC_LANGS = ["ar", "fa", "ur"]
_DEVANAGARI_LANGS = ["hi", "mr", "ne"]
#: letters only Vietnamese uses among Latin-script languages (with its stacked tone marks)
_VIETNAMESE = re.compile(r"[ơưđƠƯĐ\u1ea0-\u1ef9]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_KANA = re.compile(r"[\u3040-\u30ff]")
#: below this probability (or with fewer letters) a Latin-script text's language is unknown
MIN_PROBABILITY = 0.6
MIN_LETTERS = 12


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for key in _SCRIPTS:
        if name.startswith(key):
            return key
    return "LATIN" if "LATIN" in name else "OTHER"


@lru_cache(maxsize=8)
def _identifier(langs: tuple[str, ...]):
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(langs))


def _classify(text: str, langs: list[str]) -> tuple[str, float]:
    lang, prob = _identifier(tuple(langs)).classify(text)
    return lang, float(prob)


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it can't be told (a name, a number, two words)."""
    letters = _LETTER.findall(text)
    if not letters:
        return None
    counts: dict[str, int] = {}
    for ch in letters:
        script = _script(ch)
        counts[script] = counts.get(script, 0) + 1
    script = max(counts, key=counts.get)
    if script == "CYRILLIC":
        if _UKRAINIAN.search(text):
            return "uk"
        lang, prob = _classify(text, _CYRILLIC_LANGS)
        return lang if prob >= MIN_PROBABILITY and len(letters) >= MIN_LETTERS else "ru"
    if script == "ARABIC":
        lang, prob = _classify(text, _ARABIC_LANGS)
        return lang if prob >= MIN_PROBABILITY else "ar"
    if script == "DEVANAGARI":
        lang, prob = _classify(text, _DEVANAGARI_LANGS)
        return lang if prob >= MIN_PROBABILITY else "hi"
    if script == "CJK":
        return "ja" if _KANA.search(text) else "zh"
    if script in _SCRIPTS:
        return _SCRIPTS[script]
    if script != "LATIN":
        return None
    if _VIETNAMESE.search(text):
        return "vi"
    if len(letters) < MIN_LETTERS:
        return None
    lang, prob = _classify(text, _LATIN_LANGS)
    return lang if prob >= MIN_PROBABILITY else None


def detect_language(text: str) -> str:
    """ISO 639-1 code of the question's language ("en" when it can't be told)."""
    return guess_language(text) or "en"


def fold(text: str) -> str:
    """Lower-case, accents removed: 'Zürich' → 'zurich' (for matching names and words)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def transliterate(word: str) -> str:
    """Cyrillic/Greek → Latin letters (other text unchanged); for matching names across languages."""
    out = []
    for ch in word.lower():
        out.append(_CYRILLIC_LATIN.get(ch) or _GREEK_LATIN.get(ch) or ch)
    return "".join(out)


#: passages sampled to find an archive's language
_ARCHIVE_SAMPLE = 50


@dataclass(frozen=True)
class ArchiveLanguage:
    """The language most of an archive is written in, from a sample of its passages; `rows`: how many passages
    it had then, `churn`: how many were added or removed since."""

    language: str
    rows: int
    churn: int = 0

    @classmethod
    def sample(cls, texts: Sequence[str]) -> "ArchiveLanguage":
        """The most frequent language of an even sample of `texts` ("en" when none is recognised)."""
        step = max(1, len(texts) // _ARCHIVE_SAMPLE)
        votes = Counter(guess_language(text[:600]) for text in texts[::step])
        votes.pop(None, None)
        return cls(votes.most_common(1)[0][0] if votes else "en", len(texts))

    def after(self, added: int, removed: int) -> "ArchiveLanguage | None":
        """The same finding after a change of the archive, until a tenth of its passages changed since the
        sample (a poll's few articles don't change what the archive is written in, and sampling again costs
        more than indexing them); None: sample again."""
        churn = self.churn + added + removed
        return ArchiveLanguage(self.language, self.rows, churn) if churn * 10 < max(self.rows, 1) else None
