"""A yes/no question over the screen it was opened from: "End the drill? 3 of 10 answered — y/n"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from otsquiz.tui.text import plain


class Confirm(ModalScreen[bool]):
    """Dismissed with True on y, False on n or escape (escape, pressed by reflex, never confirms)."""

    DEFAULT_CSS = """
    Confirm {
        align: center middle;
    }

    Confirm .dialog {
        width: 50;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(f"{self.question} — y/n"), id="confirm-question")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
