"""A student in a room, in the terminal: ``otsquiz join CODE [--name NAME] [--plain] [--profile NAME]``.

The app follows the room's phase by polling the store (``poll``, on a short
timer): the name, waiting for the teacher, each question with the quiz's
answer widget, "Answer sent", the reveal with the student's own score and
rank, the end. What a room is and does is the core's (``otsquiz.core.room``);
finding it, the kept token and the words shown are ``otsquiz.plain_room``'s,
shared with the plain mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from otsquiz import plain_room
from otsquiz.core.room import Room, RoomError, spaced
from otsquiz.core.room.names import NAME_MAX
from otsquiz.core.store import StoreError
from otsquiz.plain_room import POLL_SECONDS, REMOVED, Refused, Seat
from otsquiz.tui.failures import ends_app_on_store_error
from otsquiz.tui.text import plain as as_text
from otsquiz.tui.widgets.answers import Answered, answer_widget, pending_response

if TYPE_CHECKING:
    from otsquiz.core.store import Store


def _now() -> datetime:
    return datetime.now(UTC)


class View(NamedTuple):
    """What the stage shows; it is built again only when this changes."""

    phase: str  # name, lobby, question, answered, closed, revealed, ended, removed
    position: int = 0


class StudentScreen(Screen[None]):
    """One student's screens in ``room``: joined already (``seat``), or asked for a name first.

    ``poll_seconds=None`` starts no timer: the tests call ``poll`` themselves.
    """

    DEFAULT_CSS = """
    #status { height: 1; padding: 0 1; background: $primary-muted; }
    #stage { height: 1fr; padding: 1 2; }
    #meta { color: $text-muted; }
    #question { text-style: bold; margin: 1 0; padding: 0 1; border: tall $primary; }
    #answer-area { height: auto; }
    .answer { height: auto; max-height: 14; }
    #text-answer, #name { width: 1fr; }
    #truefalse-answer Button { margin: 0 1 0 0; }
    #truefalse-answer { height: auto; }
    #match-answer OptionList { width: 1fr; height: auto; max-height: 12; }
    #message { margin: 1 0; }
    #problem { color: $text-error; }
    #verdict { text-style: bold; padding: 0 1; margin: 1 0 0 0; }
    #verdict.right { background: $success-muted; color: $text-success; }
    #verdict.wrong { background: $error-muted; color: $text-error; }
    #details { margin: 1 0 0 0; }
    #score { text-style: bold; margin: 1 0 0 0; color: $text-accent; }
    #keys { color: $text-muted; margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("escape", "leave_if_over", "Leave", show=False),
        Binding("enter", "leave_if_over", "Leave", show=False),
    ]

    def __init__(
        self,
        room: Room,
        *,
        seat: Seat | None = None,
        name: str | None = None,
        profile_id: int | None = None,
        clock: Callable[[], datetime] = _now,
        poll_seconds: float | None = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.room = room
        self.seat = seat
        self.name_given = name
        self.profile_id = profile_id
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.view: View | None = None
        self.exit_code = plain_room.EXIT_OK
        self._timer: Timer | None = None
        self._problem = ""  # why the name typed was refused
        self._polling = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        yield VerticalScroll(id="stage")
        yield Footer()

    @ends_app_on_store_error
    async def on_mount(self) -> None:
        if self.seat is None and (self.name_given is not None or not plain_room.needs_name(self.room)):
            await self._join(self.name_given)
        if self.seat is None:
            await self._show(View("name"))
        elif self.view is None:  # rejoined with a kept token: not shown yet
            await self.poll()
        if self.poll_seconds:
            self._timer = self.set_interval(self.poll_seconds, self.poll)

    # ------------------------------------------------------------ joining

    async def _join(self, name: str | None) -> None:
        try:
            self.seat = plain_room.take_seat(self.room, name, profile_id=self.profile_id)
        except RoomError as error:
            self._problem = str(error)
            if self.view == View("name"):
                self.query_one("#problem", Static).update(as_text(self._problem))
            return
        await self.poll()

    @on(Input.Submitted, "#name")
    @ends_app_on_store_error
    async def name_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            await self._join(event.value)

    # ------------------------------------------------------------ following the room

    @ends_app_on_store_error
    async def poll(self) -> None:
        """Read where the room is and show it (called on a timer; the tests call it directly)."""
        # The timer's task and an answer's handler both poll: one at a time, or two views would mount.
        async with self._polling:
            await self._poll()

    async def _poll(self) -> None:
        seat = self.seat
        if seat is None or self.view in (View("ended"), View("removed")):
            return
        room = self.room
        student = room.rejoin(seat.token)
        if student is None:
            await self._show(View("removed"))
            return
        self.seat = seat = seat._replace(student=student)  # the teacher may have renamed them
        state = room.state()
        if state.phase == "ended":
            view = View("ended")
        elif state.phase == "question":
            view = View("question", state.position)
            left = plain_room.time_left(room, seat.student.id, self.clock())
            if room.my_answer(seat.student.id, state.position) is not None:
                view = View("answered", state.position)
            elif left is not None and left <= 0:
                self._time_up(state.position)
                answered = room.my_answer(seat.student.id, state.position) is not None
                view = View("answered" if answered else "closed", state.position)
        elif state.phase == "revealed":
            view = View("revealed", state.position)
        else:
            view = View("lobby")
        if view != self.view:
            await self._show(view)
        self._update_status()

    def _time_up(self, position: int) -> None:
        """Time is up: what is typed or chosen but not sent goes, as in a timed drill."""
        assert self.seat is not None
        area = self.query("#answer-area")
        if self.view != View("question", position) or not area or not area.first().children:
            return
        response = pending_response(area.first().children[0])
        if response is not None:
            with contextlib.suppress(RoomError):  # past the grace too: nothing sent, as the stage says
                self.room.answer(self.seat.student.id, position, response)

    def _update_status(self) -> None:
        parts: list[str | tuple[str, str]] = [f"Room {spaced(self.room.code)}"]
        seat = self.seat
        if seat is not None:
            parts += [" · ", seat.student.name]
            if seat.student.team:
                parts += [" · ", seat.student.team]
            view = self.view
            if view is not None and view.phase == "question":
                left = plain_room.time_left(self.room, seat.student.id, self.clock())
                if left is not None:
                    parts += [" · ", (f"⏱ {round(left)}s", "bold $warning")]
        self.query_one("#status", Static).update(Content.assemble(*parts))  # text, never markup

    async def _show(self, view: View) -> None:
        self.view = view
        stage = self.query_one("#stage", VerticalScroll)
        await stage.remove_children()  # gone before the next view's widgets take their ids
        await stage.mount_all(self._stage(view))
        stage.scroll_home(animate=False)
        if view.phase == "name":
            self.query_one("#name", Input).focus()
        if view.phase in ("ended", "removed"):
            if self._timer is not None:
                self._timer.stop()
            self.exit_code = plain_room.EXIT_REFUSED if view.phase == "removed" else plain_room.EXIT_OK

    def _stage(self, view: View) -> list[Widget]:
        room = self.room
        seat = self.seat
        if view.phase == "name":
            return [
                Static(f"Room {spaced(room.code)}: type the name the class will see, then press enter."),
                Input(placeholder="Your name", id="name", max_length=NAME_MAX),
                Static(as_text(self._problem), id="problem"),
            ]
        assert seat is not None
        student = seat.student
        if view.phase == "removed":
            return [Static(REMOVED, id="message"), Static("Press enter to leave.", id="keys")]
        if view.phase == "lobby":
            return [Static(as_text(plain_room.waiting_text(student)), id="message")]
        if view.phase == "ended":
            return [
                Static("The room has ended.", id="message"),
                Static(as_text(plain_room.score_text(room, student.id, final=True)), id="score"),
                Static("Press enter to leave.", id="keys"),
            ]
        question = room.question(view.position)
        shown: list[Widget] = [
            Static(f"Question {view.position} of {len(room.questions)}", id="meta"),
            Static(as_text(question.text), id="question"),
        ]
        if view.phase == "question":
            return [*shown, Vertical(answer_widget(question), id="answer-area")]
        mine = room.my_answer(student.id, view.position)
        if view.phase == "answered":
            given = f": {mine.given}" if mine is not None else ""
            return [*shown, Static(as_text(f"Answer sent{given}. Waiting for the teacher."), id="message")]
        if view.phase == "closed":
            return [*shown, Static("Time is up: no answer was sent. Waiting for the teacher.", id="message")]
        reveal = room.revealed(view.position)
        verdict, *details = plain_room.reveal_lines(reveal, mine)
        look = "wrong" if mine is None or not mine.correct else "right"
        return [
            *shown,
            Static(as_text(verdict), id="verdict", classes=look),
            Static(as_text("\n".join(details)), id="details"),
            Static(as_text(plain_room.score_text(room, student.id)), id="score"),
            Static("Waiting for the next question.", id="keys"),
        ]

    # ------------------------------------------------------------ answering

    @on(Answered)
    @ends_app_on_store_error
    async def answered(self, event: Answered) -> None:
        event.stop()
        view, seat = self.view, self.seat
        if seat is None or view is None or view.phase != "question":
            return
        try:
            self.room.answer(seat.student.id, view.position, event.response)
        except RoomError as error:  # closed or late meanwhile: the student is told, the room goes on
            self.notify(str(error), severity="warning", markup=False)
        await self.poll()

    def action_leave_if_over(self) -> None:
        if self.view in (View("ended"), View("removed")):
            self.app.exit(self.exit_code)


class StudentApp(App[int]):
    """``otsquiz join``'s app: one ``StudentScreen`` (its arguments are the screen's)."""

    TITLE = "otsquiz"
    ENABLE_COMMAND_PALETTE = False  # a student has one thing to do: the room's question
    BINDINGS = [Binding("ctrl+q", "quit", "Leave the room", priority=True)]

    def __init__(self, room: Room, *, catch_signals: bool = False, **options: Any) -> None:
        super().__init__()
        self.student = StudentScreen(room, **options)
        self.catch_signals = catch_signals  # run_join: a real terminal to give back on SIGTERM or SIGHUP

    def on_mount(self) -> None:
        if self.catch_signals:
            from otsquiz.tui.app import CAUGHT_SIGNALS

            loop = asyncio.get_running_loop()
            for number in CAUGHT_SIGNALS:  # as the study app: exit 128 + signal, the terminal restored
                with contextlib.suppress(ValueError, OSError, RuntimeError, NotImplementedError):
                    loop.add_signal_handler(number, self.exit, None, 128 + number)

    def get_default_screen(self) -> Screen[Any]:
        return self.student

    async def poll(self) -> None:
        """Read where the room is and show it (what the screen's timer does)."""
        await self.student.poll()

    @property
    def view(self) -> View | None:
        return self.student.view


def run_join(code: str, *, name: str | None, profile: str | None, plain: bool) -> int:
    """``otsquiz join CODE``: 0 done, 1 a store failure (or the room's decks missing), 2 a wrong or
    ended code, or a student the teacher removed. The message goes to stderr (or the plain output)."""
    from otsquiz.core.store import Store

    if plain:
        return plain_room.join_plain(code, name=name, profile=profile)
    try:
        with Store.open() as store:
            return _run_app(store, code, name=name, profile=profile)
    except StoreError as error:
        print(f"otsquiz: {error}", file=sys.stderr)
        return plain_room.EXIT_PROBLEMS


def _run_app(store: Store, code: str, *, name: str | None, profile: str | None) -> int:
    try:
        room = plain_room.enter(store, code)
        seat = plain_room.rejoin_kept(room)
    except Refused as refused:  # said before the terminal is taken over
        print(f"otsquiz: {refused}", file=sys.stderr)
        return refused.exit_code
    profile_id = store.profile(profile).id if profile else None
    app = StudentApp(room, catch_signals=True, seat=seat, name=name, profile_id=profile_id)
    result = app.run()
    if isinstance(result, int):
        return result
    return app.return_code or 0  # 1 when the app ended on a store error (otsquiz.tui.failures)
