"""The quiz: one question at a time, the verdict after each answer, the summary at the end.

Every answer goes through ``Session`` (the same code as the plain mode),
which commits it to the store before the next question is chosen, so
quitting at any moment loses nothing that was answered.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.keys import key_to_character
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from otsquiz.core.kinds import label
from otsquiz.core.scheduling import Grade
from otsquiz.core.selection import SessionRequest
from otsquiz.core.session import Outcome, Question, Session, SessionError, Summary
from otsquiz.core.store import StoreError
from otsquiz.core.text import visible
from otsquiz.tui.failures import end_app, ends_app_on_store_error
from otsquiz.tui.state import AppState
from otsquiz.tui.text import plain
from otsquiz.tui.widgets.answers import Answered, answer_widget, pending_response

if TYPE_CHECKING:
    from otsquiz.tui.widgets.answers.self_rated import SelfRated


def interval_text(delta: timedelta) -> str:
    """An interval as Anki shows it on its buttons: 10m, 3h, 4d, 2mo, 1.5y."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"


def progress_text(session: Session, answering: bool) -> str:
    """Where the learner is, in words that do not grow as they answer.

    A drill asks a fixed number of questions: "question 3 of 10". A study
    session brings learning cards back, so it says what is left of each kind:
    "12 new · 3 learning · 5 review".
    """
    if session.mode == "drill":
        number = min(session.done + (1 if answering else 0), session.total)
        return f"question {max(number, 1)} of {session.total}"
    left = session.remaining_by_state()
    return f"{left.new} new · {left.learning} learning · {left.review} review"


class QuizScreen(Screen[None]):
    """A session of ``request`` over ``decks``, for the profile and on the clock of ``state``.

    A database failure at any step ends the app with its message (otsquiz.tui.failures).
    """

    class SessionFinished(Message):
        """The session ended: its ``summary`` (None if it never started), the ``outcomes`` shown, in order."""

        def __init__(self, summary: Summary | None, outcomes: list[Outcome], feedback: bool) -> None:
            super().__init__()
            self.summary = summary
            self.outcomes = outcomes
            self.feedback = feedback

    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #status {
        height: 1;
        padding: 0 1;
    }

    #quiz {
        height: 1fr;
        padding: 1 2;
    }

    #card-meta {
        color: $text-muted;
    }

    #question {
        text-style: bold;
        margin: 1 0;
        padding: 0 1;
        border: tall $primary;
    }

    #hint {
        color: $text-warning;
        margin: 0 0 1 0;
    }

    #answer-area {
        height: auto;
    }

    .answer {
        height: auto;
        max-height: 14;
    }

    #text-answer {
        width: 1fr;
    }

    #truefalse-answer Button, #grades Button {
        margin: 0 1 0 0;
    }

    #truefalse-answer, #grades {
        height: auto;
    }

    #match-answer OptionList {
        width: 1fr;
        height: auto;
        max-height: 12;
    }

    #revealed-answer {
        padding: 1 2;
        border: tall $success;
        margin: 0 0 1 0;
    }

    /* The verdict and the keys sit below the scrolling question: always in view. */
    #verdict-bar {
        height: auto;
        max-height: 50%;
    }

    #verdict {
        text-style: bold;
        padding: 0 2;
        height: auto;
    }

    #keys {
        color: $text-muted;
        padding: 0 2;
        height: auto;
    }

    #verdict.right {
        background: $success-muted;
        color: $text-success;
    }

    #verdict.wrong {
        background: $error-muted;
        color: $text-error;
    }

    #verdict.rated {
        background: $primary-muted;
    }

    #details {
        padding: 1 2;
    }
    """

    BINDINGS = [
        Binding("escape", "finish", "End session"),
        # h and x are letters an answer is typed with: ctrl+t and ctrl+n work while typing too.
        # The footer shows one key per action, the first that works now (see active_bindings).
        Binding("h", "hint", "Hint"),
        Binding("ctrl+t", "hint", "Hint", key_display="^t"),
        Binding("space", "reveal_or_next", "Show / next", show=False),
        Binding("enter", "next", "Next", show=False),
        Binding("o", "overrule", "Overrule"),
        Binding("u", "undo", "Undo"),
        Binding("x", "give_up", "Don't know"),
        Binding("ctrl+n", "give_up", "Don't know", key_display="^n"),
        *[Binding(str(grade), f"rate({grade})", show=False) for grade in range(1, 5)],
    ]

    def __init__(self, request: SessionRequest, decks: list[Any], state: AppState) -> None:
        super().__init__()
        self.request = request
        self.decks = decks
        self.state = state
        self._finished = False  # once finished, the summary is on its way: never a second one
        self.session: Session | None = None
        self.outcome: Outcome | None = None  # the verdict on screen, if any
        self.remaining_seconds = 0
        self._timer: Timer | None = None
        self._timer_text = ""  # "⏱ 12s" in a timed drill; it stays on screen with the verdict
        self._timed_out = False  # the verdict on screen came from the timer
        # Study counts what is left by the cards' states (a query): not before the first frame.
        self._counted = False
        self._outcomes: list[Outcome] = []
        self._lines: dict[str, Static] = {}  # the hint, details, verdict and keys lines, once mounted

    def compose(self) -> ComposeResult:
        # The session starts here so that the first question is part of the screen
        # as first built: one layout and one styling pass before the first frame.
        try:
            self.session = session = self._start_session()
            question = session.current
            answer = self._answer_widget(question) if question is not None else None
            status = self._status_text()
        except StoreError as error:
            end_app(self.app, error)
            return
        yield Static(status, id="status")
        with VerticalScroll(id="quiz"):
            yield Static(self._meta_text(question), id="card-meta")
            yield Static(plain(question.text) if question else "", id="question")
            with Vertical(id="answer-area"):
                if answer is not None:
                    yield answer
            # The hint, the details and the verdict bar are mounted when first needed.

    def _start_session(self) -> Session:
        state = self.state
        request = self.request
        return Session(
            state.store,
            state.profile,
            self.decks,
            mode=request.mode,
            count=request.count,
            types=request.types,
            seed=request.seed,
            feedback=request.feedback,
            clock=state.clock,
        )

    @ends_app_on_store_error
    def on_mount(self) -> None:
        if self.session is None:  # it could not start: the app is ending with the database's message
            return
        if self.session.current is None:
            self.finish()
            return
        self._start_timer()
        if self._timer_text:
            self._update_status()
        # Once the first question is on screen, prepare what judging an answer needs.
        self.call_after_refresh(self._prepare_answers)

    @ends_app_on_store_error
    async def _prepare_answers(self) -> None:
        await self.mount(Footer())
        self.refresh_bindings()  # a footer lists its keys on the next bindings update
        self._counted = True
        self._update_status()
        session = self.session
        if session is not None:
            self.run_worker(session.prepare, thread=True, exclusive=True, group="prepare")

    # ------------------------------------------------------------ showing

    def show_question(self) -> None:
        session = self.session
        assert session is not None
        self.outcome = None
        question = session.current
        if question is None:
            self.finish()
            return
        self.query_one("#card-meta", Static).update(self._meta_text(question))
        self.query_one("#question", Static).update(plain(question.text))
        for shown in self.query("#hint, #verdict-bar, #verdict, #details"):
            shown.add_class("hidden")
        self._timed_out = False
        area = self.query_one("#answer-area", Vertical)
        area.remove_children()
        area.mount(self._answer_widget(question))
        self.query_one("#quiz", VerticalScroll).scroll_home(animate=False)
        self._start_timer()
        self._update_status()
        self.refresh_bindings()

    @staticmethod
    def _meta_text(question: Question | None) -> Content:
        if question is None:
            return Content()
        card_type = question.study.type
        meta = f"{question.study.deck_id} · {label(card_type)}"
        if question.study.reverse:
            meta += " · reversed"
        return plain(meta)

    def _answer_widget(self, question: Question) -> Any:
        if question.form != "self":
            return answer_widget(question)
        assert self.session is not None
        from otsquiz.tui.widgets.answers.self_rated import SelfRated

        intervals = {int(grade): interval_text(delta) for grade, delta in self.session.intervals().items()}
        return SelfRated(self.session.expected(question), intervals)

    def _update_status(self) -> None:
        self.query_one("#status", Static).update(self._status_text())

    def _status_text(self) -> Content:
        """The status line: the drill timer if any, the progress, the score and streak, the profile.

        Without feedback (``--no-feedback``) nothing here depends on a verdict: no score, no streak.
        """
        session = self.session
        assert session is not None
        parts: list[str | tuple[str, str]] = []
        if self._timer_text:
            parts += [(self._timer_text, "bold $warning"), " · "]
        if self._counted or session.mode == "drill":
            parts += [(progress_text(session, answering=self.outcome is None), "$success"), " · "]
        if session.feedback:
            parts += [
                (f"score {session.score}/{session.done} · streak {session.streak}", "$text-accent"),
                " · ",
            ]
        parts.append(visible(self.state.profile.name))
        return Content.assemble(*parts)  # pieces are text, never markup

    def show_outcome(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self._stop_timer()
        self._outcomes.append(outcome)
        self.query_one("#answer-area", Vertical).remove_children()
        verdict = self._feedback("verdict")
        details = self._feedback("details")
        verdict.remove_class("hidden", "right", "wrong", "rated")
        self.query_one("#verdict-bar").remove_class("hidden")
        session = self.session
        assert session is not None
        time_up = "Time's up · " if self._timed_out else ""
        if not session.feedback:
            # The same words and look whatever the verdict: it is told at the end.
            verdict.update(f"{time_up}Answer recorded. Press enter for the next question.")
            verdict.add_class("rated")
            details.add_class("hidden")
        else:
            verdict.update(plain(time_up + _verdict_text(outcome)))
            verdict.add_class(
                "rated" if outcome.question.form == "self" else ("right" if outcome.correct else "wrong")
            )
            details.update(plain(self._details(outcome)))
            details.remove_class("hidden")
            # On a small screen the details start below the question: scroll them into view.
            quiz = self.query_one("#quiz", VerticalScroll)
            self.call_after_refresh(quiz.scroll_to_widget, details, animate=False)
        # The keys the core would refuse (undo in a drill, overrule of a blank answer) are not named.
        keys = ["enter: next"]
        if session.can_undo:
            keys.append("u: undo")
        if session.can_overrule:
            keys.append("o: overrule")
        self._feedback("keys").update(" · ".join(keys))
        self._update_status()
        self.refresh_bindings()

    def _feedback(self, name: str) -> Static:
        """The #hint, #details, #verdict or #keys line, mounted the first time it is needed.

        The hint goes above the answer and the details below it, in the scrolling
        part; the verdict and the keys go in the bar below that, which never scrolls away.
        """
        found = self._lines.get(name)
        if found is not None:
            return found
        if name in ("verdict", "keys"):
            verdict, keys = Static("", id="verdict"), Static("", id="keys")
            self.mount(Vertical(verdict, keys, id="verdict-bar"), after="#quiz")
            self._lines.update(verdict=verdict, keys=keys)
            return verdict if name == "verdict" else keys
        widget = self._lines[name] = Static("", id=name)
        if name == "hint":
            self.query_one("#quiz").mount(widget, before="#answer-area")
        else:
            self.query_one("#quiz").mount(widget)
        return widget

    def _details(self, outcome: Outcome) -> str:
        assert self.session is not None
        lines = []
        lines.append(f"Answer: {outcome.expected}")
        if outcome.question.form != "self" and not outcome.correct:
            lines.append(f"You answered: {outcome.given}")
        explanation = outcome.question.card.explanation
        if explanation:
            lines.append("")
            lines.append(explanation)
        source = self.session.source(outcome.question.study)
        if source is not None:
            url = f" — {source.url}" if source.url and source.url != source.title else ""
            lines.append("")
            lines.append(f"Source: {source.title}{url}")
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what applies to what is on screen is offered, in the footer and on its key."""
        session = self.session
        if session is None:
            return True
        if action == "hint":
            question = session.current
            return self.outcome is None and question is not None and bool(question.hint)
        if action == "overrule":
            # The verdict on screen, if the core allows it (not without feedback, not a blank answer).
            return self.outcome is not None and session.can_overrule
        if action == "undo":
            return session.can_undo  # never in a drill: its answers stand
        if action == "give_up":
            return self.outcome is None and session.current is not None
        return True

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys that work now, for the footer: while an answer is typed, letters type.

        A focused input takes every printable key (h, x, u, ?), so those bindings are
        left out and the footer shows the ctrl or function key of the same action
        instead, by its own name (``f1 Help``, not the ``?`` it is displayed as elsewhere).
        """
        bindings = super().active_bindings
        focused = self.focused
        if focused is None or focused.id != "text-answer":  # the one input of this screen
            return bindings
        for key, active in list(bindings.items()):
            if _types_a_character(key):
                del bindings[key]
            elif active.binding.key_display and _types_a_character(active.binding.key_display):
                bindings[key] = active._replace(binding=replace(active.binding, key_display=None))
        return bindings

    # ------------------------------------------------------------ answering

    @on(Answered)
    @ends_app_on_store_error
    def answered(self, event: Answered) -> None:
        event.stop()
        session = self.session
        if session is None or self.outcome is not None or session.current is None:
            return
        question = session.current
        if question.form == "self":
            outcome = session.rate(Grade(int(event.response)))
        else:
            outcome = session.submit(event.response)
        self.show_outcome(outcome)

    def action_reveal_or_next(self) -> None:
        if self.outcome is not None:
            self.action_next()
            return
        rated = self._self_rated()
        if rated is not None and not rated.revealed:
            rated.reveal()

    def action_rate(self, grade: int) -> None:
        rated = self._self_rated()
        if self.outcome is None and rated is not None and rated.revealed:
            self.post_message(Answered(grade))

    def _self_rated(self) -> SelfRated | None:
        """The flashcard on screen, if the question is one."""
        found = self.query("#self-rated")
        if not found:
            return None
        from otsquiz.tui.widgets.answers.self_rated import SelfRated

        return found.first(SelfRated)

    @ends_app_on_store_error
    def action_next(self) -> None:
        if self.outcome is not None:
            self.show_question()

    @ends_app_on_store_error
    def action_hint(self) -> None:
        if self.session is None or self.outcome is not None or self.session.current is None:
            return
        hint = self.session.take_hint()
        if hint:  # the key is offered only for a card with a hint
            widget = self._feedback("hint")
            widget.update(plain(f"Hint: {hint}"))
            widget.remove_class("hidden")

    @ends_app_on_store_error
    def action_give_up(self) -> None:
        if self.session is not None and self.outcome is None and self.session.current is not None:
            self.show_outcome(self.session.give_up())

    def time_up(self) -> None:
        """The drill's time ran out: what is typed or chosen but not sent is judged; nothing, given up."""
        session = self.session
        if session is None or self.outcome is not None or session.current is None:
            return
        self._timed_out = True
        area = self.query_one("#answer-area", Vertical)
        response = pending_response(area.children[0]) if area.children else None
        if response is None:
            self.show_outcome(session.give_up())
        else:
            self.show_outcome(session.submit(response))

    @ends_app_on_store_error
    def action_overrule(self) -> None:
        if self.session is None or self.outcome is None:
            return
        try:
            revised = self.session.overrule()
        except SessionError as error:
            self.notify(str(error), severity="warning")
            return
        self._outcomes.pop()
        self.show_outcome(revised)
        self.notify(f"Counted as {'right' if revised.correct else 'wrong'}.")

    @ends_app_on_store_error
    def action_undo(self) -> None:
        if self.session is None:
            return
        try:
            self.session.undo()
        except SessionError as error:
            self.notify(str(error), severity="warning")
            return
        if self._outcomes:
            self._outcomes.pop()
        self.notify("Undone: that answer no longer counts.")
        self.show_question()

    def action_finish(self) -> None:
        """Escape: with questions left, ask first (escape is pressed by reflex); the answers stand either way.

        What is typed or chosen stays as it was if the learner goes on.
        """
        session = self.session
        if session is None or session.current is None:
            self.finish()
            return
        from otsquiz.tui.widgets.confirm import Confirm

        if session.mode == "drill":
            question = f"End the drill? {session.done} of {session.total} answered"
        else:
            question = f"End the session? {session.done} answered"

        def ended(yes: bool | None) -> None:
            if yes and self.is_current:
                self.finish()

        self.app.push_screen(Confirm(question), ended)

    @ends_app_on_store_error
    def finish(self) -> None:
        """End the session (its end is recorded) and ask the app for the summary in place of this screen."""
        self._stop_timer()
        if self._finished:
            return
        self._finished = True
        session = self.session
        if session is None:
            self.post_message(self.SessionFinished(None, self._outcomes, feedback=True))
            return
        self.post_message(self.SessionFinished(session.summary(), self._outcomes, session.feedback))

    # ------------------------------------------------------------ the drill timer

    def _start_timer(self) -> None:
        self._stop_timer()
        seconds = self.request.timer
        if not seconds or self.request.mode != "drill":
            self._timer_text = ""
            return
        self.remaining_seconds = seconds
        self._timer_text = f"⏱ {seconds}s"
        self._timer = self.set_interval(1, self._tick)

    @ends_app_on_store_error
    def _tick(self) -> None:
        self.remaining_seconds -= 1
        self._timer_text = f"⏱ {max(0, self.remaining_seconds)}s"
        self._update_status()
        if self.remaining_seconds <= 0:
            self._stop_timer()
            # Judged at once, even under help or the palette: the clock runs for everyone alike.
            self.time_up()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


def _types_a_character(key: str) -> bool:
    """Whether ``key`` (a key name, or a key as displayed) types a character into an input."""
    character = key if len(key) == 1 else key_to_character(key)
    return character is not None and character.isprintable()


def _verdict_text(outcome: Outcome) -> str:
    if outcome.question.form == "self":
        return f"Rated {outcome.grade.name.capitalize()}"
    mark = " (overruled)" if outcome.overruled else ""
    if not outcome.correct:
        return f"✗ Not quite{mark}"
    if outcome.exact:
        return f"✓ Correct{mark}"
    if not outcome.forgiven:  # a number within the card's tolerance, as the plain mode says it
        return f"✓ Correct (close enough){mark}"
    return f"✓ Correct ({' and '.join(outcome.forgiven)} forgiven){mark}"
