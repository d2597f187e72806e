"""The decks a learner has: finding deck files, and loading or summarising many at once.

``inspect_decks`` answers what ``otsquiz validate`` and ``otsquiz decks``
need (problems, id, title, card count) from a small summary cached by
content, so on an unchanged collection they import neither Pydantic nor a
TOML parser. ``load_decks`` gives the validated decks themselves. Both
report a deck id used by two files as an error naming both.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

from otsquiz.core import deck_cache
from otsquiz.core.limits import MAX_FILE_BYTES
from otsquiz.core.load_result import TOO_LARGE, LoadResult
from otsquiz.core.problems import Problem, Severity

__all__ = [
    "DECK_SUFFIX",
    "DeckSummary",
    "LoadResult",
    "find_deck_files",
    "inspect_deck",
    "inspect_decks",
    "load_deck",
    "load_decks",
    "load_file_bytes",
    "read_deck_file",
]

DECK_SUFFIX = ".toml"


def find_deck_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The deck files named, with folders searched recursively, in a stable order; each file once,
    however many times it is named (a file given and also in a folder given)."""
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        found = sorted(p for p in path.rglob(f"*{DECK_SUFFIX}") if p.is_file()) if path.is_dir() else [path]
        for file in found:
            real = os.path.realpath(file)
            if real not in seen:
                seen.add(real)
                yield file


def read_deck_file(path: str | os.PathLike[str]) -> bytes | Problem:
    """The bytes of a deck file, or the problem that keeps it from being read."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer; fstat then turns it away.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as file:
            status = os.fstat(descriptor)
            if stat.S_ISDIR(status.st_mode):
                return _problem(name, "is a folder, not a deck file")
            if not stat.S_ISREG(status.st_mode):
                return _problem(name, "not a regular file (a pipe or a device?): a deck is a .toml file")
            if status.st_size > MAX_FILE_BYTES:
                size = status.st_size
                return _problem(name, f"the file is {size:,} bytes; a deck may be at most {MAX_FILE_BYTES:,}")
            data = file.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return _problem(name, "is a folder, not a deck file")
    except OSError as error:
        return _problem(name, f"cannot read the file: {error.strerror or error}")
    if len(data) > MAX_FILE_BYTES:  # it grew since the stat
        return _problem(name, f"a deck may be at most {MAX_FILE_BYTES:,} bytes")
    return data


def load_deck(path: str | os.PathLike[str], *, use_cache: bool = True) -> LoadResult:
    """Load one deck file; problems are returned, never raised."""
    name = str(path)
    data = read_deck_file(path)
    if isinstance(data, Problem):
        return LoadResult(name, None, [data])
    return load_file_bytes(data, name, use_cache=use_cache)


def load_file_bytes(data: bytes, path: str, *, use_cache: bool = True) -> LoadResult:
    """Load the bytes of a deck file, from the cache of compiled decks when it has them."""
    if use_cache:
        cached = deck_cache.read(data)
        if cached is not None:
            deck, problems = cached
            return LoadResult(path, deck, [p.at(path) for p in problems])
    from otsquiz.core import loader  # Pydantic and the TOML parser, only on a cache miss

    try:
        result = loader.load_bytes(data, path)
        if use_cache:
            deck_cache.write(data, result.deck, result.problems)
    except MemoryError:  # the loader turns its own into a problem; this is for what follows it
        return LoadResult(path, None, [_problem(path, TOO_LARGE)])
    return result


class DeckSummary(NamedTuple):
    path: str
    deck_id: str | None
    title: str = ""
    cards: int = 0  # the [[cards]] of the file
    questions: int = 0  # what is asked: each cloze gap and each reverse counts (Deck.keys)
    types: tuple[str, ...] = ()
    problems: Sequence[Problem] = ()

    @property
    def ok(self) -> bool:
        return self.deck_id is not None and not any(p.severity == "error" for p in self.problems)


def inspect_deck(path: str | os.PathLike[str], *, use_cache: bool = True) -> DeckSummary:
    name = str(path)
    data = read_deck_file(path)
    if isinstance(data, Problem):
        return DeckSummary(name, None, problems=[data])
    key = deck_cache.content_key(data)
    cached = deck_cache.read_summary(key) if use_cache else None
    if cached is not None:
        try:
            return _summary_from_json(name, cached)
        except (KeyError, TypeError, ValueError):
            pass  # an entry from another version or a damaged file: rebuild it
    result = load_file_bytes(data, name, use_cache=use_cache)
    deck = result.deck
    summary = DeckSummary(
        name,
        result.deck_id,
        deck.info.title if deck else "",
        len(deck) if deck else 0,
        len(deck.keys) if deck else 0,
        tuple(sorted(set(deck.types))) if deck else (),
        result.problems,
    )
    if use_cache:
        deck_cache.write_summary(key, _summary_to_json(summary))
    return summary


def _summary_to_json(summary: DeckSummary) -> dict[str, object]:
    return {
        "deck_id": summary.deck_id,
        "title": summary.title,
        "cards": summary.cards,
        "questions": summary.questions,
        "types": list(summary.types),
        "problems": [[p.line, p.column, p.severity, p.message, p.key] for p in summary.problems],
    }


def _summary_from_json(path: str, data: dict[str, object]) -> DeckSummary:
    """The summary a cache entry holds; ValueError when the entry is not of that shape."""
    deck_id, title, cards, questions, types, problems = (
        data[name] for name in ("deck_id", "title", "cards", "questions", "types", "problems")
    )
    if not (
        isinstance(deck_id, str | None)
        and isinstance(title, str)
        and type(cards) is int
        and type(questions) is int
        and isinstance(types, list)
        and all(isinstance(kind, str) for kind in types)
        and isinstance(problems, list)
    ):
        raise ValueError("not a deck summary")
    found = []
    for entry in problems:
        line, column, severity, message, key = entry  # ValueError or TypeError if not five
        if not (
            isinstance(line, int | None)
            and isinstance(column, int | None)
            and severity in ("error", "warning")
            and isinstance(message, str)
            and isinstance(key, str | None)
        ):
            raise ValueError("not a problem")
        found.append(Problem(path, line, column, severity, message, key))
    if deck_id is None and not any(problem.severity == "error" for problem in found):
        raise ValueError("a deck that did not load always says why")
    return DeckSummary(path, deck_id, title, cards, questions, tuple(types), found)


def inspect_decks(
    paths: Iterable[str | os.PathLike[str]],
    *,
    use_cache: bool = True,
    context: Iterable[str | os.PathLike[str]] = (),
) -> list[DeckSummary]:
    """The summaries of the decks in ``paths``; a deck id they share with each other, or with a
    deck of ``context`` (the other decks otsquiz knows, which are not reported), is a problem."""
    targets = list(find_deck_files(paths))
    seen = {os.path.realpath(path) for path in targets}
    others = [path for path in find_deck_files(context) if os.path.realpath(path) not in seen]
    summaries = [inspect_deck(path, use_cache=use_cache) for path in [*targets, *others]]
    for index, (problem, drop) in _clashes(summaries).items():
        summary = summaries[index]
        deck_id = None if drop else summary.deck_id
        summaries[index] = summary._replace(deck_id=deck_id, problems=[*summary.problems, problem])
    return summaries[: len(targets)]


def load_decks(paths: Iterable[str | os.PathLike[str]], *, use_cache: bool = True) -> list[LoadResult]:
    results = [load_deck(path, use_cache=use_cache) for path in find_deck_files(paths)]
    for index, (problem, drop) in _clashes(results).items():
        result = results[index]
        deck = None if drop else result.deck
        results[index] = result._replace(deck=deck, problems=[*result.problems, problem])
    return results


class _Loaded(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def deck_id(self) -> str | None: ...


def _clashes(results: Sequence[_Loaded]) -> dict[int, tuple[Problem, bool]]:
    """The problem of each deck (by index) whose id another file uses too, and whether it is dropped.

    One of your decks with the id of a bundled deck replaces it (an edited copy of a
    bundled deck): a warning on each, and the bundled one is dropped. Two of your
    decks with one id are an error on each, and neither is loaded: which one would
    win must not depend on how the files happen to be named.
    """
    by_id: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        if result.deck_id is not None:
            by_id.setdefault(result.deck_id, []).append(index)
    clashes: dict[int, tuple[Problem, bool]] = {}
    for deck_id, indexes in by_id.items():
        if len(indexes) < 2:
            continue
        bundled = [i for i in indexes if _is_bundled(results[i].path)]
        yours = [i for i in indexes if i not in bundled]
        if len(yours) == 1:
            [mine] = yours
            names = ", ".join(results[i].path for i in bundled)
            message = f"deck id '{deck_id}' is also the bundled deck {names}: this deck is used, the bundled one hidden"
            clashes[mine] = (_clash(results[mine].path, "warning", message), False)
            for i in bundled:
                hidden = f"hidden: {results[mine].path} has the same deck id '{deck_id}' and is used instead"
                clashes[i] = (_clash(results[i].path, "warning", hidden), True)
            continue
        clashing = yours or bundled  # your decks clash with each other; the bundled ones are left alone
        for i in clashing:
            others = ", ".join(results[j].path for j in clashing if j != i)
            message = f"deck id '{deck_id}' is already used by {others}: rename one (neither is loaded)"
            clashes[i] = (_clash(results[i].path, "error", message), True)
    return clashes


def _is_bundled(path: str) -> bool:
    from otsquiz.core.paths import bundled_decks_dir

    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(bundled_decks_dir()))


def _clash(path: str, severity: Severity, message: str) -> Problem:
    line, column = _deck_id_position(path)
    return Problem(path, line, column, severity, message, "deck.id")


def _deck_id_position(path: str) -> tuple[int | None, int | None]:
    from otsquiz.core.toml_positions import locate

    data = read_deck_file(path)
    if isinstance(data, Problem):
        return None, None
    try:
        where = locate(data.decode("utf-8-sig"), [("deck", "id")]).value(("deck", "id"))
    except UnicodeDecodeError:
        return None, None
    return (where.line, where.column) if where else (None, None)


def _problem(path: str, message: str) -> Problem:
    return Problem(path, None, None, "error", message)
