"""Saving admins' documents into the corpus, and taking back what fails to index (unit level;
through Telegram: test_admin.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import texts
from bot.telegram.uploads import PREVIOUS_PREFIX, UploadRejected, check_upload, safe_filename, save_upload

EN = texts("en")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\win.md", "win.md"),
        ("Ünïcödé news (final) v2.HTML", "Unicode-news-final-v2.html"),
        (".hidden.json", "hidden.json"),
        ("???.txt", "upload.txt"),
        ("a" * 300 + ".txt", "a" * 96 + ".txt"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name, EN) == expected


@pytest.mark.parametrize("name", ["x.exe", "x", "x.txt.sh", "", None])
def test_disallowed_extensions(name):
    with pytest.raises(UploadRejected, match="I can only add"):
        check_upload(name, 10, 100, EN)


def test_size_limit_and_saving(tmp_path: Path):
    with pytest.raises(UploadRejected, match="limit"):
        check_upload("a.txt", 101, 100, EN)
    saved = save_upload(tmp_path, "../a b.txt", b"Title\n\nBody", 100, EN)
    assert saved.path == (tmp_path / "a-b.txt").resolve() and not saved.replaced
    assert saved.path.read_bytes() == b"Title\n\nBody"
    saved.commit()
    again = save_upload(tmp_path, "a b.txt", b"New", 100, EN)
    assert again.path == saved.path and again.replaced and saved.path.read_bytes() == b"New"
    again.commit()
    with pytest.raises(UploadRejected, match="limit"):
        save_upload(tmp_path, "b.txt", b"x" * 101, 100, EN)
    with pytest.raises(UploadRejected, match="empty"):
        save_upload(tmp_path, "c.txt", b"  \n", 100, EN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-b.txt"]  # no temporary or kept files left


def test_rollback_removes_a_new_file_and_restores_a_replaced_one(tmp_path: Path):
    new = save_upload(tmp_path, "new.txt", b"\x00\x01binary", 100, EN)
    new.rollback()
    assert not new.path.exists()
    (tmp_path / "old.txt").write_bytes(b"Old title\n\nThe article as it was.")
    replacing = save_upload(tmp_path, "old.txt", b"\xff\xfe not text", 100, EN)
    assert replacing.path.read_bytes() == b"\xff\xfe not text"
    assert replacing.previous is not None and replacing.previous.name == PREVIOUS_PREFIX + "old.txt"
    replacing.rollback()
    assert (tmp_path / "old.txt").read_bytes() == b"Old title\n\nThe article as it was."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]


def test_rejections_speak_the_admins_language():
    with pytest.raises(UploadRejected, match="Я могу добавлять только файлы"):
        check_upload("x.exe", 10, 100, texts("ru"))
    with pytest.raises(UploadRejected, match="МБ"):
        check_upload("x.txt", 5_000_000, 2_000_000, texts("ru"))
