"""Tests for training.answer_model's command line and training.answer_data's report rows."""

from __future__ import annotations

import pytest

from benchmarks import qa_data
from training import answer_model
from training.answer_data import Item, Prepared, _specs, fold_of, report_row


def item(dataset: str, language: str, group: str) -> Item:
    question = qa_data.Question("q1", "?", ("a",), "x:1", language, dataset)
    return Item(group, question, True, None, None, "catalog")


def test_a_language_is_held_out_across_languages_and_in_its_own_archive_alike():
    native = item("xquad-native", "ru", "xquad-native")
    cross = item("xquad", "ru", "xquad-other")

    assert fold_of(native) == fold_of(cross) == "xquad-ru"
    assert (report_row(native), report_row(cross)) == ("native-ru", "xquad-ru")
    assert native.group == "xquad-native" and "xquad-native" in answer_model.NATIVE_FOLDS  # all four at once
    assert fold_of(item("heq", "he", "heq")) == report_row(item("heq", "he", "heq")) == "heq"


def test_the_span_trees_learn_from_every_archive_but_the_own_language_ones():
    items = [item("xquad-native", "zh", "xquad-native"), item("xquad", "zh", "xquad-other"),
             item("xquad", "en", "xquad-en"), item("heq", "he", "heq")]
    prepared = [Prepared(it, None, None) for it in items]

    kept = [p.item.question.dataset for p in answer_model.span_items(prepared)]
    assert kept == ["xquad", "xquad", "heq"]  # Hebrew is an own-language archive too, but not one left out


@pytest.mark.skipif(not qa_data.available(), reason=f"the QA data is missing at {qa_data.SHARED}")
def test_the_recipe_without_native_has_no_own_language_archive():
    names = [spec[0] for spec in _specs(native=False)]
    with_native = {spec[0]: spec for spec in _specs(native=True)}

    assert not [n for n in names if n.startswith("native-")] and set(names) < set(with_native)
    _, _, nat, ids, _, answerable = with_native["native-zh-half"]
    indexed, left_out = qa_data.halves(nat)
    assert ids == indexed and all(answerable(q) == (q.article_id in indexed) for q in nat.questions)
    assert any(q.article_id in left_out for q in nat.questions)


@pytest.mark.parametrize("argv, message", [
    (["--folds", "heq,xquad-klingon"], "--folds: unknown group xquad-klingon;"),
    (["--no-native", "--folds", "xquad-native"], "--folds: unknown group xquad-native;"),
    (["--folds", ","], "--folds: name at least one group"),
    (["--folds", "heq", "--no-cross"], "--no-cross skips the report"),
    (["--folds", "realtimeqa"], "realtimeqa is a fold only with --train-on-news"),
])
def test_a_wrong_fold_is_named_before_anything_is_trained(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        answer_model.main(argv)

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
