"""What the answer model's parts have in common: the `Scorer` contract (a model over named features with a
decision threshold) and the check that a stored model was trained for the features the code computes."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Scorer(Protocol):
    features: tuple[str, ...]
    threshold: float

    def logit(self, x: np.ndarray) -> np.ndarray: ...

    def probability(self, x: np.ndarray) -> np.ndarray: ...

    def to_json(self) -> dict: ...


def checked_features(data: dict, expected: tuple[str, ...], where: str) -> tuple[str, ...]:
    """The stored model's feature names; ValueError naming what differs when they are not `expected`."""
    features = tuple(data["features"])
    if features != expected:
        missing = sorted(set(expected) - set(features))
        extra = sorted(set(features) - set(expected))
        raise ValueError(f"the {where} model was trained for other features (missing {missing}, unknown {extra})")
    return features
