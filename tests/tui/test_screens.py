"""The app around the quiz: quitting, home, settings, profiles, stats and the palette.

Driven with Textual's Pilot on the fixtures of tests/tui/conftest.py; each test
checks what the screen shows, where it shows it, or what the store recorded.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Select, Static
from textual.widgets._select import SelectOverlay

from otsquiz.core.store import Store
from otsquiz.tui.screens.home import HomeScreen
from otsquiz.tui.screens.quiz import QuizScreen
from otsquiz.tui.screens.settings import SettingsScreen
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


# ---------------------------------------------------------------- settings


def inside(inner: Region, outer: Region) -> bool:
    return outer.contains_region(inner)


async def open_settings(pilot: Pilot[Any]) -> SettingsScreen:
    await pilot.pause()
    await pilot.press("comma")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


async def test_a_stored_theme_that_is_not_available_falls_back_to_the_default(make_app: AppFactory) -> None:
    with Store.open() as store:
        profile = store.profile("default")
        store.save_settings(profile, profile.settings._replace(theme="no-such-theme"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert screen.query_one("#theme", Select).value == "textual-dark"
        [note] = [note for note in app._notifications if note.title == "Settings"]
        assert "'no-such-theme' is not available" in note.message
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with Store.open() as store:
        assert store.profile("default").settings.theme == "textual-dark"


@pytest.mark.parametrize("size", [(80, 24), (100, 34)], ids=["80x24", "100x34"])
async def test_settings_show_their_labels_whole_and_the_theme_list_inside_the_dialog(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_settings(pilot)
        dialog = screen.query_one("#settings")
        assert inside(dialog.region, screen.region)
        for label in [child for child in dialog.children if type(child) is Static and child.id is None]:
            text = str(label.render())
            assert inside(label.region, dialog.content_region), text
            # Wrapped, not cut: the lines it has hold all of its text.
            assert label.region.width * label.region.height >= len(text), text
        select = screen.query_one("#theme", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = select.query_one(SelectOverlay)
        assert select.expanded and overlay.region.height > 2
        assert inside(overlay.region, dialog.region), (overlay.region, dialog.region)
        assert inside(overlay.region, screen.region)
