"""Boosted trees applied with numpy (the span scorer): they score as the trees say, survive their JSON, match
scikit-learn's own scores when exported from it, and a damaged file is refused, never walked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.answer.model import DEFAULT_PATH, AnswerModel, AnswerModelError
from bot.answer.spans import SPAN_FEATURES
from bot.answer.trees import Trees

NAMES = ("a", "b")
#: tree 0: a <= 0.5 ? (b <= 2 ? 1.0 : 2.0) : -1.0      tree 1: a stump on b: b <= 0 ? 0.25 : -0.25
#: tree 2: a single leaf, 0.0 (what boosting leaves when no split helps)
TREES = [
    {"feature": [0, 1, -1, -1, -1], "split": [0.5, 2.0, 0, 0, 0], "left": [1, 2, 0, 0, 0],
     "right": [4, 3, 0, 0, 0], "value": [0, 0, 1.0, 2.0, -1.0]},
    {"feature": [1, -1, -1], "split": [0.0, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
     "value": [0, 0.25, -0.25]},
    {"feature": [-1], "split": [0], "left": [0], "right": [0], "value": [0.0]},
]


def _model(trees: list[dict] | None = None, baseline: float = 0.1) -> Trees:
    return Trees.from_arrays(NAMES, baseline, trees or TREES, 0.5)


@pytest.mark.parametrize("row, expected", [
    ((0.0, -1.0), 0.1 + 1.0 + 0.25),  # left, left; b <= 0
    ((0.5, 2.0), 0.1 + 1.0 - 0.25),  # a split value goes left
    ((0.2, 3.0), 0.1 + 2.0 - 0.25),
    ((0.9, 0.0), 0.1 - 1.0 + 0.25),
])
def test_each_row_walks_each_tree_to_its_leaf(row, expected) -> None:
    model = _model()
    assert model.logit(np.array(row)) == pytest.approx(expected)
    rows = np.array([row, (0.9, 5.0)])
    assert model.logit(rows) == pytest.approx([expected, 0.1 - 1.0 - 0.25])
    assert model.probability(rows)[0] == pytest.approx(1 / (1 + np.exp(-expected)))


def test_the_json_round_trip_scores_the_same() -> None:
    model = _model()
    again = Trees.from_json(json.loads(json.dumps(model.to_json())), NAMES, "span")
    rows = np.random.default_rng(3).normal(size=(50, 2))
    assert np.array_equal(again.logit(rows), model.logit(rows))


@pytest.mark.parametrize("damage, words", [
    (lambda t: t[0] | {"left": [0, 2, 0, 0, 0]}, "malformed"),  # a child before its parent: a loop
    (lambda t: t[0] | {"right": [9, 3, 0, 0, 0]}, "malformed"),  # outside the tree
    (lambda t: t[0] | {"feature": [7, 1, -1, -1, -1]}, "malformed"),  # an unknown feature
    (lambda t: t[0] | {"value": [0, 0, float("nan"), 2.0, -1.0]}, "malformed"),
    (lambda t: t[0] | {"split": [0.5]}, "malformed"),  # arrays of different lengths
])
def test_a_damaged_tree_is_refused(damage, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        _model([damage(TREES), TREES[1]])


def test_a_damaged_span_model_in_the_model_file_stops_start_up_clearly(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text())
    assert data["span"]["kind"] == "trees"  # what the shipped file holds
    data["span"]["trees"][0]["left"][0] = 0
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(AnswerModelError, match="span model's tree 0 is malformed") as caught:
        AnswerModel.load(path)
    assert str(path) in str(caught.value)


def test_trees_exported_from_scikit_learn_score_as_scikit_learn_does() -> None:
    pytest.importorskip("sklearn", reason="the train extra (make test installs it)")
    from training.answer_model import _fit_trees

    rng = np.random.default_rng(5)
    x = rng.normal(size=(3000, len(SPAN_FEATURES))).astype(np.float32)
    y = ((x[:, 0] > 0.3) & (x[:, 5] < 0.8) | (x[:, 9] > 1.5)).astype(float)
    model = _fit_trees(x, y, seed=7, names=SPAN_FEATURES)  # checks itself against decision_function
    again = Trees.from_json(json.loads(json.dumps(model.to_json())), SPAN_FEATURES, "span")
    assert np.array_equal(again.logit(x[:200]), model.logit(x[:200]))
    assert np.mean((model.probability(x) > 0.5) == (y > 0)) > 0.9  # it learned the rule


def test_the_span_scorer_is_the_mean_of_ensembles_of_successive_seeds(monkeypatch) -> None:
    pytest.importorskip("sklearn", reason="the train extra (make test installs it)")
    from sklearn.ensemble import HistGradientBoostingClassifier

    import training.answer_model as training_model

    # the seeds change the trees only through the sample scikit-learn bins from (above 200,000 rows); features
    # drawn at random per split make them differ on a test's few rows
    settings = training_model.SPAN_TREES | {"max_iter": 20, "max_features": 0.5}
    monkeypatch.setattr(training_model, "SPAN_TREES", settings)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2000, len(SPAN_FEATURES))).astype(np.float32)
    y = ((x[:, 1] > 0.0) ^ (x[:, 4] > 0.5)).astype(float)
    model = training_model._fit_trees(x, y, seed=3, names=SPAN_FEATURES)
    ensembles = training_model.SPAN_ENSEMBLES
    each = [HistGradientBoostingClassifier(random_state=3 + i, early_stopping=False, **settings).fit(x, y)
            for i in range(ensembles)]
    assert ensembles > 1 and model.feature.shape[0] == ensembles * settings["max_iter"]
    scores = [clf.decision_function(x[:300]) for clf in each]
    assert not np.allclose(scores[0], scores[1], atol=1e-3)  # the seeds make different ensembles here
    assert np.allclose(model.logit(x[:300]), np.mean(scores, axis=0), atol=1e-6)


def test_trees_padded_past_the_slot_bound_are_refused(monkeypatch) -> None:
    import bot.answer.trees as trees_module

    monkeypatch.setattr(trees_module, "MAX_SLOTS", len(TREES) * 5 - 1)  # three trees padded to five nodes
    with pytest.raises(ValueError, match="nodes in all"):
        _model()


def test_rows_of_another_width_are_refused_not_misread() -> None:
    with pytest.raises(ValueError, match="3 features given"):
        _model().logit(np.zeros((4, 3)))
    assert _model().logit(np.zeros((0, 2))).shape == (0,)
