"""Basic cards (flashcards): reveal, then rate."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from otsquiz.tui.text import plain
from otsquiz.tui.widgets.answers import Answered


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
