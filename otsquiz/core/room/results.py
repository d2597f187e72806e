"""What stays after the bell: a room's students, answers and scores, and how each question went.

For ``otsquiz results``: per question the share right, how often each option
(each distractor) was chosen and the most common typed answers; per student
their score; and the students who need help (the lowest accuracy first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from otsquiz.core.room.room import OptionCount, Room, common_answers, option_counts
from otsquiz.core.store.rooms import RoomTables
from otsquiz.core.store.values import from_us

NEED_HELP_BELOW = 0.5
"""A student right on fewer than this share of the questions asked needs help."""


class RoomSummary(NamedTuple):
    id: int
    code: str
    created: datetime
    ended: datetime | None
    deck_ids: tuple[str, ...]
    seed: str
    students: int
    questions: int  # asked


class StudentResult(NamedTuple):
    name: str
    team: str | None
    points: int
    right: int
    answered: int
    asked: int  # questions the room revealed
    removed: bool

    @property
    def accuracy(self) -> float:
        """Right of asked: a question left unanswered counts as missed."""
        return self.right / self.asked if self.asked else 0.0


class QuestionResult(NamedTuple):
    position: int
    deck_id: str
    card_key: str
    type: str
    text: str
    expected: str
    answered: int
    correct: int
    students: int  # in the room at the end
    options: tuple[OptionCount, ...]
    common: tuple[tuple[str, int], ...]

    @property
    def share_correct(self) -> float:
        """Right of the students in the room (one who did not answer missed it)."""
        return self.correct / self.students if self.students else 0.0

    @property
    def distractors(self) -> tuple[OptionCount, ...]:
        return tuple(option for option in self.options if not option.right)


class RoomResults(NamedTuple):
    room: RoomSummary
    students: tuple[StudentResult, ...]  # by points, best first
    questions: tuple[QuestionResult, ...]  # the questions asked, in order
    need_help: tuple[StudentResult, ...]  # lowest accuracy first


def rooms(tables: RoomTables) -> list[RoomSummary]:
    """Every room in the store, newest first."""
    summaries = []
    for row in tables.rooms():
        asked = sum(1 for question in tables.questions(row.id) if question.started is not None)
        summaries.append(
            RoomSummary(
                row.id,
                row.code,
                from_us(row.created),
                None if row.ended is None else from_us(row.ended),
                row.deck_ids,
                row.seed,
                len(tables.students(row.id, removed=True)),
                asked,
            )
        )
    return summaries


def results(room: Room) -> RoomResults:
    """Everything kept of ``room`` (students removed from it included, marked so)."""
    tables = room.tables
    summary = next(summary for summary in rooms(tables) if summary.id == room.id)
    rows = [row for row in tables.questions(room.id) if row.revealed is not None]
    present = {student.id for student in tables.students(room.id)}
    questions = []
    for row in rows:
        answers = [answer for answer in tables.answers(room.id, row.position) if answer.student_id in present]
        questions.append(
            QuestionResult(
                row.position,
                row.deck_id,
                row.card_key,
                row.type,
                row.text,
                row.expected,
                len(answers),
                sum(answer.correct for answer in answers),
                len(present),
                option_counts(row, answers),
                common_answers(row, answers),
            )
        )
    scored = sorted(room.scored(removed=True), key=lambda item: (-item[1].points, item[0].name))
    students = tuple(
        StudentResult(
            student.name,
            student.team,
            totals.points,
            totals.right,
            totals.answered,
            len(rows),
            student.removed,
        )
        for student, totals in scored
    )
    return RoomResults(summary, students, tuple(questions), need_help(students))


def need_help(students: Sequence[StudentResult]) -> tuple[StudentResult, ...]:
    """The students still in the room right on less than ``NEED_HELP_BELOW`` of the questions."""
    helped = [s for s in students if not s.removed and s.asked and s.accuracy < NEED_HELP_BELOW]
    return tuple(sorted(helped, key=lambda s: (s.accuracy, s.name)))
