"""The app driven with Textual's Pilot: every card type by keystrokes, and what the store recorded.

Each test builds its decks (tests/tui/conftest.py), runs the app headless on a
fixed clock, presses keys as a learner would, and checks both what the screen
shows and what the progress database holds. The keys for each question are
worked out from the question the session shows (its shuffled options), so a
study session's unseeded shuffle does not matter.
"""

from __future__ import annotations

import gc
import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Digits, Input, OptionList, Select, SelectionList, Static

from otsquiz.core.problems import Problem
from otsquiz.core.session import Question
from otsquiz.core.store import ReviewRecord
from otsquiz.tui.app import OtsquizApp
from otsquiz.tui.screens.help import HelpScreen
from otsquiz.tui.screens.home import HomeScreen
from otsquiz.tui.screens.profiles import ProfileScreen
from otsquiz.tui.screens.quiz import QuizScreen
from otsquiz.tui.screens.settings import SettingsScreen
from otsquiz.tui.screens.stats import StatsScreen
from otsquiz.tui.screens.summary import SummaryScreen
from tests.tui.conftest import (
    CARD_KEYS,
    CARD_TYPES,
    CARDS,
    NOW,
    AppFactory,
    all_types_deck,
    drill,
    figures_read,
    make_deck,
    press_answer,
    settle,
    study,
    type_deck,
    typing,
)

SIZE = (100, 34)


async def quiz(pilot: Pilot[Any]) -> QuizScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen), screen
    return screen


async def answer(pilot: Pilot[Any], right: bool, *, keystrokes: bool = True) -> Question:
    """Answer the question on screen by keys; the question answered."""
    screen = await quiz(pilot)
    assert screen.session is not None and screen.session.current is not None
    question = screen.session.current
    await press_answer(pilot, question, right, keystrokes=keystrokes)
    await pilot.pause()
    return question


def shown(app: OtsquizApp, selector: str) -> str:
    """The text of a Static as it is rendered (markup would have been interpreted by now)."""
    widget = app.screen.query_one(selector, Static)
    return str(widget.render())


def timer_shown(app: OtsquizApp) -> str:
    """The drill timer in the status line ("⏱ 5s"), or "" when there is none."""
    match = re.search(r"⏱ \d+s", shown(app, "#status"))
    return match.group() if match else ""


def visible(app: OtsquizApp, selector: str) -> bool:
    """Whether the widget is on screen (the hint and the verdict exist only once needed)."""
    found = app.screen.query(selector)
    return bool(found) and not found.first().has_class("hidden")


def footer_actions(app: OtsquizApp) -> set[str]:
    """The actions the footer offers now (what check_action lets through)."""
    return {active.binding.action for active in app.screen.active_bindings.values() if active.binding.show}


def history(app: OtsquizApp, deck_id: str, card_key: str) -> list[ReviewRecord]:
    assert app.profile is not None
    return app.store.history(app.profile.id, deck_id, card_key)


def count_rows(app: OtsquizApp, sql: str, *parameters: Any) -> int:
    return int(app.store.connection.execute(sql, parameters).fetchone()[0])


# ---------------------------------------------------------------- every card type


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("kind", CARD_TYPES)
async def test_every_card_type_is_answered_by_keys_and_recorded(
    make_app: AppFactory, kind: str, right: bool
) -> None:
    deck_id = f"only-{kind}"
    app = make_app([type_deck(kind)], start=study([deck_id]))
    async with app.run_test(size=SIZE) as pilot:
        question = await answer(pilot, right)
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.outcome is not None

        # The verdict is on screen, and the question it judges is still shown ...
        verdict = shown(app, "#verdict")
        assert visible(app, "#verdict")
        if kind == "basic":
            assert verdict == ("Rated Good" if right else "Rated Again")
            assert screen.query_one("#verdict").has_class("rated")
        else:
            assert verdict == ("✓ Correct" if right else "✗ Not quite")
            assert screen.query_one("#verdict").has_class("right" if right else "wrong")
        assert shown(app, "#question") == question.text
        details = shown(app, "#details")
        assert CARDS[kind]["explanation"] in details
        assert "Source: " in details
        if kind != "basic":
            assert f"Answer: {screen.outcome.expected}" in details
            assert ("You answered:" in details) is not right

        # ... and the answer is already committed to the database.
        records = history(app, deck_id, CARD_KEYS[kind])
        assert len(records) == 1
        record = records[0]
        assert record.mode == "study" and record.kind == "answer"
        assert record.verdict == ("rated" if kind == "basic" else "correct" if right else "wrong")
        assert record.rating == (3 if right else 1)
        assert record.answer == screen.outcome.given
        assert app.profile is not None
        assert app.store.state(app.profile.id, deck_id, CARD_KEYS[kind]) is not None

        assert f"score {int(right)}/1 ·" in shown(app, "#status")


async def test_a_seeded_drill_of_every_type_all_right_then_the_summary(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], start=drill(["all-types"], count=20))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert screen.session is not None
        seen = []
        while screen.session.current is not None:
            question = await answer(pilot, right=True, keystrokes=False)  # typing is tested above
            seen.append(question.study.type)
            assert shown(app, "#verdict").startswith(("✓ Correct", "Rated Good"))
            await pilot.press("enter")
            await pilot.pause()
            if not isinstance(app.screen, QuizScreen):
                break
        assert sorted(set(seen)) == sorted(CARD_TYPES)
        assert len(seen) == 10  # nine cards, and the cloze card has two gaps
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.query_one("#summary-score", Digits).value == "10/10"
        assert shown(app, "#missed") == "Nothing missed. Well done!"
        # A drill records every answer but never touches the schedule.
        assert count_rows(app, "SELECT count(*) FROM review_log WHERE mode = 'drill'") == 10
        assert count_rows(app, "SELECT count(*) FROM card_state") == 0


async def test_the_same_seed_shows_the_same_options(make_app: AppFactory) -> None:
    orders = []
    for _ in range(2):
        app = make_app([type_deck("choice")], start=drill(["only-choice"]))
        async with app.run_test(size=SIZE) as pilot:
            screen = await quiz(pilot)
            options = app.screen.query_one("#choice-answer", OptionList)
            orders.append([str(options.get_option_at_index(i).prompt) for i in range(options.option_count)])
            assert screen.session is not None and screen.session.current is not None
            assert orders[-1][0].startswith("> 1. ")  # the first option is highlighted: marked
    assert orders[0] == orders[1]


# ---------------------------------------------------------------- changing one's mind


async def test_overrule_flips_the_verdict_and_the_stored_rating(make_app: AppFactory) -> None:
    app = make_app([type_deck("typed")], start=study(["only-typed"]))
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, right=False)
        assert shown(app, "#verdict") == "✗ Not quite"
        [record] = history(app, "only-typed", "secretariat")
        assert (record.verdict, record.rating) == ("wrong", 1)

        await pilot.press("o")
        assert shown(app, "#verdict") == "✓ Correct (overruled)"
        assert app.screen.query_one("#verdict").has_class("right")
        [record] = history(app, "only-typed", "secretariat")
        assert (record.kind, record.verdict, record.rating) == ("overrule", "correct", 3)
        assert "score 1/1 ·" in shown(app, "#status")

        await pilot.press("o")  # and back again
        assert shown(app, "#verdict") == "✗ Not quite"
        [record] = history(app, "only-typed", "secretariat")
        assert (record.kind, record.verdict, record.rating) == ("overrule", "wrong", 1)
        assert "score 0/1 ·" in shown(app, "#status")


async def test_a_self_rated_card_is_not_overruled(make_app: AppFactory) -> None:
    app = make_app([type_deck("basic")], start=study(["only-basic"]))
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, right=True)
        assert "overrule" not in footer_actions(app)
        await pilot.press("o")
        assert shown(app, "#verdict") == "Rated Good"
        [record] = history(app, "only-basic", "capital")
        assert record.rating == 3


async def test_the_footer_offers_only_the_keys_that_apply(make_app: AppFactory) -> None:
    app = make_app(
        [type_deck("typed"), type_deck("truefalse")], start=study(["only-typed", "only-truefalse"])
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await quiz(pilot)
        assert screen.session is not None and screen.session.current is not None
        assert screen.session.current.study.type == "truefalse"  # new cards come deck by deck
        assert "finish" in footer_actions(app)
        assert not {"hint", "overrule", "undo"} & footer_actions(app)  # no hint on this card
        await answer(pilot, right=False)
        assert {"overrule", "undo"} <= footer_actions(app)
        await pilot.press("enter")
        assert screen.session.current is not None and screen.session.current.hint
        assert "hint" in footer_actions(app)
        assert "overrule" not in footer_actions(app)  # no verdict on screen


async def test_undo_puts_a_new_card_back_as_new(make_app: AppFactory) -> None:
    app = make_app([type_deck("number")], start=study(["only-number"]))
    async with app.run_test(size=SIZE) as pilot:
        question = await answer(pilot, right=True)
        assert app.profile is not None
        assert app.store.state(app.profile.id, "only-number", "founded") is not None

        await pilot.press("u")
        await pilot.pause()
        screen = await quiz(pilot)
        assert screen.outcome is None
        assert screen.session is not None and screen.session.current is not None
        assert screen.session.current.study.key == question.study.key
        assert shown(app, "#question") == question.text
        assert not visible(app, "#verdict")
        assert app.screen.query_one("#text-answer", Input).value == ""
        assert app.store.state(app.profile.id, "only-number", "founded") is None
        assert history(app, "only-number", "founded") == []
        assert "score 0/0 ·" in shown(app, "#status")


async def test_undo_restores_the_state_a_card_had_before_the_answer(make_app: AppFactory) -> None:
    app = make_app([type_deck("truefalse")], start=study(["only-truefalse"]))
    async with app.run_test(size=SIZE) as pilot:
        assert app.profile is not None
        profile_id = app.profile.id
        await answer(pilot, right=True)
        before = app.store.state(profile_id, "only-truefalse", "hungary")
        assert before is not None
        await pilot.press("enter")  # still learning: the card comes back in this session
        question = await answer(pilot, right=False)
        assert question.study.key == "hungary"
        assert app.store.state(profile_id, "only-truefalse", "hungary") != before

        await pilot.press("u")
        await pilot.pause()
        assert app.store.state(profile_id, "only-truefalse", "hungary") == before
        assert [r.verdict for r in history(app, "only-truefalse", "hungary")] == ["correct"]
        screen = await quiz(pilot)
        assert screen.session is not None and screen.session.current is not None
        assert screen.session.current.study.key == "hungary"
        assert shown(app, "#question") == CARDS["truefalse"]["statement"]


# ---------------------------------------------------------------- hints and giving up


async def test_a_hint_is_shown_and_a_right_answer_then_counts_hard(make_app: AppFactory) -> None:
    app = make_app([type_deck("choice")], start=study(["only-choice"]))
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        assert not visible(app, "#hint")
        await pilot.press("h")
        assert visible(app, "#hint")
        assert shown(app, "#hint") == "Hint: Capital of Kyrgyzstan."
        await answer(pilot, right=True)
        assert shown(app, "#verdict") == "✓ Correct"
        [record] = history(app, "only-choice", "summit-2024")
        assert (record.verdict, record.rating) == ("correct", 2)


async def test_a_hint_can_be_taken_while_typing_an_answer(make_app: AppFactory) -> None:
    app = make_app([type_deck("typed")], start=study(["only-typed"]))
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        await pilot.press(*typing("Ist"))
        await pilot.press("ctrl+t")
        assert shown(app, "#hint") == "Hint: It spans two continents."
        field = app.screen.query_one("#text-answer", Input)
        assert field.value == "Ist" and field.has_focus
        await pilot.press(*typing("anbul"), "enter")
        assert shown(app, "#verdict") == "✓ Correct"
        [record] = history(app, "only-typed", "secretariat")
        assert (record.answer, record.rating) == ("Istanbul", 2)


async def test_h_on_a_card_without_a_hint_does_nothing_and_it_still_counts_good(make_app: AppFactory) -> None:
    app = make_app([type_deck("truefalse")], start=study(["only-truefalse"]))
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        await pilot.press("h")
        assert not visible(app, "#hint")
        await answer(pilot, right=True)
        [record] = history(app, "only-truefalse", "hungary")
        assert record.rating == 3


async def test_a_number_card_asks_again_for_words(make_app: AppFactory) -> None:
    app = make_app([type_deck("number")], start=study(["only-number"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await pilot.press(*typing("two thousand"), "enter")
        assert screen.outcome is None and not visible(app, "#verdict")
        assert any("Please type a number" in n.message for n in app._notifications)
        assert history(app, "only-number", "founded") == []
        field = screen.query_one("#text-answer", Input)
        field.value = ""
        await pilot.press(*typing("2009"), "enter")
        assert shown(app, "#verdict") == "✓ Correct"


@pytest.mark.parametrize("key", ["x", "ctrl+n"])
async def test_i_dont_know_counts_the_question_wrong(make_app: AppFactory, key: str) -> None:
    app = make_app([type_deck("cloze")], start=study(["only-cloze"]))
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        await pilot.press(key)
        if key == "x":  # in a typed answer, x is a letter like any other
            assert app.screen.query_one("#text-answer", Input).value == "x"
            await pilot.press("ctrl+n")
        assert shown(app, "#verdict") == "✗ Not quite"
        [record] = history(app, "only-cloze", "renamed:1")
        assert (record.answer, record.rating) == ("(no answer)", 1)


async def test_the_drill_timer_gives_the_question_up(make_app: AppFactory) -> None:
    app = make_app([type_deck("truefalse")], start=drill(["only-truefalse"], timer=5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert screen._timer is not None
        screen._timer.pause()  # from here on the test moves the clock, one tick at a time
        start = screen.remaining_seconds  # 5, unless a real second has gone by already
        assert timer_shown(app) == f"⏱ {start}s"
        for left in range(start - 1, 0, -1):
            screen._tick()
            await pilot.pause()
            assert timer_shown(app) == f"⏱ {left}s"
            assert screen.outcome is None and history(app, "only-truefalse", "hungary") == []
        screen._tick()
        await pilot.pause()
        assert timer_shown(app) == "⏱ 0s"
        assert screen.outcome is not None and not screen.outcome.correct
        assert shown(app, "#verdict") == "Time's up · ✗ Not quite"
        [record] = history(app, "only-truefalse", "hungary")
        assert (record.mode, record.answer, record.verdict) == ("drill", "(no answer)", "wrong")
        assert screen._timer is None
        screen._tick()  # a tick that was already on its way changes nothing
        await pilot.pause()
        assert len(history(app, "only-truefalse", "hungary")) == 1


async def test_the_drill_timer_runs_on_while_help_is_open(make_app: AppFactory) -> None:
    """Help is no way to stop the clock: time that runs out under it is judged at once."""
    app = make_app([type_deck("truefalse")], start=drill(["only-truefalse"], timer=30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        timer = screen._timer
        assert timer is not None and timer._active.is_set()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert timer._active.is_set()
        timer.pause()  # from here on the test moves the clock
        screen.remaining_seconds = 1
        screen._tick()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        [record] = history(app, "only-truefalse", "hungary")
        assert (record.answer, record.verdict) == ("(no answer)", "wrong")
        await pilot.press("escape")
        assert app.screen is screen and shown(app, "#verdict") == "Time's up · ✗ Not quite"


async def test_a_study_session_has_no_timer(make_app: AppFactory) -> None:
    app = make_app([type_deck("truefalse")], start=study(["only-truefalse"], timer=2))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert timer_shown(app) == ""
        assert screen._timer is None


# ---------------------------------------------------------------- the end of a session


async def test_escape_finishes_with_the_score_and_the_missed_cards(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], start=study(["all-types"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert screen.session is not None
        session_id = screen.session.session_id
        await answer(pilot, right=True)
        await pilot.press("enter")
        missed = await answer(pilot, right=False)
        await pilot.press("enter")
        await answer(pilot, right=True)
        await pilot.press("escape", "y")  # y: end it
        await pilot.pause()

        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#summary-title") == "Session finished"
        assert app.screen.query_one("#summary-score", Digits).value == "2/3"
        assert shown(app, "#summary-figures").startswith("Accuracy 67% · best streak 1")
        to_review = shown(app, "#missed")
        assert to_review.startswith("To review:")
        assert missed.text in to_review
        assert "Next review due" in shown(app, "#next-due")

        row = app.store.session(session_id)
        assert row["finished"] == NOW
        assert (row["mode"], row["questions"], row["correct"]) == ("study", 3, 2)

        await pilot.press("enter")  # back to the decks
        assert isinstance(app.screen, HomeScreen)


async def test_a_session_with_nothing_to_study_ends_at_once(make_app: AppFactory) -> None:
    app = make_app([type_deck("truefalse")], start=study(["only-truefalse"]))
    async with app.run_test(size=SIZE) as pilot:
        assert app.profile is not None
        settings = app.profile.settings._replace(new_per_day=0)
        app.profile = app.store.save_settings(app.profile, settings)
        await pilot.press("escape", "y")  # y: end it
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#missed") == "No questions were answered."


# ---------------------------------------------------------------- home


def deck_lines(app: OtsquizApp) -> list[str]:
    decks = app.screen.query_one("#decks", SelectionList)
    return [str(decks.get_option_at_index(i).prompt) for i in range(decks.option_count)]


def deck_counts(line: str) -> tuple[str, int, int, int, int]:
    """(title, cards, questions, due, new) of one row of the home screen's deck list."""
    found = re.fullmatch(r"(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[█░]+\s+\d+%", line)
    assert found is not None, line
    return found[1], int(found[2]), int(found[3]), int(found[4]), int(found[5])


async def test_home_lists_the_decks_with_due_and_new_counts(make_app: AppFactory) -> None:
    decks = [all_types_deck(), make_deck("second", [CARDS["typed"], CARDS["number"]], "Second deck")]
    app = make_app(decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert shown(app, "#profile-line").startswith("Profile: default")
        assert str(app.screen.query_one("#decks-header", Static).render()).split() == [
            "Deck",
            "Cards",
            "Questions",
            "Due",
            "New",
            "Mastery",
        ]
        # Nine cards, ten questions: the cloze card has two gaps.
        assert [deck_counts(line) for line in deck_lines(app)] == [
            ("Every card type", 9, 10, 0, 10),
            ("Second deck", 2, 2, 0, 2),
        ]

        await pilot.press("s")  # nothing chosen: all decks
        screen = await quiz(pilot)
        assert screen.request.deck_ids == ["all-types", "second"]
        await answer(pilot, right=True)
        await pilot.press("escape", "y", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert deck_counts(deck_lines(app)[0]) == ("Every card type", 9, 10, 0, 9)

    # A day later, the card studied is due.
    app = make_app(decks, now=NOW + timedelta(days=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert deck_counts(deck_lines(app)[0]) == ("Every card type", 9, 10, 1, 9)


async def test_space_chooses_a_deck_and_s_studies_only_it(make_app: AppFactory) -> None:
    decks = [all_types_deck(), make_deck("second", [CARDS["typed"], CARDS["number"]], "Second deck")]
    app = make_app(decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "space")
        assert app.screen.query_one("#decks", SelectionList).selected == ["second"]
        await pilot.press("s")
        screen = await quiz(pilot)
        assert screen.request.mode == "study"
        assert screen.request.deck_ids == ["second"]
        assert screen.session is not None and screen.session.current is not None
        assert screen.session.current.study.deck_id == "second"
        assert screen.session.total == 2


async def test_d_drills_the_chosen_deck_with_the_count_and_timer_below(make_app: AppFactory) -> None:
    decks = [all_types_deck(), make_deck("second", [CARDS["typed"], CARDS["number"]], "Second deck")]
    app = make_app(decks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space")
        home = app.screen
        home.query_one("#drill-count", Input).value = "3"
        home.query_one("#drill-timer", Input).value = "15"
        await pilot.press("d")
        screen = await quiz(pilot)
        assert (screen.request.mode, screen.request.deck_ids) == ("drill", ["all-types"])
        assert (screen.request.count, screen.request.timer) == (3, 15)
        assert screen.session is not None and screen.session.total == 3
        assert screen._timer is not None and timer_shown(app) == f"⏱ {screen.remaining_seconds}s"
        assert 0 < screen.remaining_seconds <= 15


# ---------------------------------------------------------------- profiles, settings, help, palette


async def test_p_creates_a_profile_by_name_and_home_shows_it(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("tab", *typing("Aygerim K"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.profile is not None and app.profile.name == "Aygerim K"
        assert shown(app, "#profile-line").startswith("Profile: Aygerim K")
        assert app.sub_title == "profile: Aygerim K"
        assert [p.name for p in app.store.profiles()] == ["Aygerim K", "default"]

        # The new profile's progress is its own.
        await pilot.press("s")
        await answer(pilot, right=True)
        assert app.store.history(app.profile.id, "all-types", "capital")
        default = app.store.profile("default")
        assert app.store.history(default.id, "all-types", "capital") == []


async def test_a_bad_profile_name_is_refused_with_the_stores_reason(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "tab", "space", "space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        assert shown(app, "#profile-error") == "A profile name must be 1 to 64 characters long."
        app.screen.query_one("#new-profile", Input).value = "Ali\u202eevil"  # a bidi override
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        assert "printable characters only" in shown(app, "#profile-error")
        assert "Ali\\u202eevil" in shown(app, "#profile-error")  # spelled out
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert [p.name for p in app.store.profiles()] == ["default"]


async def test_the_profile_dialog_takes_any_name_the_store_takes(make_app: AppFactory) -> None:
    # The same rule as --profile: up to 64 printable characters, brackets and ampersands too.
    name = "Ayşe [group B] & Co. — " + "x" * 40
    assert len(name) == 63
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "tab")
        app.screen.query_one("#new-profile", Input).value = name
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.profile.name == name
        assert sorted(p.name for p in app.store.profiles()) == sorted([name, "default"])


async def test_settings_are_saved_and_persist(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("comma")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#retention", Input).has_focus
        await pilot.press("end", "ctrl+u", *typing("0.85"), "tab")
        await pilot.press("end", "ctrl+u", *typing("7"), "tab")
        app.screen.query_one("#theme", Select).value = "textual-light"
        await pilot.pause()
        assert app.theme == "textual-light"  # previewed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        settings = app.store.profile("default").settings
        assert (settings.desired_retention, settings.new_per_day, settings.theme) == (
            0.85,
            7,
            "textual-light",
        )

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert app.profile is not None and app.profile.settings.new_per_day == 7
        await pilot.press("comma")
        await pilot.pause()
        assert app.screen.query_one("#retention", Input).value == "0.85"
        assert app.screen.query_one("#new-per-day", Input).value == "7"


async def test_settings_refuse_a_retention_out_of_range_and_cancel_undoes_the_preview(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("comma")
        await pilot.pause()
        await pilot.press("end", "ctrl+u", *typing("0.5"), "ctrl+s")
        assert isinstance(app.screen, SettingsScreen)
        assert "between 0.70 and 0.99" in shown(app, "#settings-error")
        app.screen.query_one("#theme", Select).value = "textual-light"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.theme == "textual-dark"
        assert app.store.profile("default").settings.desired_retention == 0.9


async def test_help_opens_with_question_mark_and_escape_closes_it(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "otsquiz — keys" in shown(app, "#help-text")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_escape_on_help_during_a_session_does_not_end_it(make_app: AppFactory) -> None:
    app = make_app([type_deck("choice")], start=study(["only-choice"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await answer(pilot, right=True)
        assert shown(app, "#verdict") == "✓ Correct"


async def test_stats_are_counted_in_the_background_and_escape_works_meanwhile(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    counting = threading.Event()
    go_on = threading.Event()
    read_stats = app.store.stats

    def slow_stats(*args: Any, **kwargs: Any) -> Any:
        counting.set()
        go_on.wait(timeout=30)  # a large collection being counted
        return read_stats(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app.store, "stats", slow_stats)
        await pilot.press("t")
        assert isinstance(app.screen, StatsScreen)
        assert shown(app, "#stats-loading") == "Counting your answers…"
        assert counting.wait(timeout=30)
        await pilot.press("escape")  # the app answers while the figures are read
        assert isinstance(app.screen, HomeScreen)
        go_on.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # the late figures go nowhere, quietly


async def test_a_database_error_while_counting_ends_the_app_with_the_message(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otsquiz.core.store import StoreError

    app = make_app()

    def failing_stats(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("The progress database is busy.")

    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app.store, "stats", failing_stats)
        await pilot.press("t")
        for _ in range(200):  # the reading starts when the screen mounts, in a thread
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if app.return_code is not None:
                break
    assert app.return_code == 1


async def test_stats_opens_with_t_and_closes_with_escape(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await answer(pilot, right=True)
        await pilot.press("escape", "y", "enter")
        reads = []
        read_stats = app.store.stats
        monkeypatch.setattr(app.store, "stats", lambda *a, **k: reads.append(a) or read_stats(*a, **k))
        await pilot.press("t")
        assert isinstance(app.screen, StatsScreen)
        await figures_read(pilot)
        assert len(reads) == 1  # the figures are read once (a large history takes a moment)
        assert shown(app, "#stats-headline").startswith("Profile default · 1 review · streak 1 day")
        assert "1/10 questions seen" in shown(app, "#mastery")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_the_command_palette_offers_study_drill_statistics_and_settings(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"Study", "Drill", "Statistics", "Settings", "Switch profile", "Help"} <= set(commands)
        commands["Drill"].callback()
        screen = await quiz(pilot)
        assert screen.request.mode == "drill" and screen.request.count == 10


async def test_the_command_palette_by_keys_opens_statistics(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*typing("Statistics"))
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        results = palette.query_one(CommandList)
        for _ in range(100):  # the palette searches in the background: wait for the match
            if results.option_count and "Statistics" in str(results.get_option_at_index(0).prompt):
                break
            await pilot.pause(0.02)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


# ---------------------------------------------------------------- text, problems, colour


MARKUP = "[bold]x[/bold] and [red]"


async def test_deck_text_that_looks_like_markup_is_shown_literally(make_app: AppFactory) -> None:
    deck = make_deck(
        "markup",
        [
            {
                "id": "brackets",
                "type": "choice",
                "prompt": MARKUP,
                "answer": "[b]yes[/b]",
                "distractors": ["[link=https://example.com]no[/link]", "[/]"],
                "hint": "[dim]look[/dim]",
                "explanation": "Tags like [i] stay [/i] as typed.",
                "source": "ots-site",
            }
        ],
        title="[italic]Brackets[/italic]",
    )
    app = make_app([deck])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert deck_lines(app)[0].startswith("[italic]Brackets[/italic]")
        await pilot.press("s")
        screen = await quiz(pilot)
        assert shown(app, "#question") == MARKUP
        assert str(screen.query_one("#question", Static).content) == MARKUP
        options = screen.query_one("#choice-answer", OptionList)
        prompts = {str(options.get_option_at_index(i).prompt)[5:] for i in range(options.option_count)}
        assert prompts == {"[b]yes[/b]", "[link=https://example.com]no[/link]", "[/]"}
        await pilot.press("h")
        assert shown(app, "#hint") == "Hint: [dim]look[/dim]"
        await answer(pilot, right=False)
        details = shown(app, "#details")
        assert "Answer: [b]yes[/b]" in details
        assert "Tags like [i] stay [/i] as typed." in details
        await pilot.press("escape", "y")  # y: end it
        await pilot.pause()
        assert f"• {MARKUP}\n  → [b]yes[/b]" in shown(app, "#missed")


async def test_decks_with_problems_are_reported_and_the_good_ones_still_open(make_app: AppFactory) -> None:
    problems = [
        Problem("decks/broken.toml", 11, 1, "error", "unknown key 'promt' (did you mean 'prompt'?)"),
        Problem("decks/broken.toml", None, None, "error", "[red]not markup[/red]", key="cards[2].answer"),
        Problem("decks/fine.toml", 3, 1, "warning", "card has no id"),
    ]
    app = make_app([type_deck("truefalse")], problems=problems)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1
        note = notes[0]
        assert note.title == "Deck problems" and note.severity == "warning"
        assert note.message.startswith("1 deck(s) left out because of problems:")
        assert "decks/broken.toml:11:1: error: unknown key 'promt'" in note.message
        assert "[red]not markup[/red]" in note.message
        assert "fine.toml" not in note.message
        assert deck_lines(app)[0].startswith("Only truefalse")
        await pilot.press("s")
        await answer(pilot, right=True)
        assert shown(app, "#verdict") == "✓ Correct"


async def test_no_color_in_the_environment_turns_colour_off(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color


async def test_without_no_color_there_is_colour(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not make_app().no_color


def test_a_database_that_cannot_be_used_is_reported_before_the_app_starts(
    otsquiz_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from otsquiz.core.paths import database_path
    from otsquiz.tui.app import Launch, run_app

    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    assert run_app(Launch(decks=[all_types_deck()], start=study(["all-types"]))) == 1
    message = capsys.readouterr().err
    assert message.startswith("otsquiz: ") and str(path) in message and "Traceback" not in message
    assert path.read_bytes() == before


async def test_the_collector_resumes_once_the_first_card_is_up(make_app: AppFactory) -> None:
    from otsquiz import startup

    startup.begin()  # as `otsquiz` does when it starts
    try:
        app = make_app([type_deck("typed")], start=study(["only-typed"]))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        startup.done()
