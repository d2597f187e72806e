"""Study and drill sessions: started, their totals kept up with each answer, finished."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from otsquiz.core.store.connection import StoreBase
from otsquiz.core.store.errors import StoreError
from otsquiz.core.store.values import MODES, Mode, SessionTotals, dumps, from_us, to_us, utc_now


def put_totals(conn: sqlite3.Connection, session_id: int, totals: SessionTotals) -> None:
    """Save a session's counters inside the write of the answer that changed them."""
    conn.execute(
        "UPDATE sessions SET questions = ?, correct = ?, best_streak = ?, seconds = ? WHERE id = ?",
        (*totals, session_id),
    )


class Sessions(StoreBase):
    """A session's row: its mode, decks and settings, and the totals its summary shows."""

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
                    dumps(list(deck_ids)),
                    to_us(when or utc_now()),
                    dumps(dict(settings or {})),
                ),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

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
                (to_us(when or utc_now()), questions, correct, best_streak, seconds, session_id),
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
            "started": from_us(row[4]),
            "finished": None if row[5] is None else from_us(row[5]),
            "questions": row[6],
            "correct": row[7],
            "best_streak": row[8],
            "seconds": row[9],
            "settings": json.loads(row[10]),
        }
