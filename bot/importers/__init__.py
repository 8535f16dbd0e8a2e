"""Importers: public QA data sets → a corpus folder newsbot indexes + a test set `newsbot eval` runs.

- `squad`     SQuAD v1.1/v2.0-format files (SQuAD, XQuAD…), optionally with another language's questions
- `multihop`  MultiHop-RAG's corpus.json and queries (MultiHop-RAG.json)
"""

from bot.importers.common import ImporterError, ImportSummary

__all__ = ["ImportSummary", "ImporterError"]
