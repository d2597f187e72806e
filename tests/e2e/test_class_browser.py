"""A live class through real browsers: a real ``otsquiz serve`` process, two chromium students, the core.

The room is opened through the core in the test's OTSQUIZ_HOME, as the
presenter's process would; ``otsquiz serve --port 0`` runs as a subprocess in
that home and starts ``otsquiz join`` per browser student. The pages are read
from xterm.js's own buffer (``Student`` of test_serve_browser.py).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import tomli_w

from otsquiz.core import paths
from otsquiz.core.library import load_deck
from otsquiz.core.room import Room, RoomOptions
from otsquiz.core.store import Store
from tests.e2e.serve_helpers import DEADLINE, wait_until
from tests.e2e.test_serve_browser import BROWSER_ARGS, Student, _chromium

CODE = "KX7P2M"
DOCUMENT: dict[str, Any] = {
    "format": 1,
    "deck": {"id": "steppe", "title": "Steppe"},
    "cards": [
        {"id": "capital", "type": "choice", "prompt": "Capital of Kazakhstan?", "answer": "Astana",
         "distractors": ["Almaty", "Baku", "Bishkek"]},
        {"id": "river", "type": "choice", "prompt": "Which river flows into the Aral Sea?", "answer": "Syr Darya",
         "distractors": ["Volga", "Ural", "Ob"]},
    ],
}  # fmt: skip
START_DEADLINE = 60.0  # seconds: a student's process is Python and Textual starting on two busy cores


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("OTSQUIZ_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail(
                "playwright is required here (OTSQUIZ_REQUIRE_SYSTEM_TOOLS is set): pip install '.[test]'"
            )
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real ``otsquiz serve --port 0`` in this test's home; its address."""
    for name in ("OTSQUIZ_ROOM", "OTSQUIZ_STUDENT_NAME", "OTSQUIZ_STUDENT_TOKEN", "TEXTUAL_DRIVER"):
        monkeypatch.delenv(name, raising=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "otsquiz", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines: queue.Queue[str] = queue.Queue()
        assert server.stdout is not None
        out = server.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in out], daemon=True).start()
        try:
            first = lines.get(timeout=START_DEADLINE)
        except queue.Empty:
            raise AssertionError("otsquiz serve never said where it listens") from None
        assert first.startswith("Students open: http://127.0.0.1:"), first
        yield first.split()[2].rstrip("/")
    finally:
        server.send_signal(signal.SIGTERM)  # it stops every student's process
        try:
            server.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(DEADLINE)


def answers_on_record(room_id: int) -> list[tuple[str, int, str]]:
    """The room's answers as another process reads them from the database: name, position, answer."""
    with Store.open() as store:
        rows = store.connection.execute(
            "SELECT s.name, a.position, a.given FROM room_answers a JOIN room_students s ON s.id = a.student_id"
            " WHERE a.room_id = ? ORDER BY s.name",
            (room_id,),
        ).fetchall()
    return [tuple(row) for row in rows]


def test_two_browser_students_join_answer_and_a_reload_keeps_them(browser: Any, serve: str) -> None:
    paths.user_decks_dir().mkdir(parents=True)
    deck_file = paths.user_decks_dir() / "steppe.toml"  # where each student's process finds the deck
    deck_file.write_text(tomli_w.dumps(DOCUMENT), encoding="utf-8")
    deck = load_deck(deck_file).deck
    assert deck is not None
    students: list[Student] = []
    with Store.open() as store:
        room = Room.open(
            store, [deck], RoomOptions.build(count=2, seconds=0), seed="3", draw_code=lambda: CODE
        )
        try:
            ada, bo, stranger = (Student(browser, serve) for _ in range(3))
            students += [ada, bo, stranger]
            for student in (ada, bo, stranger):
                student.page.set_default_timeout(START_DEADLINE * 1000)
            assert ada.join("kx7-p2m", "Ada") == 200  # typed as a student might: case and dash do not matter
            assert bo.join(CODE, "Bo") == 200
            assert stranger.join("ABCDEF", "Cem") == 403
            assert "does not open a room" in stranger.page.inner_text("#message")
            assert stranger.context.cookies() == []
            for student, name in ((ada, "Ada"), (bo, "Bo")):
                student.wait_for_screen(f"You are in, {name}.")
            assert sorted(seat.name for seat in room.students()) == ["Ada", "Bo"]

            question = room.start()  # the presenter's enter
            assert question.form == "choice" and question.text
            for student in (ada, bo):
                student.wait_for_screen(question.text)
                student.wait_for_screen(question.options[-1])  # the options are drawn: the widget is up
                student.page.focus(
                    ".xterm-helper-textarea"
                )  # xterm.js takes keys there (no click: a mouse event)
                student.page.keyboard.press("1")  # option 1, as a student picks it
            progress = wait_until(lambda: (p := room.progress()).answered == 2 and p, "2 of 2 answered")
            assert (progress.position, progress.answered, progress.students) == (1, 2, 2)
            given = question.options[0]
            assert answers_on_record(room.id) == [("Ada", 1, given), ("Bo", 1, given)]

            ada.page.reload()  # the same browser gets the same student back, answer and all
            screen = ada.wait_for_screen("Answer sent")
            assert "Ada" in screen and given in screen
            assert sorted(seat.name for seat in room.students()) == ["Ada", "Bo"]
            assert len(answers_on_record(room.id)) == 2
            for student in students:
                assert student.foreign == []  # nothing was asked of anything but the server
        finally:
            room.end()
            for student in students:
                student.close()
