"""How the app and its screens are wired: screens never import the app, they post messages it
handles, a screen at the bottom of the stack is replaced without leaving anything behind, and a
database failure ends the app with its message whichever screen met it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from textual.message import Message

from otsquiz.core.selection import DRILL_COUNT, SessionRequest
from otsquiz.core.store import Store, StoreError
from otsquiz.tui.screens.home import HomeScreen
from otsquiz.tui.screens.quiz import QuizScreen
from otsquiz.tui.screens.summary import SummaryScreen
from tests.tui.conftest import AppFactory, all_types_deck, drill, press_answer

SIZE = (100, 34)
BUSY = "The progress database is busy."


def test_no_screen_imports_the_app() -> None:
    # A fresh interpreter: every screen, the dialog and what they share, and not the app.
    code = (
        "import pkgutil, sys, importlib\n"
        "import otsquiz.tui.screens as screens\n"
        "for module in pkgutil.iter_modules(screens.__path__):\n"
        "    importlib.import_module('otsquiz.tui.screens.' + module.name)\n"
        "import otsquiz.tui.widgets.confirm, otsquiz.tui.state, otsquiz.tui.failures\n"
        "print('otsquiz.tui.app' in sys.modules, 'otsquiz.tui.screens.stats' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]


async def test_home_asks_the_app_for_a_drill_in_a_message(make_app: AppFactory) -> None:
    posted: list[Message] = []
    app = make_app([all_types_deck()])
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        # The hook sees a message at each node it reaches as it bubbles up: the screen, then the app.
        [asked] = {id(m): m for m in posted if isinstance(m, HomeScreen.SessionRequested)}.values()
        assert asked.request == SessionRequest("drill", ["all-types"], count=DRILL_COUNT)
        assert isinstance(app.screen, QuizScreen) and app.screen.request == asked.request


async def test_a_session_started_from_the_command_line_leaves_no_screen_behind(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], start=drill(["all-types"], count=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.screen
        assert isinstance(first, QuizScreen)
        await pilot.press("escape", "y")  # the first screen, replaced by the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen_stack == [app.screen]
        assert not first.is_attached
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen_stack == [app.screen]


async def test_a_database_failure_while_answering_ends_the_app_with_its_message(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The app words the error itself: the core's StoreError has no say in it.
    monkeypatch.delattr(StoreError, "__rich__", raising=False)
    app = make_app([all_types_deck()], start=drill(["all-types"], count=3))

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise StoreError(BUSY)

    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        await pilot.pause()
        assert screen.session.current is not None
        first = screen.session.current
        await press_answer(pilot, first, right=True, keystrokes=False)
        await pilot.press("enter")
        await pilot.pause()
        monkeypatch.setattr(app.store, "record_answer", failing)
        assert screen.session.current is not None
        await press_answer(pilot, screen.session.current, right=True, keystrokes=False)
        await pilot.pause()
        assert app.return_code == 1
    printed = capsys.readouterr().err
    assert f"otsquiz: {BUSY}" in printed and "Traceback" not in printed
    with Store.open() as store:  # the answer before the failing one is saved
        assert store.history(app.profile.id, "all-types", first.study.key)


async def test_a_database_failure_on_the_first_screen_ends_the_app_with_its_message(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delattr(StoreError, "__rich__", raising=False)
    app = make_app([all_types_deck()])

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise StoreError(BUSY)

    monkeypatch.setattr(app.store, "deck_counts", failing)  # home counts the decks as it opens
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.return_code == 1
    assert f"otsquiz: {BUSY}" in capsys.readouterr().err
