"""Choice and multi cards: numbered options."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import Option

from otsquiz.core.session import Question
from otsquiz.tui.text import plain
from otsquiz.tui.widgets.answers import Answered


def numbered(options: tuple[str, ...]) -> list[Option]:
    return [
        Option(plain(f"{number}. {text}"), id=str(number - 1)) for number, text in enumerate(options, start=1)
    ]


class ChoiceAnswer(OptionList):
    """Choice cards: 1-9 picks at once; arrows and enter, or a click, work too."""

    BINDINGS = [Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)]

    def __init__(self, question: Question) -> None:
        super().__init__(*numbered(question.options), classes="answer", id="choice-answer")
        self.question = question

    def on_mount(self) -> None:
        self.focus()

    def action_pick(self, index: int) -> None:
        if index < len(self.question.options):
            self.post_message(Answered(index))

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(Answered(event.option_index))


class MultiAnswer(SelectionList[int]):
    """Multi cards: space toggles an option, enter submits the selection."""

    BINDINGS = [Binding("enter", "submit", "Check", priority=True)]

    def __init__(self, question: Question) -> None:
        options = [(plain(f"{n + 1}. {text}"), n) for n, text in enumerate(question.options)]
        super().__init__(*options, classes="answer", id="multi-answer")
        self.question = question

    def on_mount(self) -> None:
        self.focus()

    def action_submit(self) -> None:
        self.post_message(Answered(set(self.selected)))
