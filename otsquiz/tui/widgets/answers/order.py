"""Order cards: move items up and down, then submit."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from otsquiz.core.session import Question
from otsquiz.tui.widgets.answers import Answered
from otsquiz.tui.widgets.answers.marked import MarkedList


class OrderAnswer(MarkedList):
    """Order cards: move the highlighted item with shift+up/down (or k/j), enter submits."""

    BINDINGS = [
        Binding("shift+up,ctrl+up,K,k", "move(-1)", "Move up", key_display="⇧↑"),
        Binding("shift+down,ctrl+down,J,j", "move(1)", "Move down", key_display="⇧↓"),
        Binding("enter", "submit", "Check", priority=True),
    ]

    def __init__(self, question: Question) -> None:
        self.question = question
        self.order = list(range(len(question.options)))  # option indexes, top to bottom
        self.moved = False
        super().__init__(self._item_rows(), classes="answer", id="order-answer")

    def _item_rows(self) -> list[str]:
        return [f"{place}. {self.question.options[index]}" for place, index in enumerate(self.order, start=1)]

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
        self.moved = True
        self.highlighted = target
        self.set_rows(self._item_rows())

    def action_submit(self) -> None:
        self.post_message(Answered(list(self.order)))

    def pending(self) -> Any | None:
        """The order as it stands, once the learner has moved anything."""
        return list(self.order) if self.moved else None
