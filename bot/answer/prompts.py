"""The prompt templates in `prompts/`, loaded once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.errors import NewsbotError

_FILES = ("system", "answer", "condense", "check", "check_system")


@dataclass(frozen=True)
class Prompts:
    system: str
    answer: str
    condense: str
    check: str
    check_system: str

    @classmethod
    def load(cls, folder: Path) -> "Prompts":
        texts = {}
        for name in _FILES:
            path = folder / f"{name}.txt"
            try:
                texts[name] = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise NewsbotError(f"Cannot read the prompt file {path} ({exc.strerror}); set PROMPTS_DIR to the "
                                   "folder with system.txt, answer.txt, condense.txt, check.txt and check_system.txt.") from exc
        return cls(**texts)
