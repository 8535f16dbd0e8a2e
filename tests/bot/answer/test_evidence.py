"""Tests for bot.answer.evidence: the support judgment's features, by name."""

from __future__ import annotations

import numpy as np
import pytest

from bot.answer.evidence import SUPPORT_FEATURES, Evidence
from bot.answer.question import analyse


@pytest.mark.parametrize("text, language, english", [
    ("Who did Putin meet at the Kremlin?", "en", 1.0),
    ("С кем встретился Путин в Кремле?", "ru", 0.0),
    ("¿Con quién se reunió Putin en el Kremlin?", "es", 0.0),
])
def test_the_support_judgment_tells_an_english_question_from_others(offline_engine, text, language, english):
    """English, an archive in the question's own other language and a question across languages are
    three conditions of the support model: `english` with `cross_lingual` tells them apart."""
    search = offline_engine.retriever.search(text, k=offline_engine.settings.top_k, language=language)
    evidence = Evidence.build(analyse(text, language), search, offline_engine.catalog)
    assert evidence.candidates

    features = evidence.support_features(0, np.zeros(len(evidence.candidates)), 0.0)
    named = dict(zip(SUPPORT_FEATURES, features.tolist(), strict=True))
    assert named["english"] == english
    assert named["cross_lingual"] == (0.0 if language == "en" else 1.0)  # the archive is English
