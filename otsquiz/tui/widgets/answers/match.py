"""Match cards: pick a left item, then its right item."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList

from otsquiz.core.session import Question
from otsquiz.tui.widgets.answers import Answered
from otsquiz.tui.widgets.answers.choice import numbered
from otsquiz.tui.widgets.answers.marked import MarkedList

LETTERS = "ABCDEFGHIJ"
CHECK_ROW = "✓ Check these pairs"


class MatchAnswer(Horizontal):
    """Match cards: pick a left item, then its right item; pairs stay visible.

    Choosing a left item again changes its pair. When every left item has
    one, a last row "✓ Check these pairs" is highlighted: enter on it checks
    the answer, so the pairs can be looked over (and changed) first. The left
    item waiting for its pair reads ``→ ?``: what is chosen is in the text,
    not only in the colour.
    """

    def __init__(self, question: Question) -> None:
        super().__init__(classes="answer", id="match-answer")
        self.question = question
        self.pairs: dict[int, int] = {}
        self.current: int | None = None

    def compose(self) -> ComposeResult:
        yield MarkedList(self._lefts(), id="match-left")
        yield MarkedList(numbered(self.question.options), id="match-right")

    def _lefts(self) -> list[str]:
        rows = []
        for index, left in enumerate(self.question.lefts):
            right = self.pairs.get(index)
            if index == self.current:
                paired = "  →  ?"
            elif right is not None:
                paired = f"  →  {self.question.options[right]}"
            else:
                paired = ""
            rows.append(f"{LETTERS[index]}. {left}{paired}")
        if self.complete:
            rows.append(CHECK_ROW)
        return rows

    @property
    def complete(self) -> bool:
        """Every left item has its pair and none is being changed: the answer can be checked."""
        return self.current is None and len(self.pairs) == len(self.question.lefts)

    def _show_pairs(self) -> None:
        self.query_one("#match-left", MarkedList).set_rows(self._lefts())

    def on_mount(self) -> None:
        self.query_one("#match-left", MarkedList).focus()

    @on(OptionList.OptionSelected, "#match-left")
    def left_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index == len(self.question.lefts):  # the check row
            self.post_message(Answered([self.pairs[i] for i in range(len(self.question.lefts))]))
            return
        self.current = event.option_index
        self._show_pairs()
        self.query_one("#match-right", MarkedList).focus()

    @on(OptionList.OptionSelected, "#match-right")
    def right_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.current is None:
            self.query_one("#match-left", MarkedList).focus()
            return
        # A right item belongs to one left item at a time.
        for left, right in list(self.pairs.items()):
            if right == event.option_index:
                del self.pairs[left]
        self.pairs[self.current] = event.option_index
        self.current = None
        self._show_pairs()
        left_list = self.query_one("#match-left", MarkedList)
        # Next: the first left item without a pair, or, with none left, the check row.
        unpaired = [i for i in range(len(self.question.lefts)) if i not in self.pairs]
        left_list.highlighted = unpaired[0] if unpaired else len(self.question.lefts)
        left_list.focus()

    def pending(self) -> Any | None:
        """The pairs made so far (None for a left item without one), once there is any."""
        if not self.pairs:
            return None
        return [self.pairs.get(index) for index in range(len(self.question.lefts))]
