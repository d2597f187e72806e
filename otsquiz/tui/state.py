"""What the screens know of the app, without importing it: the state they read and the records they share.

The app imports the screens; a screen never imports the app. It is given an
``AppState`` (the app satisfies it) for what it reads: attributes down. What
the app should do, a screen says in a message nested on its own class, which
the app handles: messages up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from otsquiz.core.problems import Problem

if TYPE_CHECKING:
    from otsquiz.core.cards import Deck
    from otsquiz.core.store import Profile, Store


class AppState(Protocol):
    """What screens read of the app: read live, so a profile switched since a screen was built is the one seen."""

    @property
    def store(self) -> Store: ...

    @property
    def profile(self) -> Profile: ...

    @property
    def decks(self) -> Sequence[Deck]: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...


def broken_paths(problems: Iterable[Problem]) -> list[str]:
    """The deck files left out: those with an error."""
    return sorted({p.path for p in problems if p.severity == "error"})
