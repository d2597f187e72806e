"""What stays after the bell: a room's students, answers and scores, and how each question went.

For ``otsquiz results``: per question the share right, how often each option
(each distractor) was chosen and the most common typed answers; per student
their score; and the students who need help (the lowest accuracy first).
Everything is read from the room's rows, so a room's results need none of its
decks (a deck file named on ``otsquiz class``'s command line may be gone).

For ``otsquiz validate --results``: warnings to deck authors from what classes
answered (``author_problems``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, cast

from otsquiz.core.kinds.base import AnswerForm
from otsquiz.core.problems import Problem
from otsquiz.core.questions import Question, Questions
from otsquiz.core.room import scoring
from otsquiz.core.room.codes import normalise_code
from otsquiz.core.room.options import RoomOptions
from otsquiz.core.room.room import OptionCount, Room, chosen_options, common_answers, option_counts
from otsquiz.core.scheduling import note_of
from otsquiz.core.store.rooms import AnswerRow, QuestionRow, RoomError, RoomRow, RoomTables
from otsquiz.core.store.values import from_us

if TYPE_CHECKING:
    from otsquiz.core.cards import Deck

NEED_HELP_BELOW = 0.5
"""A student right on fewer than this share of the questions asked needs help."""

# The authors' warnings (``author_problems``): what counts as a pattern, not chance.
HARD_BELOW = 0.2
"""A question right in fewer than this share of its class answers is almost always missed..."""
HARD_MIN_ANSWERS = 5
"""...once it has this many answers."""
UNPICKED_MIN_ANSWERS = 10
"""A distractor no one chose is named once its question has this many answers."""
TYPED_MIN_STUDENTS = 3
"""A wrong typed answer given by this many students may be a spelling the card should accept."""
TYPED_FORMS = ("text", "number")


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
    wrong: tuple[tuple[str, int], ...] = ()  # typed forms: the most common wrong answers

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
    return [_summary(tables, row) for row in tables.rooms()]


def _summary(tables: RoomTables, row: RoomRow) -> RoomSummary:
    asked = sum(1 for question in tables.questions(row.id) if question.started is not None)
    return RoomSummary(
        row.id,
        row.code,
        from_us(row.created),
        None if row.ended is None else from_us(row.ended),
        row.deck_ids,
        row.seed,
        len(tables.students(row.id, removed=True)),
        asked,
    )


def find_room(tables: RoomTables, text: str) -> RoomRow | None:
    """The room ``otsquiz results ROOM`` names: a code (the newest room with it) or an id (``12``, ``#12``).

    A code may be all digits (``ALPHABET`` has 2-9), so a text that reads as a
    code is looked up as one first.
    """
    text = text.strip()
    code = None if text.startswith("#") else normalise_code(text)
    if code is not None:
        found = next((row for row in tables.rooms() if row.code == code), None)
        if found is not None:
            return found
    number = text.removeprefix("#")
    return tables.room(int(number)) if number.isdigit() and number.isascii() else None


def results(room: Room) -> RoomResults:
    """Everything kept of ``room`` (students removed from it included, marked so)."""
    return room_results(room.tables, room.id)


def room_results(tables: RoomTables, room_id: int) -> RoomResults:
    """Everything kept of room ``room_id``, read from its rows alone (no deck needed)."""
    row = tables.room(room_id)
    if row is None:
        raise RoomError(f"There is no room #{room_id}.")
    summary = _summary(tables, row)
    options = RoomOptions.from_dict(row.options)
    rows = [question for question in tables.questions(room_id) if question.revealed is not None]
    present = {student.id for student in tables.students(room_id)}
    answers = tables.answers(room_id)
    questions = []
    for question in rows:
        given = [a for a in answers if a.position == question.position and a.student_id in present]
        questions.append(
            QuestionResult(
                question.position,
                question.deck_id,
                question.card_key,
                question.type,
                question.text,
                question.expected,
                len(given),
                sum(answer.correct for answer in given),
                len(present),
                option_counts(question, given),
                common_answers(question, given),
                common_answers(question, [answer for answer in given if not answer.correct]),
            )
        )
    teams = tables.teams(room_id)
    scored = []  # as Room.scored, from the rows alone: results need no decks
    for student, totals in scoring.totals(
        tables.students(room_id, removed=True),
        [question.position for question in rows],
        answers,
        speed_points=options.speed_points,
        streaks=options.streaks,
    ):
        team = (
            teams[student.team - 1] if student.team is not None and 0 < student.team <= len(teams) else None
        )
        scored.append(
            StudentResult(
                student.name,
                team,
                totals.points,
                totals.right,
                totals.answered,
                len(rows),
                student.removed is not None,
            )
        )
    students = tuple(sorted(scored, key=lambda s: (-s.points, s.name)))
    return RoomResults(summary, students, tuple(questions), need_help(students))


def need_help(students: Sequence[StudentResult]) -> tuple[StudentResult, ...]:
    """The students still in the room right on less than ``NEED_HELP_BELOW`` of the questions."""
    helped = [s for s in students if not s.removed and s.asked and s.accuracy < NEED_HELP_BELOW]
    return tuple(sorted(helped, key=lambda s: (s.accuracy, s.name)))


class _Tally:
    """One card's class answers over several rooms."""

    def __init__(self, deck_id: str, card_key: str, judging: Questions | None) -> None:
        self.deck_id, self.card_key, self.judging = deck_id, card_key, judging
        self.answered = self.correct = 0
        self.options: Counter[str] = Counter()  # distractor text -> times chosen (0: shown, never chosen)
        self.options_answered = 0  # answers to the card asked with options
        self.typed: Counter[str] = Counter()  # a wrong typed answer, told apart as the reveal does
        self.spelling: dict[str, str] = {}

    def add(self, question: QuestionRow, answers: Sequence[AnswerRow]) -> None:
        self.answered += len(answers)
        self.correct += sum(answer.correct for answer in answers)
        if question.form in ("choice", "multi"):
            self.options_answered += len(answers)
            chosen = Counter(i for answer in answers for i in chosen_options(question, answer.response))
            for i, option in enumerate(question.options):
                if i not in question.right:
                    self.options[option] += chosen[i]
        elif question.form in TYPED_FORMS:
            for answer in answers:
                if not answer.correct and answer.given.strip() and not self.accepted_now(question, answer):
                    key = " ".join(answer.given.casefold().split())
                    self.spelling.setdefault(key, answer.given.strip())
                    self.typed[key] += 1

    def accepted_now(self, question: QuestionRow, answer: AnswerRow) -> bool:
        """Whether the card as it is now takes ``answer`` (its author has added it since the class)."""
        deck = None if self.judging is None else self.judging.decks.get(question.deck_id)
        index = None if deck is None else deck.index_of(question.card_key)
        if self.judging is None or deck is None or index is None or deck.type_of(index) != question.type:
            return False
        form = cast(AnswerForm, question.form)  # a form the room wrote from a Question
        asked = Question(
            deck.study(index), form, question.type, question.text, hint=question.hint, unit=question.unit
        )
        try:
            return self.judging.judge(asked, answer.response).correct
        except (TypeError, ValueError, IndexError):  # the card changed past judging this response
            return False


def author_problems(
    tables: RoomTables,
    room_ids: Iterable[int],
    paths: Mapping[str, str] | None = None,
    decks: Sequence[Deck] = (),
) -> list[Problem]:
    """Warnings for deck authors from how classes answered, per card over the rooms ``room_ids``.

    A question almost everyone missed (right in under ``HARD_BELOW`` of at
    least ``HARD_MIN_ANSWERS`` answers), a distractor no one chose (with at
    least ``UNPICKED_MIN_ANSWERS`` answers), and a wrong typed answer given by
    ``TYPED_MIN_STUDENTS`` or more (likely an ``accept`` entry to add). Only
    revealed questions and the students still in the room count, as in
    ``room_results``. ``paths`` maps a deck id to its file; a deck not in it
    is named by its id. With ``decks``, a typed answer a card accepts now (an
    ``accept`` entry added since) is no longer named. In deck and card order,
    then by kind of warning.
    """
    paths = paths or {}
    judging = Questions(decks) if decks else None
    tallies: dict[tuple[str, str], _Tally] = {}
    for room_id in dict.fromkeys(room_ids):
        if tables.room(room_id) is None:
            raise RoomError(f"There is no room #{room_id}.")
        present = {student.id for student in tables.students(room_id)}
        answers = tables.answers(room_id)
        for question in tables.questions(room_id):
            if question.revealed is None:
                continue
            key = (question.deck_id, question.card_key)
            tally = tallies.setdefault(key, _Tally(*key, judging))
            tally.add(
                question,
                [a for a in answers if a.position == question.position and a.student_id in present],
            )
    problems = []
    for key in sorted(tallies):
        tally = tallies[key]
        messages = []
        if tally.answered >= HARD_MIN_ANSWERS and tally.correct < HARD_BELOW * tally.answered:
            messages.append(
                f"almost everyone missed it in class ({tally.correct} of {tally.answered} answers right):"
                " is the question unclear, or its answer wrong?"
            )
        if tally.options_answered >= UNPICKED_MIN_ANSWERS:
            messages += [
                f"no one chose the distractor '{option}' in {tally.options_answered} answers:"
                " a likelier one would test more"
                for option, chosen in sorted(tally.options.items())
                if not chosen
            ]
        messages += [
            f"{count} students answered '{tally.spelling[typed]}', which the card does not accept:"
            " if it is right, add it to accept"
            for typed, count in sorted(tally.typed.items(), key=lambda item: (-item[1], item[0]))
            if count >= TYPED_MIN_STUDENTS
        ]
        path, card = paths.get(tally.deck_id, tally.deck_id), _card_name(tally.card_key)
        problems += [Problem(path, None, None, "warning", f"{card}: {message}") for message in messages]
    return problems


def _card_name(card_key: str) -> str:
    """How an author finds the card: its id, and which of its questions (a cloze gap, the reverse)."""
    card_id = note_of(card_key)
    rest = card_key[len(card_id) + 1 :]
    return f"card {card_id}" + (f" ({rest})" if rest else "")
