"""The answer model file: the shipped one loads; a missing, damaged or mismatched one stops start-up
with a message that names the file and says what to do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from bot.answer.evidence import SENTENCE_FEATURES, SUPPORT_FEATURES
from bot.answer.model import DEFAULT_PATH, AnswerModel, AnswerModelError
from bot.answer.spans import SPAN_FEATURES


def test_the_shipped_model_loads_with_the_features_the_code_computes() -> None:
    model = AnswerModel.load()
    assert model.sentence.features == SENTENCE_FEATURES
    assert model.span.features == SPAN_FEATURES
    assert model.support.features == SUPPORT_FEATURES
    assert 0 < model.support.threshold < 1
    p = model.support.probability(np.zeros(len(SUPPORT_FEATURES)))
    assert 0 <= float(p) <= 1


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "model.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _shipped() -> dict:
    return json.loads(DEFAULT_PATH.read_text())


@pytest.mark.parametrize("change, words", [
    (lambda d: "{not json", "can't be read"),
    (lambda d: d | {"format": "something-else"}, "not a newsbot-answer-model file"),
    (lambda d: d | {"version": 99}, "version 99"),
    (lambda d: d | {"version": 1}, "version 1"),  # its span threshold meant something else
    (lambda d: d | {"span": d["span"] | {"baseline": 10 ** 400}}, "unusable"),  # overflows a float
    (lambda d: d | {"span": d["span"] | {"trees": [d["span"]["trees"][0] | {"left": [10 ** 20]
                                                   + d["span"]["trees"][0]["left"][1:]}]}}, "unusable"),
    (lambda d: d | {"support": d["support"] | {"features": d["support"]["features"][:-1] + ["mystery"]}},
     "other features"),
    (lambda d: d | {"support": d["support"] | {"weights": d["support"]["weights"][:3]}}, "malformed"),
    (lambda d: d | {"sentence": d["sentence"] | {"scale": [0.0] * len(SENTENCE_FEATURES)}}, "malformed"),
    (lambda d: {k: v for k, v in d.items() if k != "support"}, "support"),
])
def test_a_damaged_model_is_refused_clearly(tmp_path: Path, change, words: str) -> None:
    path = _write(tmp_path, change(_shipped()))
    with pytest.raises(AnswerModelError) as caught:
        AnswerModel.load(path)
    message = str(caught.value)
    assert str(path) in message and words in message and "training.answer_model" in message


def test_an_oversized_model_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    import bot.answer.model as model_module

    path = _write(tmp_path, _shipped())
    monkeypatch.setattr(model_module, "MAX_MODEL_BYTES", path.stat().st_size - 1)
    with pytest.raises(AnswerModelError, match="larger than") as caught:
        AnswerModel.load(path)
    assert str(path) in str(caught.value) and "python -m training.answer_model" in str(caught.value)


def test_a_model_path_that_never_ends_is_refused_not_read_forever(monkeypatch) -> None:
    import bot.answer.model as model_module

    monkeypatch.setattr(model_module, "MAX_MODEL_BYTES", 1 << 16)
    with pytest.raises(AnswerModelError, match="larger than"):
        AnswerModel.load(Path("/dev/zero"))


def test_a_missing_model_says_where_it_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(AnswerModelError, match="missing") as caught:
        AnswerModel.load(tmp_path / "nowhere.json")
    assert "ANSWER_MODEL" in str(caught.value)


def test_the_engine_does_not_start_with_a_bad_model(tmp_path: Path, indexed_dir: Path, answer_embedder) -> None:
    from bot.engine import build_engine
    from tests.bot.answer.conftest import _settings

    bad = _write(tmp_path, "{}")
    with pytest.raises(AnswerModelError, match=str(bad)):
        build_engine(_settings(indexed_dir, answer_model=bad), embedder=answer_embedder)


def test_an_engine_given_its_model_searches_while_the_file_is_being_retrained(
        tmp_path: Path, indexed_dir: Path, answer_embedder) -> None:
    """Training searches with an untrained model: the file may be for features the code no longer computes."""
    from bot.engine import build_engine
    from tests.bot.answer.conftest import _settings

    stale = _write(tmp_path, _shipped() | {"support": _shipped()["support"] | {
        "features": _shipped()["support"]["features"][:-1] + ["retired"]}})
    blank = AnswerModel.untrained()
    engine = build_engine(_settings(indexed_dir, answer_model=stale), embedder=answer_embedder, answer_model=blank)
    try:
        assert engine.retriever.search("What was announced?", k=2, language="en").hits
        assert engine.model is blank and blank.support.features == SUPPORT_FEATURES
    finally:
        engine.close()


def test_an_operator_can_move_the_refusal_threshold(tmp_path: Path) -> None:
    model = AnswerModel.load().with_support_threshold(0.9)
    assert model.support.threshold == 0.9
    assert np.array_equal(model.sentence.weights, AnswerModel.load().sentence.weights)


def test_the_model_file_is_written_compactly_and_reads_back_the_same(tmp_path: Path) -> None:
    """Lists of numbers (tree arrays, weights) take one line each, and writing loses nothing."""
    model = AnswerModel.load()
    text = model.to_text()
    assert DEFAULT_PATH.read_text(encoding="utf-8") == text, "the shipped file was not written by to_text()"
    lone_numbers = [line for line in text.splitlines() if re.fullmatch(r"\s*[-+\d.eE]+,?", line)]
    assert not lone_numbers, "a number on a line of its own: the lists are not written compactly"
    path = _write(tmp_path, text)
    assert json.loads(path.read_text()) == model.to_json()
    again = AnswerModel.load(path)
    rows = np.random.default_rng(1).normal(size=(20, len(SPAN_FEATURES)))
    assert np.array_equal(again.span.logit(rows), model.span.logit(rows))
