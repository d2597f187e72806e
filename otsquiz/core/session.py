"""A study or drill session, independent of any user interface.

The terminal app and the plain line mode both drive this class, so they
behave alike: ``current`` is the question to show, ``submit`` (or ``rate``
for self-rated cards) judges the answer, schedules the card and commits the
answer to the store before the next question is chosen. ``overrule`` and
``undo`` change the last answer; ``summary`` reports the session, and
``close`` records the end of one left unfinished (its totals are saved with
every answer, so even a killed session adds up).

Two modes: ``study`` follows the FSRS schedule (due reviews, then new cards);
``drill`` asks N questions drawn from the chosen decks, scores them and
records them, but never changes the schedule.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from otsquiz.core.cards import Deck, Source, StudyCard
from otsquiz.core.kinds.base import AnswerForm
from otsquiz.core.questions import Judgement, Question, Questions
from otsquiz.core.scheduling import CardState, Grade, Scheduler, State, grade_for, note_of, plan_queue
from otsquiz.core.selection import Mode
from otsquiz.core.store import Profile, SessionTotals, Store, StoreError

__all__ = [
    "LEARN_AHEAD_SECONDS",
    "NO_ANSWER",
    "NO_FLASHCARDS",
    "AnswerForm",
    "Judgement",
    "Outcome",
    "Question",
    "Remaining",
    "Session",
    "SessionError",
    "Summary",
]

# A learning card due again within this many seconds comes back in this session.
LEARN_AHEAD_SECONDS = 20 * 60
# New cards are looked for this many at a time at first, then twice as many each time.
NEW_CARDS_FIRST_STRETCH = 256
# An entry of the queue before it is shown: (deck_id, key, note, deck, outline index or None).
_Entry = tuple[str, str, str, Deck, int | None]
# What a given answer is recorded as when nothing was given (give_up: "don't know", time's up).
NO_ANSWER = "(no answer)"
# Why a no-feedback drill has no question when its decks only offer flashcards.
NO_FLASHCARDS = "no questions: flashcards are not asked in a no-feedback drill"


def _now() -> datetime:
    return datetime.now(UTC)


class Outcome(NamedTuple):
    """The verdict on one answer, with what the app shows after it."""

    question: Question
    given: str  # the answer as the learner gave it, in words
    correct: bool
    exact: bool
    grade: Grade
    expected: str  # the exact answer, as written in the deck (a typed answer: the spelling it matched)
    forgiven: tuple[str, ...] = ()
    hinted: bool = False
    review_id: int | None = None
    overruled: bool = False
    seconds: float = 0.0
    blank: bool = False  # nothing was given (don't know, time's up, an empty answer): never overruled right
    # The card's main answer when ``expected`` is another spelling it accepts, which the answer matched
    # (shown as "also: ..."); else "".
    main_answer: str = ""

    @property
    def verdict(self) -> Literal["correct", "wrong", "rated"]:
        if self.question.form == "self":
            return "rated"
        return "correct" if self.correct else "wrong"


class Summary(NamedTuple):
    mode: Mode
    questions: int  # answered
    correct: int
    best_streak: int
    seconds: float
    missed: list[Outcome]
    next_due: datetime | None
    planned: int = 0  # answered + still queued when the session ended (a drill: the questions it set)
    overruled: int = 0  # answers whose verdict the learner overruled (counted apart in a drill)

    @property
    def accuracy(self) -> float:
        """Right of answered."""
        return self.correct / self.questions if self.questions else 0.0

    @property
    def unanswered(self) -> int:
        """Questions planned but never answered (a session ended early)."""
        return max(self.planned - self.questions, 0)

    @property
    def planned_accuracy(self) -> float:
        """Right of planned: a drill's score, where a question left counts as not right."""
        return self.correct / self.planned if self.planned else 0.0


class _Tally(NamedTuple):
    answered: int = 0
    correct: int = 0
    streak: int = 0
    best_streak: int = 0

    def counted(self, correct: bool) -> _Tally:
        """The tally after one more answer."""
        if correct:
            streak = self.streak + 1
            return _Tally(self.answered + 1, self.correct + 1, streak, max(self.best_streak, streak))
        return _Tally(self.answered + 1, self.correct, 0, self.best_streak)


class _Answered(NamedTuple):
    """What undo and overrule need: the answer as it stands and as first judged."""

    outcome: Outcome
    tally: _Tally
    previous: CardState | None
    when: datetime
    first: Outcome  # the verdict before any overrule


class Remaining(NamedTuple):
    """The questions still queued in a session (the one shown included), by their card's state."""

    new: int  # never studied
    learning: int  # in (re)learning steps
    review: int


class SessionError(Exception):
    """A request the session cannot honour (nothing to undo, no question open, a drill rule).

    Its message is meant for the learner: front ends show it as it is.
    """


class Session:
    def __init__(
        self,
        store: Store,
        profile: Profile,
        decks: Sequence[Deck],
        *,
        mode: Mode = "study",
        count: int | None = None,
        types: Iterable[str] | None = None,
        seed: int | str | None = None,
        feedback: bool = True,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.store = store
        self.profile = profile
        # A validated models.DeckFile is compiled on the way in; the session works on compiled decks.
        compiled = [deck.compile() if hasattr(deck, "compile") else deck for deck in decks]
        # Asking and judging, which need no store: the session schedules and records on top.
        self.questions = Questions(compiled, seed=seed, types=types)
        self.decks: dict[str, Deck] = self.questions.decks
        self.mode: Mode = mode
        self.feedback = feedback
        self.seed = seed
        self.clock = clock
        self.scheduler = Scheduler(profile.settings.desired_retention)
        self._tally = _Tally()
        self._history: list[_Answered] = []
        self._hinted = False
        self._started = time.monotonic()
        self._shown = time.monotonic()
        self._finished = False
        # (deck_id, key) -> the card's state as this session last knew it (None: new), for
        # remaining_by_state(); filled as cards are answered, or looked up when asked.
        self._known: dict[tuple[str, str], State | None] = {}
        now = clock()
        self._limit = count  # --count: at most this many questions, repeats included
        # Flashcards a no-feedback drill leaves out (the learner cannot grade herself in a test).
        self.flashcards_left_out = 0
        self._queue: list[StudyCard | _Entry] = self._build(count, now)
        self.total = len(self._queue)
        self.session_id = store.start_session(
            profile.id,
            mode,
            list(self.decks),
            settings={
                "count": count,
                "types": sorted(self.types or ()),
                "seed": seed,
                "feedback": feedback,
                "planned": self.total,
            },
            when=now,
        )
        self._question = self._ask_next()

    @property
    def types(self) -> frozenset[str] | None:
        """The card types this session asks (None: every type)."""
        return self.questions.types

    # ------------------------------------------------------------ the queue

    def _build(self, count: int | None, now: datetime) -> list[StudyCard | _Entry]:
        decks = [self.decks[deck_id] for deck_id in sorted(self.decks)]
        if self.mode == "drill":
            drawn = self.questions.draw(count, flashcards=self.feedback)
            self.flashcards_left_out = drawn.flashcards_left_out
            return list(drawn.cards)
        settings = self.profile.settings
        # Only the due cards are read from the database, as plain rows: cheap however large.
        due = (
            ((deck_id, key, note_of(key), self.decks[deck_id], None), state, due_us, last_us, stability)
            for deck_id, key, state, due_us, last_us, stability in self.store.due_rows(
                self.profile.id, list(self.decks), now
            )
            if self.types is None
            or self.questions.wanted(self.decks[deck_id], self.decks[deck_id].index_of(key))
        )
        return plan_queue(
            due,
            self._new_cards(decks),
            now,
            new_per_day=settings.new_per_day,
            new_done_today=self.store.new_introduced_today(self.profile.id, now),
            notes_seen_today=self.store.notes_seen_today(self.profile.id, now),
            limit=count,
            scheduler=self.scheduler,
        )

    def _new_cards(self, decks: list[Deck]) -> Iterator[_Entry]:
        """The cards never studied, in deck order, read as far as the queue needs them.

        The database is asked which cards were studied one stretch of a deck
        at a time, each twice the last, rather than for every card ever studied.
        """
        for deck in decks:
            deck_id, keys = deck.info.id, deck.keys
            start, size = 0, NEW_CARDS_FIRST_STRETCH
            while start < len(keys):
                stretch = keys[start : start + size]
                studied = self.store.studied_among(self.profile.id, deck_id, stretch)
                for offset, key in enumerate(stretch):
                    index = start + offset
                    if key not in studied and self.questions.wanted(deck, index):
                        yield (deck_id, key, deck.notes[index], deck, index)
                start += len(stretch)
                size = min(size * 2, 65_536)

    def _head(self) -> StudyCard | None:
        """The study card at the front of the queue, made from its entry when first needed."""
        while self._queue:
            entry = self._queue[0]
            if isinstance(entry, StudyCard):
                return entry
            _, key, _, deck, index = entry
            if index is None:
                index = deck.index_of(key)
            if index is None:  # a card removed from its deck keeps its state, but is not asked
                self._queue.pop(0)
                self.total -= 1
                continue
            if self.mode == "study" and entry[4] is not None:
                self._known.setdefault((entry[0], key), None)  # a new card, from _new_cards
            study = self._queue[0] = deck.study(index)
            return study
        return None

    def _ask_next(self) -> Question | None:
        head = self._head()
        return None if head is None else self._show(head)

    @property
    def current(self) -> Question | None:
        return self._question

    @property
    def empty_reason(self) -> str | None:
        """Why a session has no question at all, when the reason is a drill rule (else None)."""
        if self.total == 0 and self.flashcards_left_out:
            return NO_FLASHCARDS
        return None

    @property
    def can_undo(self) -> bool:
        """Whether undo() is allowed now (never in a drill: its answers stand)."""
        return self.mode == "study" and bool(self._history)

    @property
    def can_overrule(self) -> bool:
        """Whether overrule() is allowed now (never in a no-feedback drill, nor to right a blank answer)."""
        if (self.mode == "drill" and not self.feedback) or not self._history:
            return False
        outcome = self._history[-1].outcome
        return outcome.question.form != "self" and not (outcome.blank and not outcome.correct)

    @property
    def done(self) -> int:
        return self._tally.answered

    @property
    def remaining(self) -> int:
        return len(self._queue)

    def remaining_by_state(self) -> Remaining:
        """``remaining`` by the cards' states: new, (re)learning, review.

        Cheap enough for every answer: states are looked up once per card
        (one query per deck) and kept up to date as the session answers.
        """
        known = self._known
        study_mode = self.mode == "study"
        unknown: dict[str, list[str]] = {}
        keys: list[tuple[str, str]] = []
        for entry in self._queue:
            key = (entry.deck_id, entry.key) if isinstance(entry, StudyCard) else (entry[0], entry[1])
            keys.append(key)
            if key not in known:
                if study_mode and not isinstance(entry, StudyCard) and entry[4] is not None:
                    known[key] = None  # a new card, from _new_cards
                else:
                    unknown.setdefault(key[0], []).append(key[1])
        for deck_id, deck_keys in unknown.items():
            found = self.store.states_among(self.profile.id, deck_id, deck_keys)
            for card_key in deck_keys:
                known[(deck_id, card_key)] = found.get(card_key)
        new = learning = review = 0
        for key in keys:
            state = known[key]
            if state is None:
                new += 1
            elif state == State.Review:
                review += 1
            else:
                learning += 1
        return Remaining(new, learning, review)

    @property
    def score(self) -> int:
        return self._tally.correct

    @property
    def streak(self) -> int:
        return self._tally.streak

    @property
    def best_streak(self) -> int:
        return self._tally.best_streak

    @property
    def last(self) -> Outcome | None:
        return self._history[-1].outcome if self._history else None

    # ------------------------------------------------------------ asking

    def _show(self, study: StudyCard) -> Question:
        self._hinted = False
        self._shown = time.monotonic()
        return self.questions.ask(study)

    def take_hint(self) -> str:
        """The hint of the current question; taking it makes a right answer count as Hard."""
        question = self._require_question()
        if question.hint:
            self._hinted = True
        return question.hint

    @property
    def hinted(self) -> bool:
        return self._hinted

    def source(self, study: StudyCard) -> Source | None:
        """Where the card's fact comes from: one of its deck's sources, or a URL."""
        return self.decks[study.deck_id].source(study.card.source)

    # ------------------------------------------------------------ answering

    def submit(self, response: Any) -> Outcome:
        """Judge an answer to the current (auto-graded) question, commit it, and move on.

        ``response`` depends on the question's kind: ``text``/``number``: str;
        ``choice``: the option's index; ``multi``: a set of option indexes;
        ``truefalse``: bool; ``order``: the option indexes in the order given;
        ``match``: for each left item in order, the index of its right option.
        """
        question = self._require_question()
        if question.form == "self":
            raise SessionError("a self-rated card is answered with rate()")
        judged: Judgement = self.questions.judge(question, response)
        grade = grade_for(judged.correct, judged.exact, self._hinted)
        return self._commit(
            question,
            judged.given,
            judged.correct,
            judged.exact,
            judged.forgiven,
            judged.expected,
            grade,
            blank=judged.blank,
            main_answer=judged.main_answer,
        )

    def give_up(self) -> Outcome:
        """Count the current question as not answered (a drill's timer ran out, or "I don't know")."""
        question = self._require_question()
        expected = self.expected(question)
        return self._commit(question, NO_ANSWER, False, False, (), expected, Grade.AGAIN, blank=True)

    def expected(self, question: Question) -> str:
        """The exact answer to ``question``, as written in the deck."""
        return self.questions.expected(question)

    def intervals(self) -> dict[Grade, Any]:
        """For the current card in study mode, the interval each grade would give (Anki-like buttons)."""
        question = self._require_question()
        if self.mode != "study":
            return {}
        study = question.study
        return self.scheduler.preview(
            self._state(study), self.clock(), deck_id=study.deck_id, card_key=study.key
        )

    def rate(self, grade: Grade) -> Outcome:
        """Answer a self-rated (basic) card with the learner's own grade."""
        question = self._require_question()
        if question.form != "self":
            raise SessionError("only self-rated cards are rated")
        correct = grade != Grade.AGAIN
        return self._commit(
            question, grade.name.lower(), correct, correct, (), self.expected(question), Grade(grade)
        )

    def prepare(self) -> None:
        """Build what judging typed answers needs (a typo guard per deck) ahead of the first answer.

        Safe to run in a background thread while the first question is shown.
        """
        self.questions.prepare()

    def _commit(
        self,
        question: Question,
        given: str,
        correct: bool,
        exact: bool,
        forgiven: tuple[str, ...],
        expected: str,
        grade: Grade,
        *,
        blank: bool = False,
        main_answer: str = "",
    ) -> Outcome:
        study = question.study
        now = self.clock()
        seconds = time.monotonic() - self._shown
        schedule: Callable[[CardState | None], CardState] | None = None
        if self.mode == "study":
            scheduler, deck_id, key = self.scheduler, study.deck_id, study.key
            scheduler.fsrs  # noqa: B018 -- import fsrs now, not while holding the write lock

            # Called by the store inside its write transaction, with the state read there:
            # another process answering this card meanwhile cannot be overwritten.
            def schedule(previous: CardState | None) -> CardState:
                return scheduler.review(previous, deck_id, key, grade, now)

        outcome = Outcome(
            question,
            given,
            correct,
            exact,
            grade,
            expected,
            forgiven,
            self._hinted,
            seconds=seconds,
            blank=blank,
            main_answer=main_answer,
        )
        tally = self._tally.counted(correct)
        # The answer is durable before anything else moves: the store commits it,
        # with the session's totals, so a session never closed still adds up.
        recorded = self.store.record_answer(
            self.profile.id,
            session_id=self.session_id,
            mode=self.mode,
            deck_id=study.deck_id,
            card_key=study.key,
            answer=given,
            verdict=outcome.verdict,
            exact=exact,
            rating=int(grade),
            ms=round(seconds * 1000),
            new_state=schedule,
            when=now,
            totals=self._totals(tally),
        )
        new_state = recorded.state
        if new_state is not None:
            self._known[study.deck_id, study.key] = new_state.state
        outcome = outcome._replace(review_id=recorded.id)
        self._history.append(_Answered(outcome, self._tally, recorded.previous, now, outcome))
        self._tally = tally
        self._queue.pop(0)
        self._requeue_if_learning(study, new_state, now)
        self._question = self._ask_next()
        return outcome

    def _requeue_if_learning(self, study: StudyCard, new_state: CardState | None, when: datetime) -> None:
        """A card still in its learning steps comes back in this session, if the session has room."""
        if new_state is None or (new_state.due - when).total_seconds() > LEARN_AHEAD_SECONDS:
            return
        if self._limit is not None and self.done + len(self._queue) >= self._limit:
            return  # the learner asked for so many questions; the card is due again soon anyway
        self._queue.append(study)

    def _totals(self, tally: _Tally) -> SessionTotals:
        return SessionTotals(
            tally.answered, tally.correct, tally.best_streak, time.monotonic() - self._started
        )

    def _state(self, study: StudyCard) -> CardState | None:
        return self.store.state(self.profile.id, study.deck_id, study.key)

    def _require_question(self) -> Question:
        if self._question is None:
            raise SessionError("the session has no question left")
        return self._question

    # ------------------------------------------------------------ changing one's mind

    def overrule(self) -> Outcome:
        """Reverse the verdict on the last answer ("I was right" / "count it wrong")."""
        if self.mode == "drill" and not self.feedback:
            raise SessionError("a drill without feedback is not overruled: its verdicts are given at the end")
        if not self._history:
            raise SessionError("there is no answer to overrule")
        answered = self._history[-1]
        outcome = answered.outcome
        if outcome.question.form == "self":
            raise SessionError("a self-rated card is not overruled; undo it and rate it again")
        if outcome.blank and not outcome.correct:
            raise SessionError("nothing was answered, so it cannot be counted as right")
        if outcome.overruled:
            # Overruled back: the first verdict stands again, with its grade (a forgiven typo is Hard).
            first = answered.first
            correct, exact, grade, forgiven = first.correct, first.exact, first.grade, first.forgiven
            expected, main_answer = first.expected, first.main_answer
        else:
            correct = exact = not outcome.correct
            grade = grade_for(correct, True, outcome.hinted) if correct else Grade.AGAIN
            forgiven = ()
            # Counted wrong after all: the answer to learn is the card's main one.
            expected, main_answer = outcome.main_answer or outcome.expected, ""
        study = outcome.question.study
        new_state = (
            self.scheduler.review(answered.previous, study.deck_id, study.key, grade, answered.when)
            if self.mode == "study"
            else None
        )
        assert outcome.review_id is not None
        tally = answered.tally.counted(correct)
        try:
            review_id = self.store.overrule(
                outcome.review_id, int(grade), new_state, when=self.clock(), totals=self._totals(tally)
            )
        except StoreError as error:  # e.g. another session answered this card since
            raise SessionError(str(error).rstrip(".")) from error
        revised = outcome._replace(
            correct=correct,
            exact=exact,
            grade=grade,
            forgiven=forgiven,
            review_id=review_id,
            overruled=not outcome.overruled,
            expected=expected,
            main_answer=main_answer,
        )
        self._tally = tally
        # A card that was queued again only because it was wrong no longer needs to be.
        if self.mode == "study":
            assert new_state is not None
            self._known[study.deck_id, study.key] = new_state.state
            self._drop_requeued(study)
            self._requeue_if_learning(study, new_state, answered.when)
            head = self._head()
            if head is None or self._question is None or self._question.study is not head:
                self._question = None if head is None else self._show(head)
        self._history[-1] = answered._replace(outcome=revised)
        return revised

    def undo(self) -> Question:
        """Take back the last answer: its card is as before and is asked again (study only)."""
        if self.mode == "drill":
            raise SessionError("a drill's answers stand; undo is for study sessions")
        if not self._history:
            raise SessionError("there is no answer to undo")
        answered = self._history[-1]
        assert answered.outcome.review_id is not None
        try:
            self.store.undo(
                answered.outcome.review_id, when=self.clock(), totals=self._totals(answered.tally)
            )
        except StoreError as error:  # e.g. another session answered this card since
            raise SessionError(str(error).rstrip(".")) from error
        self._history.pop()
        study = answered.outcome.question.study
        if self.mode == "study":
            self._known[study.deck_id, study.key] = (
                None if answered.previous is None else answered.previous.state
            )
        self._drop_requeued(study)
        self._tally = answered.tally
        self._queue.insert(0, study)
        self._question = self._show(study)
        return self._question

    def _drop_requeued(self, study: StudyCard) -> None:
        for index in range(len(self._queue) - 1, -1, -1):
            if self._queue[index] is study:
                del self._queue[index]
                return

    # ------------------------------------------------------------ the end

    def close(self) -> None:
        """Record the session's end; safe to call again (and by ``summary``).

        The totals are saved with every answer already: this adds when it
        finished. Call it when the learner leaves a session unfinished.
        """
        if self._finished:
            return
        self.store.finish_session(
            self.session_id,
            questions=self._tally.answered,
            correct=self._tally.correct,
            best_streak=self._tally.best_streak,
            seconds=time.monotonic() - self._started,
            when=self.clock(),
        )
        self._finished = True

    @property
    def closed(self) -> bool:
        return self._finished

    def summary(self) -> Summary:
        """Finish the session (recorded once) and report it."""
        seconds = time.monotonic() - self._started
        self.close()
        missed: dict[tuple[str, str], Outcome] = {}
        for answered in self._history:
            study = answered.outcome.question.study
            if not answered.outcome.correct:
                missed.setdefault((study.deck_id, study.key), answered.outcome)
        return Summary(
            self.mode,
            self._tally.answered,
            self._tally.correct,
            self._tally.best_streak,
            seconds,
            list(missed.values()),
            self._next_due(),
            planned=self._tally.answered + len(self._queue),
            overruled=sum(answered.outcome.overruled for answered in self._history),
        )

    def _next_due(self) -> datetime | None:
        # The earliest future due date of a card still in its deck (states of removed
        # cards are kept, but say nothing about this session), read in due order.
        for deck_id, key, due in self.store.upcoming(self.profile.id, list(self.decks), self.clock()):
            if self.decks[deck_id].index_of(key) is not None:
                return due
        return None
