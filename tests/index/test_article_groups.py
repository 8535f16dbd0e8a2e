"""How an index run groups articles (index/article_groups.py): a group closes at GROUP_ARTICLES articles,
GROUP_TEXTS texts to embed, or GROUP_CHUNKS chunks to write (articles whose vectors are all reused)."""

from __future__ import annotations

from index.article_groups import GROUP_ARTICLES, GROUP_CHUNKS, GROUP_TEXTS, Planned, is_full
from index.models import Chunk


def planned(chunks: int, missing: int) -> Planned:
    return Planned(article=None, info=None,  # type: ignore[arg-type]  # is_full reads only chunks and texts
                   chunks=[Chunk(f"c{i}", "a", i, "text", 0, 4) for i in range(chunks)], known={},
                   missing=[f"t{i}" for i in range(missing)])


def test_a_group_closes_at_its_articles_its_texts_to_embed_or_its_chunks_to_write() -> None:
    assert not is_full([planned(1, 1)] * (GROUP_ARTICLES - 1))
    assert is_full([planned(1, 1)] * GROUP_ARTICLES)
    assert is_full([planned(1, GROUP_TEXTS)])
    # an article whose vectors are all reused embeds nothing but still makes records to write
    assert not is_full([planned(GROUP_CHUNKS - 1, 0)])
    assert is_full([planned(GROUP_CHUNKS // 2, 0), planned(GROUP_CHUNKS // 2, 0)])
