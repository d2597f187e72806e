"""``otsquiz class`` in a real terminal: tmux runs the presenter, students join and answer through the core.

The students are this test's process, joining and answering through ``Room``
in the same database, as a student's own process would; the presenter sees
them by polling. Midway the presenter is killed (SIGKILL) and started again
with ``--resume CODE``, and the room goes on from the database.

Waiting is polling the screen for a condition, a bounded number of times.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from otsquiz.core.library import load_deck
from otsquiz.core.room import Room, find
from otsquiz.core.store import Store
from tests.conftest import require_program
from tests.e2e.test_tmux import DECK, DECK_ID, STATEMENTS, Terminal

JOIN = re.compile(r"otsquiz join ([A-Z0-9]{3}-[A-Z0-9]{3})")


@pytest.fixture
def presenter_terminal() -> Iterator[Terminal]:
    tmux = require_program("tmux")
    folder = Path(tempfile.mkdtemp(prefix="otsquiz-class-"))  # short: a socket's path has a length limit
    term = Terminal(tmux, folder / "tmux")
    try:
        yield term
    finally:
        term.kill_server()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_class_in_a_real_terminal_survives_the_presenter_killed(
    presenter_terminal: Terminal, otsquiz_home: Path
) -> None:
    otsquiz = require_program("otsquiz")
    decks = otsquiz_home / "decks"
    decks.mkdir(parents=True)
    (decks / "three.toml").write_text(DECK, encoding="utf-8")
    deck = load_deck(decks / "three.toml").deck
    assert deck is not None
    terminal = presenter_terminal
    command = (
        f"env OTSQUIZ_HOME={shlex.quote(str(otsquiz_home))} {shlex.quote(otsquiz)} "
        f"class {DECK_ID} --count 2 --time 0 --seed 5"
    )

    terminal.start(command)
    screen = terminal.wait_for_text("Press enter to start")
    found = JOIN.search(screen)
    assert found is not None, screen
    code = found.group(1)
    with Store.open() as store:
        row = find(store, code)
        assert row is not None
        room = Room.load(store, row.id, [deck])
        ayse, ali = room.join("Ayşe").student, room.join("[red]Ali[/]").student
        terminal.wait_for_text("2 students joined")
        assert "[red]Ali[/]" in terminal.screen()  # as typed

        terminal.press("Enter")
        screen = terminal.wait_for_text("0 of 2 answered")
        question = room.question(1)
        assert question.text in screen and "A  True" in screen
        room.answer(ayse.id, 1, STATEMENTS[question.text])
        terminal.wait_for_text("1 of 2 answered")
        room.answer(ali.id, 1, not STATEMENTS[question.text])
        terminal.wait_for_text("2 of 2 answered")
        terminal.press("Enter")
        terminal.wait_for_text("1 of 2 students right")

        # Killed outright, then resumed by its code: it shows the reveal again, and goes on.
        os.kill(terminal.program_pid(), signal.SIGKILL)
        terminal.wait_for_text("[otsquiz exited with")
        terminal.stop()
        terminal.start(f"{command} --resume {code.lower()}")
        terminal.wait_for_text("1 of 2 students right")
        terminal.press("Enter")
        screen = terminal.wait_for_text("Scoreboard after question 1 of 2")
        assert re.search(r"1\.\s+Ayşe\s+1 point", screen), screen
        terminal.press("Enter")
        terminal.wait_for_text("Question 2 of 2")
        room.answer(ayse.id, 2, STATEMENTS[room.question(2).text])
        terminal.wait_for_text("1 of 2 answered")
        terminal.press("Enter")
        terminal.wait_for_text("1 of 2 students right")
        terminal.press("Enter")
        terminal.wait_for_text("Scoreboard after question 2 of 2")
        terminal.press("Enter")
        screen = terminal.wait_for_text("Final ranking")
        assert "Per question" in screen and room.state().ended
        terminal.press("C-q")
        screen = terminal.wait_for_text("[otsquiz exited with 0]")
        assert "still open" not in screen
