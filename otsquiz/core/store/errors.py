"""The progress database's errors, each worded for the learner, and SQLite's errors turned into them.

Plain exceptions: a front end shows ``str(error)`` (prefixed "otsquiz: ") however it
shows text; nothing here knows about a terminal library.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from otsquiz.core.text import visible

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another otsquiz's write lock before giving up."""

DISK_FULL_BYTES = 16 * 2**20
"""An I/O error with less free space than this left is taken for a full disk."""

_CORRUPT_MESSAGES = ("file is not a database", "malformed", "corrupt")


class StoreError(Exception):
    """A problem with the progress database, worded for the user."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class UnknownProfileError(StoreError):
    """A read-only command named a profile that does not exist (and was not created)."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        names = ", ".join(visible(known_name) for known_name in known) or "none yet"
        super().__init__(f"no profile named '{visible(name)}'; profiles: {names}")
        self.name = name
        self.known = list(known)


class CorruptDatabaseError(StoreError):
    """The file is not a readable SQLite database; it has been left untouched."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"The progress database {visible(path)} is damaged ({detail}). otsquiz has not"
            " changed it. Move it somewhere safe (or restore a backup) and otsquiz"
            " will start a fresh one.",
            path,
        )
        self.detail = detail


class NewerDatabaseError(StoreError):
    """The database was written by a newer otsquiz; it has been left untouched."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"The progress database {visible(path)} was written by a newer version of"
            f" otsquiz (schema {found}; this version knows up to {known})."
            " otsquiz has not changed it; upgrade otsquiz to use it.",
            path,
        )
        self.found = found
        self.known = known


def disk_nearly_full(path: Path) -> bool:
    """Whether the disk holding ``path`` has less than ``DISK_FULL_BYTES`` free."""
    try:
        stats = os.statvfs(path.parent)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return stats.f_bavail * stats.f_frsize < DISK_FULL_BYTES


def translate(error: sqlite3.Error, path: Path) -> StoreError:
    """The user-facing error for an sqlite3 exception."""
    message = str(error)
    lowered = message.lower()
    if any(text in lowered for text in _CORRUPT_MESSAGES):
        return CorruptDatabaseError(path, message)
    if "locked" in lowered or "busy" in lowered:
        return StoreError(
            f"The progress database {visible(path)} is busy: another otsquiz has been"
            f" writing to it for over {BUSY_TIMEOUT_MS // 1000} seconds. Try again.",
            path,
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"The progress database {visible(path)} is read-only.", path)
    name = getattr(error, "sqlite_errorname", "")
    if (
        name == "SQLITE_FULL"
        or "full" in lowered
        or ((name.startswith("SQLITE_IOERR") or "disk i/o error" in lowered) and disk_nearly_full(path))
    ):
        # SQLite reports ENOSPC as SQLITE_FULL only from plain writes; growing the WAL
        # index or syncing on a full disk is "disk I/O error": the free space tells.
        return StoreError(
            f"The disk holding the progress database {visible(path)} is full: free some space;"
            " nothing was lost (every answer before this one is saved).",
            path,
        )
    if "unable to open" in lowered:
        return StoreError(f"Cannot open the progress database {visible(path)}.", path)
    return StoreError(f"Progress database error ({message}) in {visible(path)}.", path)
