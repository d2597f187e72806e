"""A cache of validated decks, keyed on the bytes of the deck file.

Parsing TOML and validating a large deck costs seconds; reading the compiled
deck back (plain records, see ``cards``) costs a fraction of that and needs
no Pydantic. The key is a hash of the file's content and of what compiled it
(the otsquiz version and the source of every module of ``otsquiz.core``), so
a changed byte of the deck or of the code means a re-parse: the cache is
never served stale, and no format number has to be remembered and bumped.

An entry is ``marshal`` of plain values only (tuples, texts, bytes, numbers),
never pickle: reading a planted or damaged entry cannot run code, and one of
the wrong shape is a miss that is rebuilt. An entry is read only when it is a
regular file of this user that no one else may write. A corrupt or unreadable
entry is ignored, never an error, and a cache that cannot be written (a full
disk, a read-only folder) is simply not written.

Every edit of a deck and every new otsquiz leave an entry behind (a large
deck's is megabytes), so whenever the cache is written to, entries not used
for ``UNUSED_DAYS`` are removed, and then the least recently used ones until
the cache holds at most ``MAX_BYTES``: it never fills the disk the progress
database needs. Reading an entry marks it used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import stat
import time
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from otsquiz.core import paths
from otsquiz.core.cards import Deck
from otsquiz.core.problems import Problem

# An entry unused this long is removed the next time the cache is written to.
UNUSED_DAYS = 30
# The most the cache may hold; the least recently used entries go first.
MAX_BYTES = 256 * 1024 * 1024
_DAY = 86_400
_DECK_SUFFIX = ".deck"
_SUMMARY_SUFFIX = ".json"
_SEVERITIES = ("error", "warning")


def content_key(data: bytes) -> str:
    """The key of a deck's content; cheap, and needs neither Pydantic nor a TOML parser."""
    digest = hashlib.sha256(data)
    digest.update(_producer() or b"")  # no producer: the cache is off, the key is never used
    return digest.hexdigest()


@cache
def _producer() -> bytes | None:
    """What compiles a deck in this process: the otsquiz version and the core's code hash;
    None when the code cannot be read (a frozen or zipped install): then nothing is cached."""
    from otsquiz import __version__

    try:
        return f"|{__version__}|{code_hash(Path(__file__).parent)}".encode()
    except OSError:
        return None


def code_hash(package: Path) -> str:
    """A hash of the names and bytes of every ``.py`` file under ``package``, subpackages too.

    The whole core, not a list of the modules that compile decks: a module added
    later (a new card kind) is covered without anyone remembering to add it.
    """
    digest = hashlib.sha256()
    for name, source in sorted(_sources(package, "")):
        with open(source, "rb") as file:
            content = file.read()
        encoded = name.encode()
        # Lengths first, so that no two different trees feed the hash the same bytes.
        digest.update(b"%d:%d:" % (len(encoded), len(content)))
        digest.update(encoded)
        digest.update(content)
    return digest.hexdigest()


def _sources(folder: Path | str, prefix: str) -> Iterator[tuple[str, str]]:
    """``(name relative to the package, path)`` of its ``.py`` files; ``os.scandir``, as it is
    on the way to the first card and costs half of ``Path.rglob``."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                yield f"{prefix}{entry.name}", entry.path
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                yield from _sources(entry.path, f"{prefix}{entry.name}/")


def _folder() -> Path:
    return paths.cache_dir() / "decks"


def _disabled() -> bool:
    return bool(os.environ.get("OTSQUIZ_NO_CACHE")) or _producer() is None


def read(data: bytes) -> tuple[Deck | None, list[Problem]] | None:
    """The cached (deck or None, problems) for this content, or None on a miss."""
    if _disabled():
        return None
    try:
        entry = _deck_entry(data)
        plain_deck, plain_problems = marshal.loads(_read_entry(entry))
        problems = [_problem(plain) for plain in plain_problems]
        deck = None if plain_deck is None else Deck.from_plain(plain_deck)
    except Exception:  # a missing, truncated, foreign or wrong-shaped entry is just a miss
        return None
    if deck is None and not any(problem.severity == "error" for problem in problems):
        return None  # a deck that did not load always says why: this entry is not ours
    return deck, problems


def write(data: bytes, deck: Deck | None, problems: Sequence[Problem]) -> None:
    if _disabled():
        return
    try:
        payload = marshal.dumps(
            (None if deck is None else deck.to_plain(), [tuple(problem) for problem in problems])
        )
    except (ValueError, MemoryError):  # a value marshal cannot write: the deck is just not cached
        return
    _write(_deck_entry(data), payload)


def _problem(plain: object) -> Problem:
    if not isinstance(plain, tuple) or len(plain) != len(Problem._fields):
        raise ValueError("not a problem")
    path, line, column, severity, message, key = plain
    if not (
        isinstance(path, str)
        and isinstance(line, int | None)
        and isinstance(column, int | None)
        and severity in _SEVERITIES
        and isinstance(message, str)
        and isinstance(key, str | None)
    ):
        raise ValueError("not a problem")
    return Problem(path, line, column, severity, message, key)


def read_summary(key: str) -> dict[str, Any] | None:
    """What ``otsquiz validate`` and ``otsquiz decks`` need of a deck, without loading it."""
    if _disabled():
        return None
    try:
        summary = json.loads(_read_entry(_folder() / f"{key}{_SUMMARY_SUFFIX}"))
    except Exception:
        return None
    return summary if isinstance(summary, dict) else None


def write_summary(key: str, summary: dict[str, Any]) -> None:
    if _disabled():
        return
    _write(_folder() / f"{key}{_SUMMARY_SUFFIX}", json.dumps(summary, ensure_ascii=False).encode())


def _read_entry(entry: Path) -> bytes:
    """The bytes of an entry that this user wrote; OSError for any other file."""
    # O_NOFOLLOW: a planted link is not followed; O_NONBLOCK: a planted FIFO does not hang the read.
    descriptor = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    with open(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{entry} is not a regular file")
        if hasattr(os, "getuid") and status.st_uid != os.getuid():
            raise OSError(f"{entry} belongs to another user")
        if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise OSError(f"{entry} may be written by others")
        payload = file.read()
        _mark_used(entry, status.st_mtime)
    return payload


def _mark_used(entry: Path, modified: float) -> None:
    """Keep a used entry from being pruned (its time is moved at most once a day)."""
    now = time.time()
    if modified < now - _DAY:
        with contextlib.suppress(OSError):
            os.utime(entry, (now, now))


def prune(now: float | None = None, max_bytes: int | None = None) -> None:
    """Remove entries unused for ``UNUSED_DAYS``, temporary files a crash left behind and entries
    of older formats, then the least recently used entries until at most ``max_bytes`` are kept."""
    now = time.time() if now is None else now
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    folder = _folder()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    kept: list[tuple[float, int, Path]] = []
    for name in names:
        entry = folder / name
        with contextlib.suppress(OSError):
            status = entry.lstat()
            if name.endswith((_DECK_SUFFIX, _SUMMARY_SUFFIX)):
                if status.st_mtime >= now - UNUSED_DAYS * _DAY:
                    kept.append((status.st_mtime, status.st_size, entry))
                    continue
            elif name.endswith(".tmp") and status.st_mtime >= now - _DAY:
                kept.append((status.st_mtime, status.st_size, entry))  # perhaps being written now
                continue
            entry.unlink()  # unused too long, left by a crash, or of an older format (*.pickle)
    total = sum(size for _, size, _ in kept)
    for _, size, entry in sorted(kept, key=lambda item: item[0]):
        if total <= max_bytes:
            break
        with contextlib.suppress(OSError):
            entry.unlink()
            total -= size


def _deck_entry(data: bytes) -> Path:
    return _folder() / f"{content_key(data)}{_DECK_SUFFIX}"


def _write(entry: Path, payload: bytes) -> None:
    """Write an entry whole or not at all; any failure leaves the cache as it was."""
    if _disabled() or len(payload) > MAX_BYTES // 4:
        return  # one deck may not push all the others out
    temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Write then rename, so that a reader never sees half an entry; O_EXCL and
        # O_NOFOLLOW, so that a file or link planted under the temporary name is not written through.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_BINARY", 0)
        with open(os.open(temporary, flags, 0o600), "wb") as file:
            file.write(payload)
        os.replace(temporary, entry)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    prune()
