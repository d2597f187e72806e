"""The presenter's screen of a room (``otsquiz class``): on the projector, driven by the keyboard.

The room is in the store (``otsquiz.core.room``); this app only shows it and
calls it: the lobby (the code in block letters, how to join, who joined), each
question with its countdown and live count, the reveal (a bar per option or
the most common typed answers), the scoreboard, and the final ranking with a
per-question summary. Students' processes write their joins and answers to the
store; the app polls it on a short timer (``poll``, which tests call directly).

Everything a student or a deck wrote is shown through ``plain`` (never markup).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from otsquiz.core.room import Reveal, Room, RoomError, Standing, Student, TeamStanding, bridge, spaced
from otsquiz.core.text import visible
from otsquiz.tui.classroom import bigtext
from otsquiz.tui.failures import ends_app_on_store_error
from otsquiz.tui.text import plain
from otsquiz.tui.widgets.confirm import Confirm

View = Literal["lobby", "question", "revealed", "scoreboard", "final"]

POLL_SECONDS = 0.5
"""How often the store is read for joins and answers: a count that moves within a second."""
EXTRA_SECONDS = 10
"""What ``+`` on a student's row adds to their time on every question."""
BAR_WIDTH = 30
"""The longest bar where no screen width is given; the reveal sizes its bars to the screen (``bar_width``)."""
BIG_SCREEN_ROWS = 40
"""From this many rows, the countdown and the count are in block letters too (at 80x24 rows are scarce)."""
FINAL_TOP = 10
"""How many the final ranking lists (the scoreboard during the room lists the core's top 5)."""


def letter(index: int) -> str:
    return chr(ord("A") + index)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def bar_width(columns: int) -> int:
    """How long the longest bar is on a screen ``columns`` wide: a third of it, 10 to 60."""
    return max(10, min(60, columns // 3))


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    """A bar ``count`` long against ``most`` (the longest); a count above 0 shows at least one block."""
    if most <= 0 or count <= 0:
        return ""
    return "█" * max(1, round(width * count / most))


class BigCount(Static):
    """A countdown or a count: in block letters on a big screen, as ``small`` text otherwise."""

    def __init__(self, caption: str, **options: Any) -> None:
        super().__init__(**options)
        self.caption = caption  # under the block letters: what the number counts
        self.big = ""
        self.small = ""

    def show(self, big: str, small: str) -> None:
        """``big`` (characters of the block font; "" for none) on a big screen, else ``small``."""
        self.big, self.small = big, small
        self.refresh(layout=True)

    def render(self) -> Content:
        if self.big and bigtext.drawable(self.big) and self.app.size.height >= BIG_SCREEN_ROWS:
            pixel = bigtext.fitting_pixel(self.big, max(self.app.size.width // 3, 1), bigtext.HEIGHT)
            if pixel is not None:
                return Content(f"{bigtext.block_letters(self.big, pixel)}\n{self.caption}")
        return Content(self.small)


class BigCode(Static):
    """The room code in block letters as large as the widget's width allows."""

    def __init__(self, code: str, **options: Any) -> None:
        super().__init__(**options)
        self.code = spaced(code)

    def render(self) -> Content:
        pixel = bigtext.fitting_pixel(self.code, max(self.size.width, 1), None)
        if pixel is None or not bigtext.drawable(self.code):
            return Content(self.code)
        if self.app.size.height < BIG_SCREEN_ROWS:  # rows are scarce: one row a pixel
            pixel = bigtext.fitting_pixel(self.code, self.size.width, bigtext.HEIGHT) or pixel
        return Content(bigtext.block_letters(self.code, pixel))


class NameScreen(ModalScreen[str | None]):
    """A student's new name, typed by the teacher: enter keeps it, escape leaves the old one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, student: Student) -> None:
        super().__init__()
        self.student = student

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(f"Rename {self.student.name}:"))
            yield Input(self.student.name, id="new-name")
            yield Static("enter: rename · escape: cancel", classes="keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RosterScreen(ModalScreen[None]):
    """The students in the room, one a row: rename (r), remove (x), extra time (+)."""

    BINDINGS = [
        Binding("plus,equals_sign", "extra", f"+{EXTRA_SECONDS} s"),
        Binding("r", "rename", "Rename"),
        Binding("x,delete", "remove", "Remove"),
        Binding("escape,s", "close", "Close"),
    ]

    def __init__(self, room: Room) -> None:
        super().__init__()
        self.room = room
        self.shown: list[Student] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog roster"):
            yield Static("Students", classes="title")
            yield OptionList(id="roster")
            yield Static(
                f"+: {EXTRA_SECONDS} s more for this student · r: rename · x: remove · escape: close",
                classes="keys",
            )

    @ends_app_on_store_error
    def on_mount(self) -> None:
        self.refresh_students()

    def refresh_students(self) -> None:
        roster = self.query_one("#roster", OptionList)
        highlighted = roster.highlighted
        self.shown = self.room.students()
        roster.clear_options()
        roster.add_options([Option(_roster_row(student)) for student in self.shown])
        if self.shown:
            roster.highlighted = min(highlighted or 0, len(self.shown) - 1)
        else:
            roster.add_option(Option("No one has joined.", disabled=True))

    def _current(self) -> Student | None:
        index = self.query_one("#roster", OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    @ends_app_on_store_error
    def action_extra(self) -> None:
        student = self._current()
        if student is not None:
            self._act(lambda: self.room.give_extra_time(student.id, EXTRA_SECONDS))

    def action_rename(self) -> None:
        student = self._current()
        if student is None:
            return

        @ends_app_on_store_error
        def renamed(screen: RosterScreen, name: str | None) -> None:
            if name is not None and name != student.name:
                screen._act(lambda: screen.room.rename(student.id, name))

        self.app.push_screen(NameScreen(student), lambda name: renamed(self, name))

    def action_remove(self) -> None:
        student = self._current()
        if student is None:
            return

        @ends_app_on_store_error
        def confirmed(screen: RosterScreen, yes: bool | None) -> None:
            if yes:
                screen._act(lambda: screen.room.remove(student.id))

        question = f"Remove {student.name} from the room? Their answers stay on record"
        self.app.push_screen(Confirm(question), lambda yes: confirmed(self, yes))

    def _act(self, action: Callable[[], object]) -> None:
        try:
            action()
        except RoomError as error:
            self.notify(visible(str(error)), markup=False, severity="warning")
        self.refresh_students()

    def action_close(self) -> None:
        self.dismiss(None)


def _roster_row(student: Student) -> Content:
    parts = [student.name]
    if student.team:
        parts.append(f"({student.team})")
    if student.extra_seconds:
        parts.append(f"+{student.extra_seconds:g} s")
    return plain("  ".join(parts))


class PresenterApp(App[int]):
    """The presenter: one room, shown large, one key to go on (enter)."""

    CSS_PATH = "presenter.tcss"
    TITLE = "otsquiz class"
    BINDINGS = [
        Binding("enter,space", "advance", "Next", priority=False),
        Binding("s", "students", "Students"),
        Binding("ctrl+q", "quit_room", "Quit", priority=True),
    ]

    def __init__(
        self,
        room: Room,
        *,
        address: str | None = None,
        poll_seconds: float | None = POLL_SECONDS,
        catch_signals: bool = False,
    ) -> None:
        super().__init__()
        self.room = room
        self.address = address
        self.poll_seconds = poll_seconds
        self.catch_signals = catch_signals
        self.view: View = "lobby"
        self.position = 0
        self.last_reveal: Reveal | None = None
        self._showing = False  # between two views: no poll, no step on

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.room.clock

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="stage")

    @ends_app_on_store_error
    async def on_mount(self) -> None:
        if self.catch_signals:
            self._catch_signals()
        state = self.room.state()
        self.position = state.position
        if state.phase == "ended":
            await self.show("final")
        elif state.phase == "question":
            await self.show("question")
        elif state.phase == "revealed":
            self.last_reveal = self.room.revealed(state.position)
            await self.show("revealed")
        else:
            await self.show("lobby")
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.poll)

    def _catch_signals(self) -> None:
        """Killed by a signal, end as ctrl+q does (the terminal given back); the room stays for --resume."""
        import asyncio

        from otsquiz.tui.app import CAUGHT_SIGNALS

        loop = asyncio.get_running_loop()
        for number in CAUGHT_SIGNALS:
            with contextlib.suppress(ValueError, OSError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(number, self.exit, None, 128 + number)

    # ------------------------------------------------------------ views

    async def show(self, view: View) -> None:
        # While the widgets change, a poll or a key does nothing (``_showing``): the old view's
        # widgets are gone and the new one's not there yet.
        self._showing = True
        try:
            stage = self.query_one("#stage", VerticalScroll)
            await stage.remove_children()
            stage.set_classes(view)
            await stage.mount_all(list(self._widgets(view)))
            stage.scroll_home(animate=False)
            self.view = view
        finally:
            self._showing = False
        self.poll()

    def _widgets(self, view: View) -> list[Widget]:
        if view == "lobby":
            return self._lobby()
        if view == "question":
            return self._question()
        if view == "revealed":
            return self._revealed()
        if view == "scoreboard":
            return self._scoreboard()
        return self._final()

    def _lobby(self) -> list[Widget]:
        code = spaced(self.room.code)
        join = [f"In a terminal: otsquiz join {code}"]
        if self.address:
            join.insert(0, f"In a browser: {self.address}")
        main = Vertical(
            Static("Join the room", classes="label"),
            BigCode(self.room.code, id="code"),
            Static(plain("\n".join(join)), id="join"),
            Static(id="joined", classes="label"),
            Static(id="students"),
            Static("Press enter to start · s: students", classes="keys"),
            id="lobby-main",
        )
        if not self.address:
            return [main]
        from otsquiz.tui.classroom.qr import qr_lines  # deferred: segno only with an address

        return [Horizontal(main, Static(Content("\n".join(qr_lines(self.address))), id="qr"), id="lobby")]

    def _heading(self, what: str) -> Static:
        total = len(self.room.questions)
        return Static(f"Question {self.position} of {total}{what}", classes="label", id="heading")

    def _question(self) -> list[Widget]:
        question = self.room.question(self.position)
        widgets: list[Widget] = [
            Horizontal(self._heading(""), BigCount("seconds", id="countdown"), classes="top"),
            Static(plain(question.text), id="question-text"),
        ]
        lines = _option_lines(question.form, question.options, question.lefts, question.unit)
        if lines:
            widgets.append(Static(plain("\n".join(lines)), id="options"))
        widgets += [
            BigCount("answered", id="progress"),
            Static("enter: reveal the answer · s: students", classes="keys"),
        ]
        return widgets

    def _revealed(self) -> list[Widget]:
        reveal = self.last_reveal
        assert reveal is not None
        widgets: list[Widget] = [
            self._heading(": the answer"),
            Static(plain(reveal.question.text), id="question-text"),
            Static(plain(f"Answer: {reveal.expected}"), id="answer"),
        ]
        if reveal.explanation:
            widgets.append(Static(plain(reveal.explanation), id="explanation"))
        bars = _reveal_bars(reveal, bar_width(self.size.width))
        if bars:
            widgets.append(Static(bars, id="bars"))
        widgets += [
            Static(f"{reveal.correct} of {_plural(reveal.students, 'student')} right", id="share"),
            Static(f"enter: {self._next_after_reveal()}", classes="keys"),
        ]
        return widgets

    def _next_after_reveal(self) -> str:
        if self.room.options.scoreboard != "none":
            return "the scoreboard"
        return self._next_question()

    def _next_question(self) -> str:
        return "the final results" if self.position >= len(self.room.questions) else "the next question"

    def _scoreboard(self) -> list[Widget]:
        board = self.room.scoreboard()
        total = len(self.room.questions)
        lines = _ranking_lines(board.top) or ["No one has joined."]
        widgets: list[Widget] = [
            Static(f"Scoreboard after question {self.position} of {total}", classes="label"),
            Static(plain("\n".join(lines)), id="ranking"),
        ]
        if board.teams:
            widgets.append(Static(plain("\n".join(_team_lines(board.teams))), id="teams"))
        widgets.append(Static(f"enter: {self._next_question()}", classes="keys"))
        return widgets

    def _final(self) -> list[Widget]:
        widgets: list[Widget] = []
        if self.room.options.scoreboard != "none":
            board = self.room.scoreboard(top=FINAL_TOP)
            lines = _ranking_lines(board.top) or ["No one joined."]
            widgets += [
                Static("Final ranking", classes="label"),
                Static(plain("\n".join(lines)), id="ranking"),
            ]
            if board.teams:
                widgets.append(Static(plain("\n".join(_team_lines(board.teams))), id="teams"))
        summary = []
        for position in range(1, len(self.room.questions) + 1):
            row = self.room.tables.question(self.room.id, position)
            if row is None or row.revealed is None:
                continue
            reveal = self.room.revealed(position)
            share = round(100 * reveal.correct / reveal.students) if reveal.students else 0
            summary.append(f"{position:>2}. {share:>3} % right  {_one_line(reveal.question.text)}")
        widgets += [
            Static("Per question", classes="label"),
            Static(plain("\n".join(summary) or "No question was asked."), id="summary"),
            Static("The room has ended · ctrl+q: quit", classes="keys"),
        ]
        return widgets

    # ------------------------------------------------------------ the store, polled

    @ends_app_on_store_error
    def poll(self) -> None:
        """Read what students did since the last poll: joins in the lobby, answers and time in a question."""
        if self._showing:
            return
        if self.view == "lobby":
            students = self.room.students()
            self.query_one("#joined", Static).update(
                f"{_plural(len(students), 'student')} joined" if students else "No one has joined yet"
            )
            self.query_one("#students", Static).update(plain("   ".join(s.name for s in students)))
        elif self.view == "question":
            progress = self.room.progress()
            self.query_one("#progress", BigCount).show(
                f"{progress.answered}/{progress.students}",
                f"{progress.answered} of {progress.students} answered",
            )
            self._tick()

    def _tick(self) -> None:
        """The countdown; at its end (the longest extra time included) the question is revealed."""
        deadline = self.room.deadline()
        countdown = self.query_one("#countdown", BigCount)
        if deadline is None:
            countdown.show("", "")
            return
        now = self.clock()
        left = (deadline - now).total_seconds()
        extra = max((student.extra_seconds for student in self.room.students()), default=0.0)
        if left > 0:
            seconds = int(left + 0.999)  # 0.2 s left shows as 1, never as 0 while it runs
            countdown.show(str(seconds), f"{seconds} s")
        elif left + extra > 0:
            countdown.show("", f"extra time: {int(left + extra + 0.999)} s")
        else:
            countdown.show("", "time is up")
            self.call_later(self._time_up, self.position)

    async def _time_up(self, position: int) -> None:
        if self.view == "question" and self.position == position:  # not revealed by a key meanwhile
            await self.action_advance()

    # ------------------------------------------------------------ keys

    @ends_app_on_store_error
    async def action_advance(self) -> None:
        """Enter: start, reveal, scoreboard, next question, final: one step on."""
        if isinstance(self.screen, ModalScreen) or self._showing:
            return
        try:
            if self.view == "lobby":
                await self._start_next()
            elif self.view == "question":
                self.last_reveal = self.room.reveal()
                await self.show("revealed")
            elif self.view == "revealed" and self.room.options.scoreboard != "none":
                await self.show("scoreboard")
            elif self.view in ("revealed", "scoreboard"):
                await self._start_next()
        except RoomError as error:
            self.notify(visible(str(error)), markup=False, severity="warning")

    async def _start_next(self) -> None:
        if self.position >= len(self.room.questions):
            self.room.end()
            # The class's misses into each student's own schedule now; otsquiz results catches a room
            # whose presenter died before this.
            bridge.carry(self.room.store, self.room.id)
            await self.show("final")
            return
        self.room.start(self.position + 1)
        self.position += 1
        await self.show("question")

    def action_students(self) -> None:
        if not isinstance(self.screen, ModalScreen) and self.view != "final":
            self.push_screen(RosterScreen(self.room), lambda _: self.poll())

    def action_quit_room(self) -> None:
        self.exit(0)


def _one_line(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _option_lines(form: str, options: tuple[str, ...], lefts: tuple[str, ...], unit: str) -> list[str]:
    """What students choose from, lettered; for typed forms, what to type."""
    if form == "truefalse":
        return ["A  True", "B  False"]
    if form in ("choice", "multi"):
        lines = [f"{letter(i)}  {option}" for i, option in enumerate(options)]
        return [*lines, "(select all that apply)"] if form == "multi" else lines
    if form == "order":
        return ["Put in order:", *(f"{letter(i)}  {option}" for i, option in enumerate(options))]
    if form == "match":
        width = max(len(left) for left in lefts) if lefts else 0
        rows = max(len(lefts), len(options))
        return [
            f"{(lefts[i] if i < len(lefts) else '').ljust(width)}    "
            f"{letter(i) + '  ' + options[i] if i < len(options) else ''}"
            for i in range(rows)
        ]
    return [f"Type the answer{f' (in {unit})' if unit else ''}."]


def _reveal_bars(reveal: Reveal, longest: int) -> Content | None:
    """A bar per option (choice, multi, truefalse), the right ones ticked and green; or the most
    common typed answers. Deck text and answers go in as plain text, never markup."""
    lines: list[tuple[str, str]] = []  # (text, style)
    if reveal.options:
        most = max(option.chosen for option in reveal.options)
        width = max(len(visible(option.option)) for option in reveal.options)
        for i, option in enumerate(reveal.options):
            text = (
                f"{'✓' if option.right else ' '} {letter(i)}  {visible(option.option).ljust(width)}  "
                f"{bar(option.chosen, most, longest)} {option.chosen}"
            )
            lines.append((text, "bold green" if option.right else ""))
    elif reveal.common:
        most = max(count for _, count in reveal.common)
        width = max(len(visible(given)) for given, _ in reveal.common)
        lines.append(("Most common answers:", ""))
        for given, count in reveal.common:
            lines.append((f"  {visible(given).ljust(width)}  {bar(count, most, longest)} {count}", ""))
    if not lines:
        return None
    parts: list[str | tuple[str, str]] = []
    for number, (text, style) in enumerate(lines):
        parts += ["\n"] if number else []
        parts.append((text, style) if style else text)
    return Content.assemble(*parts)


def _ranking_lines(standings: Sequence[Standing]) -> list[str]:
    width = max((len(standing.name) for standing in standings), default=0)
    points = max((len(str(standing.points)) for standing in standings), default=0)
    return [
        f"{standing.rank:>2}.  {standing.name.ljust(width)}  {standing.points:>{points}} "
        + ("point " if standing.points == 1 else "points")
        + (f"  {standing.team}" if standing.team else "")
        for standing in standings
    ]


def _team_lines(teams: Sequence[TeamStanding]) -> list[str]:
    return ["Teams (average points):"] + [
        f"{team.rank:>2}.  {team.name}  {team.points:.1f}  ({_plural(team.members, 'member')})"
        for team in teams
    ]
