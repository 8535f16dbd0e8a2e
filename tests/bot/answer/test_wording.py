"""The bot's own words around quotes (bot.answer.wording): stated answers in the reply language."""

from __future__ import annotations

import pytest

from bot.answer import wording
from bot.i18n import texts


@pytest.mark.parametrize("language, span, expected", [
    ("ru", "498 days", "498 дней"), ("ru", "3 weeks", "3 недели"), ("en", "498 days", "498 days"),
    ("ru", "Kibbutz Nir Oz", "Kibbutz Nir Oz"),  # a name stays as the article writes it
])
def test_a_stated_duration_is_in_the_reply_language(language: str, span: str, expected: str) -> None:
    assert wording.localise_span(texts(language), span) == expected


@pytest.mark.parametrize("span", ["October 7, 2023", "7 October 2023", "October 7th, 2023", "7th of October 2023"])
def test_a_stated_full_date_is_in_the_reply_language(span: str) -> None:
    ru = texts("ru")
    assert wording.localise_span(ru, span) == ru.date("2023-10-07") != span


@pytest.mark.parametrize("span", ["October 7th", "March 2025", "1 March 7 2024", "7 of March 2024 5"])
def test_a_date_without_exactly_one_day_and_a_year_stays_as_the_article_writes_it(span: str) -> None:
    assert wording.localise_span(texts("ru"), span) == span  # no day invented, none dropped


def test_a_stated_answer_cites_its_quote_and_says_as_of_when_asked_about_the_present() -> None:
    en = texts("en")
    assert wording.stated(en, "59", 1) == "59 [1]."
    assert wording.stated(en, "Minneapolis", 2, "2026-01-06") == f"As of {en.date('2026-01-06')}: Minneapolis [2]."
