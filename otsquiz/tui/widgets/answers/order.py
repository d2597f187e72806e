"""Order cards: move items up and down, then submit."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from otsquiz.core.session import Question
from otsquiz.tui.text import plain
from otsquiz.tui.widgets.answers import Answered


class OrderAnswer(OptionList):
    """Order cards: move the highlighted item with shift+up/down (or k/j), enter submits."""

    BINDINGS = [
        Binding("shift+up,ctrl+up,K,k", "move(-1)", "Move up", key_display="⇧↑"),
        Binding("shift+down,ctrl+down,J,j", "move(1)", "Move down", key_display="⇧↓"),
        Binding("enter", "submit", "Check", priority=True),
    ]

    def __init__(self, question: Question) -> None:
        self.question = question
        self.order = list(range(len(question.options)))  # option indexes, top to bottom
        super().__init__(*self._item_rows(), classes="answer", id="order-answer")

    def _item_rows(self) -> list[Option]:
        return [
            Option(plain(f"{place}. {self.question.options[index]}"))
            for place, index in enumerate(self.order, start=1)
        ]

    def on_mount(self) -> None:
        self.highlighted = 0
        self.focus()

    def action_move(self, step: int) -> None:
        current = self.highlighted
        if current is None:
            return
        target = current + step
        if not 0 <= target < len(self.order):
            return
        self.order[current], self.order[target] = self.order[target], self.order[current]
        self.clear_options()
        self.add_options(self._item_rows())
        self.highlighted = target

    def action_submit(self) -> None:
        self.post_message(Answered(list(self.order)))
