"""What the terminal shows of an answer: the stated answer emphasised inside its quote, nothing from an
article able to restyle or control the terminal."""

from rich.console import Console

from bot.answer.result import AnswerResult, Citation
from bot.console import print_answer

QUOTE = "[bold]Putin[/bold] :smile: said \x1b[2Jhe was held in Gaza for 498 days."


def shown(result: AnswerResult) -> tuple[str, str]:
    """(plain text, text with ANSI styles) that print_answer wrote."""
    console = Console(record=True, width=300, force_terminal=True, color_system="standard")
    print_answer(console, result)
    return console.export_text(clear=False), console.export_text(styles=True)


def answer(highlights: list[tuple[int, int]]) -> AnswerResult:
    citation = Citation(n=1, article_id="a.txt", title="T", source="S", quote=QUOTE, chunk_id="c", start=0,
                        end=len(QUOTE), highlights=highlights)
    return AnswerResult(question="q", standalone_question="q", answer="498 days [1].", citations=[citation])


def test_the_stated_answer_is_bold_and_underlined_inside_its_quote() -> None:
    at = QUOTE.index("498 days")
    plain, styled = shown(answer([(at, at + len("498 days"))]))

    assert "[bold]Putin[/bold] :smile: said" in plain and "he was held in Gaza for 498 days." in plain  # as written
    assert "\x1b[1;4m498 days\x1b[0m" in styled
    assert "\x1b[2J" not in styled


def test_without_a_stated_answer_nothing_in_the_quote_is_emphasised() -> None:
    _, styled = shown(answer([]))

    assert "\x1b[1;4m" not in styled and "498 days." in styled
