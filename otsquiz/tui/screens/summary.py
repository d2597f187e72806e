"""The end of a session: score, accuracy, time, the cards missed, when reviews are next due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Footer, Header, Static

from otsquiz.core.session import Outcome, Summary
from otsquiz.tui.text import plain


class SummaryScreen(Screen[None]):
    class Closed(Message):
        """The learner is done with the summary (the app goes back to home)."""

    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #summary {
        padding: 1 2;
    }

    #summary-title {
        text-style: bold;
    }

    #summary-score {
        width: auto;
        margin: 1 0;
    }
    """

    BINDINGS = [
        Binding("enter,escape,space", "close", "Back to decks"),
        Binding("q", "app.quit", "Quit", show=False),  # the footer already shows ctrl+q
    ]

    def __init__(self, summary: Summary, outcomes: list[Outcome], feedback: bool) -> None:
        super().__init__()
        self.summary = summary
        self.outcomes = outcomes
        self.feedback = feedback

    def compose(self) -> ComposeResult:
        summary = self.summary
        yield Header()
        with VerticalScroll(id="summary"):
            title = "Drill finished" if summary.mode == "drill" else "Session finished"
            yield Static(title, id="summary-title")
            # A drill ended early scores out of the questions it set, never "1/1 (100%)".
            left = summary.unanswered if summary.mode == "drill" else 0
            yield Digits(
                f"{summary.correct}/{summary.planned if left else summary.questions}", id="summary-score"
            )
            minutes, seconds = divmod(round(summary.seconds), 60)
            duration = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
            score = (
                f"{summary.questions} of {summary.planned} answered · {summary.correct} right"
                if left
                else f"Accuracy {summary.accuracy:.0%}"
            )
            if summary.overruled and summary.mode == "drill":
                score += f" · {summary.overruled} overruled"
            yield Static(
                f"{score} · best streak {summary.best_streak} · time {duration}",
                id="summary-figures",
            )
            if summary.mode == "study" and summary.next_due is not None:
                yield Static(
                    f"Next review due {summary.next_due.astimezone():%A %d %B, %H:%M}", id="next-due"
                )
            if not self.feedback and self.outcomes:
                yield Static(plain(self._all_answers()), id="all-answers")
            elif summary.missed:
                lines = ["To review:"] + [f"• {o.question.text}\n  → {o.expected}" for o in summary.missed]
                yield Static(plain("\n".join(lines)), id="missed")
            elif summary.questions and not left:
                yield Static("Nothing missed. Well done!", id="missed")
            elif not summary.questions:
                yield Static("No questions were answered.", id="missed")
            if left and summary.questions:
                not_answered = "1 question was" if left == 1 else f"{left} questions were"
                yield Static(f"{not_answered} not answered: the drill was ended early.", id="unanswered")
        yield Footer()

    def _all_answers(self) -> str:
        lines = ["Your answers:"]
        for number, outcome in enumerate(self.outcomes, start=1):
            mark = "✓" if outcome.correct else "✗"
            lines.append(f"{number}. {mark} {outcome.question.text}")
            if not outcome.correct:
                lines.append(f"   you: {outcome.given} · answer: {outcome.expected}")
        return "\n".join(lines)

    def action_close(self) -> None:
        self.post_message(self.Closed())
