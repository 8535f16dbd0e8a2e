"""Boosted decision trees, applied with numpy: the span scorer of the offline answer.

Which span of a quote answers the question depends on combinations of features (a name is the answer to
"who" when it doesn't repeat the question and sits next to its words; a number is not the answer to "how
many" when it is a year), which one logistic layer can't express: trees trained on the same features
choose the right span for 33% of questions against 25% (cross-validated by article; docs/answers.md).

Trained by `python -m training.answer_model` (scikit-learn's HistGradientBoostingClassifier); the product
only reads the JSON: each tree as flat arrays (feature, threshold, left, right, value; a leaf has feature
-1), evaluated for all rows and all trees at once, one tree level per step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.answer.scorers import checked_features

#: bounds of a model file this code accepts (a damaged or hostile file must not exhaust memory)
MAX_TREES = 2000
MAX_NODES = 4096
#: trees are held padded to the widest: at most this many node slots in all (450 trees of 29 nodes: 13,050)
MAX_SLOTS = 1 << 20


@dataclass(frozen=True)
class Trees:
    features: tuple[str, ...]
    baseline: float
    feature: np.ndarray  # (trees, nodes) int: the feature a node tests, -1 at a leaf
    split: np.ndarray  # (trees, nodes) float: go left when x[feature] <= split
    left: np.ndarray  # (trees, nodes) int
    right: np.ndarray  # (trees, nodes) int
    value: np.ndarray  # (trees, nodes) float: a leaf's contribution to the logit
    threshold: float = 0.5

    @cached_property
    def _flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The trees as flat arrays over every node of every tree (node n of tree t at t * width + n): the
        feature tested (0 at a leaf), its split, both children as flat positions, and which nodes are leaves."""
        trees, width = self.feature.shape
        base = (np.arange(trees) * width)[:, None]
        leaf = self.feature < 0
        return (np.maximum(self.feature, 0).ravel(), self.split.ravel(), (base + self.left).ravel(),
                (base + self.right).ravel(), leaf.ravel())

    def logit(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        single = x.ndim == 1
        x = np.atleast_2d(x)
        if x.shape[1] != len(self.features):
            raise ValueError(f"{x.shape[1]} features given; the trees read {len(self.features)}")
        feature, split, left, right, leaf = self._flat
        n, (trees, width) = len(x), self.feature.shape
        # every (row, tree) pair walks its tree one level a step; pairs that reached a leaf drop out, so a
        # step costs what the pairs still inside a tree cost (trees of 15 leaves end at depths 4 to 14)
        at = np.tile(np.arange(trees) * width, n)
        row_base = np.repeat(np.arange(n) * x.shape[1], trees)
        flat_x = x.ravel()
        walking = np.nonzero(~leaf[at])[0]
        for _ in range(width):  # a tree is never deeper than its node count
            if not walking.size:
                break
            node = at[walking]
            go_left = flat_x[row_base[walking] + feature[node]] <= split[node]
            node = np.where(go_left, left[node], right[node])
            at[walking] = node
            walking = walking[~leaf[node]]
        out = self.baseline + self.value.ravel()[at].reshape(n, trees).sum(axis=1)
        return out[0] if single else out

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(x), -30, 30)))

    def to_json(self) -> dict:
        trees = []
        for t in range(self.feature.shape[0]):
            used = int(np.max(np.nonzero(self.feature[t] != -2)[0])) + 1  # -2 pads trees to one width
            trees.append({"feature": self.feature[t, :used].tolist(),
                          "split": self.split[t, :used].tolist(),  # exact (a split may equal a feature's value)
                          "left": self.left[t, :used].tolist(), "right": self.right[t, :used].tolist(),
                          "value": self.value[t, :used].tolist()})
        return {"kind": "trees", "features": list(self.features), "baseline": float(self.baseline),
                "trees": trees, "threshold": round(float(self.threshold), 6)}

    @classmethod
    def from_json(cls, data: dict, expected: tuple[str, ...], where: str) -> "Trees":
        features = checked_features(data, expected, where)
        trees = data["trees"]
        if not isinstance(trees, list) or not 0 < len(trees) <= MAX_TREES:
            raise ValueError(f"the {where} model has no trees or more than {MAX_TREES}")
        return cls.from_arrays(features, float(data["baseline"]), trees, float(data.get("threshold", 0.5)), where)

    @classmethod
    def from_arrays(cls, features: tuple[str, ...], baseline: float, trees: list[dict], threshold: float,
                    where: str = "trees") -> "Trees":
        """Trees from per-tree node lists ({"feature", "split", "left", "right", "value"}), checked: every
        child inside its tree and after its parent (so no walk can loop), every feature index known, every
        number finite."""
        width = max(len(t["feature"]) for t in trees)
        if width > MAX_NODES or len(trees) * width > MAX_SLOTS:
            raise ValueError(f"the {where} model has a tree of more than {MAX_NODES} nodes, or more than "
                             f"{MAX_SLOTS} nodes in all once its trees are padded to its widest")
        shape = (len(trees), width)
        feature = np.full(shape, -2, dtype=np.int64)
        left, right = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
        split, value = np.zeros(shape), np.zeros(shape)
        for t, tree in enumerate(trees):
            size = len(tree["feature"])
            if size == 0 or any(len(tree[k]) != size for k in ("split", "left", "right", "value")):
                raise ValueError(f"the {where} model's tree {t} is malformed")
            feature[t, :size] = np.asarray(tree["feature"], dtype=np.int64)
            split[t, :size], value[t, :size] = tree["split"], tree["value"]
            left[t, :size], right[t, :size] = tree["left"], tree["right"]
            inner = np.nonzero(feature[t, :size] >= 0)[0]
            if (np.any(feature[t, :size] < -1) or np.any(feature[t, :size] >= len(features))
                    or np.any(left[t, inner] <= inner) or np.any(right[t, inner] <= inner)
                    or np.any(left[t, inner] >= size) or np.any(right[t, inner] >= size)):
                raise ValueError(f"the {where} model's tree {t} is malformed")
        if not (np.all(np.isfinite(split)) and np.all(np.isfinite(value)) and math.isfinite(baseline)
                and 0.0 < threshold < 1.0):
            raise ValueError(f"the {where} model's values or threshold are malformed")
        return cls(features, baseline, feature, split, left, right, value, threshold)
