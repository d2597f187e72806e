"""The progress database: profiles, card schedules, the review log and sessions.

One SQLite file (``paths.database_path()`` unless told otherwise), shared
safely by several otsquiz processes:

* WAL journal, ``synchronous=NORMAL``: every committed answer survives the
  process being killed at any moment (the contract's requirement); only a
  power cut or OS crash can lose the last few commits. Pass
  ``synchronous="FULL"`` to ``Store.open`` to survive those too, at the cost
  of an fsync per answer.
* Every write is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken
  up front, so two processes answering at once queue for up to
  ``BUSY_TIMEOUT_MS`` instead of failing with "database is locked".
* ``review_log`` is append-only (triggers refuse UPDATE and DELETE). An undo
  or an overrule is a new row whose ``undoes`` names the row it cancels; a
  cancelled row never counts anywhere.
* A damaged database, or one written by a newer otsquiz, is never migrated,
  overwritten or deleted: it raises ``CorruptDatabaseError`` or
  ``NewerDatabaseError`` before anything is written. Opening reads the file
  header (random bytes, truncation); before its first write a store runs
  SQLite's ``quick_check`` over the whole file (0.7 s for 100,000 cards and
  a year of history), unless the file is as it was when last checked: its
  device, inode, size, modification and change times are kept beside it, in
  ``<database>-checked``, after a check and when a store that checked it
  closes. Damage met while reading raises ``CorruptDatabaseError`` too, and
  the store then writes nothing.

History is keyed on ``(deck_id, card_key)`` and nothing here deletes it when
a card disappears from a deck: put the card back and its schedule returns.

Times are stored as integer microseconds since the Unix epoch (UTC), so they
round-trip exactly; ``settings`` and the undo snapshots are JSON text.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Literal, NamedTuple, Self

from otsquiz.core import paths
from otsquiz.core.scheduling import (
    DAY_ROLLOVER_HOUR,
    CardState,
    State,
    day_start,
    note_of,
)
from otsquiz.core.text import is_printable_name, visible

__all__ = [
    "BUSY_TIMEOUT_MS",
    "CHECK_BUDGET_SECONDS",
    "MASTERED_STABILITY_DAYS",
    "MIGRATIONS",
    "CorruptDatabaseError",
    "NewerDatabaseError",
    "Profile",
    "Recorded",
    "ReviewRecord",
    "Schedule",
    "SessionTotals",
    "Settings",
    "Store",
    "StoreError",
    "UnknownProfileError",
    "profile_key",
    "profile_name_problem",
]

BUSY_TIMEOUT_MS = 5000
# How long opening may spend on SQLite's quick_check. None by default: the header
# check at open catches a file that is not a database or was cut short; the whole
# quick_check runs before the first write instead (a read-only command never waits
# for it), and only when the file changed since it was last checked.
CHECK_BUDGET_SECONDS = 0.0
"""How long ``Store.open`` may spend looking for damaged pages (about 10 MiB here)."""
CHECKED_SUFFIX = "-checked"
"""Beside the database, ``<name>-checked`` records the file as last found sound."""
PROFILE_NAME_MAX = 64
MASTERED_STABILITY_DAYS = 21.0
"""A card counts as mastered once its stability reaches three weeks."""

Mode = Literal["study", "drill"]
Verdict = Literal["correct", "wrong", "rated"]
MODES = ("study", "drill")
VERDICTS = ("correct", "wrong", "rated")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_STATES = {int(state): state for state in State}


# ---------------------------------------------------------------- errors


class StoreError(Exception):
    """A problem with the progress database, worded for the user."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __rich__(self) -> Any:
        """The message alone, as plain text.

        Textual ends the app on an exception it is not given to handle; for one
        with ``__rich__`` it prints this instead of a traceback, after putting
        the terminal back. Every answer before the failing one is already saved.
        """
        from rich.text import Text  # only ever called inside the app, where Rich is loaded

        return Text(f"otsquiz: {self}")


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


_CORRUPT_MESSAGES = ("file is not a database", "malformed", "corrupt")


# An I/O error with less free space than this left is taken for a full disk.
DISK_FULL_BYTES = 16 * 2**20


def _disk_nearly_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path.parent)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return stats.f_bavail * stats.f_frsize < DISK_FULL_BYTES


def _translate(error: sqlite3.Error, path: Path) -> StoreError:
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
    if name == "SQLITE_FULL" or "full" in lowered or (
        (name.startswith("SQLITE_IOERR") or "disk i/o error" in lowered) and _disk_nearly_full(path)
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


# ---------------------------------------------------------------- values


def _to_us(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return (moment - _EPOCH) // _MICROSECOND


def _from_us(value: int) -> datetime:
    return _EPOCH + timedelta(0, 0, value)  # positional: measurably faster in bulk


def _snapshot(state: CardState | None) -> str | None:
    """A card state as compact JSON for the log (the row already names the card)."""
    if state is None:
        return None
    return _dumps(
        {
            "state": int(state.state),
            "step": state.step,
            "stability": state.stability,
            "difficulty": state.difficulty,
            "due": _to_us(state.due),
            "last_review": None if state.last_review is None else _to_us(state.last_review),
            "reps": state.reps,
            "lapses": state.lapses,
            "leech": state.leech,
        }
    )


def _from_snapshot(deck_id: str, card_key: str, text: str | None) -> CardState | None:
    if text is None:
        return None
    data = json.loads(text)
    last_review = data["last_review"]
    return CardState(
        deck_id,
        card_key,
        _STATES[data["state"]],
        data["step"],
        data["stability"],
        data["difficulty"],
        _from_us(data["due"]),
        None if last_review is None else _from_us(last_review),
        data["reps"],
        data["lapses"],
        bool(data["leech"]),
    )


def _now() -> datetime:
    return datetime.now(UTC)


def profile_key(name: str) -> str:
    """The form in which two profile names are the same learner's.

    NFC, case folded, spaces collapsed; dotted and dotless i are one letter
    ("İ", "I", "ı", "i"), since a name has no language to say whether "I"
    lowers to "ı" (Turkish, Azerbaijani, Kazakh ...) or to "i".
    """
    text = unicodedata.normalize("NFC", name).replace("İ", "i").replace("ı", "i")
    return " ".join(unicodedata.normalize("NFC", text.casefold()).split())


def profile_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a new profile (a sentence for the learner), or None when it can.

    The one rule for profile names, for the command line and the app alike.
    """
    name = name.strip()
    if not name or len(name) > PROFILE_NAME_MAX:
        return f"A profile name must be 1 to {PROFILE_NAME_MAX} characters long."
    if not is_printable_name(name):
        return f"A profile name must be printable characters only, not '{visible(name)}'."
    return None


def _profile_id_for(rows: Sequence[tuple[int, str]], name: str) -> int | None:
    """The id of the profile ``name`` means: its exact spelling (as typed, then NFC) first,
    else the oldest of the same ``profile_key``."""
    nfc, key = unicodedata.normalize("NFC", name), profile_key(name)
    for matches in (
        lambda stored: stored == name,
        lambda stored: stored == nfc,
        lambda stored: profile_key(stored) == key,
    ):
        for profile_id, stored in rows:
            if matches(stored):
                return profile_id
    return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Settings(NamedTuple):
    """A profile's preferences; stored as JSON in ``profiles.settings``."""

    desired_retention: float = 0.9
    new_per_day: int = 20
    theme: str = "textual-dark"
    extra: Mapping[str, Any] = MappingProxyType({})
    """Keys this otsquiz does not know (from a newer one), kept as they were."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "desired_retention": self.desired_retention,
            "new_per_day": self.new_per_day,
            "theme": self.theme,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from stored JSON; a value of the wrong kind falls back to the default."""
        default = cls()
        extra = {
            key: value
            for key, value in data.items()
            if key not in ("desired_retention", "new_per_day", "theme")
        }
        retention = data.get("desired_retention")
        if not (isinstance(retention, float | int) and 0.5 <= retention < 1):
            retention = default.desired_retention
        new_per_day = data.get("new_per_day")
        if not (isinstance(new_per_day, int) and new_per_day >= 0):
            new_per_day = default.new_per_day
        theme = data.get("theme")
        if not isinstance(theme, str) or not theme:
            theme = default.theme
        return cls(float(retention), new_per_day, theme, extra)


class Profile(NamedTuple):
    id: int
    name: str
    created: datetime
    settings: Settings


Schedule = Callable[[CardState | None], CardState]
"""A card's new state from its previous one (None: new), computed inside the write."""


class Recorded(NamedTuple):
    """An answer just logged: its log id, and the card's state before and after it."""

    id: int
    previous: CardState | None
    state: CardState | None


class SessionTotals(NamedTuple):
    """A session's counters, saved with each of its answers (see ``Store.record_answer``)."""

    questions: int
    correct: int
    best_streak: int
    seconds: float


class ReviewRecord(NamedTuple):
    """One row of the review log.

    ``kind`` is "answer", "undo" (cancels ``undoes``) or "overrule" (cancels
    ``undoes`` and stands in its place). ``previous`` is the card's state
    just before this row was written (None: the card was new).
    """

    id: int
    profile_id: int
    session_id: int | None
    mode: Mode
    kind: Literal["answer", "undo", "overrule"]
    deck_id: str
    card_key: str
    answer: str | None
    verdict: Verdict | None
    exact: bool | None
    rating: int | None
    ms: int | None
    when: datetime
    previous: CardState | None
    undoes: int | None


# ---------------------------------------------------------------- migrations


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one inside the current transaction.

    (``executescript`` would commit the migration's transaction first.)
    """
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                conn.execute(statement)
            statement = ""
    if statement.strip(" \n;"):
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def _m0001_initial(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE profiles (
            id       INTEGER PRIMARY KEY,
            name     TEXT NOT NULL UNIQUE,
            created  INTEGER NOT NULL,            -- µs since the epoch, UTC
            settings TEXT NOT NULL DEFAULT '{}'   -- JSON, see Settings
        );

        CREATE TABLE card_state (
            profile_id  INTEGER NOT NULL REFERENCES profiles (id),
            deck_id     TEXT NOT NULL,
            card_key    TEXT NOT NULL,
            state       INTEGER NOT NULL,          -- fsrs.State
            step        INTEGER,
            stability   REAL,
            difficulty  REAL,
            due         INTEGER NOT NULL,
            last_review INTEGER,
            reps        INTEGER NOT NULL DEFAULT 0,
            lapses      INTEGER NOT NULL DEFAULT 0,
            leech       INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (profile_id, deck_id, card_key)
        ) WITHOUT ROWID;
        CREATE INDEX card_state_due ON card_state (profile_id, due);

        CREATE TABLE sessions (
            id          INTEGER PRIMARY KEY,
            profile_id  INTEGER NOT NULL REFERENCES profiles (id),
            mode        TEXT NOT NULL CHECK (mode IN ('study', 'drill')),
            deck_ids    TEXT NOT NULL,              -- JSON array
            started     INTEGER NOT NULL,
            finished    INTEGER,
            questions   INTEGER NOT NULL DEFAULT 0,
            correct     INTEGER NOT NULL DEFAULT 0,
            best_streak INTEGER NOT NULL DEFAULT 0,
            seconds     REAL NOT NULL DEFAULT 0,
            settings    TEXT NOT NULL DEFAULT '{}'  -- JSON
        );
        CREATE INDEX sessions_profile ON sessions (profile_id, started);

        CREATE TABLE review_log (
            id         INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles (id),
            session_id INTEGER REFERENCES sessions (id),
            mode       TEXT NOT NULL CHECK (mode IN ('study', 'drill')),
            kind       TEXT NOT NULL DEFAULT 'answer'
                       CHECK (kind IN ('answer', 'undo', 'overrule')),
            deck_id    TEXT NOT NULL,
            card_key   TEXT NOT NULL,
            answer     TEXT,
            verdict    TEXT CHECK (verdict IN ('correct', 'wrong', 'rated')),
            exact      INTEGER,
            rating     INTEGER CHECK (rating BETWEEN 1 AND 4),
            ms         INTEGER,
            ts         INTEGER NOT NULL,
            previous   TEXT,                        -- JSON card state before this row, for undo
            prev_state INTEGER,                     -- its fsrs.State (NULL: the card was new)
            undoes     INTEGER REFERENCES review_log (id),
            CHECK ((kind = 'answer') = (undoes IS NULL))
        );
        -- covering: statistics and today's counts never read the wide rows
        CREATE INDEX review_log_time ON review_log (profile_id, ts, kind, mode, rating, prev_state);
        CREATE INDEX review_log_card ON review_log (profile_id, deck_id, card_key);
        -- one row may cancel a review, never two (a racing double undo fails)
        CREATE UNIQUE INDEX review_log_undoes ON review_log (undoes)
            WHERE undoes IS NOT NULL;

        CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
        BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END;
        CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
        BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END;
        """,
    )


Migration = tuple[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: list[Migration] = [
    ("0001_initial", _m0001_initial),
]
"""Named schema steps in order; never edit or reorder one that has shipped.

``PRAGMA user_version`` is the number applied; the ``migrations`` table
records their names and when they ran.
"""

# A review that counts: not an undo row, and not cancelled by a later row.
_EFFECTIVE = "r.kind != 'undo' AND NOT EXISTS (SELECT 1 FROM review_log c WHERE c.undoes = r.id)"

_STATE_COLUMNS = (
    "deck_id, card_key, state, step, stability, difficulty, due, last_review, reps, lapses, leech"
)

_REVIEW_COLUMNS = (
    "id, profile_id, session_id, mode, kind, deck_id, card_key, answer, verdict,"
    " exact, rating, ms, ts, previous, undoes"
)


def _state_from_row(row: tuple[Any, ...]) -> CardState:
    last_review = row[7]
    return CardState(
        row[0],
        row[1],
        _STATES[row[2]],
        row[3],
        row[4],
        row[5],
        _EPOCH + timedelta(0, 0, row[6]),
        None if last_review is None else _EPOCH + timedelta(0, 0, last_review),
        row[8],
        row[9],
        bool(row[10]),
    )


def _review_from_row(row: tuple[Any, ...]) -> ReviewRecord:
    return ReviewRecord(
        id=row[0],
        profile_id=row[1],
        session_id=row[2],
        mode=row[3],
        kind=row[4],
        deck_id=row[5],
        card_key=row[6],
        answer=row[7],
        verdict=row[8],
        exact=None if row[9] is None else bool(row[9]),
        rating=row[10],
        ms=row[11],
        when=_from_us(row[12]),
        previous=_from_snapshot(row[5], row[6], row[13]),
        undoes=row[14],
    )


def _identity(path: Path) -> str | None:
    """The database file as it is now: device, inode, size, modification and change times.

    Only ``stat``: opening and closing the file would drop every POSIX lock this
    process holds on it, and another process could then delete a WAL still in use.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_dev} {stat.st_ino} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns}"


# (device, inode) of the databases this process has open, with how many stores each.
_OPEN_FILES: dict[tuple[int, int], int] = {}


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _checked_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKED_SUFFIX)


def _was_checked(path: Path) -> bool:
    """Whether the file is exactly as it was when last found sound."""
    try:
        recorded = _checked_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return bool(recorded) and recorded == _identity(path)


def _remember_checked(path: Path) -> None:
    """Record the file as sound (atomically; a folder we cannot write only costs a check)."""
    identity = _identity(path)
    if identity is None:
        return
    target = _checked_path(path)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(identity + "\n", encoding="ascii")
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _forget_checked(path: Path) -> None:
    with contextlib.suppress(OSError):
        _checked_path(path).unlink(missing_ok=True)


def _check_header(path: Path) -> None:
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


# ---------------------------------------------------------------- the store


class Store:
    """The progress database. Open with ``Store.open()``; use as a context manager.

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
    ) -> Store:
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
            _check_header(path)
        try:
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # transactions are explicit: see _write()
                check_same_thread=False,  # the lock below serialises access
            )
        except sqlite3.Error as error:
            raise _translate(error, path) from error
        store = cls(conn, path)
        try:
            store._prepare(synchronous, check_budget)
        except BaseException:
            conn.close()
            raise
        store._file_key = _file_key(path)
        _OPEN_FILES[store._file_key] = _OPEN_FILES.get(store._file_key, 0) + 1
        return store

    def _prepare(self, synchronous: str, check_budget: float | None) -> None:
        conn = self._conn
        with self._errors():
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Everything up to the journal_mode change only reads the file.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            known = len(MIGRATIONS)
            if version > known:
                raise NewerDatabaseError(self.path, version, known)
            if version > 0 and check_budget != 0:
                self._ensure_checked(check_budget, trust_record=check_budget is not None)
            if version == 0:
                # our own tables may appear here: another otsquiz creating the file now
                foreign = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%' AND name NOT IN"
                    " ('migrations', 'profiles', 'card_state', 'sessions', 'review_log')"
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
        self.migrations_applied = self._migrate(version)

    def _migrate(self, version: int) -> list[str]:
        applied: list[str] = []
        for number, (name, step) in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            with self._write() as conn:
                # another process may have migrated while we waited for the lock
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current >= number:
                    continue
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS migrations ("
                    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                    " applied INTEGER NOT NULL)"
                )
                step(conn)
                conn.execute(
                    "INSERT INTO migrations (id, name, applied) VALUES (?, ?, ?)",
                    (number, name, _to_us(_now())),
                )
                conn.execute(f"PRAGMA user_version = {number}")
            applied.append(name)
        return applied

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
                _remember_checked(self.path)

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
        if trust_record and _was_checked(self.path):
            self._checked = True
            return
        problems = self._run_check(False, budget)
        if problems is None:
            return  # out of time: the whole check runs before the first write
        if problems:
            self._damage = problems[0]
            _forget_checked(self.path)
            raise CorruptDatabaseError(self.path, problems[0])
        self._checked = True
        _remember_checked(self.path)

    def _translated(self, error: sqlite3.Error) -> StoreError:
        translated = _translate(error, self.path)
        if isinstance(translated, CorruptDatabaseError):
            self._damage = translated.detail  # nothing more is written to this file
            _forget_checked(self.path)  # and the next open checks it
        return translated

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

    # -- profiles

    def profile(self, name: str = "default", *, create: bool = True) -> Profile:
        """The profile called ``name``, created if it does not exist.

        Names are matched as people mean them (``profile_key``): "aygerim" finds
        "Aygerim", an NFD "Ayşe" the NFC one, and the profile keeps the spelling
        it was created with. (Two profiles already stored whose names differ only
        so are each found by their own exact spelling; other spellings find the
        older.) With ``create=False`` (read-only commands) an unknown name raises
        ``UnknownProfileError``, naming the profiles there are. A new name must
        be 1 to 64 printable characters, and is stored NFC-normalised.
        """
        typed = name.strip()
        name = unicodedata.normalize("NFC", typed)
        rows = self._read("SELECT id, name FROM profiles ORDER BY id")
        found_id = _profile_id_for(rows, typed)
        if found_id is not None:
            found = self._profile_where("id = ?", found_id)
            assert found is not None
            return found
        if not create:
            raise UnknownProfileError(name, [row[1] for row in rows])
        problem = profile_name_problem(name)
        if problem is not None:
            raise StoreError(problem)
        with self._write() as conn:
            # Looked for again inside the write lock: "Ann" and "ann" created at once are one profile.
            found_id = _profile_id_for(conn.execute("SELECT id, name FROM profiles ORDER BY id").fetchall(), name)
            if found_id is None:
                found_id = conn.execute(
                    "INSERT INTO profiles (name, created, settings) VALUES (?, ?, ?)",
                    (name, _to_us(_now()), _dumps(Settings().to_dict())),
                ).lastrowid
        created = self._profile_where("id = ?", found_id)
        assert created is not None
        return created

    def profiles(self) -> list[Profile]:
        rows = self._read("SELECT id, name, created, settings FROM profiles ORDER BY name")
        return [self._profile_from_row(row) for row in rows]

    def save_settings(self, profile: Profile | int, settings: Settings) -> Profile:
        """Store ``settings`` for the profile; returns the updated profile."""
        profile_id = profile if isinstance(profile, int) else profile.id
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE profiles SET settings = ? WHERE id = ?",
                (_dumps(settings.to_dict()), profile_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"There is no profile #{profile_id}.")
        updated = self._profile_where("id = ?", profile_id)
        assert updated is not None
        return updated

    def _profile_where(self, condition: str, value: Any) -> Profile | None:
        rows = self._read(f"SELECT id, name, created, settings FROM profiles WHERE {condition}", (value,))
        return self._profile_from_row(rows[0]) if rows else None

    @staticmethod
    def _profile_from_row(row: tuple[Any, ...]) -> Profile:
        try:
            raw = json.loads(row[3])
        except ValueError:
            raw = {}
        return Profile(
            row[0],
            row[1],
            _from_us(row[2]),
            Settings.from_dict(raw if isinstance(raw, dict) else {}),
        )

    # -- card states

    def states(
        self, profile_id: int, deck_ids: Iterable[str] | None = None
    ) -> dict[tuple[str, str], CardState]:
        """Every studied card's state, keyed by ``(deck_id, card_key)``."""
        sql = f"SELECT {_STATE_COLUMNS} FROM card_state WHERE profile_id = ?"
        parameters: list[Any] = [profile_id]
        if deck_ids is not None:
            decks = list(dict.fromkeys(deck_ids))
            sql += f" AND deck_id IN ({', '.join('?' * len(decks))})"
            parameters += decks
        rows = self._read(sql, parameters)
        return {(row[0], row[1]): _state_from_row(row) for row in rows}

    def due_rows(
        self, profile_id: int, deck_ids: Iterable[str], now: datetime
    ) -> list[tuple[str, str, int, int, int | None, float | None]]:
        """``(deck_id, card_key, state, due, last_review, stability)`` of the cards due at ``now``,
        times in microseconds since the epoch: what ``plan_queue`` needs, with no object per card."""
        decks = list(dict.fromkeys(deck_ids))
        return self._read(
            "SELECT deck_id, card_key, state, due, last_review, stability FROM card_state"
            f" WHERE profile_id = ? AND due <= ? AND deck_id IN ({', '.join('?' * len(decks))})"
            " ORDER BY due, deck_id, card_key",  # deterministic: ties in the queue keep this order
            [profile_id, _to_us(now), *decks],
        )

    def upcoming(
        self, profile_id: int, deck_ids: Iterable[str], now: datetime, batch: int = 256
    ) -> Iterator[tuple[str, str, datetime]]:
        """``(deck_id, card_key, due)`` of the cards due after ``now``, soonest first, read a batch at a time."""
        decks = list(dict.fromkeys(deck_ids))
        after, seen = _to_us(now), 0
        while True:
            rows = self._read(
                "SELECT deck_id, card_key, due FROM card_state WHERE profile_id = ? AND due > ?"
                f" AND deck_id IN ({', '.join('?' * len(decks))}) ORDER BY due, deck_id, card_key"
                " LIMIT ? OFFSET ?",
                [profile_id, after, *decks, batch, seen],
            )
            for deck_id, card_key, due in rows:
                yield deck_id, card_key, _from_us(due)
            if len(rows) < batch:
                return
            seen += len(rows)

    def studied_among(self, profile_id: int, deck_id: str, card_keys: Sequence[str]) -> set[str]:
        """Which of ``card_keys`` (of one deck) were studied before."""
        rows = self._read(
            "SELECT card_key FROM card_state WHERE profile_id = ? AND deck_id = ?"
            " AND card_key IN (SELECT value FROM json_each(?))",
            (profile_id, deck_id, json.dumps(list(card_keys))),
        )
        return {row[0] for row in rows}

    def states_among(self, profile_id: int, deck_id: str, card_keys: Sequence[str]) -> dict[str, State]:
        """The FSRS state of those of ``card_keys`` (of one deck) studied before."""
        rows = self._read(
            "SELECT card_key, state FROM card_state WHERE profile_id = ? AND deck_id = ?"
            " AND card_key IN (SELECT value FROM json_each(?))",
            (profile_id, deck_id, json.dumps(list(card_keys))),
        )
        return {key: _STATES[state] for key, state in rows}

    def deck_counts(
        self,
        profile_id: int,
        now: datetime,
        keys: Mapping[str, Iterable[str]] | None = None,
    ) -> dict[str, tuple[int, int, int]]:
        """Per deck: (cards studied, due now, mastered), counted by the database.

        ``keys`` maps each deck id to the keys of the cards it has now (as
        ``stats`` takes them): only those cards count, so that "new" = cards -
        studied holds after cards left a deck (their history is kept, and
        counts again if they come back), and every deck of ``keys`` is in the
        result. Without ``keys`` every card ever studied counts, removed or not.
        """
        now_us = _to_us(now)
        with self._lock, self._errors():
            conn = self._conn
            conn.execute("BEGIN")  # one snapshot for the counts and the keys
            try:
                counts = {
                    deck_id: (studied, due, mastered)
                    for deck_id, studied, due, mastered in conn.execute(
                        "SELECT deck_id, count(*), coalesce(sum(due <= ?), 0),"
                        " coalesce(sum(stability >= ?), 0) FROM card_state"
                        " WHERE profile_id = ? GROUP BY deck_id",
                        (now_us, MASTERED_STABILITY_DAYS, profile_id),
                    )
                }
                if keys is None:
                    return counts
                result: dict[str, tuple[int, int, int]] = {}
                for deck_id, deck_keys in keys.items():
                    found = counts.get(deck_id, (0, 0, 0))
                    if found[0]:
                        # The few cards that left the deck are found by key, then taken off.
                        present = set(deck_keys)
                        gone = [
                            key
                            for (key,) in conn.execute(
                                "SELECT card_key FROM card_state WHERE profile_id = ? AND deck_id = ?",
                                (profile_id, deck_id),
                            )
                            if key not in present
                        ]
                        if gone:
                            studied, due, mastered = found
                            less = conn.execute(
                                "SELECT count(*), coalesce(sum(due <= ?), 0), coalesce(sum(stability >= ?), 0)"
                                " FROM card_state WHERE profile_id = ? AND deck_id = ?"
                                " AND card_key IN (SELECT value FROM json_each(?))",
                                (now_us, MASTERED_STABILITY_DAYS, profile_id, deck_id, json.dumps(gone)),
                            ).fetchone()
                            found = (studied - less[0], due - less[1], mastered - less[2])
                    result[deck_id] = found
                return result
            finally:
                conn.execute("COMMIT")

    def state(self, profile_id: int, deck_id: str, card_key: str) -> CardState | None:
        with self._lock, self._errors():
            return self._get_state(self._conn, profile_id, deck_id, card_key)

    @staticmethod
    def _get_state(
        conn: sqlite3.Connection, profile_id: int, deck_id: str, card_key: str
    ) -> CardState | None:
        row = conn.execute(
            f"SELECT {_STATE_COLUMNS} FROM card_state WHERE profile_id = ? AND deck_id = ? AND card_key = ?",
            (profile_id, deck_id, card_key),
        ).fetchone()
        return None if row is None else _state_from_row(row)

    @staticmethod
    def _put_state(conn: sqlite3.Connection, profile_id: int, state: CardState) -> None:
        conn.execute(
            f"INSERT INTO card_state (profile_id, {_STATE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (profile_id, deck_id, card_key) DO UPDATE SET"
            " state = excluded.state, step = excluded.step,"
            " stability = excluded.stability, difficulty = excluded.difficulty,"
            " due = excluded.due, last_review = excluded.last_review,"
            " reps = excluded.reps, lapses = excluded.lapses, leech = excluded.leech",
            (
                profile_id,
                state.deck_id,
                state.card_key,
                int(state.state),
                state.step,
                state.stability,
                state.difficulty,
                _to_us(state.due),
                None if state.last_review is None else _to_us(state.last_review),
                state.reps,
                state.lapses,
                int(state.leech),
            ),
        )

    @staticmethod
    def _restore_state(
        conn: sqlite3.Connection,
        profile_id: int,
        deck_id: str,
        card_key: str,
        state: CardState | None,
    ) -> None:
        if state is None:
            conn.execute(
                "DELETE FROM card_state WHERE profile_id = ? AND deck_id = ? AND card_key = ?",
                (profile_id, deck_id, card_key),
            )
        else:
            Store._put_state(conn, profile_id, state)

    # -- renaming cards (``otsquiz fix`` gives id-less cards an id)

    # A note's key and its cards' keys ("key", "key:1", "key:reverse"); no LIKE: ids may hold "_" or "%".
    _NOTE_KEYS = "(card_key = ?1 OR substr(card_key, 1, length(?1) + 1) = ?1 || ':')"

    def keys_with_history(self, deck_id: str, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` (note keys) that any profile has a state or a review of, in ``deck_id``."""
        found: set[str] = set()
        with self._lock, self._errors():
            for key in dict.fromkeys(keys):
                if self._has_history(self._conn, deck_id, key):
                    found.add(key)
        return found

    @classmethod
    def _has_history(cls, conn: sqlite3.Connection, deck_id: str, key: str) -> bool:
        return any(
            conn.execute(
                f"SELECT 1 FROM {table} WHERE deck_id = ?2 AND {cls._NOTE_KEYS} LIMIT 1", (key, deck_id)
            ).fetchone()
            for table in ("card_state", "review_log")
        )

    def rename_card_keys(self, deck_id: str, mapping: Mapping[str, str]) -> int:
        """Move every profile's history of ``deck_id``'s cards from old keys to new keys; how many moved.

        ``mapping`` maps a note's old key to its new one (an id-less card's ``h-<hash>``
        to the id ``otsquiz fix`` wrote); its cards' keys move with it, so
        ``h-<hash>:1`` and ``h-<hash>:reverse`` become ``<id>:1`` and ``<id>:reverse``.
        A pair whose new key already has history is left alone (merging two
        histories would make both wrong): its old key keeps its rows, and
        ``keys_with_history(deck_id, mapping)`` names it afterwards. All pairs move
        in one transaction, card states and review log alike.
        """
        pairs = [(old, new) for old, new in mapping.items() if old != new]
        if not pairs:
            return 0
        moved = 0
        with self._write() as conn:
            # The log is append-only by trigger; renaming a card is the one change it allows,
            # made with the trigger lifted inside this transaction (so never seen lifted).
            row = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'review_log_no_update'"
            ).fetchone()
            if row is not None:
                conn.execute("DROP TRIGGER review_log_no_update")
            for old, new in pairs:
                if not self._has_history(conn, deck_id, old) or self._has_history(conn, deck_id, new):
                    continue
                for table in ("card_state", "review_log"):
                    conn.execute(
                        f"UPDATE {table} SET card_key = ?3 || substr(card_key, length(?1) + 1)"
                        f" WHERE deck_id = ?2 AND {self._NOTE_KEYS}",
                        (old, deck_id, new),
                    )
                moved += 1
            if row is not None:
                conn.execute(row[0])
        return moved

    # -- the review log

    def record(
        self,
        profile_id: int,
        *,
        session_id: int | None,
        mode: Mode,
        deck_id: str,
        card_key: str,
        answer: str | None,
        verdict: Verdict,
        exact: bool | None,
        rating: int | None,
        ms: int | None,
        new_state: CardState | Schedule | None,
        when: datetime | None = None,
    ) -> int:
        """Log one answer and (in study mode) save the card's new state; returns the log id.

        See ``record_answer``, which also returns the states before and after.
        """
        return self.record_answer(
            profile_id,
            session_id=session_id,
            mode=mode,
            deck_id=deck_id,
            card_key=card_key,
            answer=answer,
            verdict=verdict,
            exact=exact,
            rating=rating,
            ms=ms,
            new_state=new_state,
            when=when,
        ).id

    def record_answer(
        self,
        profile_id: int,
        *,
        session_id: int | None,
        mode: Mode,
        deck_id: str,
        card_key: str,
        answer: str | None,
        verdict: Verdict,
        exact: bool | None,
        rating: int | None,
        ms: int | None,
        new_state: CardState | Schedule | None,
        when: datetime | None = None,
        totals: SessionTotals | None = None,
    ) -> Recorded:
        """Log one answer and (in study mode) save the card's new state.

        One transaction, committed before this returns: once it has, the
        answer survives the process being killed. The card's previous state
        is read inside the same transaction and kept in the log row for
        ``undo``, so it is exactly what this answer overwrote even when
        another process wrote the card meanwhile.

        ``new_state`` is best given as a function of the previous state
        (``None``: a new card) returning the new one: it is called inside the
        transaction, so two processes answering the same card each schedule
        from the state the other left, and no review is lost. A ready state
        is stored as it is. In drill mode the schedule is never touched and
        ``new_state`` must be None. ``totals`` (the session's, this answer
        included) are saved with it, so a session cut short still adds up.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        if rating is not None and not 1 <= rating <= 4:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        if mode == "study":
            if new_state is None or rating is None:
                raise ValueError("a study answer needs a rating and the card's new state")
        elif new_state is not None:
            raise ValueError("a drill answer never changes the schedule")
        ts = _to_us(when or _now())
        with self._write() as conn:
            previous = self._get_state(conn, profile_id, deck_id, card_key)
            state = new_state(previous) if callable(new_state) else new_state
            if state is not None and (state.deck_id, state.card_key) != (deck_id, card_key):
                raise ValueError("new_state belongs to another card")
            cursor = conn.execute(
                "INSERT INTO review_log (profile_id, session_id, mode, kind, deck_id,"
                " card_key, answer, verdict, exact, rating, ms, ts, previous, prev_state)"
                " VALUES (?, ?, ?, 'answer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    profile_id,
                    session_id,
                    mode,
                    deck_id,
                    card_key,
                    answer,
                    verdict,
                    None if exact is None else int(exact),
                    rating,
                    ms,
                    ts,
                    _snapshot(previous),
                    None if previous is None else int(previous.state),
                ),
            )
            if state is not None:
                self._put_state(conn, profile_id, state)
            if totals is not None and session_id is not None:
                self._put_totals(conn, session_id, totals)
            review_id = cursor.lastrowid
        assert review_id is not None
        return Recorded(review_id, previous, state)

    def review(self, review_id: int) -> ReviewRecord:
        """One log row; raises StoreError if there is none."""
        rows = self._read(f"SELECT {_REVIEW_COLUMNS} FROM review_log WHERE id = ?", (review_id,))
        if not rows:
            raise StoreError(f"There is no review #{review_id}.")
        return _review_from_row(rows[0])

    def history(self, profile_id: int, deck_id: str, card_key: str) -> list[ReviewRecord]:
        """The answers to one card that still count, oldest first."""
        rows = self._read(
            f"SELECT {_REVIEW_COLUMNS} FROM review_log r WHERE profile_id = ?"
            f" AND deck_id = ? AND card_key = ? AND {_EFFECTIVE} ORDER BY id",
            (profile_id, deck_id, card_key),
        )
        return [_review_from_row(row) for row in rows]

    def _cancellable(self, conn: sqlite3.Connection, review_id: int) -> ReviewRecord:
        """The review ``review_id``, if it may still be undone or overruled."""
        row = conn.execute(f"SELECT {_REVIEW_COLUMNS} FROM review_log WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no review #{review_id}.")
        review = _review_from_row(row)
        if review.kind == "undo":
            raise StoreError("An undo cannot itself be undone or overruled.")
        if conn.execute("SELECT 1 FROM review_log WHERE undoes = ?", (review_id,)).fetchone():
            raise StoreError("That answer has already been undone or overruled.")
        if review.mode == "study":
            # Restoring an older snapshot would silently drop the answers after it.
            latest = conn.execute(
                "SELECT max(r.id) FROM review_log r WHERE r.profile_id = ?"
                f" AND r.deck_id = ? AND r.card_key = ? AND r.mode = 'study' AND {_EFFECTIVE}",
                (review.profile_id, review.deck_id, review.card_key),
            ).fetchone()[0]
            if latest != review_id:
                raise StoreError("Only the latest answer to a card can be undone or overruled.")
        return review

    def undo(
        self, review_id: int, when: datetime | None = None, *, totals: SessionTotals | None = None
    ) -> int:
        """Cancel an answer: log an undo row and put the card back as it was.

        A card that was new before the answer loses its state row (it is new
        again). Only the latest answer to a card can be undone. ``totals``
        are the answer's session's without it. Returns the undo row's id.
        """
        with self._write() as conn:
            review = self._cancellable(conn, review_id)
            current = self._get_state(conn, review.profile_id, review.deck_id, review.card_key)
            cursor = conn.execute(
                "INSERT INTO review_log (profile_id, session_id, mode, kind, deck_id,"
                " card_key, ts, previous, prev_state, undoes)"
                " VALUES (?, ?, ?, 'undo', ?, ?, ?, ?, ?, ?)",
                (
                    review.profile_id,
                    review.session_id,
                    review.mode,
                    review.deck_id,
                    review.card_key,
                    _to_us(when or _now()),
                    _snapshot(current),
                    None if current is None else int(current.state),
                    review_id,
                ),
            )
            if review.mode == "study":
                self._restore_state(conn, review.profile_id, review.deck_id, review.card_key, review.previous)
            if totals is not None and review.session_id is not None:
                self._put_totals(conn, review.session_id, totals)
            undo_id = cursor.lastrowid
        assert undo_id is not None
        return undo_id

    def overrule(
        self,
        review_id: int,
        rating: int,
        new_state: CardState | Schedule | None,
        *,
        verdict: Verdict | None = None,
        when: datetime | None = None,
        totals: SessionTotals | None = None,
    ) -> int:
        """The learner overrules a verdict: log a row that replaces the answer.

        The new row (kind "overrule") copies the answer, cancels
        ``review_id`` through ``undoes`` and counts in its place with the
        new rating; ``verdict`` defaults to "wrong" for rating 1 and
        "correct" otherwise. ``previous`` is carried over from the original,
        so undoing the overrule puts the card back as it was before the
        answer. ``new_state`` (study mode) is the state the card gets from
        the original previous state with the new rating: best given as a
        function of that previous state, called inside the transaction (as in
        ``record_answer``), or computed with
        ``Scheduler.review(store.review(review_id).previous, ...)``.
        """
        if not 1 <= rating <= 4:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        if verdict is None:
            verdict = "wrong" if rating == 1 else "correct"
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        with self._write() as conn:
            review = self._cancellable(conn, review_id)
            if review.mode == "study":
                if new_state is None:
                    raise ValueError("overruling a study answer needs the card's new state")
                if callable(new_state):
                    new_state = new_state(review.previous)
                if (new_state.deck_id, new_state.card_key) != (review.deck_id, review.card_key):
                    raise ValueError("new_state belongs to another card")
            elif new_state is not None:
                raise ValueError("a drill answer never changes the schedule")
            cursor = conn.execute(
                "INSERT INTO review_log (profile_id, session_id, mode, kind, deck_id,"
                " card_key, answer, verdict, exact, rating, ms, ts, previous, prev_state, undoes)"
                " VALUES (?, ?, ?, 'overrule', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.profile_id,
                    review.session_id,
                    review.mode,
                    review.deck_id,
                    review.card_key,
                    review.answer,
                    verdict,
                    None if review.exact is None else int(review.exact),
                    rating,
                    review.ms,
                    _to_us(when or _now()),
                    _snapshot(review.previous),
                    None if review.previous is None else int(review.previous.state),
                    review_id,
                ),
            )
            if new_state is not None:
                self._put_state(conn, review.profile_id, new_state)
            if totals is not None and review.session_id is not None:
                self._put_totals(conn, review.session_id, totals)
            overrule_id = cursor.lastrowid
        assert overrule_id is not None
        return overrule_id

    # -- sessions

    def start_session(
        self,
        profile_id: int,
        mode: Mode,
        deck_ids: Iterable[str],
        *,
        settings: Mapping[str, Any] | None = None,
        when: datetime | None = None,
    ) -> int:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (profile_id, mode, deck_ids, started, settings) VALUES (?, ?, ?, ?, ?)",
                (
                    profile_id,
                    mode,
                    _dumps(list(deck_ids)),
                    _to_us(when or _now()),
                    _dumps(dict(settings or {})),
                ),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    @staticmethod
    def _put_totals(conn: sqlite3.Connection, session_id: int, totals: SessionTotals) -> None:
        conn.execute(
            "UPDATE sessions SET questions = ?, correct = ?, best_streak = ?, seconds = ? WHERE id = ?",
            (*totals, session_id),
        )

    def finish_session(
        self,
        session_id: int,
        *,
        questions: int,
        correct: int,
        best_streak: int,
        seconds: float,
        when: datetime | None = None,
    ) -> None:
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE sessions SET finished = ?, questions = ?, correct = ?,"
                " best_streak = ?, seconds = ? WHERE id = ?",
                (_to_us(when or _now()), questions, correct, best_streak, seconds, session_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"There is no session #{session_id}.")

    def session(self, session_id: int) -> dict[str, Any]:
        rows = self._read(
            "SELECT id, profile_id, mode, deck_ids, started, finished, questions,"
            " correct, best_streak, seconds, settings FROM sessions WHERE id = ?",
            (session_id,),
        )
        if not rows:
            raise StoreError(f"There is no session #{session_id}.")
        row = rows[0]
        return {
            "id": row[0],
            "profile_id": row[1],
            "mode": row[2],
            "deck_ids": json.loads(row[3]),
            "started": _from_us(row[4]),
            "finished": None if row[5] is None else _from_us(row[5]),
            "questions": row[6],
            "correct": row[7],
            "best_streak": row[8],
            "seconds": row[9],
            "settings": json.loads(row[10]),
        }

    # -- today

    def new_introduced_today(self, profile_id: int, now: datetime | None = None) -> int:
        """How many new cards were first studied in today's study day."""
        start = _to_us(day_start(now or _now()))
        rows = self._read(
            "SELECT count(*) FROM review_log r WHERE r.profile_id = ? AND r.ts >= ?"
            f" AND r.mode = 'study' AND r.prev_state IS NULL AND {_EFFECTIVE}",
            (profile_id, start),
        )
        return int(rows[0][0])

    def notes_seen_today(self, profile_id: int, now: datetime | None = None) -> frozenset[tuple[str, str]]:
        """``(deck_id, note)`` of every card studied today, for burying siblings."""
        start = _to_us(day_start(now or _now()))
        rows = self._read(
            "SELECT DISTINCT r.deck_id, r.card_key FROM review_log r WHERE r.profile_id = ?"
            f" AND r.ts >= ? AND r.mode = 'study' AND {_EFFECTIVE}",
            (profile_id, start),
        )
        return frozenset((deck_id, note_of(card_key)) for deck_id, card_key in rows)

    # -- statistics

    @staticmethod
    def _study_days(conn: sqlite3.Connection, profile_id: int, dates: _StudyDates) -> list[date]:
        """Every study day with a schedule review that counts, oldest first (drills do not).

        A skip scan: one index seek per study day (find the first answer
        after the previous day, jump to the end of its day), not a pass
        over every answer ever given.
        """
        days: list[date] = []
        after = -1
        while True:
            row = conn.execute(
                "SELECT r.ts FROM review_log r WHERE r.profile_id = ? AND r.ts > ?"
                f" AND r.mode = 'study' AND {_EFFECTIVE} ORDER BY r.ts LIMIT 1",
                (profile_id, after),
            ).fetchone()
            if row is None:
                return days
            day = dates.of(row[0])
            if not days or days[-1] != day:
                days.append(day)
            # max(): always move on, even if a time-zone oddity disagrees
            after = max(row[0], dates.start(day + timedelta(days=1)) - 1)

    def stats(
        self,
        profile_id: int,
        decks: Mapping[str, Iterable[str]],
        *,
        now: datetime | None = None,
        days: int = 30,
    ) -> dict[str, Any]:
        """Progress figures, JSON-ready; a superset of ``otsquiz stats --json``.

        ``decks`` maps each deck id to the keys of the cards it has now, so
        cards removed from a deck are not counted. Undone answers never
        count. Days are local study days (see ``scheduling.day_start``).
        Reviews are the answers of study sessions, which schedule cards;
        drill answers leave the schedule alone and are counted apart.

        Keys: ``profile``, ``reviews_total`` (study answers), ``drill_answers``,
        ``decks`` (``id``, ``cards``, ``reviewed`` = cards with a schedule,
        ``due``, ``mastered``, ``mastery`` = share of the deck's cards with
        stability of at least 21 days), ``reviews_per_day`` (last ``days``
        days, oldest first, study answers), ``streak`` (``current``, ``longest``
        in days with a study answer), ``retention`` (study answers to cards in the Review state in
        the last 30 days that were not rated Again: ``reviews``, ``passed``,
        ``rate`` or None), ``forecast`` (cards due on each of the next
        ``days`` days, overdue ones counted today) and ``leeches``.
        """
        if days < 1:
            raise ValueError(f"days must be at least 1, not {days}")
        now = now or _now()
        dates = _StudyDates()
        today = dates.of(_to_us(now))
        window_start = dates.start(today - timedelta(days=days - 1))
        profile_rows = self._read("SELECT name FROM profiles WHERE id = ?", (profile_id,))
        if not profile_rows:
            raise StoreError(f"There is no profile #{profile_id}.")
        # One read transaction, so that every figure comes from the same snapshot.
        # The review queries use only the covering index review_log_time.
        with self._lock, self._errors():
            conn = self._conn
            conn.execute("BEGIN")
            try:
                # Every undo or overrule row cancels exactly one other row of the
                # profile, of its mode (the unique index on undoes), so these are the
                # answers that count; "+" keeps SQLite on the small partial index.
                totals = dict.fromkeys(MODES, 0)
                for mode, count in conn.execute(
                    "SELECT mode, count(*) FROM review_log WHERE profile_id = ? AND kind != 'undo'"
                    " GROUP BY mode",
                    (profile_id,),
                ):
                    totals[mode] += count
                for mode, count in conn.execute(
                    "SELECT mode, count(*) FROM review_log WHERE undoes IS NOT NULL AND +profile_id = ?"
                    " GROUP BY mode",
                    (profile_id,),
                ):
                    totals[mode] -= count
                # Counts per quarter hour: local day boundaries fall on quarter
                # hours in every time zone, and grouping by an integer is far
                # cheaper in SQL than converting every timestamp to a date.
                buckets = conn.execute(
                    "SELECT r.ts / ? AS bucket, count(*) FROM review_log r"
                    f" WHERE r.profile_id = ? AND r.ts >= ? AND r.mode = 'study' AND {_EFFECTIVE}"
                    " GROUP BY bucket",
                    (_BUCKET_US, profile_id, window_start),
                ).fetchall()
                study_days = self._study_days(conn, profile_id, dates)
                retained, passed = conn.execute(
                    "SELECT count(*), coalesce(sum(r.rating > 1), 0) FROM review_log r"
                    " WHERE r.profile_id = ? AND r.ts >= ? AND r.mode = 'study'"
                    f" AND r.prev_state = ? AND {_EFFECTIVE}",
                    (profile_id, _to_us(now - timedelta(days=30)), int(State.Review)),
                ).fetchone()
                deck_rows = {
                    deck_id: conn.execute(
                        "SELECT card_key, due, stability, leech FROM card_state"
                        " WHERE profile_id = ? AND deck_id = ?",
                        (profile_id, deck_id),
                    ).fetchall()
                    for deck_id in decks
                }
            finally:
                conn.execute("COMMIT")

        per_day: dict[date, int] = {}
        for bucket, count in buckets:
            day = dates.of(bucket * _BUCKET_US)
            per_day[day] = per_day.get(day, 0) + count

        now_us = _to_us(now)
        horizon_us = dates.start(today + timedelta(days=days))
        forecast: dict[date, int] = {}
        leeches: list[dict[str, str]] = []
        deck_stats: list[dict[str, Any]] = []
        for deck_id, keys in decks.items():
            present = set(keys)
            reviewed = due = mastered = 0
            for card_key, due_us, stability, leech in deck_rows[deck_id]:
                if card_key not in present:
                    continue
                reviewed += 1
                if due_us <= now_us:
                    due += 1
                if stability is not None and stability >= MASTERED_STABILITY_DAYS:
                    mastered += 1
                if leech:
                    leeches.append({"deck": deck_id, "card": card_key})
                if due_us < horizon_us:
                    day = today if due_us <= now_us else dates.of(due_us)
                    forecast[day] = forecast.get(day, 0) + 1
            deck_stats.append(
                {
                    "id": deck_id,
                    "cards": len(present),
                    "reviewed": reviewed,
                    "due": due,
                    "mastered": mastered,
                    "mastery": mastered / len(present) if present else 0.0,
                }
            )

        window = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
        ahead = [today + timedelta(days=offset) for offset in range(days)]
        current, longest = _streaks(study_days, today)
        return {
            "profile": profile_rows[0][0],
            "reviews_total": totals["study"],
            "drill_answers": totals["drill"],
            "decks": deck_stats,
            "reviews_per_day": [{"date": day.isoformat(), "reviews": per_day.get(day, 0)} for day in window],
            "streak": {"current": current, "longest": longest},
            "retention": {
                "reviews": retained,
                "passed": passed,
                "rate": passed / retained if retained else None,
            },
            "forecast": [{"date": day.isoformat(), "due": forecast.get(day, 0)} for day in ahead],
            "leeches": leeches,
        }


_BUCKET_US = 15 * 60 * 1_000_000


class _StudyDates:
    """Local study dates (a day starts at ``DAY_ROLLOVER_HOUR``) of µs timestamps.

    The same days as ``scheduling.day_start``. Every local day boundary
    falls on a UTC quarter hour, so one conversion per quarter hour serves
    every timestamp in it.
    """

    def __init__(self) -> None:
        self._cache: dict[int, date] = {}

    @staticmethod
    def start(day: date) -> int:
        """When the study day ``day`` begins, in µs since the epoch."""
        local = datetime.combine(day, dt_time(DAY_ROLLOVER_HOUR))  # naive: local time
        return _to_us(local.astimezone(UTC))

    def of(self, timestamp_us: int) -> date:
        bucket = timestamp_us // _BUCKET_US
        found = self._cache.get(bucket)
        if found is None:
            local = datetime.fromtimestamp(bucket * (_BUCKET_US // 1_000_000))
            found = local.date()
            if local.hour < DAY_ROLLOVER_HOUR:
                found -= timedelta(days=1)
            self._cache[bucket] = found
        return found


def _streaks(days: list[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days in sorted ``days``.

    The current streak is still alive on a day not yet studied if yesterday was.
    """
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    studied = set(days)
    cursor = today if today in studied else today - timedelta(days=1)
    current = 0
    while cursor in studied:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest
