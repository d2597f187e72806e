"""Recording answers in the review log, and cancelling them: undo and overrule.

``review_log`` is append-only (triggers refuse UPDATE and DELETE). An undo or an
overrule is a new row whose ``undoes`` names the row it cancels; a cancelled row
never counts anywhere. Each answer is one transaction with the card's new state
and its session's totals, committed before the method returns.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from otsquiz.core.scheduling import CardState
from otsquiz.core.store.connection import StoreBase
from otsquiz.core.store.errors import StoreError
from otsquiz.core.store.queries import get_state
from otsquiz.core.store.sessions import put_totals
from otsquiz.core.store.values import (
    EFFECTIVE,
    MODES,
    REVIEW_COLUMNS,
    STATE_COLUMNS,
    VERDICTS,
    Mode,
    Recorded,
    ReviewRecord,
    Schedule,
    SessionTotals,
    Verdict,
    review_from_row,
    snapshot,
    to_us,
    utc_now,
)


def put_state(conn: sqlite3.Connection, profile_id: int, state: CardState) -> None:
    conn.execute(
        f"INSERT INTO card_state (profile_id, {STATE_COLUMNS})"
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
            to_us(state.due),
            None if state.last_review is None else to_us(state.last_review),
            state.reps,
            state.lapses,
            int(state.leech),
        ),
    )


def restore_state(
    conn: sqlite3.Connection, profile_id: int, deck_id: str, card_key: str, state: CardState | None
) -> None:
    """Put a card back as it was; ``None`` (it was new) removes its state row."""
    if state is None:
        conn.execute(
            "DELETE FROM card_state WHERE profile_id = ? AND deck_id = ? AND card_key = ?",
            (profile_id, deck_id, card_key),
        )
    else:
        put_state(conn, profile_id, state)


class Recording(StoreBase):
    """The review log: answers, undos and overrules, each with the card's schedule."""

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
        ts = to_us(when or utc_now())
        with self._write() as conn:
            previous = get_state(conn, profile_id, deck_id, card_key)
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
                    snapshot(previous),
                    None if previous is None else int(previous.state),
                ),
            )
            if state is not None:
                put_state(conn, profile_id, state)
            if totals is not None and session_id is not None:
                put_totals(conn, session_id, totals)
            review_id = cursor.lastrowid
        assert review_id is not None
        return Recorded(review_id, previous, state)

    def review(self, review_id: int) -> ReviewRecord:
        """One log row; raises StoreError if there is none."""
        rows = self._read(f"SELECT {REVIEW_COLUMNS} FROM review_log WHERE id = ?", (review_id,))
        if not rows:
            raise StoreError(f"There is no review #{review_id}.")
        return review_from_row(rows[0])

    def history(self, profile_id: int, deck_id: str, card_key: str) -> list[ReviewRecord]:
        """The answers to one card that still count, oldest first."""
        rows = self._read(
            f"SELECT {REVIEW_COLUMNS} FROM review_log r WHERE profile_id = ?"
            f" AND deck_id = ? AND card_key = ? AND {EFFECTIVE} ORDER BY id",
            (profile_id, deck_id, card_key),
        )
        return [review_from_row(row) for row in rows]

    def _cancellable(self, conn: sqlite3.Connection, review_id: int) -> ReviewRecord:
        """The review ``review_id``, if it may still be undone or overruled."""
        row = conn.execute(f"SELECT {REVIEW_COLUMNS} FROM review_log WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no review #{review_id}.")
        review = review_from_row(row)
        if review.kind == "undo":
            raise StoreError("An undo cannot itself be undone or overruled.")
        if conn.execute("SELECT 1 FROM review_log WHERE undoes = ?", (review_id,)).fetchone():
            raise StoreError("That answer has already been undone or overruled.")
        if review.mode == "study":
            # Restoring an older snapshot would silently drop the answers after it.
            latest = conn.execute(
                "SELECT max(r.id) FROM review_log r WHERE r.profile_id = ?"
                f" AND r.deck_id = ? AND r.card_key = ? AND r.mode = 'study' AND {EFFECTIVE}",
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
            current = get_state(conn, review.profile_id, review.deck_id, review.card_key)
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
                    to_us(when or utc_now()),
                    snapshot(current),
                    None if current is None else int(current.state),
                    review_id,
                ),
            )
            if review.mode == "study":
                restore_state(conn, review.profile_id, review.deck_id, review.card_key, review.previous)
            if totals is not None and review.session_id is not None:
                put_totals(conn, review.session_id, totals)
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
                    to_us(when or utc_now()),
                    snapshot(review.previous),
                    None if review.previous is None else int(review.previous.state),
                    review_id,
                ),
            )
            if new_state is not None:
                put_state(conn, review.profile_id, new_state)
            if totals is not None and review.session_id is not None:
                put_totals(conn, review.session_id, totals)
            overrule_id = cursor.lastrowid
        assert overrule_id is not None
        return overrule_id
