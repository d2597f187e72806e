"""Questions built and judged without a learner: no store, no profile, no schedule.

A presenter showing one question to a class, a student's app in a room, a
printed handout and the single learner's ``Session`` all ask the same two
things: "the questions for these decks, this seed, these types" and "judge
this response to this question". ``Questions`` answers both; each card kind
(``otsquiz.core.kinds``) says how its questions are asked and judged.

The same seed gives the same questions, in the same order, with the same
options in the same order, on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from otsquiz.core.cards import Deck, StudyCard
from otsquiz.core.kinds import KINDS
from otsquiz.core.kinds.base import AnswerForm, Checking, Shuffle
from otsquiz.core.selection import DRILL_COUNT

if TYPE_CHECKING:
    from otsquiz.core.answers import AnswerIndex
    from otsquiz.core.cards import Card

__all__ = ["AnswerForm", "Draw", "Judgement", "Question", "Questions", "blank_response"]


class Question(NamedTuple):
    """One question as shown: the card, its text and its (shuffled) options."""

    study: StudyCard
    form: AnswerForm  # how the learner answers
    type: str  # the card's kind ("choice")
    text: str  # the prompt, statement, or cloze text with this gap blanked
    options: tuple[str, ...] = ()  # choice/multi: options; order: shuffled items; match: shuffled right items
    lefts: tuple[str, ...] = ()  # match: the left items, in deck order
    hint: str = ""
    unit: str = ""  # number cards

    @property
    def card(self) -> Card:
        return self.study.card


class Judgement(NamedTuple):
    """The verdict on one response to a question, before anything is recorded."""

    given: str  # the answer as the learner gave it, in words
    correct: bool
    exact: bool
    forgiven: tuple[str, ...]  # what was forgiven ("typo", "diacritics")
    matched: str | None  # a typed answer: the deck text it matched (an accepted spelling); else None
    blank: bool  # nothing was given (an empty text, no option chosen): never overruled right
    expected: str  # the answer to show: the spelling a right typed answer matched, else the main one
    main_answer: str  # the card's main answer when ``expected`` is another spelling; else ""


class Draw(NamedTuple):
    """A drill's questions, drawn from the decks, and the flashcards it left out."""

    cards: list[StudyCard]
    flashcards_left_out: int = 0  # a no-feedback drill asks no flashcard (nobody to rate it)


class Questions:
    """The questions of some decks: drawn by a seed, asked, and judged.

    ``types`` keeps only cards of those kinds. Without a seed the draw and the
    option order are random; with one they are the same everywhere.
    """

    def __init__(
        self,
        decks: Iterable[Deck],
        *,
        seed: int | str | None = None,
        types: Iterable[str] | None = None,
    ) -> None:
        self.decks: dict[str, Deck] = {deck.info.id: deck for deck in decks}
        self.seed = seed
        self.types: frozenset[str] | None = frozenset(types) if types else None
        # One generator for the draw and, without a seed, every shuffle: the calls it
        # gets, in their order, are what makes a seed give the same drill as before.
        self.random = random.Random(seed)
        self._indexes: dict[str, AnswerIndex] = {}

    def wanted(self, deck: Deck, index: int | None) -> bool:
        """Whether study card ``index`` of ``deck`` is of a kind asked for."""
        return index is not None and (self.types is None or deck.type_of(index) in self.types)

    def draw(self, count: int | None = None, *, flashcards: bool = True) -> Draw:
        """A drill's study cards: ``count`` (DRILL_COUNT if None) drawn from every wanted one.

        ``flashcards=False`` leaves the self-rated cards out (a drill without feedback).
        """
        decks = [self.decks[deck_id] for deck_id in sorted(self.decks)]
        items = [
            (deck, index) for deck in decks for index in range(len(deck.keys)) if self.wanted(deck, index)
        ]
        left_out = 0
        if not flashcards:
            asked = [item for item in items if KINDS[item[0].type_of(item[1])].form != "self"]
            left_out = len(items) - len(asked)
            items = asked
        drawn = self.random.sample(items, k=min(count or DRILL_COUNT, len(items)))
        return Draw([deck.study(index) for deck, index in drawn], left_out)

    def questions(self, count: int | None = None, *, flashcards: bool = True) -> list[Question]:
        """The questions of a drill, drawn and asked, in order."""
        return [self.ask(study) for study in self.draw(count, flashcards=flashcards).cards]

    def ask(self, study: StudyCard) -> Question:
        """The question for ``study``, its options shuffled."""
        card = study.card
        kind = KINDS[card.type]
        asked = kind.ask(card, study, self._shuffler(study))
        return Question(
            study, kind.form, kind.name, asked.text, asked.options, asked.lefts, card.hint, asked.unit
        )

    def _shuffler(self, study: StudyCard) -> Shuffle:
        # With a seed, each question's options are shuffled the same way everywhere.
        rng = (
            random.Random(f"{self.seed}:{study.deck_id}:{study.key}")
            if self.seed is not None
            else self.random
        )

        def shuffle(items: Sequence[str]) -> tuple[str, ...]:
            result = list(items)
            rng.shuffle(result)
            return tuple(result)

        return shuffle

    def expected(self, question: Question) -> str:
        """The exact answer to ``question``, as written in the deck."""
        card = question.card
        return KINDS[card.type].expected(card, question.study)

    def judge(self, question: Question, response: Any) -> Judgement:
        """The verdict on ``response`` (its shape: see ``Session.submit``); a flashcard is rated, not judged."""
        card = question.card
        deck = self.decks[question.study.deck_id]
        checking = Checking(deck.info.language, deck.info.strict_diacritics, lambda: self.index(deck))
        judged = KINDS[card.type].judge(card, question, response, checking)
        expected = main = self.expected(question)
        if judged.correct and judged.matched is not None and judged.matched != main:
            expected = judged.matched  # the spelling the learner was near, not another word
        return Judgement(
            judged.given,
            judged.correct,
            judged.exact,
            judged.forgiven,
            judged.matched,
            blank_response(response),
            expected,
            "" if expected == main else main,
        )

    def prepare(self) -> None:
        """Build what judging typed answers needs (a typo guard per deck) ahead of the first answer.

        Safe to run in a background thread while the first question is shown.
        """
        for deck in list(self.decks.values()):
            self.index(deck)

    def index(self, deck: Deck) -> AnswerIndex:
        """The typo guard of ``deck``: every answer it holds, so a typo is not forgiven into another."""
        from otsquiz.core import answers

        index = self._indexes.get(deck.info.id)
        if index is None:
            index = self._indexes[deck.info.id] = answers.AnswerIndex(
                deck.answer_texts(), language=deck.info.language
            )
        return index


def blank_response(response: Any) -> bool:
    """Whether a submitted answer gives nothing: empty text, or no option chosen (or paired)."""
    if isinstance(response, str):
        return not response.strip()
    return isinstance(response, (set, frozenset, list, tuple)) and all(item is None for item in response)
