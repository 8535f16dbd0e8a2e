"""Typed settings for indexing and retrieval, read from the environment and `.env`.

`bot.settings.Settings` extends this class with the bot's and the LLM's
settings; both read the same `.env`, so there is one source of configuration.
Every field is listed, with a comment, in `.env.example`. Everything newsbot writes
lives under DATA_DIR unless a path is set on its own (CHROMA_PATH, HISTORY_DB).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

EmbedBackend = Literal["local", "openai"]
#: padded tokens per embedding call (EMBED_BATCH_TOKENS; index/embedders.py says why)
DEFAULT_EMBED_BATCH_TOKENS = 2048
HostList = Annotated[frozenset[str], NoDecode]


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- paths: everything newsbot writes lives under DATA_DIR unless set ---------
    corpus_dir: Path = Field(Path("corpus"), description="Folder of articles that `newsbot index` reads by default.")
    data_dir: Path = Field(
        Path("data"),
        description="Working data: the embedded index, lock file, catalogue snapshots and chat history live here.",
    )
    chroma_path: Path | None = Field(
        None, description="Embedded Chroma folder (used when CHROMA_HOST is empty); empty: DATA_DIR/chroma."
    )

    # --- Chroma server ------------------------------------------------------------
    chroma_host: str | None = Field(None, description="Chroma server host; when set, HttpClient is used.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    collection: str = Field("newsbot", description="Name prefix of the Chroma collections.")

    # --- limits of what is indexed --------------------------------------------------
    max_file_bytes: int = Field(5_000_000, gt=0, description="Articles larger than this are skipped with an error.")
    max_chunks_per_article: int = Field(
        2000, ge=1, description="An article that splits into more chunks than this is skipped with an error."
    )

    # --- chunking -------------------------------------------------------------
    chunk_size: int = Field(256, ge=32, description="Chunk size in tokens.")
    chunk_overlap: int = Field(32, ge=0, description="Overlap between neighbouring chunks, in tokens.")

    # --- near-duplicate articles (story groups, index/stories.py) ---------------------
    near_duplicate_threshold: float = Field(
        0.8, gt=0, le=1,
        description="Articles whose 5-word shingles overlap at least this much (Jaccard, estimated by MinHash) are "
                    "one story: syndicated copies, URL variants. 0.8 tolerates a changed headline, byline or "
                    "boilerplate; rewrites of a story sharing half their text stay apart (docs/indexing.md).",
    )
    near_duplicate_containment: float = Field(
        0.9, gt=0, le=1,
        description="An article whose shingles are at least this share inside a longer one (at least half its "
                    "size) is the same story too: an earlier version of an updated story or live blog.",
    )

    # --- embeddings -----------------------------------------------------------
    embed_backend: EmbedBackend = Field("local", description="local (in-process, offline) or openai (/v1/embeddings).")
    embed_model: str = Field(
        "multilingual-e5-small",
        description="local: multilingual-e5-small or all-MiniLM-L6-v2; openai: the endpoint's model name.",
    )
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Texts per embedding call.")
    embed_batch_tokens: int = Field(
        DEFAULT_EMBED_BATCH_TOKENS, ge=64, le=65536,
        description="Padded tokens per embedding call (counted by MiniLM's tokenizer, estimated for e5): long texts go in smaller calls, which bounds the "
                    "model's working memory.")
    embed_base_url: str | None = Field(None, description="Embeddings endpoint; defaults to OPENAI_BASE_URL.")
    embed_api_key: SecretStr | None = Field(None, description="Embeddings API key; defaults to OPENAI_API_KEY.")
    index_nice: int = Field(
        10, ge=0, le=19,
        description="CPU niceness of `newsbot index` (0-19): a running bot gets the cores first; 0: normal priority.")

    # --- the OpenAI-compatible endpoint (embeddings with EMBED_BACKEND=openai, the LLM) ---
    openai_api_key: SecretStr | None = Field(None, description="Key for the OpenAI-compatible endpoint.")
    openai_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible endpoint (…/v1).")

    # --- retrieval ------------------------------------------------------------
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    candidates: int = Field(30, ge=5, le=500, description="Candidates per retriever (dense and BM25) before fusion.")
    chunk_similarity_weight: float = Field(
        0.3, ge=0, description="Weight of the question–chunk similarity next to the best question–sentence one."
    )
    bm25_weight: float = Field(
        0.1, ge=0,
        description="Weight of normalised BM25 scores in the fusion, for questions in English.",
    )
    bm25_weight_own: float = Field(
        0.1, ge=0,
        description="Weight of BM25 for questions in the archive's own language when that is not English (the "
                    "answer model is trained with it; see docs/answers.md).",
    )
    bm25_weight_other: float = Field(
        0.0, ge=0,
        description="Weight of BM25 for questions in another language than the archive's (0: dense only; see "
                    "docs/answers.md).",
    )
    recency_weight: float = Field(
        0.05, ge=0,
        description="Score bonus (at most) for newer articles on 'latest/recently' questions, and for articles of "
                    "the question's period when a strict one ('this week') has nothing relevant (docs/answers.md).",
    )
    scope_fallback_gap: float = Field(
        2.0, ge=0,
        description="A strict period ('this week', 'in January') restricts retrieval unless the best passage outside "
                    "it is more similar to the question by more than this many standard deviations of the question's "
                    "similarity to the archive's sentences; then retrieval only prefers the period.",
    )
    scope_report_days: int = Field(
        3, ge=0, le=31,
        description="News reports an event in the days after it: a strict period ('on Wednesday', 'last week', "
                    "'in January') also covers articles published up to this many days after it ends (never after "
                    "the question's reference day).",
    )
    diversify: bool = Field(
        True, description="Keep one article per story group, and one of near-identical passages, among the passages "
                          "retrieved (the others are listed as its duplicates).",
    )
    newer_duplicate_margin: float = Field(
        0.02, ge=0, description="Of two duplicates whose scores are within this margin, the newer article is kept.",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object, info) -> object:
        """`KEY=` in .env means "not set": optional settings become None, others keep their default."""
        if isinstance(value, str) and not value.strip():
            field = cls.model_fields[info.field_name]
            if field.default is None:
                return None
            if not isinstance(field.default, (str, frozenset)):
                return field.default
        return value

    @model_validator(mode="after")
    def _paths_under_data_dir(self) -> "IndexSettings":
        """Paths left empty follow DATA_DIR, as its description promises."""
        if self.chroma_path is None:
            self.chroma_path = self.data_dir / "chroma"
        return self

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "index.lock"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    # === feeds: RSS/Atom subscriptions and article pages (index/feeds, docs/feeds.md) ===========
    feed_interval: float = Field(
        45.0, ge=5, description="Seconds between background feed polls in `newsbot serve`: a new story is answerable within this "
        "plus its processing (a few seconds), under a minute at the default."
    )
    feeds_allow_private: bool = Field(
        False, description="Allow fetching URLs that resolve to loopback, private, link-local or reserved addresses."
    )
    feeds_private_hosts: HostList = Field(
        frozenset(), description="Comma-separated host names allowed to resolve to private addresses (an intranet feed)."
    )
    feed_timeout: float = Field(
        10.0, gt=0, le=120, description="Seconds to connect and for each read; a whole response gets three times this."
    )
    feed_max_bytes: int = Field(5_000_000, gt=0, description="Largest feed or article page downloaded; bigger ones fail.")
    feed_max_items: int = Field(50, ge=1, le=1000, description="Items read from one feed per poll (the first in the feed).")
    feed_host_delay: float = Field(1.0, ge=0, description="Politeness: seconds between two requests to the same host.")
    feed_item_content: bool = Field(
        True, description="Take a feed item's full text from the feed (RSS content:encoded, Atom <content>) when it "
        "links to the feed's own host and is clearly the article (100+ words, more than its summary), instead of "
        "downloading its page; false always downloads the page."
    )
    feed_user_agent: str = Field(
        "newsbot/0.1 (+https://github.com/newsbot/newsbot)",
        description="User-Agent of feed and page requests; name your bot and a contact URL.",
    )

    @field_validator("feeds_private_hosts", mode="before")
    @classmethod
    def _parse_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(p.strip().lower().rstrip(".") for p in value.replace(";", ",").split(",") if p.strip())
        return value

    @property
    def feeds_db(self) -> Path:
        """The feed registry (subscriptions, items, validators): SQLite under DATA_DIR."""
        return self.data_dir / "feeds.sqlite3"
    # === end of feeds ==========================================================================
