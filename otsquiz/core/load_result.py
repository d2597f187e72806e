"""What loading a deck file gives: the compiled deck, or the problems that keep it from loading.

Its own module so that ``library`` (which reads files and the cache) and
``loader`` (which parses and validates) share it without importing each
other: ``library`` imports ``loader`` lazily, on a cache miss, and nothing
imports ``library`` back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from otsquiz.core.cards import Deck
from otsquiz.core.problems import Problem

TOO_LARGE = "the deck is too large to check: there is not enough memory"


class LoadResult(NamedTuple):
    path: str
    deck: Deck | None
    problems: Sequence[Problem] = ()

    @property
    def deck_id(self) -> str | None:
        return self.deck.info.id if self.deck is not None else None

    @property
    def ok(self) -> bool:
        return self.deck is not None and not any(p.severity == "error" for p in self.problems)
