"""A cache of validated decks, keyed on the bytes of the deck file.

Parsing TOML and validating a large deck costs seconds; reading the pickled
compiled deck (plain records, see ``cards``) costs a fraction of that and
needs no Pydantic. The key is a hash of the file's content and of the cache
format and otsquiz version, so a changed byte or a new otsquiz means a
re-parse: the cache is never served stale. A corrupt or
unreadable entry is ignored (and rebuilt), never an error, and a cache that
cannot be written is simply not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

from otsquiz.core import paths

# Bump when the models or the problems they produce change shape.
CACHE_FORMAT = 5


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
        with open(_deck_entry(data), "rb") as file:
            deck, problems = pickle.load(file)
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
        with open(_folder() / f"{key}.json", encoding="utf-8") as file:
            summary = json.load(file)
    except Exception:
        return None
    return summary if isinstance(summary, dict) else None


def write_summary(key: str, summary: dict[str, Any]) -> None:
    _write(_folder() / f"{key}.json", json.dumps(summary, ensure_ascii=False).encode())


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
