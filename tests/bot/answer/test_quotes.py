from bot.answer.quotes import locate_quote

BODY = (
    "Putin added, sighing deeply in response to Troupanov telling him that he was held in Gaza for 498 days.\n\n"
    "He also hailed Hamas for its “humanitarian act” of releasing them — a rare gesture."
)


def shown(quote: str) -> str | None:
    span = locate_quote(quote, BODY)
    return None if span is None else BODY[span[0]:span[1]]


def test_exact_quote_is_found_at_its_offsets():
    assert shown("he was held in Gaza for 498 days") == "he was held in Gaza for 498 days"


def test_straight_quotes_dashes_case_and_whitespace_are_tolerated_but_source_text_is_shown():
    assert shown('hailed hamas for its "humanitarian act" of releasing   them - a rare gesture') == \
        "hailed Hamas for its “humanitarian act” of releasing them — a rare gesture"


def test_small_typo_is_matched_and_snapped_to_whole_words():
    assert shown("in response to Trupanov telling him that he was held in Gaza") == \
        "in response to Troupanov telling him that he was held in Gaza"


def test_invented_quote_is_rejected():
    assert shown("Putin said the hostages would receive Russian medals") is None


def test_tiny_or_empty_quote_is_rejected():
    assert shown("") is None
    assert shown("he") is None
