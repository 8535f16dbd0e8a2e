"""The exit-status convention of `newsbot`, one real process per status: 0 done, 1 failed (a service that
did not answer), 2 unusable input or configuration, 130 interrupted. Errors are one line on stderr,
"error: …", never a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.bot.conftest import REPO
from tests.bot.importers.realtimeqa_sample import ARCHIVE, write_sample


def newsbot(tmp_path: Path, *argv: str, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    clean.update(PYTHONPATH=str(REPO), DATA_DIR=str(tmp_path / "data"), CHROMA_PATH=str(tmp_path / "data" / "chroma"),
                 LOG_LEVEL="WARNING", **env)
    # SIGINT as in a terminal: a shell's background job (`make test &`) passes it on ignored, and Python then
    # never raises KeyboardInterrupt (so 130 could not be tested there)
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *argv], cwd=tmp_path, env=clean, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def test_0_done(tmp_path: Path) -> None:
    sample = write_sample(tmp_path / "rtqa")
    status, out, err = finish(newsbot(tmp_path, "import", "realtimeqa", str(sample), "--weeks", ARCHIVE,
                                      "--out", str(tmp_path / "out")))
    assert status == 0, err
    assert "imported 3 articles" in out and (tmp_path / "out" / "testset.yaml").is_file()


def test_1_a_service_that_did_not_answer(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status, out, err = finish(newsbot(tmp_path, "sources", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port)))
    assert status == 1 and out == ""
    assert err.startswith("error: Cannot reach the Chroma server at 127.0.0.1:") and "Traceback" not in err


def test_2_unusable_input(tmp_path: Path) -> None:
    status, out, err = finish(newsbot(tmp_path, "ask", "why? " * 20, MAX_QUESTION_CHARS="20"))
    assert status == 2 and out == ""
    assert err.startswith("error: the question is 100 characters long") and "Traceback" not in err


@pytest.mark.skipif(os.name != "posix", reason="needs a FIFO and SIGINT")
def test_130_interrupted(tmp_path: Path) -> None:
    fifo = tmp_path / "cases.yaml"
    os.mkfifo(fifo)
    proc = newsbot(tmp_path, "eval", str(fifo), "--no-progress")
    try:
        with fifo.open("w"):  # returns once newsbot has opened the test set: it is reading it now
            proc.send_signal(signal.SIGINT)
            status, _, err = finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert status == 130 and "error: interrupted" in err and "Traceback" not in err
