"""Finding a damaged database before writing to it, without reading the file more than once.

Opening reads the file's 100-byte header (random bytes, truncation). SQLite's
``quick_check`` over the whole file costs 0.7 s for 100,000 cards and a year of
history, so it is skipped while the file is exactly as it was when last found
sound: its device, inode, size, modification and change times are kept beside
it, in ``<database>-checked``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from otsquiz.core.store.errors import CorruptDatabaseError, StoreError
from otsquiz.core.text import visible

CHECKED_SUFFIX = "-checked"
"""Beside the database, ``<name>-checked`` records the file as last found sound."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


def identity(path: Path) -> str | None:
    """The database file as it is now: device, inode, size, modification and change times.

    Only ``stat``: opening and closing the file would drop every POSIX lock this
    process holds on it, and another process could then delete a WAL still in use.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_dev} {stat.st_ino} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns}"


def _checked_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKED_SUFFIX)


def was_checked(path: Path) -> bool:
    """Whether the file is exactly as it was when last found sound."""
    try:
        recorded = _checked_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return bool(recorded) and recorded == identity(path)


def remember_checked(path: Path) -> None:
    """Record the file as sound (atomically; a folder we cannot write only costs a check)."""
    found = identity(path)
    if found is None:
        return
    target = _checked_path(path)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(found + "\n", encoding="ascii")
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def forget_checked(path: Path) -> None:
    with contextlib.suppress(OSError):
        _checked_path(path).unlink(missing_ok=True)


def check_header(path: Path) -> None:
    """Reject a file that is plainly not a whole SQLite database, without writing.

    Cheap: reads the 100-byte header. Catches random bytes and truncation
    (the header records how many pages the file should have).
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"Cannot read the progress database {visible(path)}: {error}.", path) from error
    if size == 0:
        return  # SQLite treats an empty file as a new, empty database
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError as error:
        raise StoreError(f"Cannot read the progress database {visible(path)}: {error}.", path) from error
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise CorruptDatabaseError(path, "file is not a database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = int.from_bytes(header[24:28], "big")
    page_count = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    if page_size < 512 or page_size & (page_size - 1):
        raise CorruptDatabaseError(path, "invalid page size")
    # The in-header page count is only trustworthy when "valid-for" matches,
    # and a process killed mid-checkpoint may leave page 1 ahead of the rest
    # of the file, which SQLite repairs from the WAL: judge only without one.
    wal = path.with_name(path.name + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if not has_wal and valid_for == change_counter and page_count and size < page_count * page_size:
        raise CorruptDatabaseError(path, f"file is {size} bytes, the database needs {page_count * page_size}")
