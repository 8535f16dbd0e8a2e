"""index.textclean.clean_text: invisible characters dropped, line endings normalised, visible text kept."""

from __future__ import annotations

import pytest

from index.textclean import clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("zero\u200bwidth\u200c\u200djoin\u2060", "zerowidthjoin"),
        ("\ufeffBOM first", "BOM first"),
        ("tag\U000e0001\U000e0068\U000e0069\U000e007f chars", "tag chars"),
        ("bell\x07 and nul\x00 and esc\x1b", "bell and nul and esc"),
        ("rtl\u202emark\u200e", "rtlmark"),
        ("keep\ttabs\nand lines", "keep\ttabs\nand lines"),
        ("crlf\r\nand cr\rand ls\u2028end", "crlf\nand cr\nand ls\nend"),
        ("Cafe\u0301", "Caf\u00e9"),
        ("“Quotes” — émoji 🎉 עברית русский", "“Quotes” — émoji 🎉 עברית русский"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean
