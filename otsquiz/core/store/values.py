"""The values the progress database hands out and takes in, and how they map to its rows.

Times are stored as integer microseconds since the Unix epoch (UTC), so they
round-trip exactly; ``settings`` and the undo snapshots are JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from otsquiz.core.scheduling import CardState, State

Mode = Literal["study", "drill"]
Verdict = Literal["correct", "wrong", "rated"]
MODES = ("study", "drill")
VERDICTS = ("correct", "wrong", "rated")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
STATES = {int(state): state for state in State}

# ---------------------------------------------------------------- times and JSON


def to_us(moment: datetime) -> int:
    """``moment`` as µs since the epoch; a naive datetime is refused (whose clock would it be?)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return (moment - EPOCH) // _MICROSECOND


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(0, 0, value)  # positional: measurably faster in bulk


def utc_now() -> datetime:
    return datetime.now(UTC)


def dumps(value: Any) -> str:
    """Compact JSON that keeps non-ASCII text readable in the file."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- what callers get


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


# ---------------------------------------------------------------- rows

# A review that counts: not an undo row, and not cancelled by a later row.
EFFECTIVE = "r.kind != 'undo' AND NOT EXISTS (SELECT 1 FROM review_log c WHERE c.undoes = r.id)"

STATE_COLUMNS = "deck_id, card_key, state, step, stability, difficulty, due, last_review, reps, lapses, leech"
"""The ``card_state`` columns ``state_from_row`` reads, in its order."""

REVIEW_COLUMNS = (
    "id, profile_id, session_id, mode, kind, deck_id, card_key, answer, verdict,"
    " exact, rating, ms, ts, previous, undoes"
)
"""The ``review_log`` columns ``review_from_row`` reads, in its order."""


def state_from_row(row: tuple[Any, ...]) -> CardState:
    last_review = row[7]
    return CardState(
        row[0],
        row[1],
        STATES[row[2]],
        row[3],
        row[4],
        row[5],
        EPOCH + timedelta(0, 0, row[6]),
        None if last_review is None else EPOCH + timedelta(0, 0, last_review),
        row[8],
        row[9],
        bool(row[10]),
    )


def snapshot(state: CardState | None) -> str | None:
    """A card state as compact JSON for the log (the row already names the card)."""
    if state is None:
        return None
    return dumps(
        {
            "state": int(state.state),
            "step": state.step,
            "stability": state.stability,
            "difficulty": state.difficulty,
            "due": to_us(state.due),
            "last_review": None if state.last_review is None else to_us(state.last_review),
            "reps": state.reps,
            "lapses": state.lapses,
            "leech": state.leech,
        }
    )


def from_snapshot(deck_id: str, card_key: str, text: str | None) -> CardState | None:
    if text is None:
        return None
    data = json.loads(text)
    last_review = data["last_review"]
    return CardState(
        deck_id,
        card_key,
        STATES[data["state"]],
        data["step"],
        data["stability"],
        data["difficulty"],
        from_us(data["due"]),
        None if last_review is None else from_us(last_review),
        data["reps"],
        data["lapses"],
        bool(data["leech"]),
    )


def review_from_row(row: tuple[Any, ...]) -> ReviewRecord:
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
        when=from_us(row[12]),
        previous=from_snapshot(row[5], row[6], row[13]),
        undoes=row[14],
    )
