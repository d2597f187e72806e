"""Snapshots of every screen and of every card type, before and after the answer, at two sizes.

The SVGs live in tests/tui/__snapshots__/; after a deliberate change to the
look of the app, review the differences and accept them with
``pytest tests/tui/test_snapshots.py --snapshot-update``.

Nothing on screen may depend on when or where the tests run: the app gets a
fixed clock and the UTC time zone (tests/tui/conftest.py), drills a seed, a
session's elapsed time is frozen, and the input cursor does not blink.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from otsquiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import (
    CARD_TYPES,
    CARDS,
    AppFactory,
    all_types_deck,
    drill,
    figures_read,
    make_deck,
    press_answer,
    record_progress,
    settle,
    study,
    type_deck,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

# The verdicts shown: some right, some wrong, so that both looks are covered.
ANSWERED_RIGHT = {"basic", "choice", "truefalse", "cloze", "match"}

SnapCompare = Any


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input's cursor blinks on a timer; keep it on so a screenshot never catches it off."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def two_decks() -> list[Any]:
    return [
        all_types_deck(),
        make_deck("founding", [CARDS["typed"], CARDS["number"], CARDS["cloze"]], "Founding and history"),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int]) -> None:
    record_progress({1: 4})
    assert snap_compare(make_app(two_decks()), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("answered", [False, True], ids=["question", "verdict"])
@pytest.mark.parametrize("kind", CARD_TYPES)
def test_card(
    snap_compare: SnapCompare, make_app: AppFactory, kind: str, answered: bool, size: tuple[int, int]
) -> None:
    app = make_app([type_deck(kind)], start=drill([f"only-{kind}"], count=1))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.session is not None and screen.session.current is not None
        if answered:
            await press_answer(pilot, screen.session.current, kind in ANSWERED_RIGHT, keystrokes=False)
            assert screen.outcome is not None

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int]) -> None:
    app = make_app([all_types_deck()], start=study(["all-types"]))

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        for right in (True, False, True, False):
            screen = pilot.app.screen
            assert isinstance(screen, QuizScreen)
            assert screen.session is not None and screen.session.current is not None
            await press_answer(pilot, screen.session.current, right, keystrokes=False)
            await pilot.press("enter")
        await pilot.press("escape", "y")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def open_stats(pilot: Pilot[Any]) -> None:
    await pilot.press("t")
    await figures_read(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_stats(snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int]) -> None:
    record_progress({9: 6, 3: 4, 2: 3, 0: 5})
    assert snap_compare(make_app(two_decks()), run_before=open_stats, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_stats_of_a_new_profile(
    snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(two_decks()), run_before=open_stats, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(two_decks()), press=["question_mark"], terminal_size=size)
