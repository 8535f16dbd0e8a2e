"""Telegram's HTML subset, parsed as strictly as the Bot API does (parse_mode=HTML): the visible
text, its tags and entities, or :class:`TelegramHTMLError`; and message lengths in UTF-16 units."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramHTMLError(ValueError):
    pass


class _TelegramHTML(HTMLParser):
    """Parses Telegram's HTML subset the way the Bot API does (strictly)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.visible: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.spans: list[tuple[str, tuple[tuple[str, str | None], ...], int, int]] = []  # entities
        self._open: list[tuple[int, tuple[tuple[str, str | None], ...]]] = []  # open tags: offset, attributes
        self._size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            raise TelegramHTMLError(f'Unsupported start tag "{tag}"')
        attributes = dict(attrs)
        if tag == "a" and not attributes.get("href"):
            raise TelegramHTMLError('Can\'t find "href" attribute of the "a" tag')
        if tag == "blockquote" and set(attributes) - {"expandable"}:
            raise TelegramHTMLError("Unsupported blockquote attribute")
        self.stack.append(tag)
        self.tags.append((tag, attributes))
        self._open.append((self._size, tuple(sorted(attributes.items()))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise TelegramHTMLError(f'Unsupported start tag "{tag}/"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.stack.pop()
        start, attributes = self._open.pop()
        self.spans.append((tag, attributes, start, self._size))

    def handle_data(self, data: str) -> None:
        if "<" in data or "&" in data:
            raise TelegramHTMLError("Unclosed start tag or unescaped character")
        self._add(data)

    def _add(self, text: str) -> None:
        self.visible.append(text)
        self._size += len(text)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_ENTITIES:
            raise TelegramHTMLError(f'Unsupported HTML entity "&{name};"')
        self._add(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name.lower().startswith("x") else int(name)
            self._add(chr(code))
        except (ValueError, OverflowError) as exc:
            raise TelegramHTMLError(f"Bad character reference &#{name};") from exc

    def handle_comment(self, data: str) -> None:
        raise TelegramHTMLError("Unsupported comment")

    def handle_decl(self, decl: str) -> None:
        raise TelegramHTMLError("Unsupported declaration")

    def unknown_decl(self, data: str) -> None:
        raise TelegramHTMLError("Unsupported declaration")


def parse_telegram_html(text: str) -> tuple[str, list[tuple[str, dict[str, str | None]]]]:
    """(visible text, tags) of a parse_mode=HTML message, or TelegramHTMLError."""
    parser = _parse(text)
    return "".join(parser.visible), parser.tags


def parse_telegram_entities(text: str) -> tuple[str, list[tuple[str, tuple[tuple[str, str | None], ...], int, int]]]:
    """(visible text, entities) of a parse_mode=HTML message: each entity (tag, attributes, start, end),
    in visible characters; what Telegram compares to tell whether an edit modifies a message."""
    parser = _parse(text)
    return "".join(parser.visible), sorted(parser.spans, key=lambda e: (e[2], -e[3], e[0]))


def _parse(text: str) -> _TelegramHTML:
    # a lone '&' that is not an entity, or '<' not starting a tag, is an error in Telegram
    for match in re.finditer(r"&", text):
        if not re.match(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);", text[match.start():]):
            raise TelegramHTMLError("Unsupported unescaped '&'")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # leftovers like "<" at the end
        raise TelegramHTMLError("Unclosed start tag")
    if parser.stack:
        raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return parser


def unescape_visible(text: str) -> str:
    """Helper for tests comparing rendered HTML with plain text."""
    return html.unescape(text)
