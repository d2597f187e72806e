"""Snapshots of a student's screens in a room (waiting, a question, answer sent, the reveal) at two sizes.

The room is the same on every run: code ABC-DEF, seed 7, a fixed clock, the
presenter driven through the core. Accept a deliberate change of look with
``pytest tests/tui/test_student_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from otsquiz.core.store import Store
from otsquiz.tui.classroom.student import StudentApp, View
from tests.tui.test_student_support import Clock, add_room_tables, open_room, students_room

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]
CHOICE = 4  # "Capital of [bold]Azerbaijan[/]?": deck text that looks like markup, shown as written
STEPS = ["waiting", "question", "answered", "reveal"]

SnapCompare = Any


@pytest.fixture(autouse=True)
def room_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    add_room_tables(monkeypatch)


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input's cursor blinks on a timer; keep it on so a screenshot never catches it off."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    with (
        Store.open(tmp_path / "class.sqlite3") as presenter,
        Store.open(tmp_path / "class.sqlite3") as student,
    ):
        yield presenter, student


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shown", STEPS)
def test_student_screen(
    snap_compare: SnapCompare, stores: tuple[Store, Store], shown: str, size: tuple[int, int]
) -> None:
    presenter_store, student_store = stores
    clock = Clock()
    room = open_room(presenter_store, clock)
    for name in ("Bora", "Aygerim", "Timur"):
        room.join(name)
    app = StudentApp(students_room(student_store, room, clock), name="Ayşe", clock=clock, poll_seconds=None)
    app.animation_level = "none"

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        assert app.view == View("lobby")
        if shown == "waiting":
            return
        room.start(CHOICE)
        clock.advance(3)
        await app.poll()
        await pilot.pause()
        if shown == "question":
            return
        question = room.question(CHOICE)
        await pilot.press(str(question.options.index("Baku") + 1))
        assert app.view == View("answered", CHOICE)
        if shown == "answered":
            return
        others = [student.id for student in room.students() if student.name != "Ayşe"]
        room.answer(others[0], CHOICE, question.options.index("Baku"))
        room.answer(others[1], CHOICE, question.options.index("Ankara"))
        room.reveal()
        await app.poll()
        await pilot.pause()
        assert app.view == View("revealed", CHOICE)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
