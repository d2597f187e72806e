"""When each card comes back: FSRS scheduling and the day's study queue.

This module knows nothing of card content. A card is identified by
``(deck_id, card_key)``, where ``card_key`` is the card's id, ``id:reverse``
for a reversed basic card, or ``id:1``, ``id:2`` … for cloze gaps; the *note*
is the part before ``:``, shared by siblings so that they are kept apart.

Scheduling is FSRS-6 with its default parameters, through the ``fsrs``
package. Two things are done here rather than in ``fsrs``:

* Fuzz (the small random spread of long intervals) is seeded by the card and
  its repetition count, so the interval a grade button shows is exactly the
  interval that answering with it gives.
* Retrievability for the queue is computed from stability and elapsed days
  directly, because building an ``fsrs.Card`` per card is far too slow for
  100,000 cards.

``fsrs`` itself is imported when a card is first scheduled, not with this
module: a session's first question needs only the queue, which is planned from
the database's rows.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import fsrs

__all__ = [
    "DAY_ROLLOVER_HOUR",
    "LEECH_LAPSES",
    "CardState",
    "Grade",
    "Scheduler",
    "State",
    "card_number",
    "day_start",
    "grade_for",
    "note_of",
    "plan_queue",
]

LEECH_LAPSES = 8
"""A card becomes a leech when it has been forgotten this many times."""

DAY_ROLLOVER_HOUR = 4
"""A study day starts at 04:00 local time, so a late-night session counts as one day."""


class Grade(IntEnum):
    """How well a card was recalled; the values are those of ``fsrs.Rating``."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class State(IntEnum):
    """A card's FSRS state; the values are those of ``fsrs.State`` (a test keeps them equal)."""

    Learning = 1
    Review = 2
    Relearning = 3


def grade_for(correct: bool, exact: bool, hinted: bool = False) -> Grade:
    """The grade for an automatically checked answer.

    A wrong answer is AGAIN; a right one that needed a hint or was only
    accepted thanks to typo or diacritic tolerance is HARD; otherwise GOOD.
    EASY is never given automatically: only the learner can claim it.
    """
    if not correct:
        return Grade.AGAIN
    if hinted or not exact:
        return Grade.HARD
    return Grade.GOOD


def note_of(card_key: str) -> str:
    """The note a card belongs to: its key up to the first ``:``."""
    return card_key.split(":", 1)[0]


def card_number(deck_id: str, card_key: str) -> int:
    """A stable integer for a card, used as ``fsrs.Card.card_id``."""
    return zlib.crc32(f"{deck_id}\0{card_key}".encode())


def day_start(now: datetime, rollover_hour: int = DAY_ROLLOVER_HOUR) -> datetime:
    """The start (in UTC) of the study day that contains ``now``.

    Days are those of the computer's local time zone, starting at
    ``rollover_hour``; the store groups reviews by day the same way.
    """
    day = now.astimezone().date()
    # naive datetimes are local time: astimezone() then applies the offset in
    # force at that hour, which on a daylight-saving day is not the one of now
    start = datetime.combine(day, time(rollover_hour)).astimezone(UTC)
    if start > now:
        start = datetime.combine(day - timedelta(days=1), time(rollover_hour)).astimezone(UTC)
    return start


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    # fsrs insists on the datetime.UTC object itself, not merely offset zero
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


class CardState(NamedTuple):
    """The scheduling state of one card for one profile."""

    deck_id: str
    card_key: str
    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0
    leech: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.deck_id, self.card_key)

    def to_fsrs(self, card_id: int | None = None) -> fsrs.Card:
        import fsrs

        # card_id must always be given: without it fsrs sleeps 1 ms to invent one
        return fsrs.Card(
            card_id=card_number(self.deck_id, self.card_key) if card_id is None else card_id,
            state=fsrs.State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    @classmethod
    def from_fsrs(
        cls,
        card: fsrs.Card,
        deck_id: str,
        card_key: str,
        *,
        reps: int = 0,
        lapses: int = 0,
        leech: bool = False,
    ) -> CardState:
        return cls(
            deck_id=deck_id,
            card_key=card_key,
            state=State(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
            reps=reps,
            lapses=lapses,
            leech=leech,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; datetimes as ISO 8601 so they round-trip exactly."""
        return {
            "deck_id": self.deck_id,
            "card_key": self.card_key,
            "state": int(self.state),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
            "leech": self.leech,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CardState:
        last_review = data.get("last_review")
        return cls(
            deck_id=str(data["deck_id"]),
            card_key=str(data["card_key"]),
            state=State(int(data["state"])),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=datetime.fromisoformat(data["due"]),
            last_review=datetime.fromisoformat(last_review) if last_review else None,
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
            leech=bool(data.get("leech", False)),
        )


def _curve(parameters: tuple[float, ...]) -> tuple[float, float]:
    """The FSRS-6 forgetting curve's (factor, decay): R = (1 + factor * t / S) ** decay."""
    decay = -parameters[20]
    return 0.9 ** (1 / decay) - 1, decay


@cache
def _default_curve() -> tuple[float, float]:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return _curve(tuple(DEFAULT_PARAMETERS))


class Scheduler:
    """FSRS-6 with default parameters, with fuzz that previews truthfully."""

    def __init__(self, desired_retention: float = 0.9, *, enable_fuzzing: bool = True) -> None:
        self.desired_retention = desired_retention
        self.enable_fuzzing = enable_fuzzing
        self._fsrs: fsrs.Scheduler | None = None  # built (and fsrs imported) on first use
        self._curve: tuple[float, float] | None = None

    @property
    def fsrs(self) -> fsrs.Scheduler:
        """The underlying ``fsrs.Scheduler`` (fuzzing off)."""
        if self._fsrs is None:
            import fsrs

            # fsrs never fuzzes; _fuzz() below does, seeded per card and repetition
            self._fsrs = fsrs.Scheduler(desired_retention=self.desired_retention, enable_fuzzing=False)
        return self._fsrs

    @property
    def forgetting_curve(self) -> tuple[float, float]:
        """``(factor, decay)`` with retrievability = (1 + factor * days / stability) ** decay."""
        if self._curve is None:
            self._curve = _curve(self.fsrs.parameters)
        return self._curve

    def review(
        self,
        state: CardState | None,
        deck_id: str,
        card_key: str,
        grade: Grade,
        now: datetime,
    ) -> CardState:
        """The card's state after answering it with ``grade`` at ``now``.

        ``state`` is None for a card never studied. A lapse is AGAIN on a card
        in the Review state; at ``LEECH_LAPSES`` lapses the card is a leech,
        and stays one.
        """
        import fsrs

        now = _utc(now)
        if state is None:
            card = fsrs.Card(card_id=card_number(deck_id, card_key), due=now)
            reps = lapses = 0
            leech = False
        else:
            card = state.to_fsrs()
            reps, lapses, leech = state.reps, state.lapses, state.leech
            if grade == Grade.AGAIN and state.state == State.Review:
                lapses += 1
        card, _ = self.fsrs.review_card(card, fsrs.Rating(int(grade)), review_datetime=now)
        if self.enable_fuzzing and card.state == fsrs.State.Review:
            card.due = now + self._fuzz(card.due - now, deck_id, card_key, reps)
        return CardState.from_fsrs(
            card,
            deck_id,
            card_key,
            reps=reps + 1,
            lapses=lapses,
            leech=leech or lapses >= LEECH_LAPSES,
        )

    def preview(
        self,
        state: CardState | None,
        now: datetime,
        *,
        deck_id: str = "",
        card_key: str = "",
    ) -> dict[Grade, timedelta]:
        """The interval each grade would give, for Anki-like buttons.

        For a new card (``state`` None) pass ``deck_id`` and ``card_key`` too,
        so that the fuzzed EASY interval is the one ``review`` will give.
        """
        if state is not None:
            deck_id, card_key = state.deck_id, state.card_key
        now = _utc(now)
        return {grade: self.review(state, deck_id, card_key, grade, now).due - now for grade in Grade}

    def retrievability(self, state: CardState, now: datetime) -> float:
        """The probability of recalling the card at ``now``; 0 if never reviewed.

        Same as ``fsrs.Scheduler.get_card_retrievability``: elapsed time counts
        in whole days.
        """
        if state.last_review is None or not state.stability:
            return 0.0
        factor, decay = self.forgetting_curve
        elapsed = max(0, (_utc(now) - state.last_review).days)
        recall: float = (1 + factor * elapsed / state.stability) ** decay  # float ** float is Any to mypy
        return recall

    def _fuzz(self, interval: timedelta, deck_id: str, card_key: str, reps: int) -> timedelta:
        """Spread a whole-day interval as fsrs does, but reproducibly.

        The seed is the card and its repetition count, so cards learnt together
        spread apart while a preview of a grade always matches its review.
        """
        from fsrs.scheduler import FUZZ_RANGES

        days = interval.days
        if days < 2.5:
            return interval
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(
                min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0
            )
        maximum = self.fsrs.maximum_interval
        max_ivl = min(round(days + delta), maximum)
        min_ivl = min(max(2, round(days - delta)), max_ivl)
        seed = zlib.crc32(f"{deck_id}\0{card_key}\0{reps}".encode())
        fuzzed = random.Random(seed).random() * (max_ivl - min_ivl + 1) + min_ivl
        return timedelta(days=min(round(fuzzed), maximum))


_LEARNING = (State.Learning, State.Relearning)
_DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def plan_queue(
    due: Iterable[tuple[Any, int, int, int | None, float | None]],
    new: Iterable[Any],
    now: datetime,
    *,
    new_per_day: int = 20,
    new_done_today: int = 0,
    notes_seen_today: AbstractSet[tuple[str, str]] = frozenset(),
    limit: int | None = None,
    scheduler: Scheduler | None = None,
) -> list[Any]:
    """The cards to study now, in order, from the cards due and the new candidates.

    ``due`` holds ``(item, state, due_us, last_review_us, stability)`` for
    each studied card due now (the state as an int, times in microseconds
    since the epoch: what the database stores, so a large collection needs
    no objects per card; a card due later is left out); ``new`` yields the
    unstudied cards in deck order, and is read only as far as the day's
    allowance. Items are ``(deck_id, card_key, note, ...)`` and are returned
    as given; ``notes_seen_today`` holds ``(deck_id, note)`` pairs answered today.

    Order: first cards in (re)learning whose step is due, earliest first:
    their steps are minutes long and must not wait behind the reviews; then
    due reviews, lowest retrievability (most overdue) first; then new cards
    in deck order, at most ``new_per_day - new_done_today``. Ties keep the
    order of ``due``; ``limit`` cuts the queue.

    Siblings (same deck and note) are never both in the queue, and a card
    whose note was answered today is left for another day, except cards in
    (re)learning, which must come back the same day (usually they are the
    card that was answered).
    """
    now_us = _us(_utc(now))
    curve: tuple[float, float] | None = None  # needs fsrs: found only when a review card needs it
    learning: list[tuple[int, int, Any]] = []
    reviews: list[tuple[float, int, Any]] = []
    for order, (item, state, due_us, last_review_us, stability) in enumerate(due):
        if due_us > now_us:
            continue
        if state in _LEARNING:
            learning.append((due_us, order, item))
        elif last_review_us is None or not stability:
            reviews.append((0.0, order, item))
        else:
            if curve is None:
                curve = _default_curve() if scheduler is None else scheduler.forgetting_curve
            factor, decay = curve
            # whole elapsed days, as fsrs counts them
            elapsed = max(0, (now_us - last_review_us) // _DAY_US)
            reviews.append(((1 + factor * elapsed / stability) ** decay, order, item))
    learning.sort(key=itemgetter(0, 1))
    reviews.sort(key=itemgetter(0, 1))

    queue: list[Any] = []
    taken: set[tuple[str, str]] = set()
    # (Re)learning steps are minutes long: they come first and are never held back.
    for _, _, item in learning:
        note = (item[0], item[2])
        if note not in taken:
            taken.add(note)
            queue.append(item)
    for _, _, item in reviews:
        note = (item[0], item[2])
        if note not in taken and note not in notes_seen_today:
            taken.add(note)
            queue.append(item)

    allowance = max(0, new_per_day - new_done_today)
    if limit is not None:
        allowance = min(allowance, max(0, limit - len(queue)))
    if allowance > 0:
        for item in new:
            note = (item[0], item[2])
            if note not in taken and note not in notes_seen_today:
                taken.add(note)
                queue.append(item)
                allowance -= 1
                if allowance == 0:
                    break
    return queue if limit is None else queue[:limit]
