"""Verification of what a mode claims: unverifiable quotes and unbacked [n] markers never reach the user; an
answer from articles older than the period its question asks about says so."""

from datetime import date

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


# --- a question about a period that only older articles touch ---------------------------------------------
PERIODS = {  # kind: (start, end, strict) of a question asked on 8 Jan 2026
    "this_week": (date(2026, 1, 2), date(2026, 1, 8), True),
    "month": (date(2025, 11, 1), date(2025, 11, 30), True),  # "in November"
    "recent": (date(2025, 12, 9), date(2026, 1, 8), False),  # "recently": the last SOFT_DAYS, restricting nothing
}


def dated(published_at: str, scope_kind: str = "this_week", applied: bool = False) -> Search:
    """A search for a question with time words whose one hit is an article published on `published_at`."""
    from bot.answer.time_scope import TimeScope

    row = ChunkRow(id="c1", article_id="a1", title="T", source="CNN", url="", published_at=published_at,
                   start=0, end=len(BODY), sentences=((0, 46), (47, len(BODY))), text=BODY)
    start, end, strict = PERIODS[scope_kind]
    return Search([Retrieved(row=row, score=1.0, dense_rank=1, bm25_rank=1, similarity=0.9)],
                  time_scope=TimeScope(start, end, strict, scope_kind, scope_kind), scope_applied=applied)


def stated_claim() -> Composition:
    return Composition("498 days [1].", [Claim(n=1, passage=0, quote=BODY[:46], highlight=(38, 46))], mode="offline",
                       extractive=True)


def test_an_offline_answer_from_an_older_article_says_so_in_the_reply_language_and_states_nothing():
    ru = texts("ru")
    result = ScriptedMode(stated_claim()).answer(asked("ru"), dated("2025-11-20"))

    assert not result.refused and result.partial and result.period_uncovered == "2026-01-02..2026-01-08"
    assert result.answer == ru.gettext("No article from {period} answers this. The closest are from {sources}:",
                                       period=ru.period(date(2026, 1, 2), date(2026, 1, 8)),
                                       sources=f"{ru.gettext('{outlet}, {date}', outlet='CNN', date=ru.date('2025-11-20'))} [1]")
    assert result.answer.startswith("Ни одна статья") and not result.citations[0].highlights


def notice(period: tuple[date, date], earlier: str | None = None) -> str:
    tr = texts("en")
    note = f"No article from {tr.period(*period)} answers this; what is shown is from earlier reports."
    return f"{earlier} {note}" if earlier else note


def test_an_llm_answer_from_an_older_article_keeps_its_text_and_gets_the_note_after_its_own():
    composition = Composition("He was held for 498 days [1].", [Claim(n=1, passage=0, quote=BODY[:46])], mode="llm",
                              notice="Parts of the answer were left out.")
    result = ScriptedMode(composition).answer(asked(), dated("2025-11-20"))

    assert result.answer == "He was held for 498 days [1]." and not result.partial
    assert result.notice == notice(PERIODS["this_week"][:2], "Parts of the answer were left out.")


def test_the_offline_words_around_an_llms_quotes_are_an_extractive_answer_and_state_nothing_either():
    reframed = stated_claim()
    reframed.mode = "llm"  # LLMMode._reframed: the offline stated answer framing the model's verified quotes
    result = ScriptedMode(reframed).answer(asked(), dated("2025-11-20"))

    assert result.answer.startswith("No article from") and not result.citations[0].highlights


def test_a_partial_answer_keeps_its_reason_and_gets_the_note():
    partial = Composition("The articles don't mention Zelensky; here is the closest they report [1]:",
                          [Claim(n=1, passage=0, quote=BODY[:46])], partial=True, extractive=True)
    result = ScriptedMode(partial).answer(asked(), dated("2025-11-20"))

    assert result.answer.startswith("The articles don't mention Zelensky") and result.partial
    assert result.notice == notice(PERIODS["this_week"][:2])


def test_no_note_for_an_article_of_the_period_a_later_one_an_undated_one_or_a_restricted_search():
    later = dated("2026-01-12")  # a later report on the period ("last week", "in November") may answer it
    for search in (dated("2026-01-05"), later, dated(""), dated("2025-12-03", scope_kind="month"),
                   dated("2025-11-20", applied=True)):
        result = ScriptedMode(stated_claim()).answer(asked(), search)
        assert result.answer == "498 days [1]." and result.period_uncovered == "" and result.citations[0].highlights


def test_no_note_when_the_cited_story_was_also_told_in_the_period():
    from bot.answer.result import SourceRef

    composition = stated_claim()
    composition.claims[0].also_reported_by = [SourceRef(article_id="a2", title="T", source="BBC",
                                                        published_at="2026-01-06")]
    result = ScriptedMode(composition).answer(asked(), dated("2025-11-20"))

    assert result.period_uncovered == "" and result.answer == "498 days [1]."


def test_recently_answered_only_from_an_article_older_than_a_month_gets_the_note():
    noted = ScriptedMode(stated_claim()).answer(asked(), dated("2025-10-20", scope_kind="recent"))
    recent = ScriptedMode(stated_claim()).answer(asked(), dated("2026-01-01", scope_kind="recent"))

    assert noted.period_uncovered == "2025-12-09..2026-01-08" and noted.answer.startswith("No article from")
    assert recent.period_uncovered == "" and recent.answer == "498 days [1]."


def test_a_named_month_answered_only_from_before_it_gets_the_note():
    result = ScriptedMode(stated_claim()).answer(asked(), dated("2025-10-20", scope_kind="month"))

    assert result.period_uncovered == "2025-11-01..2025-11-30" and result.answer.startswith("No article from")


# --- "As of …": the day the stated answer was reported ----------------------------------------------------
def stated_draft(search: Search):
    from bot.answer.extractive import Draft, Quote

    at = BODY.index("498 days")
    return Draft(quotes=[Quote(search.hits[0], 0, 46, 0.9)], support=0.9, supported=True, span=(at, at + 8))


def test_a_time_sensitive_stated_answer_is_true_as_of_its_article_not_as_of_the_question():
    from bot.answer.modes import compose_extractive

    en = texts("en")
    now = Asked("How long is he held now?", "How long is he held now?", "en", en, as_of="2026-01-08")
    for published, expected in (("2026-01-06", f"As of {en.date('2026-01-06')}: 498 days [1]."),
                                ("", "498 days [1]."),  # an undated article can't say as of when
                                ("2026-01-05T23:30:00+02:00", f"As of {en.date('2026-01-05')}: 498 days [1]."),
                                ("2026-03-01T10:00:00", f"As of {en.date('2026-01-08')}: 498 days [1].")):
        search = dated(published)
        assert compose_extractive(now, search.hits, stated_draft(search)).answer == expected
    timeless = Asked("How long was he held?", "How long was he held?", "en", en)  # no time words: no date
    search = dated("2026-01-06")
    assert compose_extractive(timeless, search.hits, stated_draft(search)).answer == "498 days [1]."


def test_a_stated_weekday_or_last_month_says_the_day_its_article_was_written():
    """"Wednesday [1]." means nothing without the article's day: a relative date is stated as of that day, also
    for a question with no time words; from an undated article it stays as written."""
    from bot.answer.extractive import Draft, Quote
    from bot.answer.modes import compose_extractive

    en = texts("en")
    timeless = Asked("When did he meet Putin?", "When did he meet Putin?", "en", en)
    at = BODY.index("Wednesday")
    for published, expected in (("2025-04-03", f"As of {en.date('2025-04-03')}: Wednesday [1]."), ("", "Wednesday [1].")):
        search = dated(published)
        draft = Draft(quotes=[Quote(search.hits[0], 47, len(BODY), 0.9)], support=0.9, supported=True,
                      span=(at, at + len("Wednesday")))
        assert compose_extractive(timeless, search.hits, draft).answer == expected
