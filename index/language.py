"""Language detection of questions (by script first, then py3langid) and transliteration to Latin."""

from __future__ import annotations

import re
import unicodedata
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
_LATIN_LANGS = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "tr", "ro", "hu", "id"]


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for key in _SCRIPTS:
        if name.startswith(key):
            return key
    return "LATIN" if "LATIN" in name else "OTHER"


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=_LATIN_LANGS)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the question's language ("en" when unsure)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    counts: dict[str, int] = {}
    for ch in letters:
        script = _script(ch)
        counts[script] = counts.get(script, 0) + 1
    script = max(counts, key=counts.get)
    if script in _SCRIPTS:
        return _SCRIPTS[script]
    if script != "LATIN" or len(letters) < 12:
        return "en"
    lang, prob = _identifier().classify(text)
    return lang if prob >= 0.7 else "en"


def transliterate(word: str) -> str:
    """Cyrillic/Greek → Latin letters (other text unchanged); for matching names across languages."""
    out = []
    for ch in word.lower():
        out.append(_CYRILLIC_LATIN.get(ch) or _GREEK_LATIN.get(ch) or ch)
    return "".join(out)
