"""The schema: named, ordered migrations, each applied in its own transaction.

``PRAGMA user_version`` is the number of migrations applied; the ``migrations``
table records their names and when they ran. A database whose number is higher
than ``len(MIGRATIONS)`` was written by a newer otsquiz and is never touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from otsquiz.core.store.values import to_us, utc_now

TABLES = ("migrations", "profiles", "card_state", "sessions", "review_log")
"""Every table otsquiz creates: a new database holding any other is someone else's."""


def run_script(conn: sqlite3.Connection, script: str) -> None:
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
    run_script(
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

Read here at each open (so a test may replace ``migrations.MIGRATIONS``).
"""


def apply(version: int, write: Callable[[], AbstractContextManager[sqlite3.Connection]]) -> list[str]:
    """Apply the migrations after ``version``, each in its own ``write()`` transaction; their names.

    Another process may have migrated while this one waited for the lock: the
    version is read again inside each transaction.
    """
    applied: list[str] = []
    for number, (name, step) in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        with write() as conn:
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
                (number, name, to_us(utc_now())),
            )
            conn.execute(f"PRAGMA user_version = {number}")
        applied.append(name)
    return applied
