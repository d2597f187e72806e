"""``otsquiz join CODE --plain``: a student in a room, line by line, with piped input.

The presenter is driven through the core between the student's polls (the
runner's ``wait``), so nothing sleeps: each poll runs the presenter's next step.
"""

from __future__ import annotations

import io
import os
import queue
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tomli_w

from otsquiz import plain_room
from otsquiz.core import paths
from otsquiz.core.room import Room
from otsquiz.core.store import Store
from otsquiz.plain_room import REMOVED, PlainStudent
from otsquiz.tui.classroom.student import run_join
from tests.tui.test_student_support import (
    CODE,
    DOCUMENT,
    Clock,
    add_room_tables,
    open_room,
    right_line,
    room_deck,
    students_room,
    wrong_line,
)


@pytest.fixture(autouse=True)
def room_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    add_room_tables(monkeypatch)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "class.sqlite3"


@pytest.fixture
def presenter_store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def student_store(db_path: Path, presenter_store: Store) -> Iterator[Store]:
    """The student's process has a connection of its own to the same database."""
    with Store.open(db_path) as opened:
        yield opened


class Dropped(Exception):
    """The student's connection drops (the process is killed between two polls)."""


def drop() -> None:
    raise Dropped


class Presenter:
    """The presenter's next steps, one per student poll; a poll with none left is a hung student."""

    def __init__(self, room: Room, clock: Clock, steps: list[Callable[[], object]]) -> None:
        self.room = room
        self.clock = clock
        self.steps = list(steps)
        self.polls = 0

    def __call__(self, seconds: float) -> None:
        self.polls += 1
        assert self.steps, "the student kept waiting after the presenter's last step"
        self.steps.pop(0)()

    def ask(self, position: int) -> Callable[[], object]:
        def step() -> None:
            self.room.start(position)
            self.clock.advance(2)

        return step


def student(
    room: Room, lines: list[str], presenter: Presenter, clock: Clock, name: str | None = None
) -> tuple[PlainStudent, io.StringIO]:
    out = io.StringIO()
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    return PlainStudent(room, name=name, stdin=stdin, stdout=out, wait=presenter, clock=clock), out


def test_a_student_joins_answers_sees_each_reveal_and_the_end(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=2)
    first, second = room.questions
    presenter = Presenter(room, clock, [])
    presenter.steps = [presenter.ask(1), room.reveal, presenter.ask(2), room.reveal, room.end]
    runner, out = student(
        students_room(student_store, room, clock),
        ["Ayşe", right_line(first), wrong_line(second)],
        presenter,
        clock,
    )
    assert runner.run() == 0
    text = out.getvalue()
    expected_order = [
        "Room ABC-DEF: 2 questions.",
        "Your name> Ayşe",
        "You are in, Ayşe. Waiting for the first question.",
        "Question 1 of 2",
        first.text,
        "You have 18 seconds.",
        "Answer sent: 2009. Waiting for the teacher.",
        "✓ Right. The answer: 2009",
        "The class: 1 of 1 right.",
        "Your score: 1 point · rank 1 of 1",
        "Question 2 of 2",
        "  1. Kazakhstan",
        "✗ Not right. The answer: Turkey, Kazakhstan",
        "You answered: Hungary",
        "The room has ended.",
        "Final score: 1 point · rank 1 of 1",
    ]
    at = 0
    for line in expected_order:
        found = text.find(line, at)
        assert found >= 0, f"{line!r} missing (or out of order) in:\n{text}"
        at = found + len(line)
    answers = [(row.position, row.correct) for row in room.tables.answers(room.id)]
    assert answers == [(1, True), (2, False)]


def test_the_end_of_input_leaves_and_joining_again_keeps_the_answers_and_score(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=2)
    presenter = Presenter(room, clock, [])
    presenter.steps = [presenter.ask(1), room.reveal, presenter.ask(2)]
    runner, out = student(
        students_room(student_store, room, clock), ["Ali", right_line(room.questions[0])], presenter, clock
    )
    assert runner.run() == 0  # the input ends at question 2: the student leaves
    assert "You left the room. `otsquiz join ABCDEF` brings you back" in out.getvalue()
    token_file = plain_room.token_path(room)
    assert token_file.parent == paths.data_dir() / "rooms"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert len(room.students()) == 1
    # the connection comes back: a new process, the same device
    presenter.steps = [room.reveal, room.end]
    again, out = student(
        students_room(student_store, room, clock), [right_line(room.questions[1])], presenter, clock
    )
    assert again.run() == 0
    text = out.getvalue()
    assert "Welcome back, Ali." in text and "Your name>" not in text
    assert "Question 2 of 2" in text and "Your score: 2 points · rank 1 of 1" in text
    assert len(room.students()) == 1 and room.scoreboard().top[0].points == 2


def test_an_answer_sent_before_a_reconnect_is_shown_not_asked_again(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=1)
    presenter = Presenter(room, clock, [])
    presenter.steps = [presenter.ask(1), drop]
    first, _ = student(students_room(student_store, room, clock), ["Ali", "2009"], presenter, clock)
    with pytest.raises(Dropped):
        first.run()
    presenter.steps = [room.reveal, room.end]
    # the question is still running when the student comes back
    again, out = student(students_room(student_store, room, clock), [], presenter, clock)
    assert again.run() == 0
    text = out.getvalue()
    assert "Answer sent before: 2009. Waiting for the teacher." in text
    assert "Final score: 1 point" in text


def test_a_student_the_teacher_removes_is_told_so(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock)
    presenter = Presenter(room, clock, [])
    presenter.steps = [lambda: room.remove(room.students()[0].id)]
    runner, out = student(students_room(student_store, room, clock), ["Ali"], presenter, clock)
    assert runner.run() == 2
    assert out.getvalue().rstrip().endswith(REMOVED)
    # and coming back with the token does not get in
    again, out = student(students_room(student_store, room, clock), ["Ali again"], presenter, clock)
    assert again.run() == 2
    assert REMOVED in out.getvalue() and len(room.students()) == 0


def test_a_refused_name_is_asked_again_and_a_markup_name_is_kept_as_typed(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock)
    room.join("Ayşe")
    presenter = Presenter(room, clock, [room.end])
    typed = "[bold red]Ali[/] $x"
    runner, out = student(students_room(student_store, room, clock), ["AYŞE", "", typed], presenter, clock)
    assert runner.run() == 0
    text = out.getvalue()
    assert "Someone in the room is called AYŞE already: choose another name." in text
    assert "A name must be 1 to 24 characters long." in text
    assert f"You are in, {typed}. Waiting for the first question." in text
    assert [s.name for s in room.students()] == ["Ayşe", typed]


def test_a_name_on_the_command_line_and_a_room_of_generated_names_read_no_name(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, names="generated")
    presenter = Presenter(room, clock, [room.end])
    runner, out = student(students_room(student_store, room, clock), [], presenter, clock, name="Ignored")
    assert runner.run() == 0
    name = room.students()[0].name
    assert name != "Ignored" and f"You are in, {name}." in out.getvalue()
    assert "Your name>" not in out.getvalue()


def test_no_name_before_the_input_ends_joins_nobody(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock)
    runner, out = student(students_room(student_store, room, clock), [], Presenter(room, clock, []), clock)
    assert runner.run() == 2
    assert "No name was given, so you did not join the room." in out.getvalue()
    assert room.students() == []


def test_a_piped_line_that_answers_nothing_sends_nothing_and_the_room_goes_on(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=1)
    presenter = Presenter(room, clock, [])
    presenter.steps = [presenter.ask(1), room.reveal, room.end]
    runner, out = student(
        students_room(student_store, room, clock), ["Ali", "two thousand"], presenter, clock
    )
    assert runner.run() == 0
    text = out.getvalue()
    assert "That line does not answer the question, so no answer was sent." in text
    assert "No answer. The answer: 2009" in text and "Final score: 0 points" in text
    assert room.tables.answers(room.id) == []


def test_a_late_answer_is_refused_with_the_rooms_message(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=1, seconds=5)
    presenter = Presenter(room, clock, [])

    def ask_and_let_time_pass() -> None:
        room.start(1)
        clock.advance(30)

    presenter.steps = [ask_and_let_time_pass, room.end]
    runner, out = student(students_room(student_store, room, clock), ["Ali", "2009"], presenter, clock)
    assert runner.run() == 0
    assert "You have 0 seconds." in out.getvalue()
    assert room.tables.answers(room.id) == []


def test_at_a_terminal_a_question_that_closes_while_the_student_thinks_moves_on(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=1)
    room.join("Ali")
    read, write = os.pipe()
    try:
        with os.fdopen(read, "r") as stdin:
            out = io.StringIO()
            runner = PlainStudent(
                students_room(student_store, room, clock),
                stdin=stdin,
                stdout=out,
                clock=clock,
                poll_seconds=0.01,
            )
            room.start(1)
            room.reveal()  # before the student types anything: nothing is ever written to the pipe
            runner._interactive = True  # as at a terminal: input is polled, not waited for
            line = runner._readline("Your answer> ", position=1)
            assert line is None
    finally:
        os.close(write)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "Your score: 1 point · rank 2 of 2"),
        ({"scoreboard": "top"}, "Your score: 1 point"),
        ({"scoreboard": "none"}, "Your score: 1 point"),
        ({"streaks": True}, "Your score: 100 points (1 right) · rank 2 of 2"),
    ],
)
def test_the_score_line_shows_a_rank_only_where_the_room_shows_each_student_theirs(
    presenter_store: Store, clock: Clock, options: dict[str, object], expected: str
) -> None:
    room = open_room(presenter_store, clock, count=2, **options)
    ali, bora = (room.join(name).student for name in ("Ali", "Bora"))
    for position in (1, 2):
        question = room.start(position)
        room.answer(bora.id, position, right_line(question) if question.form != "multi" else {0, 1})
        if position == 1:
            room.answer(ali.id, position, right_line(question))
        room.reveal()
    assert plain_room.score_text(room, ali.id) == expected


def test_the_score_line_names_the_students_team_and_its_rank(presenter_store: Store, clock: Clock) -> None:
    room = open_room(presenter_store, clock, count=1, teams="Red,Blue")
    ali = room.join("Ali").student
    room.join("Bora")
    question = room.start(1)
    room.answer(ali.id, 1, right_line(question))
    room.reveal()
    assert (
        plain_room.score_text(room, ali.id) == f"Your score: 1 point · rank 1 of 2 · {ali.team}: rank 1 of 2"
    )
    assert (
        plain_room.waiting_text(ali) == f"You are in, Ali (team {ali.team}). Waiting for the first question."
    )


def test_at_a_terminal_a_line_typed_while_waiting_is_not_kept_for_the_next_question(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=1)
    read, write = os.pipe()
    os.write(write, b"2009\n:q\n")  # typed in the lobby, before any question
    os.close(write)
    with os.fdopen(read, "r") as stdin:
        out = io.StringIO()
        runner = PlainStudent(
            students_room(student_store, room, clock), name="Ali", stdin=stdin, stdout=out, clock=clock
        )
        runner._interactive = True  # as at a terminal: the room is polled while input is watched
        assert runner.run() == 0
    text = out.getvalue()
    assert "Nothing to answer yet: the teacher's next question will show here." in text
    assert "You left the room. `otsquiz join ABCDEF` brings you back" in text
    assert room.tables.answers(room.id) == []


# ---------------------------------------------------------------- the command's entry point


def test_join_refuses_a_wrong_and_an_ended_code(capsys: pytest.CaptureFixture[str], clock: Clock) -> None:
    assert run_join("nope", name="Ali", profile=None, plain=True) == 2
    assert "'nope' is not a room code" in capsys.readouterr().err
    assert run_join("XYZ-XYZ", name="Ali", profile=None, plain=True) == 2
    assert "No open room has the code XYZ-XYZ" in capsys.readouterr().err
    with Store.open() as store:
        room = open_room(store, clock)
        room.end()
    assert run_join("abc-def", name="Ali", profile=None, plain=False) == 2
    assert "No open room has the code ABC-DEF" in capsys.readouterr().err


def test_join_of_a_removed_student_and_a_damaged_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.user_decks_dir().mkdir(parents=True)
    (paths.user_decks_dir() / "class.toml").write_text(tomli_w.dumps(DOCUMENT), encoding="utf-8")
    with Store.open() as store:
        room = Room.open(store, [room_deck()], draw_code=lambda: CODE)  # on the real clock: run_join's
        joined = room.join("Ali")
        assert plain_room.keep_token(room, joined.token)
        room.remove(joined.student.id)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run_join(CODE, name=None, profile=None, plain=True) == 2
    assert REMOVED in capsys.readouterr().out
    assert run_join(CODE, name=None, profile=None, plain=False) == 2  # said before any app starts
    assert REMOVED in capsys.readouterr().err
    paths.database_path().write_bytes(b"this is no database" * 500)
    for fall_back in (True, False):
        assert run_join(CODE, name="Ali", profile=None, plain=fall_back) == 1
        assert capsys.readouterr().err.startswith("otsquiz: ")


def test_join_plain_imports_no_textual_and_refuses_a_closed_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import sys, otsquiz.plain_room\nprint('textual' in sys.modules, 'rich' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
    monkeypatch.setattr("sys.stdin", None)
    assert plain_room.join_plain(CODE, name="Ali") == 2


WATCHDOG_SECONDS = 60  # only a hung student process ever waits this long
CHILD = """
import sys
from otsquiz.core.store import migrations
if migrations.ROOMS not in migrations.MIGRATIONS:
    migrations.MIGRATIONS.append(migrations.ROOMS)
from otsquiz.plain_room import join_plain
sys.exit(join_plain(sys.argv[1]))
"""


def test_a_student_process_follows_the_presenter_through_the_store() -> None:
    """The real thing: a student's process polls the store while the presenter (this test) runs the room."""
    paths.user_decks_dir().mkdir(parents=True)
    (paths.user_decks_dir() / "class.toml").write_text(tomli_w.dumps(DOCUMENT), encoding="utf-8")
    with Store.open() as store:
        room = Room.open(store, [room_deck()], draw_code=lambda: CODE, seed="7")
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, "abc-def"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        lines: queue.Queue[str] = queue.Queue()
        assert child.stdout is not None and child.stdin is not None
        threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()

        def expect(text: str) -> None:
            seen = []
            while True:
                try:
                    line = lines.get(timeout=WATCHDOG_SECONDS)
                except queue.Empty:
                    child.kill()
                    raise AssertionError(f"never printed {text!r}; printed {seen}") from None
                seen.append(line)
                if text in line:
                    return

        try:
            child.stdin.write("Ayşe\n2009\n")
            child.stdin.flush()
            expect("You are in, Ayşe. Waiting for the first question.")
            room.start(1)
            expect("Answer sent: 2009. Waiting for the teacher.")
            assert room.progress().answered == 1
            room.reveal()
            expect("Your score: 1 point · rank 1 of 1")
            room.end()
            expect("Final score: 1 point · rank 1 of 1")
            child.stdin.close()
            assert child.wait(timeout=WATCHDOG_SECONDS) == 0
        finally:
            if child.poll() is None:
                child.kill()
