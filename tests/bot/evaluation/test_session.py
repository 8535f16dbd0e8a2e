"""An evaluation on its own corpus works in a folder of its own: nothing of the project's data is touched."""

from __future__ import annotations

from pathlib import Path

from bot.evaluation.session import temporary_settings
from bot.settings import SECTIONS


def test_every_path_of_an_evaluation_on_its_own_corpus_is_under_its_folder(settings, tmp_path):
    corpus, work = tmp_path / "eval-corpus", tmp_path / "eval-work"
    temp = temporary_settings(settings, corpus, work)
    paths = [name for name in SECTIONS["Paths: everything newsbot writes lives under DATA_DIR unless set here"]
             if name not in ("corpus_dir", "prompts_dir")]
    assert temp.corpus_dir == corpus and temp.chroma_host is None
    for name in paths:
        value = getattr(temp, name)
        assert isinstance(value, Path) and value.is_relative_to(work), name
        assert value != getattr(settings, name), name  # the project's own file is left alone
