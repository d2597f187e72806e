"""A student in a room without the app: ``otsquiz join CODE --plain``, line by line on stdin/stdout.

For screen readers, SSH sessions and scripts. The first half is the student's
side of a room with no UI at all, which the app (``otsquiz.tui.classroom.student``)
uses too: finding the room by its code, keeping the rejoin token, the words
for a score and a reveal. The second half, ``PlainStudent``, follows the
room's phase by polling the store and asks each question with the plain
mode's line readers (``otsquiz.plain``).

A line answers the question on screen; ``:quit`` (or the end of input) leaves
the room, and ``otsquiz join CODE`` again gets the same student back, with
their answers and score, through the token kept in the data folder. Piped
input is read only when a question asks for a line, so a pipe that ends
while the room waits in its lobby is noticed at the first question.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from otsquiz.core.room import Room, RoomError, Student, find, normalise_code, spaced
from otsquiz.core.text import visible

if TYPE_CHECKING:
    from otsquiz.core.room import Answered, Reveal
    from otsquiz.core.session import Question
    from otsquiz.core.store import Store
    from otsquiz.plain import _Reader as _LineReader

POLL_SECONDS = 0.5
"""How often a student's process reads where the room is: a reveal shows within half a second."""

EXIT_OK, EXIT_PROBLEMS, EXIT_REFUSED = 0, 1, 2

REMOVED = "The teacher took you out of the room."
HELP = "Commands: :quit leaves the room (`otsquiz join {code}` again brings you back, with your score)."


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- the student's side, no UI


class Refused(Exception):
    """The student cannot get in (a wrong or ended code, removed, no name): the message and exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Seat(NamedTuple):
    """A student in a room, and the token their device keeps to come back."""

    student: Student
    token: str


def enter(store: Store, code: str, *, clock: Callable[[], datetime] = _now) -> Room:
    """The open room ``code`` names, loaded over the decks here; ``Refused`` says why not."""
    normal = normalise_code(code)
    if normal is None:
        raise Refused(f"'{visible(code)}' is not a room code: a code is 6 letters and digits, like ABC-DEF.")
    row = find(store, normal, clock=clock)
    if row is None:
        raise Refused(
            f"No open room has the code {spaced(normal)}: check it with your teacher "
            "(a room closes when the teacher ends it)."
        )
    from otsquiz.core.selection import library_decks  # loading decks is for a room found only

    decks, _ = library_decks()
    try:
        return Room.load(store, row.id, decks, clock=clock)
    except RoomError as error:  # its decks are not on this machine
        raise Refused(str(error), EXIT_PROBLEMS) from error


STUDENT_TOKEN_ENV = "OTSQUIZ_STUDENT_TOKEN"
"""Set by ``otsquiz serve`` per browser student (a digest of their cookie's secret)."""


def token_path(room: Room) -> Path:
    """Where this device keeps its token for ``room``: by code and room, as an ended room's code
    may name a new room later; and by browser student, as every student's process behind
    ``otsquiz serve`` shares the server's data folder."""
    from otsquiz.core.paths import data_dir

    student = os.environ.get(STUDENT_TOKEN_ENV, "")
    # Only a name-safe token goes into the file name (the server's is hex); another is hashed.
    if student and not (student.isascii() and student.isalnum() and len(student) <= 128):
        student = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()
    suffix = f"-{student}" if student else ""
    return data_dir() / "rooms" / f"{room.code}-{room.id}{suffix}.token"


def kept_token(room: Room) -> str | None:
    try:
        token = token_path(room).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return token or None


def keep_token(room: Room, token: str) -> bool:
    """Write the token, readable by this user only (it lets anyone holding it answer as the student).

    False when it cannot be written (a read-only folder): the student is in, but cannot come back.
    """
    path = token_path(room)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(token + "\n")
        os.chmod(path, 0o600)  # a file left by an older umask is narrowed too
    except OSError:
        return False
    return True


def rejoin_kept(room: Room) -> Seat | None:
    """The student this device joined ``room`` as before, if any; ``Refused`` when removed since."""
    token = kept_token(room)
    if token is None:
        return None
    student = room.rejoin(token)
    if student is None:  # a token this device got from the room: only removal voids it
        raise Refused(REMOVED)
    return Seat(student, token)


def take_seat(room: Room, name: str | None, *, profile_id: int | None = None) -> Seat:
    """Join ``room`` as ``name`` (None: a generated name) and keep the token; ``RoomError`` if refused."""
    joined = room.join(name, profile_id=profile_id)
    keep_token(room, joined.token)
    return Seat(joined.student, joined.token)


def needs_name(room: Room) -> bool:
    return room.options.names != "generated"


def waiting_text(student: Student) -> str:
    team = f" (team {student.team})" if student.team else ""
    return f"You are in, {student.name}{team}. Waiting for the first question."


def _plural(count: int | float, noun: str) -> str:
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{shown} {noun}{'' if count == 1 else 's'}"


def score_text(room: Room, student_id: int, *, final: bool = False) -> str:
    """ "Your score: 3 points (3 right) · rank 2 of 12" (the rank when the room shows each student theirs)."""
    board = room.scoreboard(student_id)
    you = board.you
    if you is None:
        return ""
    label = "Final score" if final else "Your score"
    text = f"{label}: {_plural(you.points, 'point')}"
    if room.options.speed_points or room.options.streaks:
        text += f" ({you.right} right)"
    if board.shown == "all":
        text += f" · rank {you.rank} of {board.students}"
    if you.team is not None and board.shown != "none":
        team = next((team for team in board.teams if team.name == you.team), None)
        if team is not None:
            text += f" · {team.name}: rank {team.rank} of {len(board.teams)}"
    return text


def verdict_text(mine: Answered | None) -> str:
    if mine is None:
        return "No answer"
    return "✓ Right" if mine.correct else "✗ Not right"


def reveal_lines(reveal: Reveal, mine: Answered | None) -> list[str]:
    """What a student reads once a question is revealed (the score line apart)."""
    lines = [f"{verdict_text(mine)}. The answer: {reveal.expected}"]
    if mine is not None and not mine.correct:
        lines.append(f"You answered: {mine.given}")
    if reveal.explanation:
        lines.append(reveal.explanation)
    lines.append(f"The class: {reveal.correct} of {reveal.students} right.")
    return lines


def time_left(room: Room, student_id: int, now: datetime) -> float | None:
    """Seconds left to answer the running question (None: no limit)."""
    deadline = room.deadline(student_id)
    return None if deadline is None else max(0.0, (deadline - now).total_seconds())


# ---------------------------------------------------------------- the plain mode


class _Leave(Exception):
    """The student left (":quit" or the end of input)."""


class PlainStudent:
    """One student's room on stdin/stdout. ``wait(seconds)`` is called between polls (tests drive
    the presenter there); ``clock`` is the room's."""

    def __init__(
        self,
        room: Room,
        *,
        name: str | None = None,
        profile_id: int | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        wait: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _now,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.room = room
        self.name = name
        self.profile_id = profile_id
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.wait = wait
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.seat: Seat | None = None
        self._interactive = _is_tty(self.stdin)
        self._shown: tuple[str, int] | None = None  # the phase and question last told

    def say(self, text: str = "") -> None:
        # Deck text and names are shown as typed, with control characters spelled out.
        self.stdout.write("\n".join(visible(line) for line in text.split("\n")) + "\n")
        self.stdout.flush()

    def _readline(self, prompt: str, *, position: int | None = None) -> str | None:
        """A line; None when question ``position`` closed first (at a terminal, polled meanwhile)."""
        self.stdout.write(visible(prompt))
        self.stdout.flush()
        if self._interactive and position is not None:
            while not _readable(self.stdin, self.poll_seconds):
                state = self.room.state()
                if state.phase != "question" or state.position != position:
                    self.say()
                    return None
        line = self.stdin.readline()
        if not line:
            self.say()
            raise _Leave
        line = line.rstrip("\r\n")
        if not self._interactive:
            self.say(line)  # piped input is not echoed: show it, so the transcript reads right
        return line

    def run(self) -> int:
        room = self.room
        self.say(f"Room {spaced(room.code)}: {_plural(len(room.questions), 'question')}. {self.help}")
        try:
            self.seat = self._take_seat()
        except Refused as refused:
            self.say(str(refused))
            return refused.exit_code
        except _Leave:
            self.say("No name was given, so you did not join the room.")
            return EXIT_REFUSED
        try:
            return self._follow(self.seat)
        except _Leave:
            self.say(f"You left the room. `otsquiz join {self.room.code}` brings you back, with your score.")
            return EXIT_OK

    def _take_seat(self) -> Seat:
        room = self.room
        seat = rejoin_kept(room)
        if seat is not None:
            self.say(f"Welcome back, {seat.student.name}.")
            return seat
        name = self.name
        while True:
            if name is None and needs_name(room):
                name = self._readline("Your name> ")
                assert name is not None  # a name is read without polling
                if name.startswith(":"):
                    raise _Leave
            try:
                return take_seat(room, name, profile_id=self.profile_id)
            except RoomError as error:
                self.say(str(error))
                if not needs_name(room):  # a room of generated names refused: ended meanwhile
                    raise Refused(str(error)) from error
                name = None

    def _follow(self, seat: Seat) -> int:
        room = self.room
        while True:
            if room.rejoin(seat.token) is None:
                self.say(REMOVED)
                return EXIT_REFUSED
            state = room.state()
            shown = (state.phase, state.position)
            if shown != self._shown:
                self._shown = shown
                if state.phase == "ended":
                    self.say()
                    self.say("The room has ended.")
                    score = score_text(room, seat.student.id, final=True)
                    if score:
                        self.say(score)
                    return EXIT_OK
                if state.phase == "lobby":
                    self.say(waiting_text(seat.student))
                elif state.phase == "question":
                    self._ask(seat, state.position, state.questions)
                elif state.phase == "revealed":
                    self._reveal(seat, state.position)
            self._pause()

    @property
    def help(self) -> str:
        return HELP.format(code=self.room.code)

    def _pause(self) -> None:
        """Until the next poll. At a terminal a line typed meanwhile is read now: ``:quit`` leaves,
        and anything else is not kept to answer the next question before it is even shown."""
        if not self._interactive:
            self.wait(self.poll_seconds)
            return
        if _readable(self.stdin, self.poll_seconds):
            line = self.stdin.readline()
            if not line or line.strip().lower() in (":quit", ":q"):
                raise _Leave
            self.say(f"Nothing to answer yet: the teacher's next question will show here. {self.help}")

    def _ask(self, seat: Seat, position: int, questions: int) -> None:
        room = self.room
        self.say()
        self.say(f"Question {position} of {questions}")
        mine = room.my_answer(seat.student.id, position)
        question = room.question(position)
        self.say(question.text)
        if mine is not None:
            self.say(f"Answer sent before: {mine.given}. Waiting for the teacher.")
            return
        left = time_left(room, seat.student.id, self.clock())
        if left is not None:
            self.say(f"You have {_plural(round(left), 'second')}.")
        reader = _reader(question, self.say)
        while True:
            line = self._readline(reader.prompt, position=position)
            if line is None:
                self.say("The question closed before your answer.")
                return
            if line.strip().startswith(":"):
                if line.strip().lower() in (":quit", ":q"):
                    raise _Leave
                self.say(self.help)
                continue
            response = reader.parse(line)
            if response is None:
                if self._interactive:
                    self.say(reader.help)
                    continue
                self.say(f"That line does not answer the question, so no answer was sent. ({reader.help})")
                return
            try:
                sent = room.answer(seat.student.id, position, response)
            except RoomError as error:
                self.say(str(error))
                return
            self.say(f"Answer sent: {sent.given}. Waiting for the teacher.")
            return

    def _reveal(self, seat: Seat, position: int) -> None:
        room = self.room
        reveal = room.revealed(position)
        self.say()
        for line in reveal_lines(reveal, room.my_answer(seat.student.id, position)):
            self.say(line)
        score = score_text(room, seat.student.id)
        if score:
            self.say(score)
        self.say("Waiting for the next question.")


def _reader(question: Question, say: Callable[[str], None]) -> _LineReader:
    """The plain mode's line reader for the question's kind (it prints the options)."""
    from otsquiz import plain

    return plain._READERS[question.type](question, say)


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _readable(stream: TextIO, timeout: float) -> bool:
    """Whether a line can be read from ``stream`` within ``timeout`` seconds (a terminal: select)."""
    try:
        ready, _, _ = select.select([stream], [], [], timeout)
    except (OSError, ValueError, TypeError):
        return True  # a stream select cannot watch: read it, blocking
    return bool(ready)


def run_plain(
    store: Store,
    code: str,
    *,
    name: str | None = None,
    profile: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """``otsquiz join CODE --plain`` on an open store: the exit code (a ``StoreError`` is the caller's)."""
    out = stdout if stdout is not None else sys.stdout
    try:
        room = enter(store, code)
    except Refused as refused:
        print(f"otsquiz: {refused}", file=sys.stderr)
        return refused.exit_code
    profile_id = store.profile(profile).id if profile else None
    if stdin is None:
        stdin = sys.stdin
        reconfigure = getattr(stdin, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError):
                reconfigure(errors="replace")  # a stray byte is an odd answer, not the end of the room
    return PlainStudent(room, name=name, profile_id=profile_id, stdin=stdin, stdout=out).run()


def join_plain(code: str, *, name: str | None = None, profile: str | None = None) -> int:
    """``otsquiz join CODE --plain`` from the command line, with no Textual imported: the exit code
    (0 done or left, 1 a store failure, 2 a wrong or ended code, a removed student, a closed stdin)."""
    from otsquiz.core.store import Store, StoreError

    if sys.stdin is None or sys.stdin.closed:
        print("otsquiz: standard input is closed: the plain mode reads the answers from it", file=sys.stderr)
        return EXIT_REFUSED
    try:
        with Store.open() as store:
            return run_plain(store, code, name=name, profile=profile)
    except StoreError as error:
        print(f"otsquiz: {visible(str(error))}", file=sys.stderr)
        return EXIT_PROBLEMS
