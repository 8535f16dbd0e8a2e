"""Strip invisible characters from text, keeping everything a reader can see.

Articles and questions both pass through `clean_text`, so a quote taken from an
article body can later be matched against that body character for character.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

# Unicode line and paragraph separators and NEL become plain newlines.
_LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
_KEPT_CONTROLS = frozenset("\n\t")
_TAG_CHARACTERS = (0xE0000, 0xE007F)


def clean_text(s: str) -> str:
    """Normalise line endings to `\\n`, drop invisible characters and NFC-normalise.

    Removed: zero-width characters (U+200B–U+200D, U+2060), the BOM (U+FEFF),
    Unicode tag characters (U+E0000–U+E007F) and every other format (Cf) or
    control (Cc) character except `\\n` and `\\t`. Visible text is unchanged.
    """
    s = _LINE_BREAKS.sub("\n", s)
    s = _invisible_pattern().sub("", s)
    return unicodedata.normalize("NFC", s)


@cache
def _invisible_pattern() -> re.Pattern[str]:
    """A character class of all format/control code points (built once, on first use)."""
    ranges: list[tuple[int, int]] = [_TAG_CHARACTERS]
    start = end = -2
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in ("Cf", "Cc"):
            continue
        if code == end + 1:
            end = code
            continue
        if start >= 0:
            ranges.append((start, end))
        start = end = code
    ranges.append((start, end))
    body = "".join(_char_range(lo, hi) for lo, hi in ranges)
    return re.compile(f"[{body}]")


def _char_range(lo: int, hi: int) -> str:
    return re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
