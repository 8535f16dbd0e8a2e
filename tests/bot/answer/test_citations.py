"""An LLM answer as claims with the passages each cites (bot.answer.citations)."""

import pytest

from bot.answer.citations import markers_of, split_claims, strip_markers


def test_sentences_and_clauses_citing_different_passages_are_separate_claims():
    claims = split_claims("He was held for 498 days [1], and his mother was freed in November 2023 [2]. "
                          "Putin met him at the Kremlin [1][3].")
    assert [(c.text, c.markers) for c in claims] == [
        ("He was held for 498 days", [1]), ("and his mother was freed in November 2023.", [2]),
        ("Putin met him at the Kremlin.", [1, 3])]


@pytest.mark.parametrize("marker", ["[1]", "[12]", "[123]", "[1, 2]", "[1-3]", "[1 – 2; 4]"])
def test_markers_of_any_length_are_read_and_removed(marker):
    claim = split_claims(f"He was held for 498 days {marker}.")[0]
    assert claim.text == "He was held for 498 days." and claim.markers
    assert strip_markers(f"498 days {marker}.") == "498 days."


@pytest.mark.parametrize(("answer", "claims"), [
    ("According to [1], 24 hostages are believed to be alive.", [("24 hostages are believed to be alive.", [1])]),
    ("according to [2], the truce collapsed in March.", [("The truce collapsed in March.", [2])]),
    ("The truce collapsed in March, according to [2].", [("The truce collapsed in March.", [2])]),
    ("Based on [1] and [2], he was held for 498 days.", [("He was held for 498 days.", [1, 2])]),
    ("Согласно [1], перемирие рухнуло в марте.", [("Перемирие рухнуло в марте.", [1])]),
    ("He was held [1] [2], and his mother was freed in 2023 [3].",
     [("He was held", [1, 2]), ("and his mother was freed in 2023.", [3])]),
    ("According to [1] and [2] and [3], he left the city.", [("He left the city.", [1, 2, 3])]),
    ("According to [1], the truce collapsed in March [2].", [("The truce collapsed in March.", [1, 2])]),
    ("He was held [1], and according to [2], the truce collapsed.",
     [("He was held", [1]), ("and the truce collapsed.", [2])]),
    ("The film is based on [1] a novel.", [("The film is based on a novel.", [1])]),
    ("According to [1] the truce collapsed in March [2].", [("The truce collapsed in March.", [1, 2])]),
    ("The estimate is based on [1].", [("The estimate is based on.", [1])]),
    ("According to [1], [2], and [3], he left the city.", [("He left the city.", [1, 2, 3])]),
], ids=["lead", "lower-case-lead", "trailing", "two-markers", "russian", "run-of-markers", "three-markers",
        "lead-and-end-marker", "lead-in-second-clause", "words-after-the-marker", "lead-without-comma",
        "based-on-at-the-end", "oxford-comma"])
def test_words_that_only_introduce_a_citation_go_with_its_marker(answer, claims):
    assert [(c.text, c.markers) for c in split_claims(answer)] == claims


def test_a_range_marker_cites_each_passage_of_the_range():
    assert markers_of("Held for 498 days [1-3], freed in February [2–3; 5].") == [1, 2, 3, 2, 3, 5]
    assert markers_of("A range of no real passages [1-999].") == [1, 999]  # not expanded


def test_a_year_in_brackets_is_text_not_a_marker():
    [claim] = split_claims("The war lasted from [1939–1945] in Europe [1].")
    assert claim.text == "The war lasted from [1939–1945] in Europe." and claim.markers == [1]
    assert strip_markers("He was held [1] [2] for 498 days.") == "He was held for 498 days."
