"""Progress figures: ``stats()`` (``otsquiz stats`` and the stats screen) and ``deck_counts()``.

Days are local study days (see ``scheduling.day_start``); undone answers never
count; drill answers leave the schedule alone and are counted apart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from otsquiz.core.scheduling import DAY_ROLLOVER_HOUR, State
from otsquiz.core.store.connection import StoreBase
from otsquiz.core.store.errors import StoreError
from otsquiz.core.store.values import EFFECTIVE, MODES, to_us, utc_now

MASTERED_STABILITY_DAYS = 21.0
"""A card counts as mastered once its stability reaches three weeks."""

BUCKET_US = 15 * 60 * 1_000_000
"""A quarter hour in µs: every local day boundary falls on one, in every time zone."""


class StudyDates:
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
        return to_us(local.astimezone(UTC))

    def of(self, timestamp_us: int) -> date:
        bucket = timestamp_us // BUCKET_US
        found = self._cache.get(bucket)
        if found is None:
            local = datetime.fromtimestamp(bucket * (BUCKET_US // 1_000_000))
            found = local.date()
            if local.hour < DAY_ROLLOVER_HOUR:
                found -= timedelta(days=1)
            self._cache[bucket] = found
        return found


def streaks(days: list[date], today: date) -> tuple[int, int]:
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


def _study_days(conn: sqlite3.Connection, profile_id: int, dates: StudyDates) -> list[date]:
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
            f" AND r.mode = 'study' AND {EFFECTIVE} ORDER BY r.ts LIMIT 1",
            (profile_id, after),
        ).fetchone()
        if row is None:
            return days
        day = dates.of(row[0])
        if not days or days[-1] != day:
            days.append(day)
        # max(): always move on, even if a time-zone oddity disagrees
        after = max(row[0], dates.start(day + timedelta(days=1)) - 1)


class Statistics(StoreBase):
    """Figures counted by the database, each call from one read snapshot."""

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
        now_us = to_us(now)
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
        now = now or utc_now()
        dates = StudyDates()
        today = dates.of(to_us(now))
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
                    f" WHERE r.profile_id = ? AND r.ts >= ? AND r.mode = 'study' AND {EFFECTIVE}"
                    " GROUP BY bucket",
                    (BUCKET_US, profile_id, window_start),
                ).fetchall()
                study_days = _study_days(conn, profile_id, dates)
                retained, passed = conn.execute(
                    "SELECT count(*), coalesce(sum(r.rating > 1), 0) FROM review_log r"
                    " WHERE r.profile_id = ? AND r.ts >= ? AND r.mode = 'study'"
                    f" AND r.prev_state = ? AND {EFFECTIVE}",
                    (profile_id, to_us(now - timedelta(days=30)), int(State.Review)),
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
            day = dates.of(bucket * BUCKET_US)
            per_day[day] = per_day.get(day, 0) + count

        now_us = to_us(now)
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
        current, longest = streaks(study_days, today)
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
