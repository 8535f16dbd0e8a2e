"""Issue 9's offline behaviour end to end (real Chroma, the default embedder, the shipped answer model):
stated answers, partial support, the reply language, hubs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import build_engine
from bot.evaluation.metrics import find_answer
from index.indexer import run_index
from tests.bot.answer.conftest import _settings


@pytest.mark.parametrize("question, expected", [
    ("How many hostages remain in captivity in Gaza in total?", ["59"]),
    ("When were Troufanov and Cohen taken hostage?", ["October 7, 2023"]),
    ("How many hostages are believed to still be alive?", ["24"]),
    ("When did Putin meet Troufanov?", ["Wednesday evening"]),  # a weekday was no date: never stated
    ("When did Hamas release the propaganda video?", ["Earlier this month"]),
])
def test_fact_questions_get_the_answer_stated_and_highlighted(offline_engine, question: str, expected: list[str]):
    result = offline_engine.ask(question)
    assert not result.refused
    assert find_answer(result.answer, expected), result.answer  # stated in the answer text itself…
    assert result.answer.rstrip(".").endswith("[1]")  # …and cited
    first = result.citations[0]
    highlighted = [first.quote[a:b] for a, b in first.highlights]
    assert highlighted and any(find_answer(h, expected) for h in highlighted)  # bold in the quote


@pytest.mark.parametrize("question, right", [
    ("Who is Sasha Troufanov's partner?", "Sapir Cohen"),  # was "Kremlin in Moscow [1]."
    ("What is the name of Sasha Troufanov's mother?", "Elena Trufanova"),  # was "grandmother Irena Tati [1]."
    ("Where did Putin meet the freed hostages?", "Kremlin"),  # was "Sasha Troufanov [1]."
    ("How old is Maxim Herkin's daughter?", "three-year-old"),  # was "35 [1]."
    ("Which group held Sasha Troufanov captive before his release?", "Palestinian Islamic Jihad"),
    ("What did Putin call the release of the hostages by Hamas?", "humanitarian act"),
])
def test_a_stated_answer_is_right_or_not_stated_at_all(offline_engine, question: str, right: str):
    """A bold answer beside a true quote misleads more than the quote alone: the span threshold is set for four
    stated answers in five right (training.answer_model), and these six were stated wrong before it."""
    result = offline_engine.ask(question)
    assert not result.refused
    highlighted = [c.quote[a:b] for c in result.citations for a, b in c.highlights]
    assert not highlighted or any(right in h for h in highlighted), result.answer


def test_without_a_confident_span_the_answer_keeps_the_lead_and_the_quote(offline_engine):
    """"Who" questions are often not stated (names are the span model's weakest answers): the answer is
    then the lead and the quote that holds the name, never words of the model's own."""
    result = offline_engine.ask("Who is the Chief Rabbi of Russia?")
    assert not result.refused and "Berel Lazar" in result.citations[0].quote
    if result.citations[0].highlights:  # stated: the name itself, highlighted in its quote
        assert find_answer(result.answer, ["Berel Lazar"]), result.answer
    else:
        assert result.answer == "According to The Times of Israel [1]:"


@pytest.mark.parametrize("question, named", [
    ("What happened in Moscow?", "Moscow"), ("What happened to Maxim Herkin?", "Herkin"),
    ("Tell me about Alexander Boroda", "Boroda"), ("What is going on with the hostages in Gaza?", "Gaza"),
])
def test_a_question_about_the_story_gets_quotes_that_name_its_subject(offline_engine, question: str, named: str):
    """"What happened…" asks what the articles say about its subject: the lead and a quote naming it — never a
    few words picked from the quote as if they were the answer."""
    result = offline_engine.ask(question)
    assert not result.refused, result.answer
    assert named in result.citations[0].quote
    assert all(not c.highlights for c in result.citations) and result.answer.endswith("[1]:"), result.answer


@pytest.mark.parametrize("question, language, described", [
    ("Who is Elena Trufanova?", "en", "his mother"),  # was "Sapir Cohen [1]." in bold: another name beside hers
    ("Кто такая Елена Труфанова?", "ru", "his mother"),
    ("Who is Irena Tati?", "en", "grandmother"),
])
def test_who_someone_is_is_answered_with_the_quote_that_describes_them(offline_engine, question: str, language: str,
                                                                      described: str):
    """"Who is X?" asks for a description of X: the quote that gives it, with the lead in the question's language —
    never a few words picked from the quote, which would be another name beside X's."""
    result = offline_engine.ask(question)
    assert not result.refused, result.answer
    assert result.language == language
    assert described in result.citations[0].quote
    assert all(not c.highlights for c in result.citations) and result.answer.endswith("[1]:"), result.answer


def test_a_country_named_in_russian_meets_the_english_article(offline_engine):
    """"России" (Russia, genitive) was the name constraint "rossii", unmet by an English article's "Russia": the
    question was refused although the article answers it."""
    result = offline_engine.ask("Кто является главным раввином России?")
    assert not result.refused, result.answer
    assert result.language == "ru" and "Berel Lazar" in result.citations[0].quote


@pytest.mark.parametrize("question", ["What happened in Paris?", "Tell me about John Smith",
                                      "What happened in Moscow in 2019?"])
def test_a_question_about_a_story_the_articles_do_not_tell_is_refused(offline_engine, question: str):
    assert offline_engine.ask(question).refused


def test_a_russian_question_gets_the_russian_lead_and_the_english_quote(offline_engine):
    result = offline_engine.ask("Сколько дней Саша Труфанов провёл в плену в Газе?")
    assert result.language == "ru" and not result.refused
    assert any("498 days" in c.quote for c in result.citations)  # the quote stays English
    assert result.answer in ("По данным The Times of Israel [1]:", "498 дней [1].")  # the bot's words are Russian


@pytest.mark.parametrize("question, language, words", [
    ("Где Путин встретился с освобождёнными заложниками?", "ru", ["По данным", "Кремл"]),
    ("Какая погода будет завтра в Москве?", "ru", ["не нашёл"]),
])
def test_lead_or_refusal_in_the_question_language(offline_engine, question, language, words):
    result = offline_engine.ask(question)
    assert result.language == language
    assert any(w in result.answer for w in words) or any(w in c.quote for c in result.citations for w in words)


def test_a_short_question_is_answered_in_the_users_language(offline_engine):
    result = offline_engine.ask("Troufanov?", user_language="ru-RU")
    assert result.language == "ru"


def test_vietnamese_is_detected_and_answered_in_vietnamese(offline_engine):
    result = offline_engine.ask("Sasha Troufanov bị giam ở Gaza bao lâu?")
    assert result.question_language == "vi" and result.language == "vi"


@pytest.fixture(scope="module")
def wimbledon(tmp_path_factory: pytest.TempPathFactory, answer_embedder):
    """A small archive about the 2022 Wimbledon final (and something unrelated)."""
    root = tmp_path_factory.mktemp("wimbledon")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "final.md").write_text(
        "---\ntitle: Djokovic wins seventh Wimbledon title\nsource: Sports Desk\npublished_at: 2022-07-10\n---\n"
        "Novak Djokovic won the 2022 Wimbledon final on Sunday, beating Nick Kyrgios in four sets on Centre Court.\n\n"
        "It was the Serbian's seventh Wimbledon title and his 21st Grand Slam trophy.\n\n"
        "Kyrgios, playing his first Grand Slam final, won the opening set before Djokovic took control.\n",
        encoding="utf-8")
    (corpus / "bakery.md").write_text(
        "---\ntitle: A bakery reopens\nsource: City News\npublished_at: 2022-07-11\n---\n"
        "The old bakery on Main Street reopened after a long renovation, and queues formed before dawn.\n\n"
        "The owners said the recipes have not changed in fifty years.\n", encoding="utf-8")
    assert run_index(_settings(root), embedder=answer_embedder).ok
    engine = build_engine(_settings(root), embedder=answer_embedder)
    yield engine
    engine.close()


def test_a_constraint_the_articles_dont_meet_gets_partial_support(wimbledon):
    result = wimbledon.ask("Who won Wimbledon in 2018?")
    assert result.partial and not result.refused
    assert "2018" in result.answer and "2022" in result.answer  # what is missing, and what they do report
    assert "Djokovic" in result.citations[0].quote


def test_the_same_question_without_the_constraint_is_answered(wimbledon):
    result = wimbledon.ask("Who won the Wimbledon final?")
    assert not result.refused and not result.partial
    assert "Djokovic" in result.answer or "Djokovic" in result.citations[0].quote


def test_an_unrelated_question_is_refused_without_sources(wimbledon):
    result = wimbledon.ask("What is the capital of Australia?")
    assert result.refused and result.citations == []


def test_a_hub_sentence_does_not_win_unrelated_questions(tmp_path: Path, answer_embedder):
    """Reference fragments ("1455–1536).") sit close to every question in the vector space; they are part of
    their sentence, never a quote of their own."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "painter.md").write_text(
        "---\ntitle: The painter\n---\n"
        "The painter Hans Holbein worked in Basel and London (c. 1497–1543). :12–14:38-1–38-11\n\n"
        "His portraits of the court are kept in several museums.\n", encoding="utf-8")
    (corpus / "river.md").write_text(
        "---\ntitle: The river\n---\nThe river flooded the lower town after three days of heavy rain.\n\n"
        "Engineers raised the dikes by half a metre.\n", encoding="utf-8")
    settings = _settings(tmp_path)
    assert run_index(settings, embedder=answer_embedder).ok
    engine = build_engine(settings, embedder=answer_embedder)
    try:
        for question in ("How high were the dikes raised?", "Почему затопило нижний город?", "河水为什么泛滥？"):
            result = engine.ask(question)
            assert all("38-11" not in c.quote or "Holbein" in c.quote for c in result.citations)
            if result.citations:
                assert result.citations[0].article_id.endswith("river.md")
    finally:
        engine.close()
