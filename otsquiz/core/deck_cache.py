"""A cache of validated decks, keyed on the bytes of the deck file.

Parsing TOML and validating a large deck costs seconds; reading the pickled
result costs a fraction of that. The key is a hash of the file's content and
of the versions that shaped the result, so a changed byte, a new otsquiz or a
new Pydantic means a re-parse: the cache is never served stale. A corrupt or
unreadable entry is ignored (and rebuilt), never an error, and a cache that
cannot be written is simply not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from otsquiz.core import paths

# Bump when the models or the problems they produce change shape.
CACHE_FORMAT = 1


def _key(data: bytes) -> str:
    import pydantic

    from otsquiz import __version__

    digest = hashlib.sha256(data)
    digest.update(f"|{CACHE_FORMAT}|{__version__}|{pydantic.VERSION}".encode())
    return digest.hexdigest()


def _entry(data: bytes) -> Path:
    return paths.cache_dir() / "decks" / f"{_key(data)}.pickle"


def read(data: bytes) -> tuple[Any, list[Any]] | None:
    """The cached (deck, problems) for this content, or None."""
    if os.environ.get("OTSQUIZ_NO_CACHE"):
        return None
    try:
        with open(_entry(data), "rb") as file:
            deck, problems = pickle.load(file)
    except Exception:  # a missing, truncated or foreign entry is just a miss
        return None
    return deck, problems


def write(data: bytes, deck: Any, problems: list[Any]) -> None:
    if os.environ.get("OTSQUIZ_NO_CACHE"):
        return
    entry = _entry(data)
    temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a reader never sees half an entry.
        with open(temporary, "wb") as file:
            pickle.dump((deck, problems), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            temporary.unlink()
