"""Candidate answer spans: numbers with units, durations, dates, names and lists of them, quoted phrases."""

from __future__ import annotations

from bot.answer.question import analyse
from bot.answer.spans import SPAN_FEATURES, relative_date, span_features, spans

TEXT = ("Troufanov and Cohen were taken hostage from Kibbutz Nir Oz on October 7, 2023, while the truce was "
        "mediated by the United States, Qatar and Egypt; he was held in Gaza for 498 days, "
        "a “humanitarian act”, said the Federation of Jewish Communities of Russia Alexander Boroda.")


def found(kind: str) -> set[str]:
    return {TEXT[s.start:s.end] for s in spans(TEXT) if s.kind == kind}


def test_typed_candidates() -> None:
    assert "498 days" in found("duration")
    assert "October 7, 2023" in found("date")
    assert {"Kibbutz Nir Oz", "United States, Qatar and Egypt", "Alexander Boroda", "Troufanov"} <= found("name")
    assert "humanitarian act" in found("quote")


def test_the_dates_news_writes_are_dates() -> None:
    text = ("Putin met him Wednesday evening. Israel renewed the fighting last month; earlier this week talks began, "
            "and yesterday morning he left. On Friday, talks resumed.")
    dates = {text[s.start:s.end] for s in spans(text) if s.kind == "date"}
    assert {"Wednesday evening", "last month", "earlier this week", "yesterday morning", "Friday"} <= dates
    assert all(relative_date(d) for d in dates - {"Wednesday", "yesterday"})  # the spans a stated date can be


def test_a_day_inside_a_name_is_no_date() -> None:
    text = ("Monday Night Football aired after Good Friday and Super Tuesday, NBC's Today show said, and The Sunday "
            "Times reported it.")
    assert not [text[s.start:s.end] for s in spans(text) if s.kind == "date"]
    assert not any(relative_date(d) for d in ("October 7, 2023", "February", "Monday Night Football", "Monday Night",
                                              "498 days"))


def test_phrases_never_start_or_end_with_a_function_word() -> None:
    for phrase in found("phrase"):
        words = phrase.lower().split()
        assert words[0] not in {"the", "of", "and", "was"} and words[-1] not in {"the", "of", "and", "was"}


def test_features_describe_each_candidate() -> None:
    candidates = spans(TEXT)
    question = analyse("How long was Troufanov held in Gaza?", "en")
    anchor = TEXT.index("Gaza")
    matrix = span_features(TEXT, candidates, question, [(anchor, anchor + 4)], (0, len(TEXT)), 1.0,
                           {"troufanov", "held", "hold", "gaza"})
    assert matrix.shape == (len(candidates), len(SPAN_FEATURES))
    row = {TEXT[s.start:s.end] + "/" + s.kind: matrix[i] for i, s in enumerate(candidates)}
    compatible = SPAN_FEATURES.index("compatible")
    overlap = SPAN_FEATURES.index("overlap")
    distance = SPAN_FEATURES.index("distance")
    assert row["498 days/duration"][compatible] == 1 and row["Alexander Boroda/name"][compatible] == 0
    assert row["Gaza/name"][overlap] == 1 and row["498 days/duration"][overlap] == 0
    assert row["498 days/duration"][distance] < row["Alexander Boroda/name"][distance]


def test_candidates_are_bounded() -> None:
    long_text = " ".join(["Alpha Beta gamma delta, epsilon."] * 2000)
    assert len(spans(long_text)) <= 400


def names_in(text: str) -> set[str]:
    return {text[s.start:s.end] for s in spans(text) if s.kind == "name"}


def test_a_middle_initial_stays_inside_the_name() -> None:
    text = "Caroline Kennedy, the daughter of former President John F. Kennedy, wrote to Robert F. Kennedy Jr. today."
    names = names_in(text)
    assert {"John F. Kennedy", "Robert F. Kennedy Jr.", "Robert F. Kennedy", "Caroline Kennedy"} <= names
    # never a part that starts or ends with the initial
    assert not {n for n in names if n.endswith(" F.") or n.startswith("F.")}


def test_a_letter_that_ends_a_sentence_is_not_an_initial() -> None:
    text = "They chose plan B. The Senate voted."
    assert "B. The Senate" not in names_in(text) and "The Senate" in names_in(text)


def test_a_numbered_name_keeps_its_number() -> None:
    assert "Red No. 3" in names_in("The FDA banned Red No. 3 from foods.")


def test_a_number_keeps_what_news_writes_onto_it() -> None:
    text = ("The $1.2bn deal, 3.5m euros, a $5B fund and 20k jobs were agreed on March 7th; sales peaked in the "
            "1990s, when she was in her 20s and 1000s came.")
    numbers = {text[s.start:s.end] for s in spans(text) if s.kind == "number"}
    assert {"$1.2bn", "3.5m", "3.5m euros", "$5B", "20k"} <= numbers
    assert not {"$1.2", "1.2", "3.5", "$5", "5", "20"} & numbers  # a thousandth of the amount is never one
    dates = {text[s.start:s.end] for s in spans(text) if s.kind == "date"}
    assert {"March 7th", "1990s"} <= dates and not {"20s", "1000s"} & dates


def test_ordinal_days_make_dates() -> None:
    text = "Talks resumed on the 21st of June 2024, after the vote of 7th October and of October 2nd, 2023."
    dates = {text[s.start:s.end] for s in spans(text) if s.kind == "date"}
    assert {"21st of June 2024", "7th October", "October 2nd, 2023"} <= dates
    text = "Scores on 1 March 7 2024 were low; 3 of May 2024 were high."
    dates = {text[s.start:s.end] for s in spans(text) if s.kind == "date"}
    assert "1 March 7 2024" not in dates and "3 of May 2024" not in dates and "March 7 2024" in dates
    text = "Built in the 19th century, it burned on the 3rd day and stood for 12 centuries."
    kinds = {(text[s.start:s.end], s.kind) for s in spans(text) if s.kind != "phrase"}
    assert {("19th century", "date"), ("3rd day", "date"), ("12 centuries", "duration")} <= kinds
    assert not {("19th century", "duration"), ("3rd day", "duration")} & kinds
