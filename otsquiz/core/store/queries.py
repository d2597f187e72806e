"""What the queue is built from: card states, the cards due, and what was studied today."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from otsquiz.core.scheduling import CardState, State, day_start, note_of
from otsquiz.core.store.connection import StoreBase
from otsquiz.core.store.values import (
    EFFECTIVE,
    STATE_COLUMNS,
    STATES,
    from_us,
    state_from_row,
    to_us,
    utc_now,
)


def get_state(conn: sqlite3.Connection, profile_id: int, deck_id: str, card_key: str) -> CardState | None:
    """One card's state (None: never studied), read on ``conn`` (inside a write, too)."""
    row = conn.execute(
        f"SELECT {STATE_COLUMNS} FROM card_state WHERE profile_id = ? AND deck_id = ? AND card_key = ?",
        (profile_id, deck_id, card_key),
    ).fetchone()
    return None if row is None else state_from_row(row)


class Queries(StoreBase):
    """Reads of card states and today's reviews, each one statement (or a batch at a time)."""

    def state(self, profile_id: int, deck_id: str, card_key: str) -> CardState | None:
        with self._lock, self._errors():
            return get_state(self._conn, profile_id, deck_id, card_key)

    def states(
        self, profile_id: int, deck_ids: Iterable[str] | None = None
    ) -> dict[tuple[str, str], CardState]:
        """Every studied card's state, keyed by ``(deck_id, card_key)``."""
        sql = f"SELECT {STATE_COLUMNS} FROM card_state WHERE profile_id = ?"
        parameters: list[Any] = [profile_id]
        if deck_ids is not None:
            decks = list(dict.fromkeys(deck_ids))
            sql += f" AND deck_id IN ({', '.join('?' * len(decks))})"
            parameters += decks
        rows = self._read(sql, parameters)
        return {(row[0], row[1]): state_from_row(row) for row in rows}

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
            [profile_id, to_us(now), *decks],
        )

    def upcoming(
        self, profile_id: int, deck_ids: Iterable[str], now: datetime, batch: int = 256
    ) -> Iterator[tuple[str, str, datetime]]:
        """``(deck_id, card_key, due)`` of the cards due after ``now``, soonest first, read a batch at a time."""
        decks = list(dict.fromkeys(deck_ids))
        after, seen = to_us(now), 0
        while True:
            rows = self._read(
                "SELECT deck_id, card_key, due FROM card_state WHERE profile_id = ? AND due > ?"
                f" AND deck_id IN ({', '.join('?' * len(decks))}) ORDER BY due, deck_id, card_key"
                " LIMIT ? OFFSET ?",
                [profile_id, after, *decks, batch, seen],
            )
            for deck_id, card_key, due in rows:
                yield deck_id, card_key, from_us(due)
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
        return {key: STATES[state] for key, state in rows}

    # -- today

    def new_introduced_today(self, profile_id: int, now: datetime | None = None) -> int:
        """How many new cards were first studied in today's study day."""
        start = to_us(day_start(now or utc_now()))
        rows = self._read(
            "SELECT count(*) FROM review_log r WHERE r.profile_id = ? AND r.ts >= ?"
            f" AND r.mode = 'study' AND r.prev_state IS NULL AND {EFFECTIVE}",
            (profile_id, start),
        )
        return int(rows[0][0])

    def notes_seen_today(self, profile_id: int, now: datetime | None = None) -> frozenset[tuple[str, str]]:
        """``(deck_id, note)`` of every card studied today, for burying siblings."""
        start = to_us(day_start(now or utc_now()))
        rows = self._read(
            "SELECT DISTINCT r.deck_id, r.card_key FROM review_log r WHERE r.profile_id = ?"
            f" AND r.ts >= ? AND r.mode = 'study' AND {EFFECTIVE}",
            (profile_id, start),
        )
        return frozenset((deck_id, note_of(card_key)) for deck_id, card_key in rows)
