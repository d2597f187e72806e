"""Match cards: pick a left item, then its right item."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from otsquiz.core.session import Question
from otsquiz.tui.text import plain
from otsquiz.tui.widgets.answers import Answered
from otsquiz.tui.widgets.answers.choice import numbered


class MatchAnswer(Horizontal):
    """Match cards: pick a left item, then its right item; pairs stay visible.

    Choosing a left item again changes its pair; when every left item has
    one, the answer is checked.
    """

    def __init__(self, question: Question) -> None:
        super().__init__(classes="answer", id="match-answer")
        self.question = question
        self.pairs: dict[int, int] = {}
        self.current: int | None = None

    def compose(self) -> ComposeResult:
        yield OptionList(*self._lefts(), id="match-left")
        yield OptionList(*numbered(self.question.options), id="match-right")

    def _lefts(self) -> list[Option]:
        options = []
        letters = "ABCDEFGHIJ"
        for index, left in enumerate(self.question.lefts):
            right = self.pairs.get(index)
            paired = f"  →  {self.question.options[right]}" if right is not None else ""
            options.append(Option(plain(f"{letters[index]}. {left}{paired}")))
        return options

    def on_mount(self) -> None:
        self.query_one("#match-left", OptionList).focus()

    @on(OptionList.OptionSelected, "#match-left")
    def left_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.current = event.option_index
        self.query_one("#match-right", OptionList).focus()

    @on(OptionList.OptionSelected, "#match-right")
    def right_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.current is None:
            self.query_one("#match-left", OptionList).focus()
            return
        # A right item belongs to one left item at a time.
        for left, right in list(self.pairs.items()):
            if right == event.option_index:
                del self.pairs[left]
        self.pairs[self.current] = event.option_index
        left_list = self.query_one("#match-left", OptionList)
        left_list.clear_options()
        left_list.add_options(self._lefts())
        self.current = None
        if len(self.pairs) == len(self.question.lefts):
            self.post_message(Answered([self.pairs[i] for i in range(len(self.question.lefts))]))
            return
        unpaired = next(i for i in range(len(self.question.lefts)) if i not in self.pairs)
        left_list.highlighted = unpaired
        left_list.focus()
