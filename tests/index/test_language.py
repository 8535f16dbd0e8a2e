"""Which language a question is in: by script, then py3langid among the script's languages."""

from __future__ import annotations

import pytest

from index.language import detect_language, guess_language


@pytest.mark.parametrize("text, language", [
    ("Ai là người đã phát minh ra điện thoại?", "vi"),
    ("Sasha Troufanov bị giam ở Gaza bao lâu?", "vi"),  # Vietnamese with a foreign name: its letters tell
    ("Wer hat das Telefon erfunden?", "de"),
    ("Quem ganhou a eleição presidencial?", "pt"),
    ("Cine a câștigat alegerile din 2018?", "ro"),
    ("Хто переміг на виборах у Києві?", "uk"),
    ("Кто победил на выборах в Москве?", "ru"),
    ("מי זכה בבחירות?", "he"),
    ("من فاز في الانتخابات؟", "ar"),
    ("चुनाव किसने जीता?", "hi"),
    ("谁赢得了选举？", "zh"),
    ("Ποιος κέρδισε τις εκλογές;", "el"),
    ("ใครชนะการเลือกตั้ง", "th"),
    ("How long was Sasha Troufanov held in Gaza?", "en"),
])
def test_languages_are_told_apart(text: str, language: str) -> None:
    assert guess_language(text) == language


@pytest.mark.parametrize("text", ["Who won?", "Troufanov", "2018", "", "?!"])
def test_too_little_text_is_unknown_not_english(text: str) -> None:
    assert guess_language(text) is None
    assert detect_language(text) == "en"  # retrieval still needs one
