"""True/false cards: t or f, or the buttons."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button

from otsquiz.core.session import Question
from otsquiz.tui.widgets.answers import Answered


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
