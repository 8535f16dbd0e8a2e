"""Verification of what a mode claims: unverifiable quotes and unbacked [n] markers never reach the user."""

from bot.answer.modes import AnswerMode, Asked, Claim, Composition
from bot.i18n import texts
from index.catalog import ChunkRow
from index.retriever import Retrieved, Search

BODY = "Sasha Troufanov was held in Gaza for 498 days. He met Putin at the Kremlin on Wednesday."


class ScriptedMode(AnswerMode):
    name = "llm"

    def __init__(self, composition: Composition) -> None:
        super().__init__(lambda article_id: BODY)
        self.composition = composition

    def _compose(self, asked, search):
        return self.composition


def asked(language: str = "en") -> Asked:
    return Asked("q", "q", language, texts(language))


def retrieved() -> Search:
    row = ChunkRow(id="c1", article_id="a1", title="T", source="The Times of Israel", url="", published_at="",
                   start=0, end=len(BODY), sentences=((0, 46), (47, len(BODY))), text=BODY)
    return Search([Retrieved(row=row, score=1.0, dense_rank=1, bm25_rank=1, similarity=0.9)])


def test_invented_quote_and_out_of_range_marker_are_removed_and_markers_renumbered():
    composition = Composition(
        answer="He was held for 498 days [2], and Putin gave him a medal [1] [7].",
        claims=[Claim(n=1, passage=0, quote="Putin gave him a medal"),
                Claim(n=2, passage=0, quote="held in Gaza for 498 days"),
                Claim(n=7, passage=6, quote="anything")],
    )
    result = ScriptedMode(composition).answer(asked(), retrieved())
    assert [c.quote for c in result.citations] == ["held in Gaza for 498 days"]
    assert result.citations[0].n == 1
    assert result.answer == "He was held for 498 days [1], and Putin gave him a medal."
    c = result.citations[0]
    assert BODY[c.start:c.end] == c.quote


def test_no_verifiable_quote_means_refusal_without_sources():
    composition = Composition(answer="Invented [1].", claims=[Claim(n=1, passage=0, quote="never said anything")])
    result = ScriptedMode(composition).answer(asked(), retrieved())
    assert result.refused and result.citations == []
    assert "couldn't find" in result.answer


def test_nothing_retrieved_is_a_refusal():
    result = ScriptedMode(Composition("x")).answer(asked(), Search([]))
    assert result.refused and result.passages == []


def test_a_refusal_is_in_the_reply_language():
    result = ScriptedMode(Composition("x")).answer(asked("ru"), Search([]))
    assert result.refused and result.language == "ru" and "статьях" in result.answer


def test_the_stated_answer_is_highlighted_inside_its_verified_quote():
    start = BODY.index("498 days")
    composition = Composition(answer="498 days [1].", claims=[
        Claim(n=1, passage=0, quote=BODY[:46], start=0, end=46, highlight=(start, start + 8))])
    result = ScriptedMode(composition).answer(asked(), retrieved())
    c = result.citations[0]
    assert [c.quote[a:b] for a, b in c.highlights] == ["498 days"]
