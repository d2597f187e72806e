"""One input widget per kind of question; each posts ``Answered`` with the session's response.

The response shapes are those of ``Session.submit``: text for typed, number
and cloze cards, an option index for choice, a set of indexes for multi, a
bool for true/false, the option indexes in the learner's order for order,
and one right-option index per left item for match.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from otsquiz.core.session import Question
from otsquiz.tui.text import plain


class Answered(Message):
    """The learner answered the question shown."""

    def __init__(self, response: Any) -> None:
        super().__init__()
        self.response = response


def answer_widget(question: Question) -> Widget:
    """The widget that takes an answer to ``question``."""
    factories = {
        "text": TextAnswer,
        "number": TextAnswer,
        "choice": ChoiceAnswer,
        "multi": MultiAnswer,
        "truefalse": TrueFalseAnswer,
        "order": OrderAnswer,
        "match": MatchAnswer,
    }
    return factories[question.kind](question)


class TextAnswer(Vertical):
    """Typed, number and cloze cards: type, then enter."""

    def __init__(self, question: Question) -> None:
        super().__init__(classes="answer")
        self.question = question

    def compose(self) -> ComposeResult:
        unit = f" ({self.question.unit})" if self.question.unit else ""
        placeholder = "Type a number" if self.question.kind == "number" else "Type your answer"
        yield Input(placeholder=f"{placeholder}{unit}, then press enter", id="text-answer")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(Answered(event.value))


def _numbered(options: tuple[str, ...]) -> list[Option]:
    return [
        Option(plain(f"{number}. {text}"), id=str(number - 1)) for number, text in enumerate(options, start=1)
    ]


class ChoiceAnswer(OptionList):
    """Choice cards: 1-9 picks at once; arrows and enter, or a click, work too."""

    BINDINGS = [Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)]

    def __init__(self, question: Question) -> None:
        super().__init__(*_numbered(question.options), classes="answer", id="choice-answer")
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


class TrueFalseAnswer(Horizontal):
    """True/false cards: t or f, or the buttons."""

    BINDINGS = [Binding("t", "answer(True)", "True"), Binding("f", "answer(False)", "False")]
    can_focus = True

    def __init__(self, question: Question) -> None:
        super().__init__(classes="answer", id="truefalse-answer")
        self.question = question

    def compose(self) -> ComposeResult:
        yield Button("True (t)", id="true", variant="success")
        yield Button("False (f)", id="false", variant="error")

    def on_mount(self) -> None:
        self.focus()

    def action_answer(self, value: bool) -> None:
        self.post_message(Answered(value))

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(Answered(event.button.id == "true"))


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
        yield OptionList(*_numbered(self.question.options), id="match-right")

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


class SelfRated(Vertical):
    """Basic cards: space reveals the answer, then 1-4 rate it (intervals shown, as in Anki)."""

    class Revealed(Message):
        """The answer was shown: the grades can be chosen now."""

    def __init__(self, answer: str, intervals: dict[int, str]) -> None:
        super().__init__(classes="answer", id="self-rated")
        self.answer = answer
        self.intervals = intervals

    def compose(self) -> ComposeResult:
        yield Static("Press space to show the answer.", id="reveal-note")
        yield Static(plain(self.answer), id="revealed-answer", classes="hidden")
        with Horizontal(id="grades", classes="hidden"):
            for grade, label in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")):
                interval = self.intervals.get(grade)
                text = f"{grade} {label}" + (f" · {interval}" if interval else "")
                yield Button(text, id=f"grade-{grade}", classes=f"grade grade-{grade}")

    @property
    def revealed(self) -> bool:
        return not self.query_one("#revealed-answer").has_class("hidden")

    def reveal(self) -> None:
        self.query_one("#reveal-note").add_class("hidden")
        self.query_one("#revealed-answer").remove_class("hidden")
        self.query_one("#grades").remove_class("hidden")

    @on(Button.Pressed, ".grade")
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        assert event.button.id is not None
        self.post_message(Answered(int(event.button.id.removeprefix("grade-"))))
