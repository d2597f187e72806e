"""A live class's rows: rooms, teams, students, questions as shown, answers (docs/classroom.md).

``RoomTables`` works over an open ``Store``'s connection and its write helper: every
write is one short ``BEGIN IMMEDIATE`` transaction that checks the room's state
inside it, so a presenter and forty student processes writing at once agree.
What a code, a name or a score is belongs to ``otsquiz.core.room``; this module
only keeps them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, NamedTuple

from otsquiz.core.store.connection import StoreBase
from otsquiz.core.store.values import dumps

Phase = Literal["lobby", "question", "revealed", "ended"]

# How often a new code is drawn when the one drawn is taken by an open room.
CODE_TRIES = 50
# An answer arriving this long after a student's time ran out still counts (the trip from a browser).
LATE_GRACE_MS = 1000


class RoomError(Exception):
    """A request the room cannot honour (a name taken, time is up, the room has ended).

    Its message is meant for the person who asked: front ends show it as it is.
    Not a ``StoreError``: a refused answer is no failing database.
    """


class RoomRow(NamedTuple):
    id: int
    code: str
    created: int  # µs
    active: int
    ended: int | None
    deck_ids: tuple[str, ...]
    seed: str
    options: dict[str, Any]
    current: int
    phase: Phase


class StudentRow(NamedTuple):
    id: int
    room_id: int
    name: str
    joined: int
    removed: int | None
    team: int | None
    extra_ms: int
    profile_id: int | None


class QuestionRow(NamedTuple):
    position: int
    deck_id: str
    card_key: str
    type: str
    form: str
    text: str
    options: tuple[str, ...]
    lefts: tuple[str, ...]
    hint: str
    unit: str
    expected: str
    right: tuple[int, ...]  # indexes of the right options (truefalse: 0 true, 1 false)
    limit_ms: int | None
    started: int | None
    revealed: int | None


class AnswerRow(NamedTuple):
    position: int
    student_id: int
    given: str
    response: Any  # decoded JSON
    correct: bool
    exact: bool
    ms: int
    allowed_ms: int | None
    ts: int


_ROOM = "id, code, created, active, ended, deck_ids, seed, options, current, phase"
_STUDENT = "id, room_id, name, joined, removed, team, extra_ms, profile_id"
_QUESTION = (
    "position, deck_id, card_key, type, form, text, options, lefts, hint, unit,"
    " expected, right_options, limit_ms, started, revealed"
)
_ANSWER = "position, student_id, given, response, correct, exact, ms, allowed_ms, ts"


def _room(row: Sequence[Any]) -> RoomRow:
    return RoomRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        tuple(json.loads(row[5])),
        row[6],
        json.loads(row[7]),
        row[8],
        row[9],
    )


def _question(row: Sequence[Any]) -> QuestionRow:
    return QuestionRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        tuple(json.loads(row[6])),
        tuple(json.loads(row[7])),
        row[8],
        row[9],
        row[10],
        tuple(json.loads(row[11])),
        row[12],
        row[13],
        row[14],
    )


def _answer(row: Sequence[Any]) -> AnswerRow:
    return AnswerRow(row[0], row[1], row[2], json.loads(row[3]), bool(row[4]), bool(row[5]), *row[6:])


class NewQuestion(NamedTuple):
    """A question as it will be shown in every process, written when the room opens."""

    deck_id: str
    card_key: str
    type: str
    form: str
    text: str
    options: tuple[str, ...]
    lefts: tuple[str, ...]
    hint: str
    unit: str
    expected: str
    right: tuple[int, ...]
    limit_ms: int | None


class RoomTables:
    """The room tables of one open store (the presenter's or a student's process)."""

    def __init__(self, store: StoreBase) -> None:
        self.store = store

    # -- writing: each method one transaction

    def _write(self) -> Any:
        return self.store._write()

    def create(
        self,
        draw_code: Callable[[], str],
        *,
        now: int,
        ttl: int,
        deck_ids: Sequence[str],
        seed: str,
        options: dict[str, Any],
        teams: Sequence[str],
        questions: Sequence[NewQuestion],
    ) -> RoomRow:
        """A new open room with a code no open room has; rooms idle past ``ttl`` end first."""
        with self._write() as conn:
            conn.execute(
                "UPDATE rooms SET ended = active + ?, phase = 'ended' WHERE ended IS NULL AND active + ? <= ?",
                (ttl, ttl, now),
            )
            for _ in range(CODE_TRIES):
                code = draw_code()
                if not conn.execute(
                    "SELECT 1 FROM rooms WHERE code = ? AND ended IS NULL", (code,)
                ).fetchone():
                    break
            else:  # pragma: no cover - 31**6 codes; only a broken draw gets here
                raise RoomError("No free room code was found; try again.")
            room_id = conn.execute(
                "INSERT INTO rooms (code, created, active, deck_ids, seed, options) VALUES (?, ?, ?, ?, ?, ?)",
                (code, now, now, dumps(list(deck_ids)), seed, dumps(options)),
            ).lastrowid
            conn.executemany(
                "INSERT INTO room_teams (room_id, number, name) VALUES (?, ?, ?)",
                [(room_id, number, name) for number, name in enumerate(teams, 1)],
            )
            conn.executemany(
                "INSERT INTO room_questions (room_id, position, deck_id, card_key, type, form, text,"
                " options, lefts, hint, unit, expected, right_options, limit_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        room_id,
                        position,
                        *question[:5],
                        dumps(list(question.options)),
                        dumps(list(question.lefts)),
                        question.hint,
                        question.unit,
                        question.expected,
                        dumps(list(question.right)),
                        question.limit_ms,
                    )
                    for position, question in enumerate(questions, 1)
                ],
            )
            return _room(conn.execute(f"SELECT {_ROOM} FROM rooms WHERE id = ?", (room_id,)).fetchone())

    def _open_room(self, conn: sqlite3.Connection, room_id: int, now: int, ttl: int) -> RoomRow:
        """The room, inside a write, refused if it has ended or expired; its activity bumped."""
        row = conn.execute(f"SELECT {_ROOM} FROM rooms WHERE id = ?", (room_id,)).fetchone()
        if row is None:
            raise RoomError(f"There is no room #{room_id}.")
        room = _room(row)
        if room.ended is not None or room.active + ttl <= now:
            raise RoomError("This room has ended.")
        conn.execute("UPDATE rooms SET active = ? WHERE id = ?", (now, room_id))
        return room

    def join(
        self,
        room_id: int,
        *,
        now: int,
        ttl: int,
        token_hash: str,
        name_for: Callable[[set[str]], tuple[str, str]],
        team_for: Callable[[dict[int, int]], int | None],
        profile_id: int | None,
    ) -> StudentRow:
        """A new student; ``name_for(taken keys)`` gives (name, key) or raises ``RoomError``,
        ``team_for(members per team)`` the team; both run inside the write, so names stay unique."""
        with self._write() as conn:
            self._open_room(conn, room_id, now, ttl)
            taken = {
                row[0]
                for row in conn.execute(
                    "SELECT name_key FROM room_students WHERE room_id = ? AND removed IS NULL", (room_id,)
                )
            }
            name, key = name_for(taken)
            members = dict(
                conn.execute(
                    "SELECT t.number, count(s.id) FROM room_teams t LEFT JOIN room_students s"
                    " ON s.room_id = t.room_id AND s.team = t.number AND s.removed IS NULL"
                    " WHERE t.room_id = ? GROUP BY t.number",
                    (room_id,),
                ).fetchall()
            )
            student_id = conn.execute(
                "INSERT INTO room_students (room_id, name, name_key, token_hash, joined, team, profile_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (room_id, name, key, token_hash, now, team_for(members), profile_id),
            ).lastrowid
            return self._student(conn, student_id)

    @staticmethod
    def _student(conn: sqlite3.Connection, student_id: int | None) -> StudentRow:
        row = conn.execute(f"SELECT {_STUDENT} FROM room_students WHERE id = ?", (student_id,)).fetchone()
        if row is None:
            raise RoomError(f"There is no student #{student_id} in this room.")
        return StudentRow(*row)

    def _present(self, conn: sqlite3.Connection, room_id: int, student_id: int) -> StudentRow:
        student = self._student(conn, student_id)
        if student.room_id != room_id or student.removed is not None:
            raise RoomError("This student is not in the room.")
        return student

    def rename(self, room_id: int, student_id: int, *, now: int, ttl: int, name: str, key: str) -> StudentRow:
        with self._write() as conn:
            self._open_room(conn, room_id, now, ttl)
            self._present(conn, room_id, student_id)
            clash = conn.execute(
                "SELECT 1 FROM room_students WHERE room_id = ? AND name_key = ? AND removed IS NULL AND id != ?",
                (room_id, key, student_id),
            ).fetchone()
            if clash:
                raise RoomError("Another student in the room has that name.")
            conn.execute(
                "UPDATE room_students SET name = ?, name_key = ? WHERE id = ?", (name, key, student_id)
            )
            return self._student(conn, student_id)

    def remove(self, room_id: int, student_id: int, *, now: int, ttl: int) -> None:
        """The student leaves the room (their token stops working; their answers stay on record)."""
        with self._write() as conn:
            self._open_room(conn, room_id, now, ttl)
            self._present(conn, room_id, student_id)
            conn.execute("UPDATE room_students SET removed = ? WHERE id = ?", (now, student_id))

    def add_extra_time(self, room_id: int, student_id: int, ms: int, *, now: int, ttl: int) -> StudentRow:
        with self._write() as conn:
            self._open_room(conn, room_id, now, ttl)
            self._present(conn, room_id, student_id)
            conn.execute(
                "UPDATE room_students SET extra_ms = max(0, extra_ms + ?) WHERE id = ?", (ms, student_id)
            )
            return self._student(conn, student_id)

    def start(self, room_id: int, position: int, *, now: int, ttl: int) -> None:
        """Question ``position`` runs from ``now`` (the one before must have been revealed)."""
        with self._write() as conn:
            room = self._open_room(conn, room_id, now, ttl)
            if room.phase == "question":
                raise RoomError(f"Question {room.current} is still running: reveal it first.")
            found = conn.execute(
                "SELECT started FROM room_questions WHERE room_id = ? AND position = ?", (room_id, position)
            ).fetchone()
            if found is None:
                raise RoomError(f"This room has no question {position}.")
            if found[0] is not None:
                raise RoomError(f"Question {position} has been asked already.")
            conn.execute(
                "UPDATE room_questions SET started = ? WHERE room_id = ? AND position = ?",
                (now, room_id, position),
            )
            conn.execute("UPDATE rooms SET current = ?, phase = 'question' WHERE id = ?", (position, room_id))

    def answer(
        self,
        room_id: int,
        position: int,
        student_id: int,
        *,
        now: int,
        ttl: int,
        given: str,
        response: Any,
        correct: bool,
        exact: bool,
    ) -> AnswerRow:
        """Record one answer; refused (``RoomError``) when the question is not open to this student
        or they answered it already."""
        with self._write() as conn:
            room = self._open_room(conn, room_id, now, ttl)
            student = self._present(conn, room_id, student_id)
            if room.phase != "question" or room.current != position:
                raise RoomError("This question is closed.")
            started, limit_ms = conn.execute(
                "SELECT started, limit_ms FROM room_questions WHERE room_id = ? AND position = ?",
                (room_id, position),
            ).fetchone()
            ms = max(0, (now - started) // 1000)
            allowed = None if limit_ms is None else limit_ms + student.extra_ms
            if allowed is not None and ms > allowed + LATE_GRACE_MS:
                raise RoomError("Time is up for this question.")
            inserted = conn.execute(
                f"INSERT INTO room_answers (room_id, {_ANSWER}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (room_id, position, student_id, given, dumps(response), correct, exact, ms, allowed, now),
            ).rowcount
            if not inserted:
                raise RoomError("You have answered this question already.")
            return AnswerRow(position, student_id, given, response, correct, exact, ms, allowed, now)

    def reveal(self, room_id: int, position: int, *, now: int, ttl: int) -> None:
        with self._write() as conn:
            room = self._open_room(conn, room_id, now, ttl)
            if room.phase != "question" or room.current != position:
                raise RoomError(f"Question {position} is not running.")
            conn.execute(
                "UPDATE room_questions SET revealed = ? WHERE room_id = ? AND position = ?",
                (now, room_id, position),
            )
            conn.execute("UPDATE rooms SET phase = 'revealed' WHERE id = ?", (room_id,))

    def end(self, room_id: int, *, now: int) -> None:
        """The room closes for good (the teacher ended it); what was answered stays."""
        with self._write() as conn:
            conn.execute(
                "UPDATE rooms SET ended = coalesce(ended, ?), phase = 'ended' WHERE id = ?", (now, room_id)
            )

    # -- reading: one statement each

    def _read(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        return self.store._read(sql, parameters)

    def open_room(self, code: str, *, now: int, ttl: int) -> RoomRow | None:
        """The open, unexpired room whose (normalised) code is ``code``."""
        rows = self._read(
            f"SELECT {_ROOM} FROM rooms WHERE code = ? AND ended IS NULL AND active + ? > ?", (code, ttl, now)
        )
        return _room(rows[0]) if rows else None

    def room(self, room_id: int) -> RoomRow | None:
        rows = self._read(f"SELECT {_ROOM} FROM rooms WHERE id = ?", (room_id,))
        return _room(rows[0]) if rows else None

    def rooms(self) -> list[RoomRow]:
        """Every room, newest first."""
        return [_room(row) for row in self._read(f"SELECT {_ROOM} FROM rooms ORDER BY created DESC, id DESC")]

    def teams(self, room_id: int) -> list[str]:
        rows = self._read("SELECT name FROM room_teams WHERE room_id = ? ORDER BY number", (room_id,))
        return [row[0] for row in rows]

    def questions(self, room_id: int) -> list[QuestionRow]:
        rows = self._read(
            f"SELECT {_QUESTION} FROM room_questions WHERE room_id = ? ORDER BY position", (room_id,)
        )
        return [_question(row) for row in rows]

    def question(self, room_id: int, position: int) -> QuestionRow | None:
        rows = self._read(
            f"SELECT {_QUESTION} FROM room_questions WHERE room_id = ? AND position = ?", (room_id, position)
        )
        return _question(rows[0]) if rows else None

    def students(self, room_id: int, *, removed: bool = False) -> list[StudentRow]:
        """The room's students in the order they joined (with ``removed``, those removed too)."""
        rows = self._read(
            f"SELECT {_STUDENT} FROM room_students WHERE room_id = ?"
            + ("" if removed else " AND removed IS NULL")
            + " ORDER BY id",
            (room_id,),
        )
        return [StudentRow(*row) for row in rows]

    def student_by_token(self, room_id: int, token_hash: str) -> StudentRow | None:
        rows = self._read(
            f"SELECT {_STUDENT} FROM room_students WHERE room_id = ? AND token_hash = ? AND removed IS NULL",
            (room_id, token_hash),
        )
        return StudentRow(*rows[0]) if rows else None

    def answers(self, room_id: int, position: int | None = None) -> list[AnswerRow]:
        where, parameters = "room_id = ?", [room_id]
        if position is not None:
            where, parameters = "room_id = ? AND position = ?", [room_id, position]
        rows = self._read(
            f"SELECT {_ANSWER} FROM room_answers WHERE {where} ORDER BY position, ts, student_id", parameters
        )
        return [_answer(row) for row in rows]

    def count(self, room_id: int, position: int) -> tuple[int, int]:
        """(answers to question ``position`` by students in the room, students in the room): one read."""
        rows = self._read(
            "SELECT (SELECT count(*) FROM room_answers a JOIN room_students s ON s.id = a.student_id"
            "        WHERE a.room_id = ? AND a.position = ? AND s.removed IS NULL),"
            " (SELECT count(*) FROM room_students WHERE room_id = ? AND removed IS NULL)",
            (room_id, position, room_id),
        )
        answered, students = rows[0]
        return answered, students
