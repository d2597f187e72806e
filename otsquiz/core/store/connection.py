"""Opening the progress database, and the one connection every part of ``Store`` goes through.

``StoreBase`` holds the connection and its lock, opens and migrates the file,
and offers the rest of the store two ways in: ``_read`` (one statement) and
``_write`` (a ``BEGIN IMMEDIATE`` transaction, only on a file known to be
sound). Every sqlite3 error leaves them as a ``StoreError``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from otsquiz.core import paths
from otsquiz.core.store import damage, migrations
from otsquiz.core.store.errors import (
    BUSY_TIMEOUT_MS,
    CorruptDatabaseError,
    NewerDatabaseError,
    StoreError,
    translate,
)
from otsquiz.core.text import visible

CHECK_BUDGET_SECONDS = 0.0
"""How long ``Store.open`` may spend looking for damaged pages (about 10 MiB here).

Zero by default: the header check at open catches a file that is not a database
or was cut short; the whole quick_check runs before the first write instead (a
read-only command never waits for it), and only when the file changed since it
was last checked.
"""

# (device, inode) of the databases this process has open, with how many stores each.
_OPEN_FILES: dict[tuple[int, int], int] = {}


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


class StoreBase:
    """The connection to the progress database; ``Store`` adds what is kept in it.

    The methods may be called from any one thread at a time or from several
    (a lock serialises them), so a Textual worker thread can use the store.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()
        self._checked = False  # quick_check found the file sound (or it is as then)
        self._damage: str | None = None  # what SQLite found damaged, once met
        self._file_key: tuple[int, int] | None = None
        self.migrations_applied: list[str] = []
        """Names of the migrations this open applied (empty when up to date)."""

    # -- opening and closing

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        check_budget: float | None = CHECK_BUDGET_SECONDS,
    ) -> Self:
        """Open (creating if missing) and migrate the database at ``path``.

        The file's header is checked at once (random bytes, truncation).
        SQLite's ``quick_check`` looks for damaged pages before the first
        write, unless the file is as it was when last found sound; with
        ``check_budget`` it runs at open instead, for at most that many
        seconds (None: the whole check, however long, whatever was recorded).
        A check that runs out of time does not count: the whole one still
        runs before the first write. Damage raises ``CorruptDatabaseError``
        and nothing is written.
        """
        path = paths.database_path() if path is None else Path(path)
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Cannot create the folder {visible(path.parent)}: {error}.", path) from error
        if path.is_dir():
            raise StoreError(f"The progress database {visible(path)} is a folder, not a file.", path)
        if _file_key(path) not in _OPEN_FILES:
            # (reading the file while this process has it open would drop that connection's locks)
            damage.check_header(path)
        try:
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # transactions are explicit: see _write()
                check_same_thread=False,  # the lock serialises access
            )
        except sqlite3.Error as error:
            raise translate(error, path) from error
        store = cls(conn, path)
        try:
            store._prepare(synchronous, check_budget)
        except BaseException:
            conn.close()
            raise
        store._file_key = key = _file_key(path)
        if key is not None:  # None only if the file vanished meanwhile: nothing to share then
            _OPEN_FILES[key] = _OPEN_FILES.get(key, 0) + 1
        return store

    def _prepare(self, synchronous: str, check_budget: float | None) -> None:
        conn = self._conn
        with self._errors():
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Everything up to the journal_mode change only reads the file.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            known = len(migrations.MIGRATIONS)
            if version > known:
                raise NewerDatabaseError(self.path, version, known)
            if version > 0 and check_budget != 0:
                self._ensure_checked(check_budget, trust_record=check_budget is not None)
            if version == 0:
                # our own tables may appear here: another otsquiz creating the file now
                foreign = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%'"
                    f" AND name NOT IN ({', '.join('?' * len(migrations.TABLES))})",
                    migrations.TABLES,
                ).fetchall()
                if foreign:
                    raise StoreError(
                        f"{visible(self.path)} is an SQLite database, but not otsquiz's"
                        " (it holds other tables); otsquiz has not changed it.",
                        self.path,
                    )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            conn.execute("PRAGMA foreign_keys = ON")
        self.migrations_applied = migrations.apply(version, self._write)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            key, self._file_key = self._file_key, None
            if key is not None:
                left = _OPEN_FILES.pop(key, 1) - 1
                if left:
                    _OPEN_FILES[key] = left
            # Closing checkpoints the WAL into the file: what it holds now is SQLite's
            # own writing over a file found sound, so the next open need not check it.
            if self._checked and self._damage is None:
                damage.remember_checked(self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for tools and benchmarks; prefer the methods.

        It is in autocommit mode: wrap writes in ``with store.transaction():``.
        """
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction, committed on success."""
        with self._write() as conn:
            yield conn

    # -- damage

    def check(self, *, full: bool = False, budget: float | None = None) -> list[str]:
        """Problems SQLite finds in the file; empty when it is sound.

        ``quick_check`` by default, ``integrity_check`` (slower; also checks
        that indexes match their tables) with ``full``. With a ``budget`` in
        seconds the check stops when time is up and reports nothing.
        """
        return self._run_check(full, budget) or []

    def _run_check(self, full: bool, budget: float | None) -> list[str] | None:
        """The problems found (empty: sound), or None if the budget ran out first."""
        pragma = "integrity_check" if full else "quick_check"
        conn = self._conn
        with self._lock:
            if budget is not None:
                deadline = time.monotonic() + budget
                # a true result makes SQLite interrupt the statement
                conn.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
            try:
                rows = conn.execute(f"PRAGMA {pragma}").fetchall()
            except sqlite3.OperationalError as error:
                if budget is not None and "interrupt" in str(error):
                    return None
                raise self._translated(error) from error
            except sqlite3.Error as error:
                raise self._translated(error) from error
            finally:
                if budget is not None:
                    conn.set_progress_handler(None, 0)
        problems = [row[0] for row in rows]
        return [] if problems == ["ok"] else problems

    def _ensure_checked(self, budget: float | None = None, *, trust_record: bool = True) -> None:
        """Raise ``CorruptDatabaseError`` unless the file is known sound; check it if need be."""
        if self._damage is not None:
            raise CorruptDatabaseError(self.path, self._damage)
        if self._checked:
            return
        if trust_record and damage.was_checked(self.path):
            self._checked = True
            return
        problems = self._run_check(False, budget)
        if problems is None:
            return  # out of time: the whole check runs before the first write
        if problems:
            self._damage = problems[0]
            damage.forget_checked(self.path)
            raise CorruptDatabaseError(self.path, problems[0])
        self._checked = True
        damage.remember_checked(self.path)

    def _translated(self, error: sqlite3.Error) -> StoreError:
        translated = translate(error, self.path)
        if isinstance(translated, CorruptDatabaseError):
            self._damage = translated.detail  # nothing more is written to this file
            damage.forget_checked(self.path)  # and the next open checks it
        return translated

    # -- the ways in

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise self._translated(error) from error

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        with self._lock, self._errors():
            # Never write to a file not known to be sound (outside the transaction:
            # a long check must not hold the write lock).
            self._ensure_checked()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        with self._lock, self._errors():
            return self._conn.execute(sql, tuple(parameters)).fetchall()
