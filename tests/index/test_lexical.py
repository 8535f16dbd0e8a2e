"""BM25 terms in every script (index.lexical.index_terms), and a question finding an article written in its
own language by its words in another form ("кибуце" → "кибуца", "בעיר" → "העיר", 撤离 inside a sentence).
A real index with the hashing embedder: its vectors say nothing, so the lexical half alone finds the article."""

from __future__ import annotations

import pytest

from index.lexical import TOKENIZER_VERSION, index_terms, terms
from tests.index.conftest import HashingEmbedder, build_index

ARTICLES = {
    "ru.md": ("Заложник вернулся домой", "Вести", "2025-04-30",
              "Александр Труфанов был похищен из кибуца Нир-Оз и провёл в плену почти пятьсот дней."),
    "ru-other.md": ("Наводнение в гавани", "Вести", "2025-02-20",
                    "Шторм затопил гавань, и пожарные откачивали воду из подвалов всю ночь."),
    "he.md": ("הצפה בנמל", "חדשות החוף", "2025-01-10",
              "סערה הציפה את רובע הנמל ביום שישי בלילה, וכבאים שאבו מים מהמרתפים."),
    "he-other.md": ("רכבת לילה לחוף", "חדשות", "2024-12-05",
                    "חברת הרכבת הודיעה על רכבת לילה חדשה בין הבירה לחוף, החל מיוני."),
    "zh.md": ("港口区再次被淹", "海岸新闻", "2025-02-20",
              "周一大雨过后，港口区再次被淹，居民被迫撤离，排水系统今冬第二次溢出。"),
    "zh-other.md": ("俱乐部签下年轻前锋", "体育日报", "",
                    "当地足球俱乐部从青训营签下一名十九岁的前锋，教练说他将出战周六的杯赛。"),
}


def test_english_text_keeps_its_terms() -> None:
    text = "Putin met the freed hostages, who had been held in Gaza for 498 days."
    assert index_terms(text) == terms(text)


def test_a_word_and_its_other_forms_share_a_term() -> None:
    assert index_terms("кибуца") == index_terms("кибуце") == ["кибуц"]
    assert set(index_terms("בעיר")) & set(index_terms("העיר")) == {"עיר"}
    assert index_terms("Οκτώβριος")[0].startswith("οκτωβρ")


def test_chinese_is_read_as_character_pairs_around_its_numbers() -> None:
    assert index_terms("居民被迫撤离") == ["居民", "民被", "被迫", "迫撤", "撤离"]
    assert index_terms("2023年10月") == ["2023", "10", "年", "月"]


def test_devanagari_vowel_signs_stay_inside_their_word() -> None:
    assert "हमास" in index_terms("हमास ने हमला किया")


def test_the_tokenizer_version_marks_this_change() -> None:
    # catalogue snapshots made by version 3 (every word through the English stemmer) are rebuilt
    assert TOKENIZER_VERSION >= 4


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    return build_index(tmp_path_factory.mktemp("lexical"), ARTICLES, HashingEmbedder())


@pytest.mark.parametrize(("question", "language", "expected"), [
    ("Из какого кибуце был похищен Труфанов?", "ru", "ru.md"),  # another case of кибуц
    ("מה קרה בנמל בלילה?", "he", "he.md"),  # בנמל, "in the port": the article says הנמל
    ("港口区的居民为什么撤离？", "zh", "zh.md"),
])
def test_a_question_finds_its_languages_article_by_its_words(index, question: str, language: str,
                                                             expected: str) -> None:
    lexical = index.catalog.lexical
    found = lexical.query_terms(question, language)
    assert found
    scores = lexical.scores(found)
    best = index.catalog.rows[int(scores.argmax())]
    assert best.article_id == expected


def test_cross_script_matching_is_kept_apart_from_the_questions_own_words(index) -> None:
    lexical = index.catalog.lexical
    # the question's own words are the archive's: no transliterated match is needed or made
    assert lexical.query_terms("Из какого кибуце был похищен Труфанов?", "ru", own=False) == []
    assert "кибуц" in lexical.query_terms("Из какого кибуце был похищен Труфанов?", "ru")



@pytest.fixture(scope="module")
def russian_index(tmp_path_factory: pytest.TempPathFactory):
    return build_index(tmp_path_factory.mktemp("lexical-ru"), {k: v for k, v in ARTICLES.items() if k.startswith("ru")},
                       HashingEmbedder())


def test_bm25_ranks_a_question_in_the_archives_own_language_by_default(russian_index) -> None:
    # BM25_WEIGHT_OWN 0.1 by default (the answer model is trained with it: docs/answers.md); 0 turns it off
    assert russian_index.catalog.main_language() == "ru"
    question = "Из какого кибуце был похищен Труфанов?"
    off = russian_index.retriever(bm25_weight_own=0.0).search(question, k=2, language="ru").hits
    assert all(hit.bm25_rank is None for hit in off)
    hits = russian_index.retriever().search(question, k=2, language="ru").hits
    # the hashing embedder's vectors are noise: what counts is that BM25 took part and ranked the article first
    assert {hit.row.article_id: hit.bm25_rank for hit in hits}["ru.md"] == 1


def test_bm25_stays_out_of_a_question_in_another_language_than_the_archives(russian_index) -> None:
    hits = russian_index.retriever(bm25_weight_own=0.1).search("港口区的居民为什么撤离？", k=2, language="zh").hits
    assert all(hit.bm25_rank is None for hit in hits)  # BM25_WEIGHT_OTHER is 0 by default


def test_the_devanagari_danda_ends_a_word() -> None:
    assert index_terms("हमला किया। फिर") == index_terms("हमला किया फिर")


def test_hebrew_takes_off_two_joined_letters_only_as_and_or_that_with_one_more() -> None:
    assert index_terms("ובבית") == ["ובבית", "בית"]
    assert index_terms("מלחמה") == ["מלחמה", "לחמה"]  # one letter at most: "מל" is no pair of joined words
