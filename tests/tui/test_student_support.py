"""What the student tests share (no tests here): a class deck, the room's tables, a clock, the presenter.

The presenter's side is driven through the core (``Room``) in the tests, on
its own connection to the database, as the presenter's process would be.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from otsquiz.core.cards import Deck
from otsquiz.core.models import DeckFile
from otsquiz.core.questions import Question
from otsquiz.core.room import Room, RoomOptions
from otsquiz.core.store import Store, migrations

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
CODE = "ABCDEF"

DOCUMENT: dict[str, Any] = {
    "format": 1,
    "deck": {"id": "class", "title": "Class"},
    "cards": [
        {"id": "capital", "type": "choice", "prompt": "Capital of [bold]Azerbaijan[/]?", "answer": "Baku",
         "distractors": ["Ankara", "Astana", "Bishkek"], "explanation": "Baku is on the Caspian."},
        {"id": "members", "type": "multi", "prompt": "Members?", "answers": ["Turkey", "Kazakhstan"],
         "distractors": ["Hungary", "Iran"]},
        {"id": "observer", "type": "truefalse", "statement": "Hungary is an observer.", "answer": True},
        {"id": "city", "type": "typed", "prompt": "Where was the 2009 agreement signed?", "answer": "Nakhchivan"},
        {"id": "year", "type": "number", "prompt": "Founded in?", "answer": 2009},
    ],
}  # fmt: skip


def room_deck() -> Deck:
    return DeckFile.model_validate(DOCUMENT).compile()


def add_room_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The room's migration, for as long as it is not one of ``MIGRATIONS`` (see ``migrations.ROOMS``)."""
    monkeypatch.setattr(migrations, "MIGRATIONS", list(migrations.MIGRATIONS))
    if migrations.ROOMS not in migrations.MIGRATIONS:
        migrations.MIGRATIONS.append(migrations.ROOMS)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def open_room(store: Store, clock: Clock, **options: Any) -> Room:
    """The presenter's room: five questions, 20 seconds each, code ABC-DEF, seed 7."""
    options.setdefault("count", 5)
    options.setdefault("seconds", 20)
    return Room.open(
        store, [room_deck()], RoomOptions.build(**options), seed="7", clock=clock, draw_code=lambda: CODE
    )


def students_room(store: Store, presenter: Room, clock: Clock) -> Room:
    """The same room as a student's process loads it, on its own connection."""
    return Room.load(store, presenter.id, [room_deck()], clock=clock)


def right_response(question: Question) -> Any:
    card: Any = question.card
    if question.form == "choice":
        return question.options.index(card.answer)
    if question.form == "multi":
        return {question.options.index(answer) for answer in card.answers}
    if question.form == "truefalse":
        return card.answer
    return str(card.answer)


def right_line(question: Question) -> str:
    """The plain mode's line that answers ``question`` right."""
    response = right_response(question)
    if question.form == "choice":
        return str(response + 1)
    if question.form == "multi":
        return " ".join(str(index + 1) for index in sorted(response))
    if question.form == "truefalse":
        return "t" if response else "f"
    return str(response)


def wrong_line(question: Question) -> str:
    card: Any = question.card
    if question.form == "choice":
        return str(next(i for i, option in enumerate(question.options, 1) if option != card.answer))
    if question.form == "multi":
        return str(next(i for i, option in enumerate(question.options, 1) if option not in card.answers))
    if question.form == "truefalse":
        return "f" if card.answer else "t"
    if question.form == "number":
        return "1999"
    return "nothing like it"
