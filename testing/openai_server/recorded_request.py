"""One request as :class:`~testing.openai_server.FakeOpenAI` received it (its ``history``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it.

    ``headers`` has lower-cased names and no ``authorization`` entry (the secret
    is never stored); ``authorization`` tells whether that header was present.
    ``json`` is the parsed body (``None`` if absent or not valid JSON; ``body``
    then holds the raw text).
    """

    method: str
    path: str
    headers: dict[str, str]
    authorization: bool
    json: Any
    body: str
    time: float

    @property
    def stream(self) -> bool:
        return isinstance(self.json, dict) and bool(self.json.get("stream"))

    @property
    def messages(self) -> list[dict]:
        """The chat messages (``[]`` for other requests)."""
        if isinstance(self.json, dict) and isinstance(self.json.get("messages"), list):
            return self.json["messages"]
        return []

    @property
    def model(self) -> Optional[str]:
        return self.json.get("model") if isinstance(self.json, dict) else None
