"""Points, ranks and team scores: pure functions over what was answered.

Accuracy first: by default a right answer is one point and nothing else counts.
With a bonus on (``speed_points``, ``streaks``) a right answer is ``RIGHT``
points, so that a bonus can be a part of one: up to ``SPEED_BONUS`` more for
answering at once (nothing at the time limit, nor without one), and
``STREAK_BONUS`` more for each right answer in a row before it (at most
``STREAK_CAP`` of them). A team's score is its members' average, so a team's
size neither helps nor hurts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

if TYPE_CHECKING:
    from otsquiz.core.store.rooms import AnswerRow


class _Student(Protocol):
    @property
    def id(self) -> int: ...


# A student row of the room (``StudentRow``), handed back with its totals.
S = TypeVar("S", bound=_Student)

RIGHT = 100
SPEED_BONUS = 100
STREAK_BONUS = 20
STREAK_CAP = 5


class Scored(NamedTuple):
    """One student's totals over the questions counted so far."""

    points: int
    right: int
    answered: int
    best_streak: int


class Facts(NamedTuple):
    """What scoring needs of one answer."""

    correct: bool
    ms: int
    allowed_ms: int | None  # the student's time limit (None: no limit)


def answer_points(facts: Facts, streak: int, *, speed_points: bool, streaks: bool) -> int:
    """The points of one answer; ``streak`` counts the right answers in a row, this one included."""
    if not facts.correct:
        return 0
    if not (speed_points or streaks):
        return 1
    points = RIGHT
    if speed_points and facts.allowed_ms:
        left = max(0.0, 1 - facts.ms / facts.allowed_ms)
        points += round(SPEED_BONUS * left)
    if streaks:
        points += STREAK_BONUS * min(max(streak - 1, 0), STREAK_CAP)
    return points


def score(answers: Sequence[Facts | None], *, speed_points: bool = False, streaks: bool = False) -> Scored:
    """A student's totals from their answers, in question order (None: not answered, a miss)."""
    points = right = answered = streak = best = 0
    for facts in answers:
        if facts is not None:
            answered += 1
        if facts is None or not facts.correct:
            streak = 0
            continue
        right += 1
        streak += 1
        best = max(best, streak)
        points += answer_points(facts, streak, speed_points=speed_points, streaks=streaks)
    return Scored(points, right, answered, best)


def ranks(points: Sequence[float]) -> list[int]:
    """Competition ranks ("1224"): equal points share a rank, and the next rank skips."""
    order = sorted(points, reverse=True)
    first: dict[float, int] = {}
    for place, value in enumerate(order, 1):
        first.setdefault(value, place)
    return [first[value] for value in points]


def team_scores(members: Mapping[str, Iterable[float]]) -> dict[str, float]:
    """Each team's average of its members' points (a team with no one: 0)."""
    scores: dict[str, float] = {}
    for team, values in members.items():
        listed = list(values)
        scores[team] = sum(listed) / len(listed) if listed else 0.0
    return scores


def totals(
    students: Iterable[S],
    counted: Sequence[int],
    answers: Iterable[AnswerRow],
    *,
    speed_points: bool = False,
    streaks: bool = False,
) -> list[tuple[S, Scored]]:
    """Each student's totals over the question positions ``counted`` (those revealed), in order."""
    by_student: dict[int, dict[int, AnswerRow]] = {}
    for answer in answers:
        by_student.setdefault(answer.student_id, {})[answer.position] = answer
    result = []
    for student in students:
        mine = by_student.get(student.id, {})
        facts = [
            None
            if position not in mine
            else Facts(mine[position].correct, mine[position].ms, mine[position].allowed_ms)
            for position in counted
        ]
        result.append((student, score(facts, speed_points=speed_points, streaks=streaks)))
    return result
