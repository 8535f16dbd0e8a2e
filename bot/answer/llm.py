"""The chat-completion client for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp).

Bounded in every direction (issue 13, faults 4 and 6):
- every request sets `max_tokens` (LLM_MAX_TOKENS) and the reply is cut at LLM_MAX_REPLY_CHARS;
- one `Deadline` per answer spans the condense call, the answer call and every retry: each attempt's
  timeout is what is left of it (never more than LLM_TIMEOUT), and no attempt starts without time left;
- a `CircuitBreaker` (bot.answer.breaker) stops calling an endpoint that keeps failing: for a cool-down
  every call fails at once (the user gets the offline answer immediately), then one probe goes through.

Structured output: `complete(..., schema=...)` asks for the endpoint's JSON schema mode
(`response_format={"type": "json_schema", ...}`); an endpoint that rejects it (HTTP 400/422) is asked
again with JSON mode (`{"type": "json_object"}`), then with no `response_format`, and the client
remembers what the endpoint accepts.

Every failure (timeout, connection, 4xx/5xx, rate limit, empty or malformed output, no time left, the
breaker open) becomes `LLMError`, which callers answer with the offline fallback.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import openai

from bot.answer.breaker import CircuitBreaker
from bot.settings import Settings

log = logging.getLogger(__name__)

#: an attempt is not started with less time than this left (it could not finish)
MIN_ATTEMPT_SECONDS = 0.5
#: response_format levels, best first; the client steps down when the endpoint rejects one
FORMATS = ("json_schema", "json_object", "none")
#: a 400/422 whose message names these is a rejection of the response_format (else it is a failure)
_FORMAT_WORDS = re.compile(r"response_format|json|schema|grammar|format", re.IGNORECASE)


class LLMError(Exception):
    """The LLM could not give a usable reply; the message is for logs, the user gets the fallback."""


class LLMUnavailable(LLMError):
    """No call was made: the circuit breaker is open, or the answer's deadline has no time left."""


@dataclass
class Deadline:
    """The time one answer may spend waiting for the LLM, across the condense call, the answer and retries."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=-1.0)

    def __post_init__(self) -> None:
        if self.started < 0:
            self.started = self.clock()

    def remaining(self) -> float:
        return max(0.0, self.seconds - (self.clock() - self.started))

    def share(self, fraction: float) -> "Deadline":
        """A deadline ending after `fraction` of the time left (for a step that must leave time for the rest)."""
        return Deadline(self.remaining() * fraction, self.clock)


class LLMClient:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.model = settings.llm_model
        self.stream = settings.llm_stream
        self.temperature = settings.llm_temperature
        self.timeout = settings.llm_timeout
        self.retries = settings.llm_max_retries
        self.max_tokens = settings.llm_max_tokens
        self.max_chars = settings.llm_max_reply_chars
        self.clock = clock
        self._sleep = sleep
        self.breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown, clock=clock)
        self._format = FORMATS[0]  # what the endpoint accepts, learned from its rejections
        self._format_lock = threading.Lock()
        # retries are ours (bounded by the deadline), not the openai client's
        self._client = openai.OpenAI(api_key=key, base_url=settings.openai_base_url, timeout=settings.llm_timeout,
                                     max_retries=0)

    @property
    def response_format(self) -> str:
        """The structured-output level in use: json_schema, json_object or none."""
        return self._format

    def deadline(self, seconds: float) -> Deadline:
        return Deadline(seconds, self.clock)

    def complete(self, messages: list[dict[str, str]], *, schema: dict | None = None,
                 deadline: Deadline | None = None, max_tokens: int | None = None, optional: bool = False) -> str:
        """The model's reply to `messages` (at most LLM_MAX_REPLY_CHARS, and `max_tokens` when given: never
        more than LLM_MAX_TOKENS), or LLMError. An `optional` call (the answer check) is not retried, and its
        failure does not count towards opening the circuit breaker: its own short request may be what an
        endpoint rejects, and that must not take the answers down with it."""
        tokens = min(max_tokens or self.max_tokens, self.max_tokens)
        retries = 0 if optional else self.retries
        deadline = deadline or self.deadline(self.timeout * (1 + self.retries))
        if not self.breaker.allow():
            raise LLMUnavailable("the circuit breaker is open: the endpoint failed repeatedly")
        attempt = 0
        while True:
            left = deadline.remaining()
            if left < MIN_ATTEMPT_SECONDS:
                self.breaker.cancel()
                raise LLMUnavailable("the answer's deadline has no time left for an LLM call")
            try:
                text = self._attempt(messages, schema, min(self.timeout, left), tokens)
            except LLMError as exc:
                transient = isinstance(exc.__cause__, (openai.APIConnectionError, openai.RateLimitError,
                                                       openai.InternalServerError))
                if transient and attempt < retries and deadline.remaining() >= MIN_ATTEMPT_SECONDS:
                    attempt += 1
                    self._sleep(min(0.5 * 2 ** (attempt - 1), deadline.remaining() / 4))
                    log.info("LLM call failed (%s); retry %d of %d", exc, attempt, retries)
                    continue
                if optional:
                    self.breaker.cancel()
                else:
                    self.breaker.failure()
                raise
            self.breaker.success()
            return text

    # --- one request ---------------------------------------------------------------
    def _attempt(self, messages: list[dict[str, str]], schema: dict | None, timeout: float, tokens: int) -> str:
        while True:
            level = self._format if schema is not None else "none"
            try:
                text = self._request(messages, self._response_format(level, schema), timeout, tokens)
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if level == "none" or not _FORMAT_WORDS.search(str(exc)):
                    raise LLMError(f"{exc.__class__.__name__}: {exc}") from exc
                self._step_down(level)
                log.info("the endpoint rejected response_format %s; trying %s", level, self._format)
                continue
            except openai.OpenAIError as exc:
                raise LLMError(f"{exc.__class__.__name__}: {exc}") from exc
            except (ValueError, AttributeError, TypeError) as exc:  # unparseable body
                raise LLMError(f"malformed response: {exc}") from exc
            if not text.strip():
                raise LLMError("the endpoint returned an empty message")
            return text

    def _step_down(self, rejected: str) -> None:
        with self._format_lock:
            if self._format == rejected:
                self._format = FORMATS[FORMATS.index(rejected) + 1]

    @staticmethod
    def _response_format(level: str, schema: dict | None) -> dict | None:
        if schema is None or level == "none":
            return None
        if level == "json_object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}

    def _request(self, messages: list[dict[str, str]], response_format: dict | None, timeout: float,
                 tokens: int) -> str:
        extra = {"response_format": response_format} if response_format else {}
        if self.stream:
            return self._streamed(messages, extra, timeout, tokens)
        response = self._client.chat.completions.create(
            model=self.model, messages=messages, temperature=self.temperature, max_tokens=tokens,
            timeout=timeout, **extra,
        )
        choices = getattr(response, "choices", None)
        if not choices:
            raise LLMError("the endpoint returned no choices")
        text = choices[0].message.content or ""
        if len(text) > self.max_chars:
            log.warning("LLM reply of %d characters cut at %d", len(text), self.max_chars)
        return text[:self.max_chars]

    def _streamed(self, messages: list[dict[str, str]], extra: dict, timeout: float, tokens: int) -> str:
        parts: list[str] = []
        size = 0
        started = self.clock()
        with self._client.chat.completions.create(
            model=self.model, messages=messages, temperature=self.temperature, max_tokens=tokens,
            stream=True, timeout=timeout, **extra,
        ) as stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
                    size += len(parts[-1])
                    if size >= self.max_chars:
                        log.warning("LLM stream cut at %d characters", self.max_chars)
                        break
                if self.clock() - started > timeout:  # the read timeout is per chunk: a trickle must end too
                    raise LLMError(f"the streamed reply took longer than {timeout:.1f} s")
        return "".join(parts)[:self.max_chars]
