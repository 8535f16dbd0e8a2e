"""Domain errors. `str(error)` is the message a person sees: what went wrong and what to do."""


class NewsbotError(Exception):
    """Base class; its message is shown to the user as is (`newsbot` prints "error: <message>").

    `exit_status` is what the `newsbot` command exits with (the convention is in bot/cli.py):
    2 by default (fix the input or the configuration), 1 for errors where the work could not be
    done now (another run holds the lock, a service did not answer): the same command may work later.
    """

    exit_status = 2


class IndexBusyError(NewsbotError):
    exit_status = 1

    def __init__(self, lock_path: object) -> None:
        super().__init__(
            f"An index run is already running (lock: {lock_path}). Wait for it to finish, then try again."
        )


class EmbedderMismatchError(NewsbotError):
    def __init__(self, stored: str, configured: str) -> None:
        super().__init__(
            f"The index was built with the embedding model {stored}, but the configured model is {configured}. "
            "Run `newsbot index --rebuild` to re-embed the corpus with the configured model, "
            "or set EMBED_BACKEND/EMBED_MODEL back to the index's model."
        )


class EmptyIndexError(NewsbotError):
    def __init__(self, location: str) -> None:
        super().__init__(
            f"The index at {location} is empty. Add articles to corpus/ and run `newsbot index`."
        )


class EmbeddingError(NewsbotError):
    """The embedding backend failed (endpoint down, bad model name…)."""

    exit_status = 1


class StoreUnavailableError(NewsbotError):
    """The Chroma server could not be reached."""

    exit_status = 1

class IndexChangedError(NewsbotError):
    """The collections a reader had open were replaced or dropped under it (a rebuild went live).

    Not a failure of the question: reopen the store (`Store.reopen()` then `ensure()`/`attach()`),
    reload the catalogue and read again.
    """

    def __init__(self, location: str) -> None:
        super().__init__(
            f"The index at {location} was replaced while it was being read (a rebuild finished). "
            "Reload it and try again."
        )


class StaleVectorIndexError(IndexChangedError):
    """This process's copy of the vector index cannot be read any more: another process wrote the
    collection after this client had cached its state (chroma-core/chroma#3792). Reopening the store
    reads it anew."""

    def __init__(self, location: str, detail: str) -> None:
        NewsbotError.__init__(
            self, f"The vector index at {location} changed under this process ({detail}). Reload it and try again.")
