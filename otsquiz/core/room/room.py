"""A room as the presenter and each student's process drive it, through the shared store.

Nothing of the room is kept in memory that another process could change: each
call reads or writes the store (``RoomTables``), so a presenter killed and
started again (``Room.load``) carries on where the room is, and a student who
reloads gets back in with their token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

from otsquiz.core.cards import Deck
from otsquiz.core.kinds.base import AnswerForm
from otsquiz.core.questions import Question, Questions
from otsquiz.core.room import codes, names, scoring
from otsquiz.core.room.options import RoomOptions
from otsquiz.core.store import Store
from otsquiz.core.store.rooms import (
    AnswerRow,
    NewQuestion,
    Phase,
    QuestionRow,
    RoomError,
    RoomRow,
    RoomTables,
    StudentRow,
)
from otsquiz.core.store.values import dumps, from_us, to_us

TOP = 5
"""How many the scoreboard shows."""
COMMON = 5
"""How many of the most common typed answers a reveal shows."""
TRUE_FALSE = ("true", "false")
"""The options of a truefalse question, for counting (index 0: true)."""

_TTL_US = codes.ROOM_TTL // timedelta(microseconds=1)


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    """What the store keeps of a rejoin token: reading the database gives no one a way in."""
    return hashlib.sha256(token.encode()).hexdigest()


class Student(NamedTuple):
    id: int
    name: str  # shown as text, never as markup
    team: str | None
    extra_seconds: float
    profile_id: int | None
    removed: bool = False


class Joined(NamedTuple):
    """A student just in: the token their device keeps to rejoin (shown to no one else)."""

    student: Student
    token: str


class Answered(NamedTuple):
    """A student's answer as recorded."""

    position: int
    given: str
    correct: bool
    exact: bool
    seconds: float


class Progress(NamedTuple):
    """A running question's count: "23 of 30 answered" (never who answered what)."""

    position: int
    answered: int
    students: int


class RoomState(NamedTuple):
    """Where the room is: what every process polls."""

    phase: Phase
    position: int  # the question running or last shown; 0 before the first
    questions: int
    started: datetime | None  # the current question's start
    seconds: int  # its time limit (0: none)
    ended: bool


class OptionCount(NamedTuple):
    option: str
    chosen: int
    right: bool


class Reveal(NamedTuple):
    """How the class answered a question, shown once it is closed."""

    position: int
    question: Question
    expected: str
    explanation: str
    answered: int
    correct: int
    students: int
    options: tuple[OptionCount, ...]  # choice, multi, truefalse: a bar per option
    common: tuple[tuple[str, int], ...]  # typed forms: the most common answers, with how many gave each


class Standing(NamedTuple):
    rank: int
    student_id: int
    name: str
    team: str | None
    points: int
    right: int
    answered: int


class TeamStanding(NamedTuple):
    rank: int
    name: str
    points: float  # the members' average
    members: int


class Scoreboard(NamedTuple):
    top: tuple[Standing, ...]
    you: Standing | None  # the student asked about, wherever they rank
    teams: tuple[TeamStanding, ...]
    students: int
    shown: str  # the room's scoreboard option (all, top, none): what the front ends show


def _student(row: StudentRow, teams: Sequence[str]) -> Student:
    team = teams[row.team - 1] if row.team is not None and 0 < row.team <= len(teams) else None
    return Student(row.id, row.name, team, row.extra_ms / 1000, row.profile_id, row.removed is not None)


def encode_response(response: Any) -> Any:
    """A response (the shapes of ``Session.submit``) as JSON: a set becomes a sorted list."""
    if isinstance(response, (set, frozenset)):
        return sorted(response)
    if isinstance(response, tuple):
        return list(response)
    return response


def chosen_options(row: QuestionRow, response: Any) -> list[int]:
    """The option indexes a response picked (choice, multi, truefalse); none for other forms."""
    if row.form == "choice":
        return [response] if isinstance(response, int) and 0 <= response < len(row.options) else []
    if row.form == "multi":
        return [i for i in response if isinstance(i, int) and 0 <= i < len(row.options)]
    if row.form == "truefalse":
        return [0 if response else 1]
    return []


def option_counts(row: QuestionRow, answers: Sequence[AnswerRow]) -> tuple[OptionCount, ...]:
    shown = TRUE_FALSE if row.form == "truefalse" else row.options
    if row.form not in ("choice", "multi", "truefalse"):
        return ()
    counts = Counter(index for answer in answers for index in chosen_options(row, answer.response))
    return tuple(OptionCount(option, counts[i], i in row.right) for i, option in enumerate(shown))


def common_answers(row: QuestionRow, answers: Sequence[AnswerRow]) -> tuple[tuple[str, int], ...]:
    """The most common answers of a typed form, told apart by case and spacing no more."""
    if row.form in ("choice", "multi", "truefalse"):
        return ()
    spelling: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for answer in answers:
        key = " ".join(answer.given.casefold().split())
        spelling.setdefault(key, answer.given.strip())
        counts[key] += 1
    return tuple((spelling[key], count) for key, count in counts.most_common(COMMON))


class Room:
    """One room, seen from one process. Build it with ``open`` (a new room) or ``load``."""

    def __init__(
        self,
        store: Store,
        row: RoomRow,
        decks: Sequence[Deck],
        *,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.store = store
        self.tables = RoomTables(store)
        self.id = row.id
        self.code = row.code
        self.created = from_us(row.created)
        self.deck_ids = row.deck_ids
        self.seed = row.seed
        self.options = RoomOptions.from_dict(row.options)
        self.clock = clock
        missing = [deck_id for deck_id in row.deck_ids if deck_id not in {deck.info.id for deck in decks}]
        if missing:
            raise RoomError(f"This room asks from decks that are not here: {', '.join(missing)}.")
        self.judging = Questions([deck for deck in decks if deck.info.id in row.deck_ids])
        self.teams = tuple(self.tables.teams(row.id))
        self._rows = self.tables.questions(row.id)
        self.questions = [self._question(question) for question in self._rows]

    # ------------------------------------------------------------ opening and finding

    @classmethod
    def open(
        cls,
        store: Store,
        decks: Sequence[Deck],
        options: RoomOptions | None = None,
        *,
        seed: str | None = None,
        clock: Callable[[], datetime] = _now,
        draw_code: Callable[[], str] = codes.new_code,
    ) -> Room:
        """A new room over ``decks``: its questions drawn now (by ``seed``; a random one recorded
        if None) and written as shown, so every process asks and judges the same."""
        options = options or RoomOptions()
        seed = seed if seed is not None else str(secrets.randbelow(10**9))
        questions = Questions(decks, seed=seed, types=options.types or None)
        drawn = questions.questions(options.count, flashcards=False)  # nobody rates herself in a class
        if not drawn:
            raise RoomError("These decks have no questions to ask a class (flashcards are not asked).")
        limit = options.seconds * 1000 or None
        rows = [
            NewQuestion(
                question.study.deck_id,
                question.study.key,
                question.type,
                question.form,
                question.text,
                question.options,
                question.lefts,
                question.hint,
                question.unit,
                questions.expected(question),
                _right_options(question),
                limit,
            )
            for question in drawn
        ]
        row = RoomTables(store).create(
            draw_code,
            now=to_us(clock()),
            ttl=_TTL_US,
            deck_ids=sorted(questions.decks),
            seed=seed,
            options=options.to_dict(),
            teams=options.teams,
            questions=rows,
        )
        return cls(store, row, decks, clock=clock)

    @classmethod
    def load(
        cls, store: Store, room_id: int, decks: Sequence[Deck], *, clock: Callable[[], datetime] = _now
    ) -> Room:
        """A room that exists (a presenter resuming, a student's process joining, the results)."""
        row = RoomTables(store).room(room_id)
        if row is None:
            raise RoomError(f"There is no room #{room_id}.")
        return cls(store, row, decks, clock=clock)

    def _question(self, row: QuestionRow) -> Question:
        deck = self.judging.decks[row.deck_id]
        index = deck.index_of(row.card_key)
        if index is None:
            raise RoomError(f"The card {row.card_key} of deck {row.deck_id} is no longer in it.")
        form = cast(AnswerForm, row.form)  # a form this room wrote from a Question
        return Question(
            deck.study(index), form, row.type, row.text, row.options, row.lefts, row.hint, row.unit
        )

    def _now(self) -> int:
        return to_us(self.clock())

    # ------------------------------------------------------------ where the room is

    def state(self) -> RoomState:
        row = self.tables.room(self.id)
        assert row is not None  # rooms are never deleted
        ended = row.ended is not None or row.active + _TTL_US <= self._now()
        current = self.tables.question(self.id, row.current) if row.current else None
        return RoomState(
            "ended" if ended else row.phase,
            row.current,
            len(self.questions),
            None if current is None or current.started is None else from_us(current.started),
            self.options.seconds,
            ended,
        )

    def question(self, position: int) -> Question:
        """Question ``position`` (1-based) as every process shows it."""
        if not 1 <= position <= len(self.questions):
            raise RoomError(f"This room has no question {position}.")
        return self.questions[position - 1]

    # ------------------------------------------------------------ students

    def join(self, name: str | None = None, *, profile_id: int | None = None) -> Joined:
        """A student in: with a typed ``name``, or (None, or a room of generated names) one made up."""
        generated = name is None or self.options.names == "generated"
        typed = "" if generated or name is None else names.clean_name(name)
        if not generated:
            problem = names.name_problem(typed)
            if problem is not None:
                raise RoomError(problem)

        def name_for(taken: set[str]) -> tuple[str, str]:
            chosen = names.generated_name(taken) if generated else typed
            key = names.name_key(chosen)
            if key in taken:
                raise RoomError(f"Someone in the room is called {chosen} already: choose another name.")
            return chosen, key

        def team_for(members: dict[int, int]) -> int | None:
            if not members:
                return None
            fewest = min(members.values())  # at random among the smallest: teams stay even
            return secrets.choice(sorted(team for team, count in members.items() if count == fewest))

        token = secrets.token_urlsafe(24)
        row = self.tables.join(
            self.id,
            now=self._now(),
            ttl=_TTL_US,
            token_hash=token_hash(token),
            name_for=name_for,
            team_for=team_for,
            profile_id=profile_id,
        )
        return Joined(_student(row, self.teams), token)

    def rejoin(self, token: str) -> Student | None:
        """The student whose device kept ``token`` (None: no such student here, or removed)."""
        row = self.tables.student_by_token(self.id, token_hash(token))
        return None if row is None else _student(row, self.teams)

    def students(self) -> list[Student]:
        """The students in the room, in the order they joined."""
        return [_student(row, self.teams) for row in self.tables.students(self.id)]

    def rename(self, student_id: int, name: str) -> Student:
        """The teacher renames a student (a rude name, a typo)."""
        typed = names.clean_name(name)
        problem = names.name_problem(typed)
        if problem is not None:
            raise RoomError(problem)
        row = self.tables.rename(
            self.id, student_id, now=self._now(), ttl=_TTL_US, name=typed, key=names.name_key(typed)
        )
        return _student(row, self.teams)

    def remove(self, student_id: int) -> None:
        """The teacher removes a student: their token stops working; what they answered stays on record."""
        self.tables.remove(self.id, student_id, now=self._now(), ttl=_TTL_US)

    def give_extra_time(self, student_id: int, seconds: float) -> Student:
        """More time on every question from now on, for this student only (negative: less)."""
        row = self.tables.add_extra_time(
            self.id, student_id, round(seconds * 1000), now=self._now(), ttl=_TTL_US
        )
        return _student(row, self.teams)

    # ------------------------------------------------------------ questions

    def start(self, position: int | None = None) -> Question:
        """The presenter starts question ``position`` (None: the next one); it runs from now."""
        if position is None:
            position = self.state().position + 1
        question = self.question(position)
        self.tables.start(self.id, position, now=self._now(), ttl=_TTL_US)
        return question

    def answer(self, student_id: int, position: int, response: Any) -> Answered:
        """A student's answer to the running question ``position``, judged by the core and recorded
        in one short transaction; refused (``RoomError``) if it is closed, late, or answered already."""
        question = self.question(position)
        state = self.state()  # read first, so a closed question says so, whatever was sent
        if state.phase != "question" or state.position != position:
            raise RoomError("This question is closed.")
        try:
            judged = self.judging.judge(question, response)
            encoded = json.loads(dumps(encode_response(response)))  # kept as JSON: it must be JSON
        except (TypeError, ValueError, IndexError) as error:
            raise RoomError(f"That is no answer to this question ({error}).") from error
        row = self.tables.answer(
            self.id,
            position,
            student_id,
            now=self._now(),
            ttl=_TTL_US,
            given=judged.given,
            response=encoded,
            correct=judged.correct,
            exact=judged.exact,
        )
        return Answered(position, row.given, row.correct, row.exact, row.ms / 1000)

    def my_answer(self, student_id: int, position: int) -> Answered | None:
        """What a student answered to ``position`` (a reloaded device shows it again)."""
        for row in self.tables.answers(self.id, position):
            if row.student_id == student_id:
                return Answered(position, row.given, row.correct, row.exact, row.ms / 1000)
        return None

    def progress(self) -> Progress:
        """How many of the students in the room have answered the current question."""
        position = self.state().position
        answered, students = self.tables.count(self.id, position) if position else (0, len(self.students()))
        return Progress(position, answered, students)

    def deadline(self, student_id: int | None = None) -> datetime | None:
        """When the current question closes (for ``student_id``, with their extra time); None: no limit."""
        state = self.state()
        if state.started is None or not self.options.seconds:
            return None
        extra = 0.0
        if student_id is not None:
            extra = next((s.extra_seconds for s in self.students() if s.id == student_id), 0.0)
        return state.started + timedelta(seconds=self.options.seconds + extra)

    def reveal(self) -> Reveal:
        """The presenter closes the running question and shows how the class answered."""
        position = self.state().position
        self.tables.reveal(self.id, position, now=self._now(), ttl=_TTL_US)
        return self.revealed(position)

    def revealed(self, position: int) -> Reveal:
        """How the class answered question ``position`` (again, after a resume)."""
        question = self.question(position)
        row = self._rows[position - 1]
        present = {student.id for student in self.tables.students(self.id)}
        answers = [
            answer for answer in self.tables.answers(self.id, position) if answer.student_id in present
        ]
        return Reveal(
            position,
            question,
            row.expected,
            question.card.explanation,
            len(answers),
            sum(answer.correct for answer in answers),
            len(present),
            option_counts(row, answers),
            common_answers(row, answers),
        )

    def end(self) -> None:
        """The teacher ends the room: no one joins or answers any more; everything stays on record."""
        self.tables.end(self.id, now=self._now())

    # ------------------------------------------------------------ scores

    def scored(self, *, removed: bool = False) -> list[tuple[Student, scoring.Scored]]:
        """Each student's totals over the questions revealed so far."""
        counted = [row.position for row in self.tables.questions(self.id) if row.revealed is not None]
        scored = scoring.totals(
            self.tables.students(self.id, removed=removed),
            counted,
            self.tables.answers(self.id),
            speed_points=self.options.speed_points,
            streaks=self.options.streaks,
        )
        return [(_student(row, self.teams), totals) for row, totals in scored]

    def scoreboard(self, student_id: int | None = None, *, top: int = TOP) -> Scoreboard:
        """The top ``top`` students, ``student_id``'s own standing, and the teams (averaged)."""
        scored = self.scored()
        # ties share a rank, and are listed by name
        scored.sort(key=lambda item: (-item[1].points, names.name_key(item[0].name), item[0].id))
        rank_of = scoring.ranks([item[1].points for item in scored])
        standings = [
            Standing(
                rank, student.id, student.name, student.team, totals.points, totals.right, totals.answered
            )
            for rank, (student, totals) in zip(rank_of, scored, strict=True)
        ]
        you = next((standing for standing in standings if standing.student_id == student_id), None)
        members: dict[str, list[float]] = {team: [] for team in self.teams}
        for student, totals in scored:
            if student.team is not None:
                members[student.team].append(totals.points)
        averages = scoring.team_scores(members)
        ordered = sorted(self.teams, key=lambda team: (-averages[team], self.teams.index(team)))
        team_ranks = scoring.ranks([averages[team] for team in ordered])
        teams = tuple(
            TeamStanding(rank, team, averages[team], len(members[team]))
            for rank, team in zip(team_ranks, ordered, strict=True)
        )
        return Scoreboard(tuple(standings[:top]), you, teams, len(standings), self.options.scoreboard)


def _right_options(question: Question) -> tuple[int, ...]:
    """Which of the options shown are right (truefalse: 0 for true, 1 for false)."""
    card: Any = question.card
    if question.form == "choice":
        return tuple(i for i, option in enumerate(question.options) if option == card.answer)
    if question.form == "multi":
        return tuple(i for i, option in enumerate(question.options) if option in card.answers)
    if question.form == "truefalse":
        return (0,) if card.answer else (1,)
    return ()


def find(store: Store, code: str, *, clock: Callable[[], datetime] = _now) -> RoomRow | None:
    """The open room a typed ``code`` names, or None (a wrong, ended or expired code): the door's check.

    Needs no decks, so a server can call it before starting a student's process.
    """
    normal = codes.normalise_code(code)
    if normal is None:
        return None
    return RoomTables(store).open_room(normal, now=to_us(clock()), ttl=_TTL_US)
