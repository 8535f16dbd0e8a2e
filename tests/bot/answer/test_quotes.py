import pytest

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
    assert shown("in response to Troupanov teling him that he was held in Gaza") == \
        "in response to Troupanov telling him that he was held in Gaza"


def test_a_different_name_is_not_forgiven():
    assert shown("in response to Trupanov telling him that he was held in Gaza") is None


NUMBERS = "The company lost 14 million dollars in May, said Jane Smith of Acme Corp in a statement on Friday."


@pytest.mark.parametrize("quote", [
    "The company lost 41 million dollars in March, said Jane Smith of Acme Corp",
    "The company lost 41 million dollars in May, said Jane Smith of Acme Corp",
    "The company lost 14 million dollars in March, said Jane Smith of Acme Corp",
    "The company lost 14 million dollars in May, said John Smith of Acme Corp",
    "the company lost 14 million dollars in march, said jane smith of acme corp",
    "the company lost 14 million dollars in may, said john smith of acme corp",
    "The company lost 14 billion dollars in May, said Jane Smith of Acme Corp",
    "The company lost fifteen million dollars in May, said Jane Smith of Acme Corp",
], ids=["number-and-month", "number", "month", "name", "lower-case-month", "lower-case-name", "magnitude",
        "number-word"])
def test_altered_numbers_dates_and_names_never_verify(quote):
    assert locate_quote(quote, NUMBERS) is None


def test_whitespace_quote_marks_dashes_and_case_are_still_forgiven_beside_numbers():
    span = locate_quote("the company lost 14  million dollars in may - said jane smith", NUMBERS)
    assert span is not None and NUMBERS[span[0]:span[1]].startswith("The company lost 14 million")


def test_invented_quote_is_rejected():
    assert shown("Putin said the hostages would receive Russian medals") is None


def test_tiny_or_empty_quote_is_rejected():
    assert shown("") is None
    assert shown("he") is None


NEGATION = "The minister did not attend the summit in Brussels because of the strike, her office said."


@pytest.mark.parametrize("quote", [
    "The minister did attend the summit in Brussels because of the strike, her office said",
    "The minister did not attend the summit in Brussels because of a long strike, her office said",
], ids=["word-dropped", "word-added"])
def test_a_dropped_or_added_word_is_not_forgiven(quote):
    assert locate_quote(quote, NEGATION) is None


def test_punctuation_and_a_spelling_variant_are_forgiven():
    span = locate_quote("The minister did not attend the sumit in Brussels, because of the strike her office said",
                        NEGATION)
    assert span is not None and NEGATION[span[0]:span[1]].startswith("The minister did not attend the summit")


FORMS = ("The café said in an e-mail that prices rose about 8 per cent to $14 a night, and they don't expect "
         "eighty new rooms before the highest season.")


@pytest.mark.parametrize("quote", [
    "The cafe said in an email that prices rose about 8 per cent to $14 a night, and they dont expect",
    "The café said in an e mail that prices rose about 8 per cent to $14 a night, and they do n't expect",
], ids=["accents-and-joined", "written-apart"])
def test_accents_and_words_written_apart_or_joined_are_forgiven(quote):
    span = locate_quote(quote, FORMS)
    assert span is not None and FORMS[span[0]:span[1]].startswith("The café said in an e-mail")


@pytest.mark.parametrize("quote", [
    "prices rose above 8 per cent to $14 a night, and they don't expect eighty new rooms",
    "prices rose about 8 per cent to £14 a night, and they don't expect eighty new rooms",
    "prices rose about 8 per cent to $14 a night, and they don't expect eight new rooms",
    "and they don't expect eighty new rooms before the higher season",
], ids=["word-one-letter-off", "currency", "number-word-prefix", "comparative"])
def test_a_changed_word_sign_or_number_word_is_not_forgiven(quote):
    assert locate_quote(quote, FORMS) is None


def test_a_negation_dropped_in_chinese_is_not_forgiven():
    body = "警方表示，在周二晚上的大火中，没有人受伤，但三栋房屋被完全烧毁。"
    assert locate_quote("警方表示，在周二晚上的大火中，有人受伤，但三栋房屋被完全烧毁。", body) is None
