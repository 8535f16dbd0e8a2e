"""Amounts and durations as the languages newsbot answers in write them: a number with its scale or unit."""

from __future__ import annotations

import pytest

from bot.answer.span_amounts import amount_spans
from bot.answer.spans import spans


def amounts(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], kind) for start, end, kind in amount_spans(text)]


@pytest.mark.parametrize(("text", "amount", "kind"), [
    ("В Бразилии 43 миллиона детей ходят в школу.", "43 миллиона", "number"),
    ("Он провёл в плену 498 дней.", "498 дней", "duration"),
    ("Безробіття зросло на 10 відсотків.", "10 відсотків", "number"),
    ("La inflación subió un 3,5 por ciento.", "3,5 por ciento", "number"),
    ("El asedio duró 14 años.", "14 años", "duration"),
    ("Bis zu 2 Millionen Menschen flohen.", "2 Millionen", "number"),
    ("Die Verhandlungen dauerten 14 Tage.", "14 Tage", "duration"),
    ("استمر الحصار 15 يومًا.", "15 يومًا", "duration"),
    ("نزح نحو 3 ملايين شخص.", "3 ملايين", "number"),
    ("הוא הוחזק 498 ימים בעזה.", "498 ימים", "duration"),
    ("该市人口100万。", "100万", "number"),
    ("战争持续了3年。", "3年", "duration"),
    ("Savaş 3 yıl sürdü.", "3 yıl", "duration"),
])
def test_an_amount_in_each_language(text: str, amount: str, kind: str) -> None:
    assert (amount, kind) in amounts(text)


def test_a_hebrew_amount_with_and_without_its_prefix() -> None:
    assert amounts("בברזיל יש כ-43 מיליון ילדים.") == [("כ-43 מיליון", "number"), ("43 מיליון", "number")]


@pytest.mark.parametrize("text", [
    "50 000 человек вышли на улицы.",  # a number alone is spans()' own candidate, not an amount
    "He was held for 498 days.",  # English units are read by spans() itself
    "Version3 días",  # a number inside a word
    "Это случилось в 2000 году.",  # a year with its word is a date (span_dates), not 2000 years
    "该事件发生于1938年。",
])
def test_no_amount_where_there_is_none(text: str) -> None:
    assert amounts(text) == []


def test_spans_get_amounts_with_their_kind() -> None:
    text = "Según el informe, el asedio duró 14 años y costó 2 millones de dólares."
    found = {(text[s.start:s.end], s.kind) for s in spans(text)}
    assert {("14 años", "duration"), ("2 millones", "number")} <= found
