"""Tests for training.answer_model's command line and training.answer_data's report rows."""

from __future__ import annotations

import pytest

from benchmarks import qa_data
from training import answer_model
from training.answer_data import Item, fold_of


def item(dataset: str, language: str, group: str) -> Item:
    question = qa_data.Question("q1", "?", ("a",), "x:1", language, dataset)
    return Item(group, question, True, None, None, "catalog")


def test_each_language_of_the_own_language_archives_is_a_row_of_its_own_and_one_fold():
    native = item("xquad-native", "ru", "xquad-native")
    cross = item("xquad", "ru", "xquad-other")

    assert (fold_of(native), native.group) == ("native-ru", "xquad-native")
    assert fold_of(cross) == "xquad-ru"
    assert fold_of(item("heq", "he", "heq")) == "heq"
    assert {"native-ru", "xquad-native"} <= set(answer_model.NATIVE_FOLDS)


@pytest.mark.parametrize("argv, unknown", [
    (["--folds", "heq,xquad-klingon"], "xquad-klingon"),
    (["--folds", "native-ru"], "native-ru"),  # the own-language archives are folds only when trained on (--native)
])
def test_an_unknown_fold_is_named_before_anything_is_trained(capsys, argv, unknown):
    with pytest.raises(SystemExit) as exit_:
        answer_model.main(argv)

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"--folds: unknown group {unknown};" in err and "heq" in err
