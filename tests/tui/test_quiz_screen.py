"""The quiz screen as a learner meets it: what it shows, on small screens too, and the drill timer.

Screen text is read as rendered (characters, not colours), so that what is
checked is what a monochrome screen or NO_COLOR shows.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from otsquiz.core.session import Question
from otsquiz.tui.app import OtsquizApp
from otsquiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import (
    CARDS,
    AppFactory,
    drill,
    make_deck,
    settle,
    type_deck,
)

SIZE = (100, 34)


async def quiz(pilot: Pilot[Any]) -> QuizScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen), screen
    return screen


def current(screen: QuizScreen) -> Question:
    assert screen.session is not None and screen.session.current is not None
    return screen.session.current


def shown(app: OtsquizApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_lines(app: OtsquizApp) -> list[str]:
    """The characters on screen, line by line, as the terminal would show them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def rows_with(app: OtsquizApp, text: str) -> list[str]:
    return [line.strip() for line in screen_lines(app) if text in line]


async def footer_keys(pilot: Pilot[Any]) -> list[str]:
    """The footer's entries as shown, "key description" each, once the footer has caught up."""
    await pilot.pause()
    await pilot.pause()
    footer = pilot.app.screen.query_one(Footer)
    return [f"{key.key_display} {key.description}".strip() for key in footer.query(FooterKey)]


def records(app: OtsquizApp, deck_id: str, card_key: str) -> list[Any]:
    assert app.profile is not None
    return app.store.history(app.profile.id, deck_id, card_key)


async def run_out_of_time(pilot: Pilot[Any], screen: QuizScreen) -> None:
    """The last second of the question goes by (the test moves the clock, not the wall)."""
    screen.remaining_seconds = 1
    screen._tick()
    await pilot.pause()


def hold_the_clock(screen: QuizScreen) -> None:
    assert screen._timer is not None
    screen._timer.pause()  # from here on only the test moves the clock


# ---------------------------------------------------------------- shown by shape, not colour


async def test_chosen_options_of_a_multi_card_read_differently(make_app: AppFactory) -> None:
    app = make_app([type_deck("multi")], start=drill(["only-multi"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        options = current(screen).options
        assert len(rows_with(app, "[ ] ")) == len(options)
        await pilot.press("space", "down", "down", "space")
        await pilot.pause()
        assert rows_with(app, f"[x] 1. {options[0]}") and rows_with(app, f"[x] 3. {options[2]}")
        assert rows_with(app, f"[ ] 2. {options[1]}")
        assert len(rows_with(app, "[ ] ")) == len(options) - 2
        assert rows_with(app, f"> [x] 3. {options[2]}")  # the cursor, by a glyph too


async def test_the_highlighted_choice_is_marked_by_a_glyph(make_app: AppFactory) -> None:
    app = make_app([type_deck("choice")], start=drill(["only-choice"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        options = current(screen).options
        assert rows_with(app, f"> 1. {options[0]}") and rows_with(app, f"2. {options[1]}")
        await pilot.press("down")
        await pilot.pause()
        assert rows_with(app, f"> 2. {options[1]}")
        assert not rows_with(app, f"> 1. {options[0]}")


async def test_the_item_being_moved_in_an_order_card_is_marked(make_app: AppFactory) -> None:
    app = make_app([type_deck("order")], start=drill(["only-order"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        options = current(screen).options
        await pilot.press("shift+down")
        await pilot.pause()
        assert rows_with(app, f"> 2. {options[0]}")
        assert rows_with(app, f"1. {options[1]}") and not rows_with(app, f"> 1. {options[1]}")


async def test_the_left_item_waiting_for_its_pair_is_marked(make_app: AppFactory) -> None:
    app = make_app([type_deck("match")], start=drill(["only-match"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        question = current(screen)
        await pilot.press("enter")
        await pilot.pause()
        assert rows_with(app, f"A. {question.lefts[0]}  →  ?")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert rows_with(app, f"A. {question.lefts[0]}  →  {question.options[1]}")
        assert rows_with(app, f"> B. {question.lefts[1]}")


async def test_multi_options_with_brackets_are_shown_as_written(make_app: AppFactory) -> None:
    card = dict(CARDS["multi"], answers=["[b]A[/b]", "[x]"], distractors=["[/]", "[red]C"])
    app = make_app([make_deck("brackets", [card])], start=drill(["brackets"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        for number, option in enumerate(current(screen).options, start=1):
            assert rows_with(app, f"[ ] {number}. {option}")


# ---------------------------------------------------------------- number keys on a multi card


async def test_number_keys_toggle_the_options_of_a_multi_card(make_app: AppFactory) -> None:
    app = make_app([type_deck("multi")], start=drill(["only-multi"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        options = current(screen).options
        await pilot.press("1", "2", "1")
        await pilot.pause()
        assert rows_with(app, f"[ ] 1. {options[0]}") and rows_with(app, f"[x] 2. {options[1]}")
        await pilot.press("2")  # off again
        answers = set(CARDS["multi"]["answers"])
        await pilot.press(*[str(number) for number, option in enumerate(options, start=1) if option in answers])
        await pilot.press("9")  # no ninth option: nothing happens
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#verdict") == "✓ Correct"
