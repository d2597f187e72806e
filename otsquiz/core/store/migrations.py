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

TABLES = (
    "migrations",
    "profiles",
    "card_state",
    "sessions",
    "review_log",
    "rooms",
    "room_teams",
    "room_students",
    "room_questions",
    "room_answers",
)
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


def _m0002_rooms(conn: sqlite3.Connection) -> None:
    """A live class (docs/classroom.md): a room, its teams, students, questions as shown, answers."""
    run_script(
        conn,
        """
        CREATE TABLE rooms (
            id       INTEGER PRIMARY KEY,
            code     TEXT NOT NULL,              -- normalised (otsquiz.core.room.codes)
            created  INTEGER NOT NULL,           -- µs since the epoch, UTC
            active   INTEGER NOT NULL,           -- last activity; the room expires some hours after
            ended    INTEGER,                    -- NULL while open
            deck_ids TEXT NOT NULL,              -- JSON array
            seed     TEXT NOT NULL,
            options  TEXT NOT NULL,              -- JSON, see RoomOptions
            current  INTEGER NOT NULL DEFAULT 0, -- the question running or last shown (0: none yet)
            phase    TEXT NOT NULL DEFAULT 'lobby'
                     CHECK (phase IN ('lobby', 'question', 'revealed', 'ended'))
        );
        -- a code names one open room; an ended room's code may come back
        CREATE UNIQUE INDEX rooms_open_code ON rooms (code) WHERE ended IS NULL;

        CREATE TABLE room_teams (
            room_id INTEGER NOT NULL REFERENCES rooms (id),
            number  INTEGER NOT NULL,
            name    TEXT NOT NULL,
            PRIMARY KEY (room_id, number)
        ) WITHOUT ROWID;

        CREATE TABLE room_students (
            id         INTEGER PRIMARY KEY,
            room_id    INTEGER NOT NULL REFERENCES rooms (id),
            name       TEXT NOT NULL,
            name_key   TEXT NOT NULL,            -- profile_key(name): "Ayşe" and "AYŞE" clash
            token_hash TEXT NOT NULL UNIQUE,     -- sha256 of the rejoin token (the token is never stored)
            joined     INTEGER NOT NULL,
            removed    INTEGER,                  -- NULL while in the room
            team       INTEGER,
            extra_ms   INTEGER NOT NULL DEFAULT 0,
            profile_id INTEGER REFERENCES profiles (id)
        );
        CREATE UNIQUE INDEX room_students_name ON room_students (room_id, name_key)
            WHERE removed IS NULL;

        CREATE TABLE room_questions (
            room_id  INTEGER NOT NULL REFERENCES rooms (id),
            position INTEGER NOT NULL,           -- 1, 2, ...
            deck_id  TEXT NOT NULL,
            card_key TEXT NOT NULL,
            type     TEXT NOT NULL,
            form     TEXT NOT NULL,
            text     TEXT NOT NULL,
            options  TEXT NOT NULL,              -- JSON array, in the order shown
            lefts    TEXT NOT NULL,              -- JSON array (match)
            hint     TEXT NOT NULL,
            unit     TEXT NOT NULL,
            expected TEXT NOT NULL,              -- the answer as the reveal shows it
            right_options TEXT NOT NULL,         -- JSON: indexes of the right options (truefalse: 0 true)
            limit_ms INTEGER,                    -- NULL: no time limit
            started  INTEGER,
            revealed INTEGER,
            PRIMARY KEY (room_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE room_answers (
            room_id    INTEGER NOT NULL,
            position   INTEGER NOT NULL,
            student_id INTEGER NOT NULL REFERENCES room_students (id),
            given      TEXT NOT NULL,            -- the answer in words
            response   TEXT NOT NULL,            -- JSON, the shape Session.submit takes
            correct    INTEGER NOT NULL,
            exact      INTEGER NOT NULL,
            ms         INTEGER NOT NULL,         -- from the question's start
            allowed_ms INTEGER,                  -- the student's time limit then (extra time included)
            ts         INTEGER NOT NULL,
            -- one answer per student per question: a second one is refused
            PRIMARY KEY (room_id, position, student_id),
            FOREIGN KEY (room_id, position) REFERENCES room_questions (room_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX room_answers_student ON room_answers (student_id);
        """,
    )


Migration = tuple[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: list[Migration] = [
    ("0001_initial", _m0001_initial),
]
"""Named schema steps in order; never edit or reorder one that has shipped.

Read here at each open (so a test may replace ``migrations.MIGRATIONS``).
"""

ROOMS: Migration = ("0002_rooms", _m0002_rooms)
"""The classroom's tables (issue 11), in ``MIGRATIONS`` since ``otsquiz class`` opens rooms.

Shipped in learners' databases from then on: never edit it; a change to the
rooms is a new migration.
"""
MIGRATIONS.append(ROOMS)


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
