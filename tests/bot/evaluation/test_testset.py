"""Loading test sets: YAML and JSONL, per-turn expectations, and errors that name file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluation.testset import TestSetError, load_cases, load_testset
from bot.evaluation.metrics import normalize

from .factories import ROOT

YAML_SET = """\
name: demo
description: a small set
cases:
  - id: days
    question: How long was Sasha Troufanov held in Gaza?
    expected_answers: [[498 days, "498"], four hundred ninety-eight days]
    expected_sources: putin-hosts-ex-hostages
    tags: [number]
    filters: {sources: [The Times of Israel], since: 2025-01-01}
  - id: refuse
    question: What is the capital of Australia?
    expect_refusal: true
    tags: refusal
  - id: follow
    turns:
      - question: Who is Sasha Troufanov's mother?
        expected_answers: Elena Trufanova
      - When was she freed?
    expected_answers: [November 2023]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_set_loads_with_aliases_filters_and_turns(tmp_path: Path) -> None:
    ts = load_testset(write(tmp_path, "set.yaml", YAML_SET))
    assert ts.name == "demo" and [c.id for c in ts.cases] == ["days", "refuse", "follow"]
    days, refuse, follow = ts.cases
    assert days.expected_answers == [["498 days", "498"], ["four hundred ninety-eight days"]]
    assert days.alternatives() == ["498 days", "498", "four hundred ninety-eight days"]
    assert days.expected_sources == ["putin-hosts-ex-hostages"]
    f = days.search_filters()
    assert f is not None and f.sources == ("The Times of Israel",) and f.since == "2025-01-01" and f.until is None
    assert days.origin.endswith("set.yaml:4")
    assert refuse.expect_refusal and refuse.tags == ["refusal"] and refuse.search_filters() is None
    assert follow.questions() == ["Who is Sasha Troufanov's mother?", "When was she freed?"]
    first, last = follow.expectations()
    assert first is not None and first.expected_answers == [["Elena Trufanova"]]
    assert last is not None and last.expected_answers == [["November 2023"]]


def test_a_plain_list_of_cases_and_setup_turns_without_checks(tmp_path: Path) -> None:
    text = "- id: a\n  turns:\n    - Who is Maxim Herkin?\n    - How old was he?\n  expected_answers: ['35']\n"
    (c,) = load_testset(write(tmp_path, "list.yml", text)).cases
    assert c.expectations()[0] is None and c.expectations()[1].alternatives() == ["35"]


def test_jsonl_set_loads_the_same_fields(tmp_path: Path) -> None:
    lines = [
        {"id": "days", "question": "How long was he held?", "expected_answers": ["498 days"], "tags": ["number"]},
        {"id": "refuse", "question": "Capital of Australia?", "expect_refusal": True},
        {"id": "follow", "turns": [{"question": "Who is his mother?", "expected_answers": ["Elena Trufanova"]},
                                   {"question": "When was she freed?", "expected_answers": [["November 2023"]]}]},
    ]
    path = write(tmp_path, "set.jsonl", "\n".join(json.dumps(x) for x in lines[:2]) + "\n\n" + json.dumps(lines[2]) + "\n")
    cases = load_testset(path).cases
    assert [c.id for c in cases] == ["days", "refuse", "follow"]
    assert cases[2].origin.endswith("set.jsonl:4")
    assert [e.expected_answers for e in cases[2].expectations()] == [[["Elena Trufanova"]], [["November 2023"]]]


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        # a turn without its question: the line of that turn, the field path to it
        ("cases:\n  - id: a\n    turns:\n      - question: Q1\n      - expected_answers: [x]\n",
         5, "turns[1].question", "Field required"),
        # a misspelt field
        ("- id: a\n  question: Q\n  expected_answer: [x]\n", 3, "expected_answer", "Extra inputs"),
        # wrong type deep inside
        ("- id: a\n  question: Q\n  expected_answers: [x]\n  filters:\n    since: yesterday\n", 5, "filters.since", "YYYY-MM-DD"),
        # nothing to check
        ("- id: a\n  question: Q\n  tags: [x]\n", 1, None, "checks nothing"),
        # both question and turns
        ("- id: a\n  question: Q\n  turns: [Q2]\n  expect_refusal: true\n", 1, None, "exactly one of"),
        # refusal and answers contradict
        ("- id: a\n  question: Q\n  expect_refusal: true\n  expected_answers: [x]\n", 1, None, "can't be combined"),
        # YAML reads `no` as a boolean
        ("- id: a\n  question: Q\n  expected_answers: [no]\n", 3, "expected_answers", "boolean"),
        # unknown top-level key
        ("name: x\ncase:\n  - id: a\n", 2, "case", "unknown top-level key"),
        # not YAML at all
        ("- id: a\n  question: [unclosed\n", 3, None, "not valid YAML"),
    ],
)
def test_invalid_yaml_names_line_and_field(tmp_path: Path, text: str, line: int, field: str | None, words: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(TestSetError) as info:
        load_testset(path)
    err = info.value
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    assert words in str(err)
    assert str(err).startswith(f"{path}, line {line}: ")


def test_invalid_jsonl_names_line_and_field(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "question": "Q", "expect_refusal": True})
    bad_field = json.dumps({"id": "b", "question": "Q", "expected_sources": [""]})
    path = write(tmp_path, "bad.jsonl", good + "\n" + "\n" + bad_field + "\n")
    with pytest.raises(TestSetError) as info:
        load_testset(path)
    assert (info.value.line, info.value.field) == (3, "expected_sources")
    assert "case 'b'" in str(info.value) and "blank" in str(info.value)

    path = write(tmp_path, "broken.jsonl", good + "\n{\"id\": \"c\", \n")
    with pytest.raises(TestSetError, match=r"broken.jsonl, line 2: not valid JSON"):
        load_testset(path)


def test_duplicate_ids_within_and_across_files(tmp_path: Path) -> None:
    one = write(tmp_path, "one.yaml", "- id: a\n  question: Q\n  expect_refusal: true\n- id: a\n  question: R\n  expect_refusal: true\n")
    with pytest.raises(TestSetError, match=r"line 4: field 'id': duplicate case id 'a'"):
        load_testset(one)
    first = write(tmp_path, "first.yaml", "- id: a\n  question: Q\n  expect_refusal: true\n")
    second = write(tmp_path, "second.jsonl", json.dumps({"id": "a", "question": "R", "expect_refusal": True}) + "\n")
    with pytest.raises(TestSetError, match=r"second.jsonl, line 1: field 'id': duplicate case id 'a' \(first at .*first.yaml:1\)"):
        load_cases([first, second])


def test_unusable_files(tmp_path: Path) -> None:
    with pytest.raises(TestSetError, match="no such file"):
        load_testset(tmp_path / "missing.yaml")
    with pytest.raises(TestSetError, match="unknown test-set format"):
        load_testset(write(tmp_path, "set.csv", "id,question\n"))
    with pytest.raises(TestSetError, match="empty"):
        load_testset(write(tmp_path, "empty.yaml", "# nothing\n"))
    with pytest.raises(TestSetError, match="expected a list of cases"):
        load_testset(write(tmp_path, "scalar.yaml", "cases: 3\n"))


# --- the shipped test set ---------------------------------------------------------------------

FIRST = ROOT / "evals" / "first-article.yaml"
ARTICLE = (ROOT / "corpus" / "putin-hosts-ex-hostages.txt").read_text(encoding="utf-8")


def test_first_article_set_covers_what_the_issue_asks() -> None:
    cases = load_testset(FIRST).cases
    assert len(cases) >= 25
    tags = {t for c in cases for t in c.tags}
    assert {"fact", "number", "person", "place", "date", "followup", "ru", "he", "refusal"} <= tags
    assert any(c.turns and len(c.turns) > 1 for c in cases)
    assert sum(c.expect_refusal for c in cases) >= 3


def test_first_article_expected_answers_really_are_in_the_article() -> None:
    haystack = f" {normalize(ARTICLE)} "
    for c in load_testset(FIRST).cases:
        for exp in c.expectations():
            if exp is None:
                continue
            for answer in exp.alternatives():
                assert answer in ARTICLE, f"{c.id}: {answer!r} is not verbatim in the article"
                assert f" {normalize(answer)} " in haystack, f"{c.id}: {answer!r} is not a whole-word match"
            for source in exp.expected_sources:
                assert source == "putin-hosts-ex-hostages", c.id


AS_OF_SET = """\
- id: dated
  question: Which city opened a floating library this week?
  expected_answers: [Tallinn]
  as_of: 2025-01-02
- id: dated-conversation
  as_of: "2025-01-09"
  turns:
    - Who won the regatta?
    - When was it?
  expected_answers: [Sunday]
- id: undated
  question: Q?
  expect_refusal: true
"""


def test_as_of_is_a_case_level_date_inherited_by_every_turn(tmp_path: Path) -> None:
    import datetime as dt

    dated, conversation, undated = load_testset(write(tmp_path, "dated.yaml", AS_OF_SET)).cases
    assert dated.as_of == "2025-01-02" and dated.reference_date() == dt.date(2025, 1, 2)
    assert conversation.reference_date() == dt.date(2025, 1, 9) and len(conversation.questions()) == 2
    assert undated.as_of is None and undated.reference_date() is None


@pytest.mark.parametrize(("text", "line", "field", "message"), [
    ("- id: a\n  question: Q\n  expect_refusal: true\n  as_of: 2025-02-30\n", 4, "as_of", "YYYY-MM-DD, got '2025-02-30'"),
    ("- id: a\n  question: Q\n  expect_refusal: true\n  as_of: last week\n", 4, "as_of", "YYYY-MM-DD, got 'last week'"),
    ("- id: a\n  turns:\n    - question: Q\n      as_of: 2025-01-01\n  expect_refusal: true\n", 4, "turns[0].as_of",
     "Extra inputs are not permitted"),
])
def test_a_bad_as_of_names_line_and_field(tmp_path: Path, text: str, line: int, field: str, message: str) -> None:
    with pytest.raises(TestSetError) as info:
        load_testset(write(tmp_path, "bad.yaml", text))
    assert info.value.line == line and info.value.field == field and message in str(info.value)
