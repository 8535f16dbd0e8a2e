"""Read article files into `Article` records, reporting bad input as `LoadFailure`s.

`load_corpus` walks the given files and folders in a deterministic order
(`discovery`), reads and decodes each file within the size limit (`decoding`) and
dispatches it to one loader per format (by extension):

* `.txt` (`text`) — title line, optional repeated title and photo credit,
  paragraphs, optional closing `Source: X` line;
* `.md` / `.markdown` (`markdown`) — optional YAML front matter, else the first `# heading`;
* `.html` / `.htm` (`html`) — main text and metadata extracted with trafilatura;
* `.json` / `.jsonl` (`records`) — one record, a list of records, or one record per
  line (the MultiHop-RAG corpus schema: title, body, source, url, published_at, …).

Nothing raises out of `load_corpus`: every problem becomes a `LoadFailure`
whose reason says what is wrong and what to do, and the other files still load.
"""

from index.loaders.corpus import LOADERS, load_corpus, supported_suffixes
from index.loaders.fields import humanise_stem, normalise_date
from index.loaders.records import record_to_article
from index.loaders.source import LoadError, SourceFile
from index.loaders.text import looks_like_credit

__all__ = [
    "LOADERS",
    "LoadError",
    "SourceFile",
    "humanise_stem",
    "load_corpus",
    "looks_like_credit",
    "normalise_date",
    "record_to_article",
    "supported_suffixes",
]
