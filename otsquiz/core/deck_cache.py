"""A cache of validated decks, keyed on the bytes of the deck file.

Parsing TOML and validating a large deck costs seconds; reading the pickled
compiled deck (plain records, see ``cards``) costs a fraction of that and
needs no Pydantic. The key is a hash of the file's content and of the cache
format and otsquiz version, so a changed byte or a new otsquiz means a
re-parse: the cache is never served stale. A corrupt or
unreadable entry is ignored (and rebuilt), never an error, and a cache that
cannot be written is simply not written.

Every edit of a deck and every new otsquiz leave an entry behind (a large
deck's is megabytes), so entries not used for ``UNUSED_DAYS`` are removed
whenever the cache is written to; reading an entry marks it used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

from otsquiz.core import paths

# Bump when the models or the problems they produce change shape.
CACHE_FORMAT = 7
# An entry unused this long is removed the next time the cache is written to.
UNUSED_DAYS = 30
_DAY = 86_400


def content_key(data: bytes) -> str:
    """The key of a deck's content; cheap, and needs neither Pydantic nor a TOML parser."""
    from otsquiz import __version__

    digest = hashlib.sha256(data)
    digest.update(f"|{CACHE_FORMAT}|{__version__}".encode())
    return digest.hexdigest()


def _folder() -> Path:
    return paths.cache_dir() / "decks"


def _disabled() -> bool:
    return bool(os.environ.get("OTSQUIZ_NO_CACHE"))


def read(data: bytes) -> tuple[Any, list[Any]] | None:
    """The cached (deck or None, problems) for this content, or None on a miss."""
    if _disabled():
        return None
    try:
        entry = _deck_entry(data)
        with open(entry, "rb") as file:
            deck, problems = pickle.load(file)
            _mark_used(entry, file.fileno())
    except Exception:  # a missing, truncated or foreign entry is just a miss
        return None
    return deck, problems


def write(data: bytes, deck: Any, problems: list[Any]) -> None:
    _write(_deck_entry(data), pickle.dumps((deck, problems), protocol=pickle.HIGHEST_PROTOCOL))


def read_summary(key: str) -> dict[str, Any] | None:
    """What ``otsquiz validate`` and ``otsquiz decks`` need of a deck, without loading it."""
    if _disabled():
        return None
    try:
        entry = _folder() / f"{key}.json"
        with open(entry, encoding="utf-8") as file:
            summary = json.load(file)
            _mark_used(entry, file.fileno())
    except Exception:
        return None
    return summary if isinstance(summary, dict) else None


def write_summary(key: str, summary: dict[str, Any]) -> None:
    _write(_folder() / f"{key}.json", json.dumps(summary, ensure_ascii=False).encode())


def _mark_used(entry: Path, descriptor: int) -> None:
    """Keep a used entry from being pruned (its time is moved at most once a day)."""
    now = time.time()
    if os.fstat(descriptor).st_mtime < now - _DAY:
        with contextlib.suppress(OSError):
            os.utime(entry, (now, now))


def prune(now: float | None = None) -> None:
    """Remove entries unused for ``UNUSED_DAYS``, and temporary files a crash left behind."""
    now = time.time() if now is None else now
    try:
        names = os.listdir(_folder())
    except OSError:
        return
    for name in names:
        entry = _folder() / name
        unused_for = UNUSED_DAYS * _DAY if name.endswith((".pickle", ".json")) else _DAY
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < now - unused_for:
                entry.unlink()


def _deck_entry(data: bytes) -> Path:
    return _folder() / f"{content_key(data)}.pickle"


def _write(entry: Path, payload: bytes) -> None:
    if _disabled():
        return
    temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a reader never sees half an entry.
        temporary.write_bytes(payload)
        os.replace(temporary, entry)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    prune()
