"""The app around the quiz: quitting, home, settings, profiles, stats and the palette.

Driven with Textual's Pilot on the fixtures of tests/tui/conftest.py; each test
checks what the screen shows, where it shows it, or what the store recorded.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from otsquiz.core.store import Store
from otsquiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import AppFactory, all_types_deck, press_answer, study

SIZE = (100, 34)


async def answer_one(pilot: Pilot[Any], right: bool = True) -> None:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen) and screen.session is not None
    assert screen.session.current is not None
    await press_answer(pilot, screen.session.current, right, keystrokes=False)
    await pilot.pause()


def sessions(store: Store) -> list[tuple[Any, ...]]:
    return list(store.connection.execute("SELECT finished, questions, correct FROM sessions"))


# ---------------------------------------------------------------- quitting


async def test_ctrl_q_during_a_session_records_its_end_and_totals(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], start=study(["all-types"]))
    async with app.run_test(size=SIZE) as pilot:
        await answer_one(pilot, right=True)
        await pilot.press("enter")
        await answer_one(pilot, right=False)
        await pilot.press("ctrl+q")
        await pilot.pause()
    with Store.open() as store:
        [(finished, questions, correct)] = sessions(store)
    assert finished is not None
    assert (questions, correct) == (2, 1)
