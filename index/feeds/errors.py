"""Typed failures of the feed crawler. Each names the URL and says, for a person, what went wrong.

`str(error)` is "URL: reason"; `error.url` and `error.reason` are kept apart for reports
(`FetchReport`, `newsbot feeds list`). None of them stops a poll: the orchestrator records
it and goes on with the next feed or item.
"""

from __future__ import annotations

from index.errors import NewsbotError


class FetchError(NewsbotError):
    """A feed or page could not be fetched or used."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")

    def redirected_from(self, url: str) -> FetchError:
        """The same failure, met after `url` redirected to this error's URL, named by `url`."""
        moved = type(self).__new__(type(self))
        moved.__dict__.update(self.__dict__)
        moved.url = url
        moved.reason = f"redirected to {self.url}: {self.reason}"
        moved.args = (f"{url}: {moved.reason}",)
        return moved


class InvalidURLError(FetchError):
    """Not an http(s) URL with a host (or one we refuse: credentials, too long)."""


class BlockedAddressError(FetchError):
    """The host resolves to a loopback, private, link-local, reserved or multicast address."""


class ResolveError(FetchError):
    """The host name does not resolve."""


class ConnectionFailedError(FetchError):
    """The server could not be reached, or the connection broke."""

    exit_status = 1  # `newsbot feeds add` may work later


class FetchTimeoutError(FetchError):
    """The server did not answer (or finish answering) in time."""

    exit_status = 1


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx/5xx)."""

    def __init__(self, url: str, reason: str, status: int) -> None:
        super().__init__(url, reason)
        self.status = status
        self.exit_status = 1 if status >= 500 else 2  # a server error may pass; a 404 is the URL's fault


class RedirectError(FetchError):
    """Too many redirects, a redirect loop, or a redirect without a usable Location."""


class TooLargeError(FetchError):
    """The response is bigger than FEED_MAX_BYTES."""


class ContentTypeError(FetchError):
    """The response is not of a type we read here (a feed where a page was expected, a PDF…)."""


class FeedParseError(FetchError):
    """The document is not a readable RSS or Atom feed."""


class NoArticleTextError(FetchError):
    """The page holds no extractable article text."""


class ArticleTooLargeError(FetchError):
    """The extracted article would not fit in one corpus file (MAX_FILE_BYTES)."""


class FeedRegistryError(NewsbotError):
    """A subscription command cannot be done (duplicate, unknown feed, bad name)."""


class FeedsBusyError(NewsbotError):
    exit_status = 1  # the same command works once the other fetch is done

    def __init__(self, lock_path: object) -> None:
        super().__init__(f"Another feed fetch is running (lock: {lock_path}). Wait for it to finish, then try again.")
