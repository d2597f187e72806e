"""A student's screens in the app (``otsquiz join CODE``), the presenter driven through the core.

The app polls the store on a timer; here it starts none (``poll_seconds=None``)
and the tests call ``poll`` after each of the presenter's steps, as the timer would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from otsquiz import plain_room
from otsquiz.core.store import Store, StoreError
from otsquiz.tui.classroom.student import StudentApp, View
from otsquiz.tui.widgets.answers.text import TextAnswer
from tests.tui.test_student_support import Clock, add_room_tables, open_room, students_room

SIZE = (100, 30)


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
    with Store.open(db_path) as opened:
        yield opened


def text(app: StudentApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def step(pilot: Pilot[Any], app: StudentApp) -> None:
    """What the app's timer does after a presenter's step: poll, and let the screen settle."""
    await app.poll()
    await pilot.pause()


async def type_in(pilot: Pilot[Any], selector: str, typed: str) -> None:
    pilot.app.query_one(selector, Input).insert_text_at_cursor(typed)
    await pilot.press("enter")


async def test_a_student_joins_waits_answers_sees_the_reveal_with_their_rank_and_the_end(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=2)
    room.join("Bora")
    app = StudentApp(students_room(student_store, room, clock), clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        assert app.view == View("name")
        await type_in(pilot, "#name", "Ayşe")
        assert app.view == View("lobby")
        assert text(app, "#message") == "You are in, Ayşe. Waiting for the first question."
        assert "Room ABC-DEF · Ayşe" in text(app, "#status")

        room.start(1)
        clock.advance(2)
        await step(pilot, app)
        assert app.view == View("question", 1)
        assert text(app, "#meta") == "Question 1 of 2" and text(app, "#question") == "Founded in?"
        assert app.query(TextAnswer) and "⏱ 18s" in text(app, "#status")
        await type_in(pilot, "#text-answer", "2009")
        assert app.view == View("answered", 1)
        assert text(app, "#message") == "Answer sent: 2009. Waiting for the teacher."
        assert not app.query("#answer-area")  # one answer per question
        room.answer(room.students()[0].id, 1, "1999")  # Bora

        room.reveal()
        await step(pilot, app)
        assert app.view == View("revealed", 1)
        assert text(app, "#verdict") == "✓ Right. The answer: 2009"
        assert app.query_one("#verdict").has_class("right")
        assert "The class: 1 of 2 right." in text(app, "#details")
        assert text(app, "#score") == "Your score: 1 point · rank 1 of 2"

        room.start(2)
        await step(pilot, app)
        question = room.question(2)
        await pilot.press(str(question.options.index("Hungary") + 1), "enter")  # a wrong pick, then check
        assert app.view == View("answered", 2)
        room.answer(
            room.students()[0].id, 2, {question.options.index("Turkey"), question.options.index("Kazakhstan")}
        )
        room.reveal()
        await step(pilot, app)
        assert text(app, "#verdict") == "✗ Not right. The answer: Turkey, Kazakhstan"
        assert app.query_one("#verdict").has_class("wrong")
        assert "You answered: Hungary" in text(app, "#details")
        assert text(app, "#score") == "Your score: 1 point · rank 1 of 2"  # tied with Bora: a shared rank

        room.end()
        await step(pilot, app)
        assert app.view == View("ended")
        assert text(app, "#score") == "Final score: 1 point · rank 1 of 2"
        await pilot.press("enter")
    assert app.return_value == 0
    ayse = room.students()[1].id
    mine = [(row.position, row.correct) for row in room.tables.answers(room.id) if row.student_id == ayse]
    assert mine == [(1, True), (2, False)]


async def test_rejoining_with_the_kept_token_gets_the_same_student_with_answers_and_score(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=2)
    app = StudentApp(students_room(student_store, room, clock), name="Ali", clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        assert app.view == View("lobby")  # the name came from --name: nothing to type
        room.start(1)
        await step(pilot, app)
        await type_in(pilot, "#text-answer", "2009")
        room.reveal()
        room.start(2)
        await pilot.press("ctrl+q")  # the connection drops mid-question
    # a new process: the token this device kept gets the same student back
    again = students_room(student_store, room, clock)
    seat = plain_room.rejoin_kept(again)
    assert seat is not None and seat.student.name == "Ali"
    app = StudentApp(again, seat=seat, clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.view == View("question", 2)
        room.reveal()
        await step(pilot, app)
        assert text(app, "#score") == "Your score: 1 point · rank 1 of 1"
    assert len(room.students()) == 1


async def test_an_answer_sent_before_the_drop_shows_as_sent(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=1)
    joined = room.join("Ali")
    room.start(1)
    room.answer(joined.student.id, 1, "2009")
    seat = plain_room.Seat(joined.student, joined.token)
    app = StudentApp(students_room(student_store, room, clock), seat=seat, clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.view == View("answered", 1) and not app.query("#answer-area")


async def test_a_taken_name_is_refused_on_screen_and_a_markup_name_shows_as_typed(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock)
    room.join("Ayşe")
    app = StudentApp(students_room(student_store, room, clock), name="AYŞE", clock=clock, poll_seconds=None)
    typed = "[bold red]Ali[/] $x"
    async with app.run_test(size=SIZE) as pilot:
        assert app.view == View("name")
        assert text(app, "#problem") == "Someone in the room is called AYŞE already: choose another name."
        await type_in(pilot, "#name", typed)
        assert app.view == View("lobby")
        assert text(app, "#message") == f"You are in, {typed}. Waiting for the first question."
        assert typed in text(app, "#status")
        room.rename(room.students()[1].id, "Ali")  # the teacher renames a name
        await step(pilot, app)
        assert "Room ABC-DEF · Ali" in text(app, "#status")


async def test_what_is_typed_when_time_runs_out_is_sent_and_nothing_typed_is_no_answer(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock, count=2, seconds=5)
    app = StudentApp(students_room(student_store, room, clock), name="Ali", clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        room.start(1)
        await step(pilot, app)
        app.query_one("#text-answer", Input).insert_text_at_cursor("2009")  # typed, not sent
        clock.advance(5)
        await step(pilot, app)
        assert app.view == View("answered", 1)
        assert text(app, "#message") == "Answer sent: 2009. Waiting for the teacher."
        room.reveal()
        room.start(2)
        await step(pilot, app)
        clock.advance(10)
        await step(pilot, app)
        assert app.view == View("closed", 2)
        assert text(app, "#message") == "Time is up: no answer was sent. Waiting for the teacher."
        room.reveal()
        await step(pilot, app)
        assert text(app, "#verdict").startswith("No answer. The answer: ")
    assert [row.given for row in room.tables.answers(room.id)] == ["2009"]


async def test_a_student_the_teacher_removes_is_told_and_leaves_with_code_2(
    presenter_store: Store, student_store: Store, clock: Clock
) -> None:
    room = open_room(presenter_store, clock)
    app = StudentApp(students_room(student_store, room, clock), name="Ali", clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        room.remove(room.students()[0].id)
        await step(pilot, app)
        assert app.view == View("removed")
        assert text(app, "#message") == plain_room.REMOVED
        await pilot.press("enter")
    assert app.return_value == 2


async def test_a_failing_database_ends_the_app_with_its_message(
    presenter_store: Store, student_store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = open_room(presenter_store, clock)
    student_room = students_room(student_store, room, clock)
    app = StudentApp(student_room, name="Ali", clock=clock, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:

        def busy() -> Any:
            raise StoreError("The progress database is busy.")

        monkeypatch.setattr(student_room, "state", busy)
        await step(pilot, app)
    assert app.return_code == 1


async def test_the_timer_polls_the_room(presenter_store: Store, student_store: Store, clock: Clock) -> None:
    room = open_room(presenter_store, clock)
    app = StudentApp(students_room(student_store, room, clock), name="Ali", clock=clock, poll_seconds=0.01)
    async with app.run_test(size=SIZE) as pilot:
        room.start(1)
        for _ in range(500):  # a deadline, not a sleep: the timer's poll shows the question
            await pilot.pause(0.01)
            if app.view == View("question", 1):
                break
        assert app.view == View("question", 1)
