"""The plain line mode: in-process over StringIO, and the real command as a process.

No test sleeps: the processes are driven by reading their output up to the
line (or prompt) that must come next, with a watchdog that kills a process
that stops talking so that a broken build fails instead of hanging.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
import tomli_w

from otsquiz.core import paths
from otsquiz.core.models import DeckFile
from otsquiz.core.scheduling import Grade
from otsquiz.core.session import Question, Session, Summary
from otsquiz.core.store import Store
from otsquiz.plain import HELP, PlainRunner
from tests.conftest import REPO

DECK_ID = "plain-test"
WATCHDOG_SECONDS = 60  # only a hung process ever waits this long

CARDS: dict[str, dict[str, Any]] = {
    "basic": {
        "id": "capital",
        "type": "basic",
        "prompt": "Capital of Azerbaijan?",
        "answer": "Baku",
        "explanation": "Baku lies on the Caspian Sea.",
    },
    "typed": {
        "id": "secretariat",
        "type": "typed",
        "prompt": "Which member hosts the OTS secretariat?",
        "answer": "Türkiye",
        "hint": "It spans two continents.",
        "source": "https://example.com/ots",
    },
    "choice": {
        "id": "seat",
        "type": "choice",
        "prompt": "In which city is the OTS secretariat?",
        "answer": "Istanbul",
        "distractors": ["Ankara", "Baku", "Astana"],
    },
    "multi": {
        "id": "founders",
        "type": "multi",
        "prompt": "Which states signed the Nakhchivan Agreement?",
        "answers": ["Azerbaijan", "Kazakhstan"],
        "distractors": ["Uzbekistan"],
    },
    "truefalse": {
        "id": "hungary",
        "type": "truefalse",
        "statement": "Hungary is an observer of the OTS.",
        "answer": True,
    },
    "number": {
        "id": "founded",
        "type": "number",
        "prompt": "In which year was the Nakhchivan Agreement signed?",
        "answer": 2009,
    },
    "cloze": {
        "id": "renamed",
        "type": "cloze",
        "text": "The Turkic Council became the {{Organization of Turkic States}} in 2021.",
    },
    "order": {
        "id": "events",
        "type": "order",
        "prompt": "Put the events in order, earliest first.",
        "items": ["Nakhchivan Agreement", "Uzbekistan joins", "Renamed the OTS"],
    },
    "match": {
        "id": "capitals",
        "type": "match",
        "prompt": "Match each country to its capital.",
        "pairs": [["Kazakhstan", "Astana"], ["Kyrgyzstan", "Bishkek"]],
    },
}


def document(*cards: dict[str, Any], deck_id: str = DECK_ID) -> dict[str, Any]:
    return {"format": 1, "deck": {"id": deck_id, "title": "Plain test deck"}, "cards": list(cards)}


def make_deck(*cards: dict[str, Any]) -> DeckFile:
    return DeckFile.model_validate(document(*cards))


def typed(card_id: str) -> dict[str, Any]:
    return {"id": card_id, "type": "typed", "prompt": f"Spell {card_id}.", "answer": card_id.capitalize()}


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open() as opened:  # in OTSQUIZ_HOME, where the command looks too
        yield opened


def run_plain(session: Session, *lines: str) -> tuple[list[str], Summary, PlainRunner]:
    stdout = io.StringIO()
    runner = PlainRunner(session, stdin=io.StringIO("".join(line + "\n" for line in lines)), stdout=stdout)
    summary = runner.run()
    return stdout.getvalue().splitlines(), summary, runner


def run_at_terminal(session: Session, *lines: str) -> tuple[list[str], Summary, PlainRunner]:
    """Like run_plain, with the lines typed at a terminal."""
    stdout = io.StringIO()
    runner = PlainRunner(session, stdin=_Keyboard("".join(line + "\n" for line in lines)), stdout=stdout)
    summary = runner.run()
    return stdout.getvalue().splitlines(), summary, runner


def number_of(question: Question, option: str) -> str:
    return str(question.options.index(option) + 1)


def right_line(question: Question) -> str:
    """What a learner types for the right answer to ``question``."""
    card = question.card
    if question.form == "choice":
        return number_of(question, card.answer)
    if question.form == "multi":
        return " ".join(number_of(question, answer) for answer in card.answers)
    if question.form == "order":
        return " ".join(number_of(question, item) for item in card.items)
    if question.form == "match":
        return " ".join(number_of(question, right) for _, right in card.pairs)
    if question.form == "truefalse":
        return "t" if card.answer else "f"
    if question.form == "text":
        return question.study.gap.answer if question.study.gap else card.answer
    return str(card.answer)


def any_response(question: Question) -> Any:
    """A response of the right shape for ``Session.submit``, right or not."""
    size = len(question.options)
    return {
        "choice": 0,
        "multi": {0},
        "order": list(range(size)),
        "match": list(range(size)),
        "truefalse": True,
    }.get(question.form, "0")


def rows(store: Store, profile_name: str = "default") -> list[Any]:
    profile = store.profile(profile_name)
    return [
        row
        for study in make_deck(*CARDS.values(), *(typed(name) for name in NAMES)).expand()
        for row in store.history(profile.id, DECK_ID, study.key)
    ]


NAMES = ("ankara", "baku", "astana", "bishkek", "tashkent")


# ---------------------------------------------------------------- every card type, in process


@pytest.mark.parametrize(
    ("kind", "verdict"),
    [
        ("choice", "Correct."),
        ("multi", None),  # "Correct." or "Correct: ..." depending on the order the options came in
        ("order", "Correct."),
        ("match", "Correct."),
        ("truefalse", "Correct."),
        ("typed", "Correct."),
        ("number", "Correct."),
        ("cloze", "Correct."),
    ],
)
def test_each_card_type_is_answered_on_one_line(kind: str, verdict: str | None, store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS[kind])], mode="drill", seed=1)
    question = session.current
    assert question is not None
    line = right_line(question)

    out, _, _ = run_plain(session, line)

    assert f"Question 1 · {DECK_ID}" in out
    assert question.text in out
    for number, option in enumerate(question.options, start=1):
        assert f"  {number}. {option}" in out
    assert any(text.endswith(f"> {line}") for text in out)  # piped input is echoed after the prompt
    if verdict is None:
        assert any(text.startswith("Correct") for text in out)
    else:
        assert verdict in out
    assert any(text.startswith("Score: 1 of 1 (100%) · best streak 1 · ") for text in out)
    [row] = store.history(store.profile().id, DECK_ID, question.study.key)
    assert (row.verdict, row.mode) == ("correct", "drill")


@pytest.mark.parametrize(
    ("card", "line", "expected"),
    [
        ({**CARDS["choice"], "answer": "Bishkek"}, None, "Wrong. The answer: Bishkek"),
        (CARDS["truefalse"], "f", "Wrong. The answer: true"),
        (CARDS["number"], "2,010", "Wrong. The answer: 2009"),
        (CARDS["typed"], "Greece", "Wrong. The answer: Türkiye"),
        (CARDS["cloze"], "Turkic Union", "Wrong. The answer: Organization of Turkic States"),
        (
            CARDS["match"],
            None,
            "Wrong. The answer: Kazakhstan → Astana; Kyrgyzstan → Bishkek",
        ),
    ],
)
def test_a_wrong_answer_shows_the_exact_answer(
    card: dict[str, Any], line: str | None, expected: str, store: Store
) -> None:
    session = Session(store, store.profile(), [make_deck(card)], mode="drill", seed=1)
    question = session.current
    assert question is not None
    if line is None and question.form == "choice":
        line = number_of(question, card["distractors"][0])
    elif line is None:  # match: every right item shifted by one
        line = " ".join(reversed(right_line(question).split()))

    out, _, _ = run_plain(session, line)

    assert expected in out
    assert any(text.startswith("Score: 0 of 1 (0%) · best streak 0 · ") for text in out)
    assert (
        "To review:" in out and f"- {question.text} → {expected.removeprefix('Wrong. The answer: ')}" in out
    )


def test_the_examples_of_the_brief(store: Store) -> None:
    """choice "2", multi "1 3", order "3 1 2", match "2 1", true/false "t", number "2,009"."""
    deck = make_deck(
        CARDS["choice"], CARDS["multi"], CARDS["order"], CARDS["match"], CARDS["truefalse"], CARDS["number"]
    )
    session = Session(store, store.profile(), [deck], mode="drill", count=6, seed=7)
    lines = {
        "choice": "2",
        "multi": "1 3",
        "order": "3 1 2",
        "match": "2 1",
        "truefalse": "t",
        "number": "2,009",
    }
    order = []
    probe = Session(store, store.profile(), [deck], mode="drill", count=6, seed=7)
    while probe.current is not None:  # the same seed: the same questions, in the same order
        order.append(probe.current)
        probe.submit(any_response(probe.current))

    out, summary, runner = run_plain(session, *(lines[question.study.type] for question in order))

    assert summary.questions == 6
    for outcome, question in zip(runner.verdicts, order, strict=True):
        assert outcome.question.study.key == question.study.key
        assert outcome.question.options == question.options
    given = {outcome.question.study.type: outcome for outcome in runner.verdicts}
    choice = given["choice"].question
    assert given["choice"].given == choice.options[1]
    assert given["multi"].given == ", ".join(given["multi"].question.options[i] for i in (0, 2))
    assert given["order"].given == " → ".join(given["order"].question.options[i] for i in (2, 0, 1))
    match = given["match"].question
    assert (
        given["match"].given
        == f"{match.lefts[0]} → {match.options[1]}; {match.lefts[1]} → {match.options[0]}"
    )
    assert (given["truefalse"].given, given["truefalse"].correct) == ("true", True)
    assert (given["number"].correct, given["number"].exact) == (True, True)
    assert "Correct: 2009" in out  # "2,009" was read as 2009; the answer is shown as written


def test_a_basic_card_is_flipped_with_enter_then_rated(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["basic"])])

    out, _, _ = run_plain(session, "", "3")

    assert "Capital of Azerbaijan?" in out
    assert "Answer: Baku" in out
    assert "Rated Good." in out
    assert "Baku lies on the Caspian Sea." in out
    [row] = store.history(store.profile().id, DECK_ID, "capital")
    assert (row.verdict, row.rating) == ("rated", 3)


def test_a_forgiven_answer_says_what_was_forgiven(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["typed"])], mode="drill")
    out, _, _ = run_plain(session, "Turkiye")
    assert "Correct (diacritics forgiven). Exactly: Türkiye" in out
    assert "Source: https://example.com/ots" in out


def test_at_a_terminal_invalid_input_is_asked_again_without_counting(store: Store) -> None:
    deck = make_deck(CARDS["choice"], CARDS["multi"], CARDS["order"], CARDS["match"], CARDS["truefalse"])
    session = Session(store, store.profile(), [deck], mode="drill", count=5, seed=2)
    invalid = {
        "choice": ["0", "5", "one", "1 2", "-1", "²", "9" * 5000, ""],
        "multi": ["", "1 1", "4", "x"],
        "order": ["1 2", "1 1 2", "1 2 3 4", "0 1 2"],
        "match": ["1", "1 2 3", "3 1"],
        "truefalse": ["yes", "1", ""],
    }
    probe = Session(store, store.profile(), [deck], mode="drill", count=5, seed=2)
    lines = []
    for _ in range(5):
        question = probe.current
        assert question is not None
        lines += [*invalid[question.form], right_line(question)]
        probe.submit(any_response(question))
    before = len(rows(store))

    out, summary, _ = run_at_terminal(session, *lines)

    helps = [line for line in out if "> Please " in line]  # no echo: it follows the prompt
    assert len(helps) == sum(len(value) for value in invalid.values())
    assert (summary.questions, summary.correct) == (5, 5)
    assert len(rows(store)) == before + 5


def test_at_a_terminal_an_empty_text_answer_is_asked_again(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["typed"])], mode="drill")
    out, summary, _ = run_at_terminal(session, "", "   ", "Türkiye")
    assert sum(line.endswith("Please type an answer.") for line in out) == 2
    assert (summary.questions, summary.correct) == (1, 1)


def test_at_a_terminal_a_number_card_asks_again_for_text_that_is_not_a_number(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["number"])], mode="drill")
    out, summary, _ = run_at_terminal(session, "two thousand and nine", "", "2009")
    assert sum(line.endswith("Please type a number, in digits (like 2009 or 1.5).") for line in out) == 2
    assert (summary.questions, summary.correct) == (1, 1)
    assert len(rows(store)) == 1


def test_at_a_terminal_a_rating_must_be_one_to_four(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["basic"])])
    out, summary, _ = run_at_terminal(session, "", "5", "good", "0", "4")
    assert sum(line.endswith("Please answer 1, 2, 3 or 4.") for line in out) == 3
    assert any(line.endswith("Rated Easy.") for line in out)
    assert summary.questions == 1


def test_piped_a_line_that_does_not_fit_is_a_miss_and_the_next_line_answers_the_next_question(
    store: Store,
) -> None:
    deck = make_deck(CARDS["choice"], CARDS["number"], typed("ankara"))
    probe = Session(store, store.profile(), [deck], mode="drill", count=3, seed=4)
    lines = []
    while probe.current is not None:
        question = probe.current
        lines.append({"choice": "7", "number": "two thousand"}.get(question.form) or right_line(question))
        probe.submit(any_response(question))
    session = Session(store, store.profile(), [deck], mode="drill", count=3, seed=4)
    before = len(rows(store))

    out, summary, runner = run_plain(session, *lines)

    notes = [line for line in out if line.startswith("That line does not answer the question")]
    assert len(notes) == 2
    assert "Please answer with one number from 1 to 4." in notes[0] + notes[1]
    assert (summary.questions, summary.correct) == (3, 1)
    assert [outcome.question.form for outcome in runner.verdicts] == [
        {"7": "choice", "two thousand": "number"}.get(line, "text") for line in lines
    ]
    assert "Wrong. The answer: Istanbul" in out and "Wrong. The answer: 2009" in out
    assert len(rows(store)) == before + 3  # every line answered one question, each saved


def test_piped_an_empty_line_for_a_typed_answer_is_a_miss(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"), typed("baku"))])
    out, summary, _ = run_plain(session, "", "Baku")
    assert (summary.questions, summary.correct) == (2, 1)
    assert "Wrong. The answer: Ankara" in out


def test_piped_a_rating_that_does_not_fit_counts_as_again(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["basic"], typed("ankara"))])
    out, summary, _ = run_plain(session, "", "good", "Ankara")
    assert "That line is not a rating (1, 2, 3 or 4), so it counts as Again." in out
    [row] = store.history(store.profile().id, DECK_ID, "capital")
    assert row.rating == int(Grade.AGAIN)
    assert summary.questions == 2  # "Ankara" answered the next question, not the rating


@pytest.mark.parametrize("word", [":idk", ":i", " :IDK "])
def test_idk_counts_a_miss_and_shows_the_answer(store: Store, word: str) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"), typed("baku"))])
    out, summary, runner = run_plain(session, word, "Baku")
    assert "Not known: it counts as a miss." in out
    assert "Wrong. The answer: Ankara" in out
    assert (summary.questions, summary.correct) == (2, 1)
    assert [outcome.correct for outcome in runner.verdicts] == [False, True]
    [row] = store.history(store.profile().id, DECK_ID, "ankara")
    assert row.verdict == "wrong"


def test_idk_on_a_self_rated_card_shows_the_answer_and_rates_again(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["basic"])])
    out, _, _ = run_at_terminal(session, ":idk")
    text = "\n".join(out)
    assert "Not known: it counts as a miss." in text and "Answer: Baku" in text
    [row] = store.history(store.profile().id, DECK_ID, "capital")
    assert row.rating == int(Grade.AGAIN)


def test_an_echoed_piped_line_with_escapes_is_shown_harmless(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"))], mode="drill")
    out, _, runner = run_plain(session, "\x1b]52;c;aGk=\x07\x1b[2J")
    text = "\n".join(out)
    assert "\x1b" not in text and "\x07" not in text
    assert "Your answer> \\x1b]52;c;aGk=\\x07\\x1b[2J" in out
    assert runner.verdicts[0].given == "\x1b]52;c;aGk=\x07\x1b[2J"  # saved as typed, shown spelled out


# ---------------------------------------------------------------- commands


def test_hint_shows_the_hint_and_makes_the_answer_hard(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["typed"], CARDS["number"])])
    out, _, _ = run_plain(session, ":hint", "Türkiye", ":h", "2009")
    assert "Hint: It spans two continents." in out
    assert "This card has no hint." in out
    ratings = {row.card_key: row.rating for row in rows(store)}
    assert ratings == {"secretariat": int(Grade.HARD), "founded": int(Grade.GOOD)}


def test_undo_takes_back_the_last_answer_and_asks_it_again(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"), typed("baku"))])
    out, summary, _ = run_plain(session, ":undo", "Izmir", ":undo", "Ankara", "Baku")

    assert "Can't do that: there is no answer to undo." in out
    assert "Undone: the last answer no longer counts. Here it is again." in out
    assert out.count("Spell ankara.") == 3  # asked, asked again after the undo, then back in learning
    [row] = store.history(store.profile().id, DECK_ID, "ankara")
    assert (row.answer, row.verdict) == ("Ankara", "correct")
    assert (summary.questions, summary.correct) == (2, 2)


def test_undo_while_rating_a_card_goes_back_to_the_question_before(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"), CARDS["basic"])])
    out, summary, _ = run_plain(session, "Ankara", "", ":undo", "Izmir", "", "2")

    assert out.count("Spell ankara.") == 3  # asked, asked again after the undo, then back in learning
    assert out.count("Capital of Azerbaijan?") == 2  # the basic card is asked afresh after the redo
    assert "Please answer 1, 2, 3 or 4." not in out
    assert [row.verdict for row in store.history(store.profile().id, DECK_ID, "ankara")] == ["wrong"]
    [row] = store.history(store.profile().id, DECK_ID, "capital")
    assert row.rating == int(Grade.HARD)
    assert (summary.questions, summary.correct) == (2, 1)


def test_overrule_reverses_the_last_verdict(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"), typed("baku"))])
    out, summary, runner = run_plain(session, "Ankra!", ":overrule", ":o", ":overrule", "Baku")

    assert "Overruled: the last answer now counts as wrong." in out
    assert "Overruled: the last answer now counts as right." in out
    [row] = store.history(store.profile().id, DECK_ID, "ankara")
    assert (row.kind, row.verdict, row.rating) == ("overrule", "wrong", 1)
    assert (summary.questions, summary.correct) == (2, 1)
    assert runner.verdicts[0].overruled and not runner.verdicts[0].correct
    assert out.count("Spell baku.") == 1  # the question on screen was not asked anew


class _Keyboard(io.StringIO):
    """Typed lines, as from a person at a terminal."""

    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_last_answer_of_a_drill_can_still_be_overruled_not_undone(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["typed"])], mode="drill")
    stdout = io.StringIO()
    lines = ["Ankara", ":undo", ":overrule", ""]  # wrong, undo refused, overruled
    runner = PlainRunner(session, stdin=_Keyboard("".join(line + "\n" for line in lines)), stdout=stdout)
    summary = runner.run()
    out = stdout.getvalue()
    assert ":undo" not in out.splitlines()[0]  # the help line offers only what a drill allows
    assert out.count("Enter for the summary, or :overrule the last answer> ") == 3
    assert "Can't do that: a drill's answers stand; undo is for study sessions." in out
    assert "Overruled: the last answer now counts as right." in out
    assert (summary.questions, summary.correct, summary.overruled) == (1, 1, 1)
    assert "Score: 1 of 1 (100%) · 1 overruled · " in out


def test_a_no_feedback_drill_offers_neither_undo_nor_overrule(store: Store) -> None:
    deck = make_deck(*(typed(name) for name in NAMES))
    session = Session(store, store.profile(), [deck], mode="drill", count=2, seed=1, feedback=False)
    out, _, _ = run_at_terminal(session, "x", ":overrule", ":undo", "y", ":o")
    assert ":undo" not in out[0] and ":overrule" not in out[0] and ":hint" in out[0]
    text = "\n".join(out)
    assert (
        "Can't do that: a drill without feedback is not overruled: its verdicts are given at the end." in text
    )
    assert "Can't do that: a drill's answers stand; undo is for study sessions." in text
    assert "Overruled" not in text and "Enter for the summary" not in text


def test_a_drill_ended_early_says_how_many_were_answered(store: Store) -> None:
    deck = make_deck(*(typed(name) for name in NAMES))
    session = Session(store, store.profile(), [deck], mode="drill", count=3, seed=2)
    first = session.current
    assert first is not None
    out, summary, _ = run_plain(session, right_line(first), ":quit")
    assert (summary.questions, summary.planned) == (1, 3)
    assert any(line.startswith("Score: 1 of 3 answered · 1 right · best streak 1 · ") for line in out)
    assert not any("(100%)" in line for line in out)


def test_a_drill_names_the_decks_it_draws_from_and_its_seed(store: Store) -> None:
    decks = [
        DeckFile.model_validate(document(typed("ankara"), deck_id="zeta")),
        DeckFile.model_validate(document(typed("baku"), deck_id="alpha")),
    ]
    out, _, _ = run_plain(Session(store, store.profile(), decks, mode="drill", seed=7), "x", "y")
    assert out[0].startswith("Drill: 2 questions from alpha, zeta, seed 7. Commands: ")


def test_a_drill_with_nothing_to_ask_says_why(store: Store) -> None:
    deck = make_deck(typed("ankara"), CARDS["basic"])
    out, _, _ = run_plain(Session(store, store.profile(), [deck], mode="drill", types=["match"]))
    assert out[0] == f"No match cards in the chosen decks ({DECK_ID})."
    flashcards = make_deck(CARDS["basic"])
    out, _, _ = run_plain(Session(store, store.profile(), [flashcards], mode="drill", feedback=False))
    assert out[0] == "No questions: flashcards are not asked in a no-feedback drill."


def test_a_number_within_tolerance_is_close_enough(store: Store) -> None:
    card = {**CARDS["number"], "tolerance": 1}
    session = Session(store, store.profile(), [make_deck(card)], mode="drill")
    out, _, _ = run_plain(session, "2010")
    assert "Correct (close enough). Exactly: 2009" in out


def test_a_number_typed_with_the_cards_unit_is_judged_not_refused(store: Store) -> None:
    card = {**CARDS["number"], "answer": 450, "unit": "km"}
    session = Session(store, store.profile(), [make_deck(card)], mode="drill")
    out, summary, _ = run_plain(session, "450 km")
    assert "Correct." in out
    assert summary.correct == 1


def test_piped_input_goes_straight_to_the_summary(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(CARDS["typed"])], mode="drill")
    out, summary, _ = run_plain(session, "Türkiye")
    assert not any("Enter for the summary" in line for line in out)
    assert summary.questions == 1


def test_quit_ends_the_session_with_its_summary(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(*(typed(name) for name in NAMES))])
    out, _, _ = run_plain(session, "Ankara", "Bakoo", ":quit", "Astana")
    assert any(text.startswith("Score: 1 of 2 (50%) · best streak 1 · ") for text in out)
    assert "- Spell baku. → Baku" in out
    assert out[-1].startswith("Next review due: ")
    assert [row.card_key for row in rows(store)] == ["ankara", "baku"]
    assert store.session(session.session_id)["questions"] == 2


def test_an_unknown_command_shows_the_commands(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(typed("ankara"))])
    out, summary, _ = run_plain(session, ":help", "Ankara")
    assert out.count(HELP) == 1  # besides the first line, which ends with it
    assert summary.questions == 1


def test_the_end_of_input_ends_cleanly_and_everything_is_saved(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck(*(typed(name) for name in NAMES))])
    out, summary, _ = run_plain(session, "Ankara", "Baku", "Astana")
    assert summary.questions == 3
    assert any(text.startswith("Score: 3 of 3 (100%) · best streak 3 · ") for text in out)
    assert sorted(row.card_key for row in rows(store)) == ["ankara", "astana", "baku"]
    assert store.session(session.session_id)["finished"] is not None


def test_without_feedback_verdicts_come_only_at_the_end(store: Store) -> None:
    deck = make_deck(*(typed(name) for name in NAMES))
    session = Session(store, store.profile(), [deck], mode="drill", count=3, seed=5, feedback=False)
    out, summary, _ = run_plain(session, "Ankara", "Baku", "Astana")

    assert out.count("Answer recorded.") == 3
    end = out.index("Your answers:")
    assert not any(line.startswith(("Correct", "Wrong")) for line in out[:end])
    verdicts = [line.strip() for line in out[end:] if line.strip().startswith(("Correct", "Wrong"))]
    assert len(verdicts) == 3
    assert sum(verdict == "Correct." for verdict in verdicts) == summary.correct
    assert any(line.startswith("Score: ") for line in out[end:])


def test_nothing_to_study(store: Store) -> None:
    session = Session(store, store.profile(), [make_deck()])
    out, summary, _ = run_plain(session)
    assert out[0].startswith("Nothing to study right now")
    assert "No answers this time." in out
    assert summary.questions == 0


# ---------------------------------------------------------------- the command, as a process


def otsquiz(*args: str, stdin: Any = subprocess.DEVNULL, input: str | None = None, **env: str) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "otsquiz", *args],
        stdin=None if input is not None else stdin,
        input=input,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        check=False,
    )


@pytest.fixture
def user_deck(otsquiz_home: Path) -> Path:
    """A deck among the user's decks (so `stats` counts it), of typed cards and one choice."""
    return write_deck(
        otsquiz_home / "decks" / "plain-test.toml", DECK_ID, *(typed(name) for name in NAMES), CARDS["choice"]
    )


def stats(*args: str) -> dict[str, Any]:
    result = otsquiz("stats", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_drill_as_a_process(user_deck: Path) -> None:
    result = otsquiz("drill", "--plain", "--seed", "1", "--count", "3", DECK_ID, input="1\n" * 3)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Drill: 3 questions from plain-test, seed 1.")
    assert "Score: " in result.stdout
    again = otsquiz("drill", "--plain", "--seed", "1", "--count", "3", DECK_ID, input="1\n" * 3)
    questions = [line for line in result.stdout.splitlines() if not line.startswith("Score: ")]
    assert questions == [line for line in again.stdout.splitlines() if not line.startswith("Score: ")]


def write_deck(path: Path, deck_id: str, *cards: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(document(*cards, deck_id=deck_id)), encoding="utf-8")
    return path


def test_decks_named_by_path_and_by_id(user_deck: Path, otsquiz_home: Path, tmp_path: Path) -> None:
    # One of the user's own decks, named by its path: loaded once, not as a duplicate of itself.
    result = otsquiz("drill", "--plain", str(user_deck), input="1\n")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Drill: 6 questions from plain-test.")

    # An id and a path together: both decks.
    other = write_deck(tmp_path / "elsewhere" / "other.toml", "other", typed("izmir"))
    result = otsquiz("drill", "--plain", "--count", "50", DECK_ID, str(other))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Drill: 7 questions from other, plain-test.")

    # A folder holds its own decks, not those of a folder whose name starts the same.
    write_deck(otsquiz_home / "decks" / "turkic" / "a.toml", "turkic-a", typed("ankara"))
    write_deck(otsquiz_home / "decks" / "turkic-extra" / "b.toml", "turkic-b", typed("baku"))
    result = otsquiz("drill", "--plain", str(otsquiz_home / "decks" / "turkic"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Drill: 1 question from turkic-a.")


@contextmanager
def watchdog(process: subprocess.Popen[Any]) -> Iterator[None]:
    """Kill ``process`` if the test is still talking to it after WATCHDOG_SECONDS."""
    timer = threading.Timer(WATCHDOG_SECONDS, process.kill)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def read_prompt(stream: IO[bytes]) -> tuple[str, bool]:
    """Everything up to the next prompt (which ends in "> ", no newline); False: the output ended."""
    received = b""
    while not received.endswith(b"> "):
        chunk = stream.read1(4096)  # type: ignore[attr-defined]
        if not chunk:
            return received.decode(), False
        received += chunk
    return received.decode(), True


def reply_to(prompt: str) -> str:
    """An answer of the right shape for any prompt the plain mode shows."""
    last = prompt.rsplit("\n", 1)[-1]
    if last.startswith("True or false"):
        return "t"
    if last.startswith("Their order"):
        return last.split("e.g. ", 1)[1].removesuffix("> ")  # the example is a valid order
    if last.startswith("The number for each of"):
        letters = last.removeprefix("The number for each of ").split(",", 1)[0].split()
        return " ".join(str(n) for n in range(1, len(letters) + 1))
    if last.startswith("How well"):
        return "3"
    if last.startswith("Press Enter"):
        return ""
    return "1"  # a choice, a selection, a number or a typed answer


def test_drill_with_all_the_decks_as_a_process() -> None:
    """`otsquiz drill --plain --seed 1 --count 3`, answering whatever the bundled decks ask."""
    process = subprocess.Popen(
        [sys.executable, "-m", "otsquiz", "drill", "--plain", "--seed", "1", "--count", "3"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdin is not None and process.stdout is not None
    transcript = ""
    with watchdog(process):
        for _ in range(20):
            prompt, prompted = read_prompt(process.stdout)
            transcript += prompt
            if not prompted:
                break  # the drill is over
            process.stdin.write((reply_to(prompt) + "\n").encode())
            process.stdin.flush()
        rest, errors = process.communicate()  # closes stdin: the end of input
    transcript += rest.decode()
    assert process.returncode == 0, errors.decode()
    assert transcript.count("Question ") >= 3
    assert "Score: " in transcript
    assert b"Traceback" not in errors


def test_study_with_stdin_closed_exits_cleanly() -> None:
    result = otsquiz("study", "--plain")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "No answers this time." in result.stdout


def test_stats_json_counts_the_answers_and_profiles_are_apart(user_deck: Path) -> None:
    empty = stats()
    assert set(empty) >= {"profile", "reviews_total", "decks"}
    assert (empty["profile"], empty["reviews_total"]) == ("default", 0)

    drill = otsquiz("drill", "--plain", "--seed", "3", "--count", "2", DECK_ID, input="1\n1\n")
    assert drill.returncode == 0, drill.stderr
    study = otsquiz("study", "--plain", "--profile", "alice", DECK_ID, input="Ankara\nBaku\nIzmir\n")
    assert study.returncode == 0, study.stderr
    assert study.stdout.count("Correct.") == 2 and "Wrong. The answer: Astana" in study.stdout

    default = stats()
    assert (default["reviews_total"], default["drill_answers"]) == (0, 2)  # drills change no schedule
    for deck in default["decks"]:
        assert set(deck) >= {"id", "cards", "reviewed", "due"}
    [mine] = [deck for deck in default["decks"] if deck["id"] == DECK_ID]
    assert (mine["cards"], mine["reviewed"], mine["due"]) == (6, 0, 0)

    alice = stats("--profile", "alice")
    assert (alice["profile"], alice["reviews_total"]) == ("alice", 3)
    [mine] = [deck for deck in alice["decks"] if deck["id"] == DECK_ID]
    assert (mine["cards"], mine["reviewed"]) == (6, 3)
    before = otsquiz("--profile", "alice", "stats", "--json")  # --profile before the command works too
    assert json.loads(before.stdout)["reviews_total"] == 3

    with Store.open() as store:  # the default profile never saw alice's answers
        assert store.history(store.profile("default").id, DECK_ID, "ankara") == []
        assert [row.verdict for row in store.history(store.profile("alice").id, DECK_ID, "ankara")] == [
            "correct"
        ]

    plain = otsquiz("stats", "--profile", "alice")
    assert plain.returncode == 0 and "Profile: alice    reviews: 3" in plain.stdout


def test_a_bad_profile_name_is_a_message_not_a_traceback(user_deck: Path) -> None:
    for args in (["stats", "--profile", "   "], ["study", "--plain", "--profile", "x" * 65, DECK_ID]):
        result = otsquiz(*args)
        assert result.returncode == 1, args
        assert result.stderr.startswith("otsquiz: ") and "profile name" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("encoding", ["", "utf-8:strict"])
def test_undecodable_input_is_an_answer_not_a_crash(user_deck: Path, encoding: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "otsquiz", "study", "--plain", DECK_ID],
        input=b"Ank\xffra\n\xfe\n",
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": encoding} if encoding else os.environ,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    assert b"Score: " in result.stdout
    with Store.open() as store:
        [row] = store.history(store.profile().id, DECK_ID, "ankara")
        assert row.answer == "Ank\ufffdra"


# ---------------------------------------------------------------- durability


def test_answers_survive_the_process_being_killed(tmp_path: Path) -> None:
    deck_file = tmp_path / "kill-deck.toml"
    cards = [typed(name) for name in NAMES]
    deck_file.write_text(tomli_w.dumps(document(*cards, deck_id="kill-deck")), encoding="utf-8")
    answers = {f"Spell {name}.": name.capitalize() for name in NAMES}
    answers["Spell baku."] = "Bakoo"  # one wrong answer is saved just as well

    process = subprocess.Popen(
        [sys.executable, "-m", "otsquiz", "study", "--plain", "--profile", "kill", str(deck_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        cwd=REPO,
    )
    assert process.stdin is not None and process.stdout is not None
    answered: list[str] = []
    with watchdog(process):
        while len(answered) < 4:
            line = process.stdout.readline()
            assert line, f"the process ended early: {process.stderr.read() if process.stderr else ''}"
            prompt = line.rstrip("\n")
            if prompt not in answers:
                continue
            process.stdin.write(answers[prompt] + "\n")
            process.stdin.flush()
            while True:  # up to the verdict, printed once the answer is committed
                verdict = process.stdout.readline()
                assert verdict, "the process ended before its verdict"
                if verdict.startswith(("Correct", "Wrong")):
                    break
            answered.append(prompt.removeprefix("Spell ").removesuffix("."))
        process.send_signal(signal.SIGKILL)
        process.wait()
    process.stdin.close()
    process.stdout.close()
    if process.stderr:
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    assert answered == ["ankara", "baku", "astana", "bishkek"]
    with Store.open(paths.database_path()) as store:
        profile = store.profile("kill")
        for name in answered:
            [row] = store.history(profile.id, "kill-deck", name)
            assert row.verdict == ("wrong" if name == "baku" else "correct")
            assert store.state(profile.id, "kill-deck", name) is not None
        assert store.history(profile.id, "kill-deck", "tashkent") == []
        assert store.history(store.profile().id, "kill-deck", "ankara") == []  # not the default profile


# ---------------------------------------------------------------- a damaged database


@pytest.mark.parametrize("damage", ["garbage", "malformed"])
def test_a_damaged_database_is_reported_and_left_untouched(otsquiz_home: Path, damage: str) -> None:
    database = otsquiz_home / "progress.sqlite3"
    if damage == "garbage":
        otsquiz_home.mkdir(parents=True)
        database.write_bytes(bytes(range(256)) * 64)
    else:  # a real otsquiz database, its pages scrambled after the header
        with Store.open(database) as store:
            store.profile("default")
            store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = bytearray(database.read_bytes())
        for index in range(100, len(data)):
            data[index] = (data[index] * 7 + 13) % 256
        database.write_bytes(bytes(data))
    original = database.read_bytes()

    for args in (["study", "--plain"], ["stats"], ["stats", "--json"], ["drill", "--plain"]):
        result = otsquiz(*args, input="1\n")
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr.startswith("otsquiz: The progress database ")
        assert "is damaged" in result.stderr and "has not changed it" in result.stderr
        assert "Traceback" not in result.stderr
        assert database.read_bytes() == original
