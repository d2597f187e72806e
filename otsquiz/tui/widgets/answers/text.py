"""Typed, number and cloze cards: an input."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from otsquiz.core.session import Question
from otsquiz.tui.widgets.answers import Answered


class TextAnswer(Vertical):
    """Typed, number and cloze cards: type, then enter."""

    def __init__(self, question: Question) -> None:
        super().__init__(classes="answer")
        self.question = question

    def compose(self) -> ComposeResult:
        unit = f" ({self.question.unit})" if self.question.unit else ""
        placeholder = "Type a number" if self.question.form == "number" else "Type your answer"
        yield Input(placeholder=f"{placeholder}{unit}, then press enter", id="text-answer")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            return
        if self.question.form == "number":
            from otsquiz.core.answers import parse_number  # loaded by the time anyone answers

            if parse_number(event.value, self.question.unit) is None:
                # Words are not graded as a wrong number: the learner is asked for digits.
                self.notify("Please type a number, in digits (like 2009 or 1.5).", severity="warning")
                return
        self.post_message(Answered(event.value))

    def pending(self) -> Any | None:
        """What is typed in the box but not sent, if anything."""
        value = self.query_one(Input).value
        return value if value.strip() else None
