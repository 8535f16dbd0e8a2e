"""Dates as the languages newsbot answers in write them: day, month and year in their orders and words."""

from __future__ import annotations

import pytest

from bot.answer.span_dates import date_spans
from bot.answer.spans import spans


def dates(text: str) -> list[str]:
    return [text[start:end] for start, end in date_spans(text)]


@pytest.mark.parametrize(("text", "date"), [
    ("El 7 de octubre de 2023 Hamas atacó Israel.", "7 de octubre de 2023"),
    ("Hamas a attaqué le 7 octobre 2023.", "7 octobre 2023"),
    ("Am 7. Oktober 2023 griff die Hamas an.", "7. Oktober 2023"),
    ("Il 7 ottobre 2023 Hamas ha attaccato.", "7 ottobre 2023"),
    ("Em 7 de outubro de 2023 o Hamas atacou.", "7 de outubro de 2023"),
    ("Hamas 7 Ekim 2023'te saldırdı.", "7 Ekim 2023"),
    ("Στις 7 Οκτωβρίου 2023 η Χαμάς επιτέθηκε.", "7 Οκτωβρίου 2023"),
    ("Pe 7 octombrie 2023 Hamas a atacat.", "7 octombrie 2023"),
    ("7 октября 2023 года ХАМАС напал на Израиль.", "7 октября 2023 года"),
    ("Переговоры начались в марте 2025 г. в Москве.", "марте 2025 г."),  # the prepositional case CLDR lacks
    ("Війна почалася у лютому 2022 р.", "лютому 2022 р."),
    ("في 7 أكتوبر 2023 هاجمت حماس إسرائيل.", "7 أكتوبر 2023"),
    ("في 7 اكتوبر 2023 هاجمت حماس إسرائيل.", "7 اكتوبر 2023"),  # alef written without its hamza
    ("وقع ذلك في تشرين الأول 2023.", "تشرين الأول 2023"),  # the Levantine month names
    ("हमास ने 7 अक्टूबर 2023 को हमला किया।", "7 अक्टूबर 2023"),
    ("哈马斯于2023年10月7日发动袭击。", "2023年10月7日"),
    ("会谈在10月7日举行。", "10月7日"),
    ("하마스는 2023년 10월 7일 공격했다.", "2023년 10월 7일"),
    ("Hamas tấn công vào ngày 7 tháng 10 năm 2023.", "ngày 7 tháng 10 năm 2023"),
    ("Hamas 7 Ekim'de saldırdı; Ekim'de 2023 boyunca…", "7 Ekim'de"),  # an inflected month (time_grammar's forms)
])
def test_a_date_in_each_language(text: str, date: str) -> None:
    assert date in dates(text)


def test_a_hebrew_date_with_and_without_its_prefix() -> None:
    assert dates("העיר נפלה באוקטובר 1938 לידי המורדים.") == ["באוקטובר 1938", "אוקטובר 1938"]
    assert dates("היטלר מונה ב־30 בינואר 1933 לראש הממשלה.") == ["ב־30 בינואר 1933", "30 בינואר 1933"]
    assert dates("ב-1986 הקימה חברת ...") == ["ב-1986", "1986"]


@pytest.mark.parametrize("text", [
    "Le mai est long; on en veut mai.",  # a month name alone is no date: "mai" is also "more" in Romanian
    "Мама 2023 года не помнит.",  # a word that starts like a month ("ма-й")
    "ב-300 איש השתתפו.",  # a Hebrew prefix before a number that is no year
    "Version 2.2023 was released.",
    "Kasım Bey geldi.",
])
def test_no_date_where_there_is_none(text: str) -> None:
    assert dates(text) == []


def test_english_dates_are_left_to_spans() -> None:
    text = "On October 7, 2023 Hamas attacked."
    assert dates(text) == []
    assert "October 7, 2023" in {text[s.start:s.end] for s in spans(text) if s.kind == "date"}


def test_month_names_are_one_trie() -> None:
    from bot.answer.span_dates import trie_pattern

    # thousands of month forms are one trie: a prefix shared by two words is written once
    assert trie_pattern({"mai", "maio", "march", "mar"}) == "ma(?:i(?:o)?|r(?:ch)?)"


def test_offsets_are_verbatim_and_spans_get_them_as_dates() -> None:
    text = "Según el diario, el 7 de octubre de 2023, Hamas atacó."
    found = {text[s.start:s.end] for s in spans(text) if s.kind == "date"}
    assert "7 de octubre de 2023" in found  # no trailing comma
    assert all(text[a:b].strip() == text[a:b] for a, b in date_spans(text))


@pytest.mark.parametrize("text", [
    "Việt Nam thắng 3-1 trước Thái Lan.",  # "thắng" (won) folds like "tháng" (month)
    "该数字为12345年。",  # no year inside a longer number
])
def test_no_date_where_folding_or_digits_would_make_one(text: str) -> None:
    assert dates(text) == []


def test_a_three_digit_count_after_a_date_is_no_year() -> None:
    assert dates("El 5 de mayo, 300 personas murieron.") == ["5 de mayo"]


def test_the_shortest_hebrew_prefix_is_taken_off() -> None:
    assert dates("הבחירות נערכו במאי 2023 ובמרץ 2024.") == ["במאי 2023", "מאי 2023", "ובמרץ 2024", "מרץ 2024"]


def test_english_text_gets_none_of_the_other_languages_forms() -> None:
    for text in ("They scored 7 out of 10.", "Those 3 may leave.", "Workers earn $15 an hour.", "The 3 ore samples."):
        kinds = {(text[s.start:s.end], s.kind) for s in spans(text)}
        assert not {k for k in kinds if k[1] in ("date", "duration") and not k[0][0].isupper()}, kinds
