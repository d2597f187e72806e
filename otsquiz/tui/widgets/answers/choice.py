"""Choice and multi cards: numbered options."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.widgets import OptionList

from otsquiz.core.session import Question
from otsquiz.tui.widgets.answers import Answered
from otsquiz.tui.widgets.answers.marked import CHECKED, UNCHECKED, MarkedList


def numbered(options: tuple[str, ...]) -> list[str]:
    """``1. text`` for each option: the number is the key that picks it."""
    return [f"{number}. {text}" for number, text in enumerate(options, start=1)]


NUMBER_KEYS = range(1, 10)


class ChoiceAnswer(MarkedList):
    """Choice cards: 1-9 picks at once; arrows and enter, or a click, work too."""

    BINDINGS = [Binding(str(n), f"pick({n - 1})", show=False) for n in NUMBER_KEYS]

    def __init__(self, question: Question) -> None:
        super().__init__(numbered(question.options), classes="answer", id="choice-answer")
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

    def pending(self) -> Any | None:
        return None  # a pick is sent at once: nothing is ever chosen but not sent


class MultiAnswer(MarkedList):
    """Multi cards: space or 1-9 toggles an option, enter checks the selection.

    A chosen option reads ``[x]``, an unchosen one ``[ ]``: the two differ in
    shape, not only in colour.
    """

    BINDINGS = [
        Binding("space", "toggle", "Choose", show=False),
        *[Binding(str(n), f"toggle({n - 1})", show=False) for n in NUMBER_KEYS],
        Binding("enter", "submit", "Check", priority=True),
    ]

    def __init__(self, question: Question) -> None:
        self.question = question
        self.selected: set[int] = set()
        super().__init__(self._texts(), classes="answer", id="multi-answer")

    def _texts(self) -> list[str]:
        return [
            (CHECKED if index in self.selected else UNCHECKED) + text
            for index, text in enumerate(numbered(self.question.options))
        ]

    def on_mount(self) -> None:
        self.focus()

    def action_toggle(self, index: int | None = None) -> None:  # type: ignore[override]  # our toggle(index), not DOMNode's toggle(attribute): the bindings and help name it
        """Choose or unchoose option ``index`` (the highlighted one if not given)."""
        if index is None:
            index = self.highlighted
        if index is None or not 0 <= index < len(self.question.options):
            return
        self.selected ^= {index}
        self.highlighted = index
        self.set_rows(self._texts())

    @on(OptionList.OptionSelected)
    def clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click toggles (enter is bound to checking the answer)
        self.action_toggle(event.option_index)

    def action_submit(self) -> None:
        self.post_message(Answered(set(self.selected)))

    def pending(self) -> Any | None:
        return set(self.selected) if self.selected else None
