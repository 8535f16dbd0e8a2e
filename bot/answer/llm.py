"""The chat-completion client for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp).

Every failure (timeout, connection, 4xx/5xx, rate limit, empty or malformed
output) becomes `LLMError`, which callers answer with the offline fallback.
"""

from __future__ import annotations

import logging

import openai

from bot.settings import Settings

log = logging.getLogger(__name__)


class LLMError(Exception):
    """The LLM could not give a usable reply; the message is for logs, the user gets the fallback."""


class LLMClient:
    def __init__(self, settings: Settings) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.model = settings.llm_model
        self.stream = settings.llm_stream
        self.temperature = settings.llm_temperature
        self._client = openai.OpenAI(
            api_key=key, base_url=settings.openai_base_url, timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )

    def complete(self, messages: list[dict[str, str]], *, json_mode: bool = False) -> str:
        try:
            if self.stream:
                text = self._streamed(messages)
            else:
                response = self._client.chat.completions.create(
                    model=self.model, messages=messages, temperature=self.temperature,
                )
                choices = getattr(response, "choices", None)
                if not choices:
                    raise LLMError("the endpoint returned no choices")
                text = choices[0].message.content or ""
        except openai.OpenAIError as exc:
            raise LLMError(f"{exc.__class__.__name__}: {exc}") from exc
        except (ValueError, AttributeError, TypeError) as exc:  # unparseable body
            raise LLMError(f"malformed response: {exc}") from exc
        if not text.strip():
            raise LLMError("the endpoint returned an empty message")
        return text

    def _streamed(self, messages: list[dict[str, str]]) -> str:
        parts: list[str] = []
        with self._client.chat.completions.create(
            model=self.model, messages=messages, temperature=self.temperature, stream=True,
        ) as stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
        return "".join(parts)
