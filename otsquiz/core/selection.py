"""What a session asks: the decks, card types, count and seed a front end chose."""

from __future__ import annotations

from typing import NamedTuple

# How many questions a drill asks when the learner does not say: the CLI, the app and the core agree.
DRILL_COUNT = 10


class SessionRequest(NamedTuple):
    """What to start: a study or drill session over some decks (the CLI, the app and a room alike)."""

    mode: str
    deck_ids: list[str]
    count: int | None = None
    types: list[str] | None = None
    seed: str | None = None
    feedback: bool = True
    timer: int | None = None  # seconds per question, drill only
