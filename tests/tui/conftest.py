"""Decks, a fixed clock and an app factory for the app's Pilot and snapshot tests.

Everything the app shows is made deterministic here: decks are built in the
tests (one card of every type, each with an id, an explanation and a source),
the clock is fixed, the time zone is UTC (study days and dates on screen
follow the local zone), a session's elapsed time is frozen, and drills get a
seed so that options are shuffled the same way on every run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input

from otsquiz.core.models import DeckFile
from otsquiz.core.problems import Problem
from otsquiz.core.scheduling import Grade
from otsquiz.core.selection import SessionRequest
from otsquiz.core.session import Question, Session
from otsquiz.core.store import Store
from otsquiz.tui.app import Launch, OtsquizApp

# A Wednesday, mid-morning in UTC: well inside one study day.
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)

SOURCE = {"id": "ots-site", "title": "Organization of Turkic States", "url": "https://www.turkicstates.org/"}

# One card of every type. Options are distinct across cards where it matters
# for the typo guard, and every card has an id, an explanation and a source.
CARDS: dict[str, dict[str, Any]] = {
    "basic": {
        "id": "capital",
        "type": "basic",
        "prompt": "Capital of Azerbaijan?",
        "answer": "Baku",
        "explanation": "Baku lies on the Caspian Sea.",
        "source": "ots-site",
    },
    "typed": {
        "id": "secretariat",
        "type": "typed",
        "prompt": "In which city is the OTS secretariat?",
        "answer": "Istanbul",
        "hint": "It spans two continents.",
        "explanation": "The secretariat was set up in Istanbul in 2010.",
        "source": "ots-site",
    },
    "choice": {
        "id": "summit-2024",
        "type": "choice",
        "prompt": "Which city hosted the 2024 OTS summit?",
        "answer": "Bishkek",
        "distractors": ["Samarkand", "Shusha", "Budapest"],
        "hint": "Capital of Kyrgyzstan.",
        "explanation": "The 11th summit met in Bishkek in November 2024.",
        "source": "ots-site",
    },
    "multi": {
        "id": "founders",
        "type": "multi",
        "prompt": "Which states signed the Nakhchivan Agreement?",
        "answers": ["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Turkey"],
        "distractors": ["Uzbekistan", "Hungary"],
        "explanation": "Uzbekistan joined in 2019; Hungary is an observer.",
        "source": "ots-site",
    },
    "truefalse": {
        "id": "hungary",
        "type": "truefalse",
        "statement": "Hungary is a full member of the OTS.",
        "answer": False,
        "explanation": "Hungary has been an observer since 2018.",
        "source": "ots-site",
    },
    "number": {
        "id": "founded",
        "type": "number",
        "prompt": "In which year was the Nakhchivan Agreement signed?",
        "answer": 2009,
        "explanation": "Signed on 3 October 2009.",
        "source": "ots-site",
    },
    "cloze": {
        "id": "renamed",
        "type": "cloze",
        "text": "In {{2021}} the Turkic Council was renamed at the summit in {{Istanbul::a city on the Bosphorus}}.",
        "explanation": "The Istanbul summit of November 2021 gave the organization its name.",
        "source": "ots-site",
    },
    "order": {
        "id": "joined",
        "type": "order",
        "prompt": "Put the events in order, earliest first.",
        "items": ["Nakhchivan Agreement", "Uzbekistan joins", "Renamed the OTS"],
        "explanation": "2009, 2019, 2021.",
        "source": "ots-site",
    },
    "match": {
        "id": "capitals",
        "type": "match",
        "prompt": "Match each country to its capital.",
        "pairs": [["Kazakhstan", "Astana"], ["Kyrgyzstan", "Bishkek"], ["Uzbekistan", "Tashkent"]],
        "explanation": "Astana was called Nur-Sultan from 2019 to 2022.",
        "source": "https://en.wikipedia.org/wiki/Organization_of_Turkic_States",
    },
}
CARD_TYPES = list(CARDS)

# The key each card's answers are kept under in the store (cloze: the first gap).
CARD_KEYS = {kind: card["id"] + (":1" if kind == "cloze" else "") for kind, card in CARDS.items()}


def deck_document(deck_id: str, cards: list[dict[str, Any]], title: str | None = None) -> dict[str, Any]:
    return {
        "format": 1,
        "deck": {"id": deck_id, "title": title or f"DeckFile {deck_id}", "sources": [SOURCE]},
        "cards": cards,
    }


def make_deck(deck_id: str, cards: list[dict[str, Any]], title: str | None = None) -> Any:
    """A validated deck, compiled as the loader hands it to the app."""
    return DeckFile.model_validate(deck_document(deck_id, cards, title)).compile()


def type_deck(kind: str) -> Any:
    """A deck of one card: ``kind``."""
    return make_deck(f"only-{kind}", [CARDS[kind]], title=f"Only {kind}")


def all_types_deck(deck_id: str = "all-types", title: str = "Every card type") -> Any:
    return make_deck(deck_id, list(CARDS.values()), title=title)


def drill(deck_ids: list[str], **options: Any) -> SessionRequest:
    """A drill with a fixed seed: the same questions with the same option order on every run."""
    options.setdefault("seed", "1")
    return SessionRequest("drill", deck_ids, **options)


def study(deck_ids: list[str], **options: Any) -> SessionRequest:
    return SessionRequest("study", deck_ids, **options)


# Keys that answer a question, worked out from the options the session shows.

WRONG_TEXT = {"typed": "Ankara", "number": "2010", "cloze": "1999"}


def typing(text: str) -> list[str]:
    """The key presses that type ``text`` into an input."""
    return ["space" if char == " " else char for char in text]


def order_keys(options: tuple[str, ...], target: list[str]) -> list[str]:
    """Arrows and shift+arrows that sort ``options`` into ``target`` (a selection sort), then enter."""
    order = list(options)
    keys: list[str] = []
    highlighted = 0
    for place, item in enumerate(target):
        index = order.index(item)
        keys += ["down"] * (index - highlighted) if index >= highlighted else ["up"] * (highlighted - index)
        for position in range(index, place, -1):
            keys.append("shift+up")
            order[position - 1], order[position] = order[position], order[position - 1]
        highlighted = place
    assert order == target
    return [*keys, "enter"]


def match_keys(question: Question, rights: list[str]) -> list[str]:
    """For each left item in turn: enter on it, then move to its right item and enter; then check.

    After a pair is made the left list highlights the first item without a
    pair (the next one here), and after the last pair the check row, which the
    final enter chooses; the right list keeps its highlight.
    """
    keys: list[str] = []
    highlighted = 0
    for right in rights:
        target = question.options.index(right)
        moves = (
            ["down"] * (target - highlighted) if target >= highlighted else ["up"] * (highlighted - target)
        )
        keys += ["enter", *moves, "enter"]
        highlighted = target
    return [*keys, "enter"]


def answer_text(question: Question, right: bool) -> str:
    """What to type as a right (or wrong) answer to a typed, number or cloze question."""
    if not right:
        return WRONG_TEXT[question.study.type]
    return str(question.study.gap.answer if question.study.gap else question.card.answer)


async def press_answer(
    pilot: Pilot[Any], question: Question, right: bool, *, keystrokes: bool = True
) -> None:
    """Answer ``question`` by keys; ``keystrokes=False`` pastes a text answer instead of typing it.

    Each key press costs Pilot a few tens of milliseconds; tests that are not
    about typing paste the text, then press enter as a learner would.
    """
    if not keystrokes and question.form in ("text", "number"):
        pilot.app.screen.query_one("#text-answer", Input).insert_text_at_cursor(answer_text(question, right))
        await pilot.press("enter")
        return
    await pilot.press(*answer_keys(question, right))


def answer_keys(question: Question, right: bool) -> list[str]:
    """The keystrokes that answer ``question`` right (or wrong)."""
    card = question.card
    kind = question.study.type
    if kind == "basic":
        return ["space", "3" if right else "1"]
    if kind in ("typed", "number", "cloze"):
        return [*typing(answer_text(question, right)), "enter"]
    if kind == "truefalse":
        return ["t" if card.answer is right else "f"]
    if kind == "choice":
        pick = card.answer if right else card.distractors[0]
        return [str(question.options.index(pick) + 1)]
    if kind == "multi":
        wanted = set(card.answers) if right else set(card.answers[:-1])
        keys: list[str] = []
        for index, option in enumerate(question.options):
            if option in wanted:
                keys.append("space")
            if index < len(question.options) - 1:
                keys.append("down")
        return [*keys, "enter"]
    if kind == "order":
        return order_keys(question.options, list(card.items)) if right else ["enter"]
    if kind == "match":
        rights = [pair[1] for pair in card.pairs]
        return match_keys(question, rights if right else rights[1:] + rights[:1])
    raise AssertionError(f"no keys for {kind}")


AppFactory = Callable[..., OtsquizApp]


async def figures_read(pilot: Pilot[Any]) -> None:
    """Wait until the stats screen has read its figures (in a thread) and shows them.

    The reading starts when the screen mounts, which may be after the key that opened it
    was handled: wait for the figures on screen, not merely for the workers of the moment.
    """
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if pilot.app.screen.query("#stats-headline"):
            await pilot.pause()  # and the charts drawn into their new widgets
            return
    raise AssertionError("the stats screen never showed its figures")


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the footer lists its keys: the quiz mounts it only after the first card shows."""
    for _ in range(50):
        await pilot.pause()
        footers = pilot.app.screen.query(Footer)
        if footers and footers.first().query("*"):
            return
    raise AssertionError("the footer never listed its keys")


@pytest.fixture(autouse=True)
def utc_time_zone() -> Iterator[None]:
    """Study days and the dates on screen follow the local zone: make it UTC for every test."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture(autouse=True)
def frozen_session_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions time answers with time.monotonic; freeze it there so summaries say "0 s"."""
    monkeypatch.setattr("otsquiz.core.session.time", SimpleNamespace(monotonic=lambda: 1000.0))


@pytest.fixture
def make_app(otsquiz_home: Path) -> AppFactory:
    """``make_app(decks, start=..., problems=..., profile=...)``: an app on the test's clock.

    Each app gets the progress store of this test's OTSQUIZ_HOME (``app.store``),
    opened here and closed by the app when it exits; a second app in the same
    test sees what the first one recorded.
    """

    def factory(
        decks: list[Any] | None = None,
        *,
        start: SessionRequest | None = None,
        problems: list[Problem] | None = None,
        profile: str = "default",
        now: datetime = NOW,
    ) -> OtsquizApp:
        launch = Launch(
            profile=profile,
            decks=list(decks if decks is not None else [all_types_deck()]),
            problems=list(problems or []),
            start=start,
        )
        app = OtsquizApp(launch, store=Store.open(), clock=lambda: now)
        app.animation_level = "none"  # as TEXTUAL_ANIMATIONS=none: nothing on screen moves by itself
        return app

    return factory


def right_response(question: Question) -> Any:
    """The response ``Session.submit`` takes as a right answer to ``question``."""
    card = question.card
    kind = question.study.type
    if kind == "cloze":
        assert question.study.gap is not None
        return question.study.gap.answer
    if kind in ("typed", "number"):
        return str(card.answer)
    if kind == "truefalse":
        return card.answer
    if kind == "choice":
        return question.options.index(card.answer)
    if kind == "multi":
        return {question.options.index(option) for option in card.answers}
    if kind == "order":
        return [question.options.index(item) for item in card.items]
    if kind == "match":
        return [question.options.index(right) for _, right in card.pairs]
    raise AssertionError(f"{kind} is self-rated")


def record_progress(days: dict[int, int], decks: list[Any] | None = None) -> None:
    """Study in this OTSQUIZ_HOME without the app: ``days[n]`` answers, ``n`` days before NOW.

    Every third answer is "I don't know", the rest are right (basic cards: Good).
    """
    decks = decks if decks is not None else [all_types_deck()]
    with Store.open() as store:
        profile = store.profile("default")
        for days_ago, answers in sorted(days.items(), reverse=True):
            when = NOW - timedelta(days=days_ago)
            session = Session(
                store, profile, decks, mode="study", count=answers, clock=lambda when=when: when
            )
            number = 0
            while session.current is not None and number < answers:
                question = session.current
                if number % 3 == 2:
                    session.give_up()
                elif question.form == "self":
                    session.rate(Grade.GOOD)
                else:
                    session.submit(right_response(question))
                number += 1
            session.summary()
