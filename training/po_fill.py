"""Fill translations into a gettext catalogue: `python -m training.po_fill LANG FILE.json` (msgid → text or list)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(argv: list[str]) -> int:
    lang, source = argv[0], Path(argv[1])
    path = Path("bot/locale") / lang / "LC_MESSAGES" / "newsbot.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    for key, value in json.loads(source.read_text(encoding="utf-8")).items():
        msgid = tuple(key.split("|||")) if "|||" in key else key
        message = catalog.get(msgid if isinstance(msgid, str) else msgid[0])
        if message is None:
            print(f"not in the catalogue: {key!r}", file=sys.stderr)
            continue
        message.string = tuple(value) if isinstance(value, list) else value
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
