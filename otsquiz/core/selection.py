"""What a session asks: the decks, card types, count and seed a front end chose.

The CLI, the app and the coming room choose decks the same way: ``deck_sources``
says where decks are, ``library_decks`` loads them all, ``choose_decks`` resolves
``DECK...`` selectors (ids, files and folders, mixed). A ``SessionRequest``
carries the rest of the choice. A choice that names nothing to use raises
``SelectionError``, whose message is meant for the learner.

Importing this module stays light (the CLI's ``--help`` imports it): the deck
library is imported when decks are looked for.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from otsquiz.core.cards import CARD_TYPES

if TYPE_CHECKING:
    from otsquiz.core.cards import Deck
    from otsquiz.core.problems import Problem

# How many questions a drill asks when the learner does not say: the CLI, the app and the core agree.
DRILL_COUNT = 10

Mode = Literal["study", "drill"]
MODES: tuple[Mode, ...] = ("study", "drill")


class SelectionError(Exception):
    """A choice that names nothing to use: a missing path, an unknown deck id or card type, no decks.

    ``skipped`` holds the broken decks met on the way, which a front end reports before the error.
    """

    def __init__(self, message: str, skipped: Sequence[Skipped] = ()) -> None:
        super().__init__(message)
        self.skipped = tuple(skipped)


class Skipped(NamedTuple):
    """A deck file left out because it has errors (``otsquiz validate PATH`` lists them)."""

    path: str
    errors: int


class Selection(NamedTuple):
    """The decks chosen, and the broken decks left out on the way."""

    decks: list[Deck]
    skipped: list[Skipped]


def existing_paths(paths: Iterable[str]) -> list[str]:
    """``paths``, each of which exists; otherwise a ``SelectionError`` naming those that do not."""
    paths = list(paths)
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        raise SelectionError(f"no such file or folder: {', '.join(missing)}")
    return paths


def deck_sources(extra: Iterable[str] = ()) -> list[Path]:
    """Where decks are: the bundled ones, the user's folder (if there is one), then ``extra`` paths."""
    from otsquiz.core.paths import bundled_decks_dir, user_decks_dir

    sources = [bundled_decks_dir()]
    user = user_decks_dir()
    if user.is_dir():
        sources.append(user)
    sources.extend(Path(path) for path in existing_paths(extra))
    return sources


def library_decks() -> tuple[list[Deck], list[Problem]]:
    """Every deck that loads from ``deck_sources()``, and the problems of those that do not."""
    from otsquiz.core.library import load_decks

    results = load_decks(deck_sources())
    decks = [result.deck for result in results if result.ok and result.deck is not None]
    return decks, [problem for result in results if not result.ok for problem in result.problems]


def choose_decks(selectors: Sequence[str]) -> Selection:
    """The decks to use: all of them, or those named by id or path; decks with errors are left out.

    Raises ``SelectionError`` for a path that does not exist, an id no deck has, or no deck at all.
    """
    from otsquiz.core.library import find_deck_files, load_decks

    paths = [selector for selector in selectors if os.path.exists(selector)]
    ids = [selector for selector in selectors if selector not in paths]
    # Something that reads as a path (a folder in it, or the deck suffix) was meant as one: a typo is
    # "no such file", not "no deck with id ./decks/x.toml".
    mistyped = [path for path in ids if "/" in path or os.sep in path or path.endswith(".toml")]
    if mistyped:
        raise SelectionError(f"no such file or folder: {', '.join(mistyped)}")
    files = list(find_deck_files(deck_sources(paths)))
    # A file named here that is also among the user's decks is loaded once (as named),
    # not twice, which would make it a duplicate of itself.
    named = {file.resolve(): file for file in files}
    results = load_decks([file for file in files if named[file.resolve()] is file])
    skipped = [
        Skipped(result.path, sum(1 for p in result.problems if p.severity == "error"))
        for result in results
        if not result.ok
    ]
    loaded = [result for result in results if result.ok and result.deck is not None]
    decks = [result.deck for result in loaded if result.deck is not None]
    if ids:
        known = {deck.info.id for deck in decks}
        unknown = [deck_id for deck_id in ids if deck_id not in known]
        if unknown:
            raise SelectionError(f"no deck with id {', '.join(unknown)} (see `otsquiz decks`)", skipped)
    if ids or paths:
        # Ids and paths may be mixed; a folder holds the decks inside it, not those of
        # a folder whose name merely starts the same ("turkic" is not "turkic-extra").
        given = [Path(path).resolve() for path in paths]
        decks = [
            result.deck
            for result in loaded
            if result.deck is not None
            and (
                result.deck.info.id in ids
                or any(Path(result.path).resolve().is_relative_to(folder) for folder in given)
            )
        ]
    if not decks:
        raise SelectionError("no decks to study", skipped)
    return Selection(decks, skipped)


def check_types(types: Iterable[str] | None) -> list[str] | None:
    """``types`` as a list, each one a card type; None (every type) stays None."""
    if types is None:
        return None
    types = list(types)
    unknown = [kind for kind in types if kind not in CARD_TYPES]
    if unknown:
        raise SelectionError(f"no card type {', '.join(unknown)} (the types are {', '.join(CARD_TYPES)})")
    return types


class SessionRequest(NamedTuple):
    """What to start: a study or drill session over some decks (the CLI, the app and a room alike)."""

    mode: Mode
    deck_ids: list[str]
    count: int | None = None  # type: ignore[assignment]  # the option's name; it hides tuple.count, unused
    types: list[str] | None = None
    seed: str | None = None
    feedback: bool = True
    timer: int | None = None  # seconds per question, drill only

    @classmethod
    def build(
        cls,
        mode: str,
        deck_ids: Iterable[str],
        *,
        count: int | None = None,
        types: Iterable[str] | None = None,
        seed: str | None = None,
        feedback: bool = True,
        timer: int | None = None,
    ) -> SessionRequest:
        """A checked request, from what a learner typed or a room sent.

        A drill without a count asks ``DRILL_COUNT`` questions; a study session without one
        asks all that are due. Raises ``SelectionError`` for an unknown mode or card type, or a
        count or timer under 1.
        """
        if mode not in MODES:
            raise SelectionError(f"no session mode {mode} (the modes are {', '.join(MODES)})")
        for name, value in (("count", count), ("timer", timer)):
            if value is not None and value < 1:
                raise SelectionError(f"the {name} must be at least 1, not {value}")
        if count is None and mode == "drill":
            count = DRILL_COUNT
        return cls(
            "drill" if mode == "drill" else "study",  # the Literal, for the type checker
            list(deck_ids),
            count=count,
            types=check_types(types),
            seed=seed,
            feedback=feedback,
            timer=timer,
        )
