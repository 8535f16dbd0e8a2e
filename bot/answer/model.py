"""The learned parts of the offline answer, loaded from one small versioned JSON file.

Three models, trained by `python -m training.answer_model` on the data in ../shared only
(see docs/answers.md for the data, the seed and the cross-dataset figures):
- `sentence`: which candidate sentence holds the answer (SENTENCE_FEATURES);
- `span`: which short span of the quote is the answer (SPAN_FEATURES), and whether to state it
  (boosted trees: `bot.answer.trees`);
- `support`: whether the evidence supports an answer at all (SUPPORT_FEATURES), with the threshold
  below which the bot says the articles don't have it.

The product only reads the file: standardise, dot product, logistic; walk the trees. A missing or damaged
file, or one written for other features, stops start-up with a message that says what to do.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.answer.evidence import SENTENCE_FEATURES, SUPPORT_FEATURES
from bot.answer.scorers import Scorer, checked_features
from bot.answer.spans import SPAN_FEATURES
from bot.answer.trees import Trees
from index.errors import NewsbotError

FORMAT = "newsbot-answer-model"
#: 2: the span model may be trees, and its threshold is on span × quote probability (a version 1 file's is
#: on the span alone: it would state fewer answers than it was tuned for, so it is refused)
VERSION = 2
DEFAULT_PATH = Path(__file__).resolve().parent / "models" / "answer-model.json"
#: the largest model file read (the shipped one is about 0.6 MB; ANSWER_MODEL may point anywhere)
MAX_MODEL_BYTES = 32 * 1024 * 1024
#: a JSON list of numbers spread over lines by `json.dumps(indent=…)`
_NUMBER_LIST = re.compile(r"\[\s*((?:-?[\d.eE+-]+,\s*)*-?[\d.eE+-]+)\s*\]")
_RETRAIN = "retrain it with `python -m training.answer_model` or restore it from the repository"


class AnswerModelError(NewsbotError):
    """The answer model file can't be used; the message names the file and what to do."""


@dataclass(frozen=True)
class Logistic:
    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float = 0.5

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.weights + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(x), -30, 30)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "weights": [round(float(w), 6) for w in self.weights],
                "bias": round(float(self.bias), 6), "mean": [round(float(m), 6) for m in self.mean],
                "scale": [round(float(s), 6) for s in self.scale], "threshold": round(float(self.threshold), 6)}

    @classmethod
    def from_json(cls, data: dict, expected: tuple[str, ...], where: str) -> "Logistic":
        features = checked_features(data, expected, where)
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("weights", "mean", "scale")]
        if any(a.shape != (len(expected),) or not np.all(np.isfinite(a)) for a in arrays) or np.any(arrays[2] <= 0):
            raise ValueError(f"the {where} model's weights are malformed")
        bias, threshold = float(data["bias"]), float(data.get("threshold", 0.5))
        if not (math.isfinite(bias) and 0.0 < threshold < 1.0):
            raise ValueError(f"the {where} model's bias or threshold is malformed")
        return cls(features, arrays[0], bias, arrays[1], arrays[2], threshold)


@dataclass(frozen=True)
class AnswerModel:
    sentence: Logistic
    span: Scorer
    support: Logistic
    info: dict

    @classmethod
    def untrained(cls) -> "AnswerModel":
        """A model of zero weights for the current features: what training starts from, and what an engine that
        only searches is given while the model file is being retrained (it may be for other features)."""
        blank = {names: Logistic(names, np.zeros(len(names)), 0.0, np.zeros(len(names)), np.ones(len(names)))
                 for names in (SENTENCE_FEATURES, SPAN_FEATURES, SUPPORT_FEATURES)}
        return cls(blank[SENTENCE_FEATURES], blank[SPAN_FEATURES], blank[SUPPORT_FEATURES], {})

    @classmethod
    def load(cls, path: Path | None = None) -> "AnswerModel":
        path = Path(path or DEFAULT_PATH)
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_MODEL_BYTES + 1)  # a device or a growing file is never read whole
            if len(raw) > MAX_MODEL_BYTES:
                raise AnswerModelError(f"The answer model file {path} is larger than {MAX_MODEL_BYTES // 2**20} MB: "
                                       f"it is not a model file; {_RETRAIN}, or point ANSWER_MODEL at one.")
            data = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            raise AnswerModelError(f"The answer model file {path} is missing; {_RETRAIN}, "
                                   "or point ANSWER_MODEL at a model file.") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AnswerModelError(f"The answer model file {path} can't be read ({exc}); {_RETRAIN}.") from None
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"it is not a {FORMAT} file")
            if data.get("version") != VERSION:
                raise ValueError(f"it has version {data.get('version')!r}; this newsbot reads version {VERSION}")
            return cls(
                sentence=Logistic.from_json(data["sentence"], SENTENCE_FEATURES, "sentence"),
                span=(Trees if data["span"].get("kind") == "trees" else Logistic).from_json(
                    data["span"], SPAN_FEATURES, "span"),
                support=Logistic.from_json(data["support"], SUPPORT_FEATURES, "support"),
                info={k: v for k, v in data.items() if k not in ("sentence", "span", "support")},
            )
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:  # overflow: huge numbers
            raise AnswerModelError(f"The answer model file {path} is unusable: {exc}; {_RETRAIN}.") from None

    def with_support_threshold(self, threshold: float) -> "AnswerModel":
        """The same model with another refusal threshold (an operator's policy choice)."""
        from dataclasses import replace

        return replace(self, support=replace(self.support, threshold=threshold))

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, **self.info, "sentence": self.sentence.to_json(),
                "span": self.span.to_json(), "support": self.support.to_json()}

    def to_text(self) -> str:
        """The model file's text: indented, with each list of numbers on one line (a tree's arrays, a model's
        weights), so that a retrained file reads and diffs in a few hundred lines rather than tens of thousands."""
        text = json.dumps(self.to_json(), indent=1, ensure_ascii=False)
        return _NUMBER_LIST.sub(lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text) + "\n"
