"""The quiz screen as a learner meets it: what it shows, on small screens too, and the drill timer.

Screen text is read as rendered (characters, not colours), so that what is
checked is what a monochrome screen or NO_COLOR shows.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Static
from textual.widgets._footer import FooterKey

from otsquiz.core.session import Question
from otsquiz.core.store import Store
from otsquiz.tui.app import OtsquizApp
from otsquiz.tui.screens.help import HelpScreen
from otsquiz.tui.screens.quiz import QuizScreen
from otsquiz.tui.screens.summary import SummaryScreen
from otsquiz.tui.widgets.confirm import Confirm
from tests.tui.conftest import (
    CARDS,
    AppFactory,
    drill,
    make_deck,
    match_keys,
    press_answer,
    settle,
    study,
    type_deck,
    typing,
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


# ---------------------------------------------------------------- no feedback


def three_cards() -> Any:
    return make_deck("three", [CARDS["truefalse"], CARDS["choice"], CARDS["number"]], "Three cards")


async def screens_after_the_first_answer(make_app: AppFactory, right: bool) -> list[str]:
    """Screenshots of a no-feedback drill: the verdict on the first answer, then the next question."""
    app = make_app([three_cards()], start=drill(["three"], count=3, feedback=False))
    shots = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await press_answer(pilot, current(screen), right, keystrokes=False)
        await pilot.pause()
        assert screen.outcome is not None and screen.outcome.correct is right
        shots.append(app.export_screenshot())
        await pilot.press("o")  # nothing to overrule: the verdict is not known
        await pilot.pause()
        assert not screen.outcome.overruled and not app._notifications
        shots.append(app.export_screenshot())
        await pilot.press("enter")
        await pilot.pause()
        shots.append(app.export_screenshot())
        status = shown(app, "#status")
        assert "score" not in status and "streak" not in status
    return shots


async def test_a_no_feedback_drill_shows_the_same_screen_whatever_the_verdict(make_app: AppFactory) -> None:
    right = await screens_after_the_first_answer(make_app, right=True)
    wrong = await screens_after_the_first_answer(make_app, right=False)
    assert right == wrong


async def test_a_no_feedback_verdict_says_only_that_the_answer_was_recorded(make_app: AppFactory) -> None:
    app = make_app([three_cards()], start=drill(["three"], count=3, feedback=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await press_answer(pilot, current(screen), False, keystrokes=False)
        await pilot.pause()
        assert shown(app, "#verdict") == "Answer recorded. Press enter for the next question."
        assert "o Overrule" not in await footer_keys(pilot)
        assert not rows_with(app, "Not quite") and not rows_with(app, "Answer:")


# ---------------------------------------------------------------- the drill timer


@pytest.mark.parametrize(
    ("typed", "verdict", "recorded"),
    [
        ("1991", "Time's up · ✗ Not quite", "1991"),
        ("2009", "Time's up · ✓ Correct", "2009"),
        ("", "Time's up · ✗ Not quite", "(no answer)"),
    ],
    ids=["wrong", "right", "nothing"],
)
async def test_when_time_runs_out_what_is_typed_is_judged(
    make_app: AppFactory, typed: str, verdict: str, recorded: str
) -> None:
    app = make_app([type_deck("number")], start=drill(["only-number"], timer=5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        hold_the_clock(screen)
        await pilot.press(*typing(typed))  # typed, never sent
        await run_out_of_time(pilot, screen)
        assert shown(app, "#verdict") == verdict
        [record] = records(app, "only-number", "founded")
        assert record.answer == recorded
        if recorded != "2009":
            assert f"You answered: {recorded}" in shown(app, "#details")


@pytest.mark.parametrize("kind", ["multi", "order", "match"])
async def test_when_time_runs_out_what_is_chosen_is_judged(make_app: AppFactory, kind: str) -> None:
    app = make_app([type_deck(kind)], start=drill([f"only-{kind}"], timer=5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        hold_the_clock(screen)
        question = current(screen)
        options, lefts = question.options, question.lefts
        if kind == "multi":
            await pilot.press("space")  # the first option, chosen but not checked
            expected = options[0]
        elif kind == "order":
            await pilot.press("shift+down")  # the first item moved down one place
            expected = " → ".join([options[1], options[0], *options[2:]])
        else:
            await pilot.press("enter", "enter")  # the first left item paired with the first right one
            expected = "; ".join([f"{lefts[0]} → {options[0]}", *(f"{left} → ?" for left in lefts[1:])])
        await pilot.pause()
        assert screen.outcome is None
        await run_out_of_time(pilot, screen)
        assert shown(app, "#verdict").startswith("Time's up · ")
        [record] = records(app, f"only-{kind}", CARDS[kind]["id"])
        assert record.answer == expected


async def test_an_untouched_order_card_is_not_answered_when_time_runs_out(make_app: AppFactory) -> None:
    app = make_app([type_deck("order")], start=drill(["only-order"], timer=5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        hold_the_clock(screen)
        await run_out_of_time(pilot, screen)
        [record] = records(app, "only-order", "joined")
        assert record.answer == "(no answer)"


@pytest.mark.parametrize("cover", ["help", "palette"])
async def test_help_and_the_palette_do_not_stop_the_drill_clock(make_app: AppFactory, cover: str) -> None:
    app = make_app([type_deck("typed")], start=drill(["only-typed"], timer=30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        timer = screen._timer
        assert timer is not None
        await pilot.press(*typing("Ist"))
        await pilot.press("f1" if cover == "help" else "ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen if cover == "help" else CommandPalette)
        assert timer._active.is_set()  # the clock runs on
        hold_the_clock(screen)
        await run_out_of_time(pilot, screen)  # time runs out under the cover: judged at once
        [record] = records(app, "only-typed", "secretariat")
        assert record.answer == "Ist"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert shown(app, "#verdict") == "Time's up · ✗ Not quite"


# ---------------------------------------------------------------- small terminals

LONG_CARD = dict(
    CARDS["typed"],
    prompt="After long talks among the founding members about where it should sit, " * 3
    + "in which city was the secretariat of the organization set up?",
    explanation="The secretariat was set up in Istanbul in 2010, after the founding members " * 4
    + "agreed on it.",
)


@pytest.mark.parametrize("feedback", [True, False], ids=["feedback", "no-feedback"])
@pytest.mark.parametrize("size", [(40, 12), (80, 24)], ids=["40x12", "80x24"])
async def test_the_verdict_and_the_keys_are_on_screen_on_a_small_terminal(
    make_app: AppFactory, size: tuple[int, int], feedback: bool
) -> None:
    app = make_app([make_deck("long", [LONG_CARD])], start=drill(["long"], feedback=feedback))
    async with app.run_test(size=size) as pilot:
        screen = await quiz(pilot)
        await press_answer(pilot, current(screen), False, keystrokes=False)
        await pilot.pause()
        await pilot.pause()  # and the details scrolled into view
        footer = screen.query_one(Footer)
        for selector in ("#verdict", "#keys"):
            region = screen.query_one(selector).region
            assert region.area and screen.region.contains_region(region), (selector, region)
            assert region.bottom <= footer.region.y, (selector, region, footer.region)
        verdict = "✗ Not quite" if feedback else "Answer recorded."
        assert rows_with(app, verdict)
        # A drill's answers stand (no undo); without feedback there is no verdict to overrule.
        assert rows_with(app, "enter: next · o: overrule" if feedback else "enter: next")
        assert not rows_with(app, "u: undo")
        if feedback:
            assert rows_with(app, "Answer: Istanbul")
        if feedback and size == (80, 24):
            assert rows_with(app, "Source: Organization of Turkic States")


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
        await pilot.press(
            *[str(number) for number, option in enumerate(options, start=1) if option in answers]
        )
        await pilot.press("9")  # no ninth option: nothing happens
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#verdict") == "✓ Correct"


# ---------------------------------------------------------------- the footer


async def test_while_typing_the_footer_offers_the_keys_that_work_while_typing(make_app: AppFactory) -> None:
    app = make_app([type_deck("typed")], start=study(["only-typed"]))
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        keys = await footer_keys(pilot)
        assert {"^t Hint", "^n Don't know", "f1 Help", "esc End session"} <= set(keys)
        assert not [key for key in keys if key.startswith(("h ", "x ", "u ", "? "))]
        await pilot.press(*typing("hux?"))  # they type
        assert app.screen.query_one("#text-answer").value == "hux?"  # type: ignore[attr-defined]
        await pilot.press("ctrl+n")
        await pilot.pause()
        keys = await footer_keys(pilot)
        assert {"u Undo", "? Help"} <= set(keys)
        assert "o Overrule" not in keys  # nothing was given: it cannot be counted right
        assert not [key for key in keys if "Hint" in key or "Don't know" in key]


async def test_on_a_choice_card_the_footer_offers_the_letter_keys(make_app: AppFactory) -> None:
    app = make_app([type_deck("choice")], start=study(["only-choice"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        keys = await footer_keys(pilot)
        assert {"h Hint", "x Don't know", "? Help"} <= set(keys)
        assert not [key for key in keys if key.startswith(("^t", "^n", "u ", "o "))]
        await pilot.press("x")
        await pilot.pause()
        assert screen.outcome is not None and screen.outcome.given == "(no answer)"


# ---------------------------------------------------------------- progress


async def test_a_drill_says_which_question_of_how_many(make_app: AppFactory) -> None:
    app = make_app([three_cards()], start=drill(["three"], count=3))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert "question 1 of 3" in shown(app, "#status")
        await press_answer(pilot, current(screen), False, keystrokes=False)
        await pilot.pause()
        assert "question 1 of 3" in shown(app, "#status")  # the verdict is still on question 1
        await pilot.press("enter")
        await pilot.pause()
        assert "question 2 of 3" in shown(app, "#status")
        await press_answer(pilot, current(screen), True, keystrokes=False)
        await pilot.press("u")
        await pilot.pause()
        assert "question 2 of 3" in shown(app, "#status")


async def test_study_says_what_is_left_by_kind_of_card(make_app: AppFactory) -> None:
    deck = make_deck("two", [CARDS["truefalse"], CARDS["typed"]], "Two cards")
    app = make_app([deck], start=study(["two"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert "2 new · 0 learning · 0 review" in shown(app, "#status")
        await press_answer(pilot, current(screen), True, keystrokes=False)
        await pilot.pause()
        # The card answered is in its learning steps and comes back: it is counted as learning.
        assert "1 new · 1 learning · 0 review" in shown(app, "#status")
        await pilot.press("enter")
        await press_answer(pilot, current(screen), True, keystrokes=False)
        await pilot.pause()
        assert "0 new · 2 learning · 0 review" in shown(app, "#status")


async def test_study_counts_what_is_left_only_after_the_first_card_is_up(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting by state asks the database: it waits until the first question is on screen."""
    from otsquiz.core.session import Session

    app = make_app([type_deck("truefalse")], start=study(["only-truefalse"]))
    count = Session.remaining_by_state
    footers_when_counted: list[bool] = []

    def counted(session: Session) -> Any:
        footers_when_counted.append(bool(app.screen.query(Footer)))
        return count(session)

    monkeypatch.setattr(Session, "remaining_by_state", counted)
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        assert "1 new · 0 learning · 0 review" in shown(app, "#status")
    assert footers_when_counted and all(footers_when_counted)


# ---------------------------------------------------------------- snapshots


@pytest.mark.parametrize(
    ("size", "feedback"),
    [((40, 12), True), ((80, 24), True), ((80, 24), False)],
    ids=["40x12", "80x24", "80x24-no-feedback"],
)
def test_snapshot_of_a_long_card_answered(
    snap_compare: Any, make_app: AppFactory, size: tuple[int, int], feedback: bool
) -> None:
    app = make_app([make_deck("long", [LONG_CARD])], start=drill(["long"], feedback=feedback))

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await quiz(pilot)
        await press_answer(pilot, current(screen), False, keystrokes=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# ---------------------------------------------------------------- ending a session


def two_text_cards() -> Any:
    return make_deck("two", [CARDS["typed"], CARDS["number"]], "Two text cards")


async def test_escape_asks_before_ending_a_drill_and_no_keeps_what_is_typed(make_app: AppFactory) -> None:
    app = make_app([two_text_cards()], start=drill(["two"], count=2))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert screen.session is not None
        session_id = screen.session.session_id
        await press_answer(pilot, current(screen), True, keystrokes=False)
        await pilot.press("enter")
        await pilot.press("2", "0", "escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert shown(app, "#confirm-question") == "End the drill? 1 of 2 answered — y/n"

        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        box = screen.query_one("#text-answer", Input)
        assert box.value == "20" and screen.focused is box  # the answer goes on where it was
        assert app.store.session(session_id)["finished"] is None

        await pilot.press("escape", "escape")  # escape on the question is "no" too
        await pilot.pause()
        assert app.screen is screen and box.value == "20"

        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        row = app.store.session(session_id)
        assert row["finished"] is not None and row["questions"] == 1  # the answer given is kept


async def test_escape_in_study_asks_with_the_count_answered(make_app: AppFactory) -> None:
    app = make_app([two_text_cards()], start=study(["two"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await press_answer(pilot, current(screen), True, keystrokes=False)
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "#confirm-question") == "End the session? 1 answered — y/n"


async def test_ctrl_q_quits_at_once_and_keeps_the_answers(make_app: AppFactory) -> None:
    app = make_app([two_text_cards()], start=drill(["two"], count=2))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        assert screen.session is not None
        session_id = screen.session.session_id
        question = current(screen)
        await press_answer(pilot, question, True, keystrokes=False)
        await pilot.press("enter", "escape")  # ctrl+q works over the question too
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    with Store.open() as store:
        row = store.session(session_id)
        assert row["finished"] is not None and row["questions"] == 1
        assert len(store.history(row["profile_id"], "two", question.study.key)) == 1


# ---------------------------------------------------------------- the drill rules


async def test_a_drill_offers_no_undo(make_app: AppFactory) -> None:
    app = make_app([two_text_cards()], start=drill(["two"], count=2))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        question = current(screen)
        await press_answer(pilot, question, False, keystrokes=False)
        await pilot.pause()
        keys = await footer_keys(pilot)
        assert "u Undo" not in keys and "o Overrule" in keys
        assert "u: undo" not in shown(app, "#keys")
        await pilot.press("u")
        await pilot.pause()
        assert screen.outcome is not None  # the verdict stays; the answer stands
        assert len(records(app, "two", question.study.key)) == 1
        await pilot.press("enter")
        await pilot.pause()
        assert "u Undo" not in await footer_keys(pilot)  # nor on the next question


@pytest.mark.parametrize("mode", ["drill", "study"])
async def test_a_blank_answer_offers_no_overrule(make_app: AppFactory, mode: str) -> None:
    start = drill(["two"], count=2) if mode == "drill" else study(["two"])
    app = make_app([two_text_cards()], start=start)
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await pilot.press("ctrl+n")  # don't know
        await pilot.pause()
        assert screen.outcome is not None and not screen.outcome.correct
        assert "o Overrule" not in await footer_keys(pilot)
        assert "overrule" not in shown(app, "#keys")
        await pilot.press("o")
        await pilot.pause()
        assert not screen.outcome.correct and not screen.outcome.overruled
        assert screen.session is not None and screen.session.score == 0


async def test_a_number_within_tolerance_is_close_enough(make_app: AppFactory) -> None:
    card = {**CARDS["number"], "answer": 2009, "tolerance": 1}
    app = make_app([make_deck("near", [card])], start=drill(["near"]))
    async with app.run_test(size=SIZE) as pilot:
        await quiz(pilot)
        await pilot.press("2", "0", "1", "0", "enter")
        await pilot.pause()
        assert shown(app, "#verdict") == "✓ Correct (close enough)"


async def test_a_number_typed_with_the_cards_unit_is_judged_not_refused(make_app: AppFactory) -> None:
    card = {**CARDS["number"], "answer": 450, "unit": "km"}
    app = make_app([make_deck("unit", [card])], start=drill(["unit"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        await pilot.press(*"450km", "enter")
        await pilot.pause()
        assert screen.outcome is not None and screen.outcome.correct


# ---------------------------------------------------------------- match cards


def moves(start: int, target: int) -> list[str]:
    return ["down"] * (target - start) if target >= start else ["up"] * (start - target)


async def test_a_match_card_waits_for_enter_after_the_last_pair_and_pairs_can_change(
    make_app: AppFactory,
) -> None:
    app = make_app([type_deck("match")], start=drill(["only-match"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await quiz(pilot)
        question = current(screen)
        rights = [pair[1] for pair in CARDS["match"]["pairs"]]
        await pilot.press(*match_keys(question, rights)[:-1])  # every pair made, not yet checked
        await pilot.pause()
        assert screen.outcome is None
        for letter, left, right in zip("ABC", question.lefts, rights, strict=True):
            assert rows_with(app, f"{letter}. {left}  →  {right}")
        assert rows_with(app, "> ✓ Check these pairs")

        # A and C swap their pairs: C first (A is left without one), then A.
        first, last = question.options.index(rights[0]), question.options.index(rights[2])
        await pilot.press("up", "enter", *moves(last, first), "enter")
        await pilot.pause()
        assert not rows_with(app, "Check these pairs")  # A has no pair
        assert rows_with(app, f"> A. {question.lefts[0]}")
        await pilot.press("enter", *moves(first, last), "enter")
        await pilot.pause()
        assert screen.outcome is None
        assert rows_with(app, f"A. {question.lefts[0]}  →  {rights[2]}")
        assert rows_with(app, "> ✓ Check these pairs")

        await pilot.press("enter")
        await pilot.pause()
        assert screen.outcome is not None and not screen.outcome.correct
