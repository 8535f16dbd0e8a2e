"""SQuAD importer: a small file written here, cross-lingual questions, and the real XQuAD data when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.evaluation.testset import load_testset
from bot.importers.common import ImporterError
from bot.importers.squad import import_squad

ROOT = Path(__file__).resolve().parents[3]

SQUAD = {
    "version": "1.1",
    "data": [
        {
            "title": "Nir_Oz",
            "paragraphs": [
                {
                    "context": "Nir Oz is a kibbutz in southern Israel. It was founded in 1955.",
                    "qas": [
                        {"id": "q1", "question": "When was Nir Oz founded?",
                         "answers": [{"text": "1955", "answer_start": 59}, {"text": "1955", "answer_start": 59},
                                     {"text": "in 1955", "answer_start": 56}]},
                        {"id": "q2", "question": "Where is Nir Oz?",
                         "answers": [{"text": "southern Israel", "answer_start": 23}]},
                    ],
                },
                {"context": "The kibbutz had about 400 residents.", "qas": [
                    {"id": "q3", "question": "How many residents did it have?", "answers": [{"text": "about 400", "answer_start": 16}]},
                ]},
            ],
        },
        {
            "title": "Kremlin",
            "paragraphs": [
                {"context": "The Kremlin is a fortified complex in Moscow.", "qas": [
                    {"id": "q4", "question": "Where is the Kremlin?", "answers": [{"text": "Moscow", "answer_start": 38}]},
                    {"id": "q5", "question": "Who built the moon?", "answers": [], "is_impossible": True},
                ]},
            ],
        },
    ],
}
RUSSIAN = {"data": [{"title": "Nir_Oz", "paragraphs": [{"context": "…", "qas": [
    {"id": "q1", "question": "Когда был основан Нир-Оз?", "answers": [{"text": "1955", "answer_start": 0}]},
    {"id": "q4", "question": "Где находится Кремль?", "answers": [{"text": "Москве", "answer_start": 0}]},
]}]}]}


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_squad_becomes_articles_and_cases(tmp_path: Path) -> None:
    src = write_json(tmp_path / "tiny.en.json", SQUAD)
    summary = import_squad(src, tmp_path / "out")
    assert (summary.articles, summary.cases, summary.refusals) == (2, 5, 1)
    nir = json.loads((tmp_path / "out" / "corpus" / "nir-oz.json").read_text(encoding="utf-8"))
    assert nir["title"] == "Nir Oz"
    assert nir["body"] == "Nir Oz is a kibbutz in southern Israel. It was founded in 1955.\n\nThe kibbutz had about 400 residents."
    cases = {c.id: c for c in load_testset(summary.testset).cases}
    assert cases["q1"].expected_answers == [["1955", "in 1955"]]
    assert cases["q1"].expected_sources == ["Nir Oz"] and cases["q1"].tags == ["squad", "en"]
    assert cases["q5"].expect_refusal and "unanswerable" in cases["q5"].tags
    for c in cases.values():  # every answer is in the article it names
        if c.expected_answers:
            body = json.loads((tmp_path / "out" / "corpus" / ("nir-oz.json" if c.expected_sources == ["Nir Oz"] else "kremlin.json")).read_text())["body"]
            assert all(a in body for a in c.alternatives())


def test_cross_lingual_questions_and_limit(tmp_path: Path) -> None:
    src = write_json(tmp_path / "tiny.en.json", SQUAD)
    ru = write_json(tmp_path / "tiny.ru.json", RUSSIAN)
    summary = import_squad(src, tmp_path / "out", questions=ru)
    cases = load_testset(summary.testset).cases
    assert [(c.id, c.question) for c in cases] == [("q1", "Когда был основан Нир-Оз?"), ("q4", "Где находится Кремль?")]
    assert cases[1].expected_answers == [["Moscow"]]  # answers stay in the articles' language
    assert cases[0].tags == ["squad", "ru", "cross-lingual"]
    assert summary.skipped == 3 and "no text in" in summary.notes[0]

    limited = import_squad(src, tmp_path / "limited", limit=2)
    assert limited.cases == 2 and limited.articles == 1  # only the article its questions need


def test_bad_input_and_reused_output(tmp_path: Path) -> None:
    with pytest.raises(ImporterError, match=r"line 1: not valid JSON"):
        (tmp_path / "x.json").write_text("{oops", encoding="utf-8")
        import_squad(tmp_path / "x.json", tmp_path / "o")
    with pytest.raises(ImporterError, match="not SQuAD format"):
        import_squad(write_json(tmp_path / "y.json", {"rows": []}), tmp_path / "o")
    with pytest.raises(ImporterError, match=r"data\[0\].paragraphs\[0\] has no 'context'"):
        import_squad(write_json(tmp_path / "z.json", {"data": [{"title": "t", "paragraphs": [{"qas": []}]}]}), tmp_path / "o")
    src = write_json(tmp_path / "tiny.json", SQUAD)
    import_squad(src, tmp_path / "out")
    with pytest.raises(ImporterError, match="already holds an import"):
        import_squad(src, tmp_path / "out")
    assert import_squad(src, tmp_path / "out", force=True).cases == 5


def test_cli_import_squad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_json(tmp_path / "tiny.en.json", SQUAD)
    assert main(["import", "squad", str(src), "--out", str(tmp_path / "out"), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "imported 1 articles" in out and "3 cases" in out and "newsbot eval" in out
    assert main(["import", "squad", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o2")]) == 2
    assert "missing.json: no such file" in capsys.readouterr().err


def shared_xquad() -> Path:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if (base / "data" / "xquad" / "xquad.en.json").exists():
            return base / "data" / "xquad"
    pytest.skip("../shared/data/xquad is absent (it exists on developer machines and CI, not in a user's clone)")


def test_real_xquad_english_articles_with_russian_questions(tmp_path: Path) -> None:
    xquad = shared_xquad()
    summary = import_squad(xquad / "xquad.en.json", tmp_path / "out", questions=xquad / "xquad.ru.json")
    assert (summary.articles, summary.cases, summary.skipped) == (48, 1190, 0)
    cases = load_testset(summary.testset).cases
    assert all("ru" in c.tags and c.expected_sources and c.expected_answers for c in cases)
    assert any("\u0400" <= ch <= "\u04ff" for ch in cases[0].question)  # Cyrillic questions
    bodies = {json.loads(p.read_text(encoding="utf-8"))["title"]: json.loads(p.read_text(encoding="utf-8"))["body"]
              for p in (tmp_path / "out" / "corpus").glob("*.json")}
    assert len(bodies) == 48
    for c in cases:  # gold answers are English spans of the article named as the source
        assert any(a in bodies[c.expected_sources[0]] for a in c.alternatives()), c.id
