"""The installed ``otsquiz`` command in a real terminal: tmux runs it, the test reads the screen.

A deck of three true/false statements is written to the user's decks folder
of a temporary OTSQUIZ_HOME. The test studies it by keystrokes, quits,
starts the app again to see the progress on the home screen, and finally
asks ``otsquiz stats --json`` what was recorded.

Waiting is polling the screen for a condition, a bounded number of times; no
assertion depends on how long anything takes. Each test runs its own tmux
server on its own socket (``tmux -S``), so it never touches the user's tmux
sessions, and kills it at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_program

DECK_ID = "e2e-three"
DECK_TITLE = "Three statements"
STATEMENTS = {
    "Baku is the capital of Azerbaijan.": True,
    "Hungary is a full member of the OTS.": False,
    "The OTS secretariat is in Istanbul.": True,
}
DECK = f"""\
format = 1

[deck]
id = "{DECK_ID}"
title = "{DECK_TITLE}"
sources = [{{ id = "ots", title = "Organization of Turkic States", url = "https://www.turkicstates.org/" }}]

[[cards]]
id = "baku"
type = "truefalse"
statement = "Baku is the capital of Azerbaijan."
answer = true
explanation = "Baku lies on the Caspian Sea."
source = "ots"

[[cards]]
id = "hungary"
type = "truefalse"
statement = "Hungary is a full member of the OTS."
answer = false
explanation = "Hungary has been an observer since 2018."
source = "ots"

[[cards]]
id = "secretariat"
type = "truefalse"
statement = "The OTS secretariat is in Istanbul."
answer = true
explanation = "The secretariat was set up in Istanbul in 2010."
source = "ots"
"""

POLLS = 300  # up to about 15 seconds of polling for one condition
POLL_INTERVAL = 0.05


class Terminal:
    """One tmux session on a private tmux server, 100x30, running one command."""

    def __init__(self, tmux: str, socket: Path) -> None:
        self.tmux = tmux
        self.socket = socket
        self.target = "otsquiz-e2e"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=30,
        )

    def start(self, command: str) -> None:
        # When the command ends, the pane says how, and stays a moment for the test to read it.
        script = f'{command}; echo "[otsquiz exited with $?]"; sleep 30'
        self._run("new-session", "-d", "-s", self.target, "-x", "100", "-y", "30", script)

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", self.target).stdout

    def press(self, *keys: str) -> None:
        self._run("send-keys", "-t", self.target, *keys)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """The screen, once ``condition`` holds for it; fails after a bounded number of polls."""
        screen = ""
        for _ in range(POLLS):
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(POLL_INTERVAL)
        pytest.fail(f"gave up waiting for {what}; the screen was:\n{screen}")

    def wait_for_text(self, text: str) -> str:
        return self.wait_for(lambda screen: text in screen, repr(text))

    def state(self, variable: str) -> str:
        """A tmux variable of the pane, e.g. ``alternate_on`` (1 while the alternate screen is on)."""
        return self._run("display-message", "-p", "-t", self.target, f"#{{{variable}}}").stdout.strip()

    def program_pid(self) -> int:
        """The process the pane's shell is running (the command given to ``start``)."""
        shell = int(self.state("pane_pid"))
        children = [
            int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent_pid(stat) == shell
        ]
        assert len(children) == 1, children
        return children[0]

    def stop(self) -> None:
        self._run("kill-session", "-t", self.target, check=False)

    def kill_server(self) -> None:
        self._run("kill-server", check=False)


def _parent_pid(stat: Path) -> int | None:
    try:
        # "pid (name) state ppid …": the name may hold spaces and parentheses, so split after the last ")".
        return int(stat.read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None  # the process ended meanwhile


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    tmux = require_program("tmux")
    # A short path of our own: a unix socket's path has a length limit that pytest's tmp_path may pass.
    folder = Path(tempfile.mkdtemp(prefix="otsquiz-e2e-"))
    term = Terminal(tmux, folder / "tmux")
    try:
        yield term
    finally:
        term.kill_server()
        shutil.rmtree(folder, ignore_errors=True)


def statement_on(screen: str) -> str | None:
    found = [statement for statement in STATEMENTS if statement in screen]
    return found[0] if len(found) == 1 else None


@pytest.fixture
def otsquiz(otsquiz_home: Path) -> str:
    """The installed command, with the three statements among the user's decks."""
    decks = otsquiz_home / "decks"
    decks.mkdir(parents=True)
    (decks / "three.toml").write_text(DECK, encoding="utf-8")
    return require_program("otsquiz")


def stats(otsquiz: str, home: Path) -> dict[str, Any]:
    """What ``otsquiz stats --json`` says of this OTSQUIZ_HOME."""
    result = subprocess.run(
        [otsquiz, "stats", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "OTSQUIZ_HOME": str(home)},
    )
    return json.loads(result.stdout)


def card_on_screen(screen: str) -> bool:
    return "True or false" in screen and statement_on(screen) is not None


def test_study_three_cards_in_a_real_terminal_then_see_the_progress(
    terminal: Terminal, otsquiz: str, otsquiz_home: Path
) -> None:
    environment = f"env OTSQUIZ_HOME={shlex.quote(str(otsquiz_home))}"

    # Study: answer three cards (the last one wrong), reading each statement off the screen.
    terminal.start(f"{environment} {shlex.quote(otsquiz)} study {DECK_ID}")
    answered = []
    for number in range(3):
        screen = terminal.wait_for(card_on_screen, f"card {number + 1}")
        statement = statement_on(screen)
        assert statement is not None and statement not in answered
        right = number < 2
        terminal.press("t" if STATEMENTS[statement] is right else "f")
        terminal.wait_for_text("✓ Correct" if right else "✗ Not quite")
        answered.append(statement)
        if number == 0:
            # The answer is in the database while the app is still running.
            assert stats(otsquiz, otsquiz_home)["reviews_total"] == 1
        if number < 2:
            terminal.press("Enter")
            terminal.wait_for(
                lambda screen: "Not quite" not in screen and "Correct" not in screen, "next card"
            )
    terminal.press("C-q")
    terminal.wait_for_text("[otsquiz exited with 0]")
    terminal.stop()

    # Start again: the home screen shows the three cards as studied (none new any more).
    terminal.start(f"{environment} {shlex.quote(otsquiz)}")
    row_pattern = re.compile(rf"{re.escape(DECK_TITLE)}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s")
    screen = terminal.wait_for(lambda screen: row_pattern.search(screen) is not None, "the deck on home")
    found = row_pattern.search(screen)
    assert found is not None
    cards, questions, due, new = (int(value) for value in found.groups())
    assert (cards, questions, new) == (3, 3, 0)
    assert due <= 1  # the missed card may be due again already; the others are not
    terminal.press("C-q")
    terminal.wait_for_text("[otsquiz exited with 0]")
    terminal.stop()

    report = stats(otsquiz, otsquiz_home)
    assert report["reviews_total"] == 3
    [deck] = [deck for deck in report["decks"] if deck["id"] == DECK_ID]
    assert (deck["cards"], deck["reviewed"]) == (3, 3)


def test_a_database_held_by_another_program_ends_the_app_with_a_message_not_a_traceback(
    terminal: Terminal, otsquiz: str, otsquiz_home: Path
) -> None:
    terminal.start(
        f"env OTSQUIZ_HOME={shlex.quote(str(otsquiz_home))} {shlex.quote(otsquiz)} study {DECK_ID}"
    )
    first = statement_on(terminal.wait_for(card_on_screen, "the first card"))
    assert first is not None
    terminal.press("t" if STATEMENTS[first] else "f")
    terminal.wait_for_text("✓ Correct")
    terminal.press("Enter")
    second = statement_on(
        terminal.wait_for(lambda s: card_on_screen(s) and first not in s, "the second card")
    )
    assert second is not None

    # Another program takes the write lock and keeps it past otsquiz's busy timeout.
    from otsquiz.core.paths import database_path

    holder = sqlite3.connect(database_path(), timeout=0)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        terminal.press("t")
        screen = terminal.wait_for_text("[otsquiz exited with 1]")
    finally:
        holder.rollback()
        holder.close()
    flat = " ".join(screen.split())
    assert "otsquiz: The progress database" in flat and "is busy" in flat
    assert "Traceback" not in screen

    assert stats(otsquiz, otsquiz_home)["reviews_total"] == 1  # the answer before the failing one


SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT]


@pytest.mark.parametrize("number", SIGNALS, ids=[number.name for number in SIGNALS])
def test_a_signal_ends_the_app_with_the_terminal_restored_and_the_answers_kept(
    terminal: Terminal, otsquiz: str, otsquiz_home: Path, number: signal.Signals
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("finding the app's process needs /proc")
    terminal.start(
        f"env OTSQUIZ_HOME={shlex.quote(str(otsquiz_home))} {shlex.quote(otsquiz)} study {DECK_ID}"
    )
    first = statement_on(terminal.wait_for(card_on_screen, "the first card"))
    assert first is not None
    terminal.press("t" if STATEMENTS[first] else "f")
    terminal.wait_for_text("✓ Correct")
    assert (terminal.state("alternate_on"), terminal.state("cursor_flag")) == ("1", "0")  # the app's look

    os.kill(terminal.program_pid(), number)
    screen = terminal.wait_for_text(f"[otsquiz exited with {128 + number}]")
    assert "Traceback" not in screen
    # The terminal is as it was: the main screen, the cursor shown, no mouse reporting.
    assert terminal.state("alternate_on") == "0"
    assert terminal.state("cursor_flag") == "1"
    assert terminal.state("mouse_any_flag") == "0"
    assert terminal.state("mouse_button_flag") == "0"

    assert stats(otsquiz, otsquiz_home)["reviews_total"] == 1
    from otsquiz.core.paths import database_path

    with contextlib.closing(sqlite3.connect(database_path())) as connection:
        finished, questions, correct = connection.execute(
            "SELECT finished, questions, correct FROM sessions"
        ).fetchone()
    assert finished is not None and (questions, correct) == (1, 1)
