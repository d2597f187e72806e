"""What every card kind provides, and the small pieces kinds share.

Nothing here imports Pydantic, rapidfuzz or Textual: the registry is loaded on
the way to the first card. A kind's Pydantic model is built by its ``model()``
when a deck is validated (see ``fields``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

if TYPE_CHECKING:
    from otsquiz.core.answers import AnswerIndex
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question

# How the learner answers: the app and the plain mode pick their input from the card's kind,
# and several kinds share a form (typed and cloze are both "text").
AnswerForm = Literal["self", "text", "number", "choice", "multi", "truefalse", "order", "match"]

# A study card's part of its card: the card itself, its reverse, or cloze gap n (1-based).
WHOLE = 0
REVERSE = 65_535

# Shuffles a question's options: the same seed gives the same order on every machine.
Shuffle = Callable[[Sequence[str]], tuple[str, ...]]


class Part(NamedTuple):
    """One thing studied of a card: its key is the card's note + ``suffix``."""

    suffix: str  # "", ":reverse", ":1", ...
    part: int  # WHOLE, REVERSE or a gap number


WHOLE_CARD = (Part("", WHOLE),)


class Asked(NamedTuple):
    """What a kind shows of a study card: the text that asks and what the learner picks from."""

    text: str
    options: tuple[str, ...] = ()  # choice/multi: options; order: shuffled items; match: shuffled rights
    lefts: tuple[str, ...] = ()  # match: the left items, in deck order
    unit: str = ""  # number cards


class Judged(NamedTuple):
    """A kind's verdict on a response."""

    given: str  # the answer in words
    correct: bool
    exact: bool
    forgiven: tuple[str, ...] = ()
    matched: str | None = None  # a typed answer: the deck text it matched (an accepted spelling)


class Checking(NamedTuple):
    """What judging a typed answer needs from its deck."""

    language: str
    strict_diacritics: bool
    others: Callable[[], AnswerIndex]  # the deck's typo guard, built when first needed


# A kind's compiled record: a NamedTuple whose first fields are type, id, explanation,
# hint, source and tags, with a ``question`` property and ``answer_texts()`` (see cards.Card).
C = TypeVar("C", bound=tuple[Any, ...])


class Kind(Generic[C]):
    """One card kind: everything otsquiz knows of it, in one place.

    A subclass sets the class attributes and implements ``model``, ``ask``,
    ``expected`` and ``judge``; ``compile`` and ``parts`` have defaults.
    """

    name: str  # the deck format's `type`
    label: str  # what the quiz calls it ("Choose one")
    form: AnswerForm
    record: type[C]  # the compiled card (a NamedTuple)
    starter: str  # its example in the starter deck (`otsquiz new`), a [[cards]] table

    def model(self) -> type[CardModel]:
        """The Pydantic model that validates it (built, and Pydantic imported, on first call)."""
        raise NotImplementedError

    def compile(self, validated: CardModel) -> C:
        """The compiled record of a validated card: lists become tuples, so records are immutable."""
        return self.record(**{name: frozen(value) for name, value in validated.__dict__.items()})

    def parts(self, card: C) -> tuple[Part, ...]:
        """What is studied of ``card``: one study card per part."""
        return WHOLE_CARD

    def ask(self, card: C, study: StudyCard, shuffle: Shuffle) -> Asked:
        raise NotImplementedError

    def expected(self, card: C, study: StudyCard) -> str:
        """The exact answer, as written in the deck."""
        raise NotImplementedError

    def judge(self, card: C, question: Question, response: Any, checking: Checking) -> Judged:
        """The verdict on ``response`` (its shape is the form's: see ``Session.submit``)."""
        raise NotImplementedError


def frozen(value: Any) -> Any:
    """Lists as tuples (and inside dicts), so that compiled cards are immutable."""
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: frozen(item) for key, item in value.items()}
    return value


def shuffled_not_solved(shuffle: Shuffle, items: Sequence[str]) -> tuple[str, ...]:
    """Shuffled items that are not already in the right order (which would give it away)."""
    result = shuffle(items)
    if len(items) > 1 and list(result) == list(items):
        result = (*result[1:], result[0])
    return result


def check_text(given: str, expected: str, accept: Iterable[str], strict: bool, checking: Checking) -> Judged:
    """A typed answer judged by the answer rules (typed cards and cloze gaps)."""
    # Deferred: rapidfuzz is not needed to show the first question, only to judge it.
    from otsquiz.core import answers

    verdict = answers.check(
        given,
        expected,
        accept,
        language=checking.language,
        strict=strict,
        strict_diacritics=checking.strict_diacritics,
        others=checking.others(),
    )
    return Judged(given, verdict.correct, verdict.exact, verdict.forgiven, verdict.matched)


def chosen_option(options: tuple[str, ...], response: Any) -> tuple[str, bool]:
    """The option a choice response names, and whether it names one at all."""
    index = int(response)
    valid = 0 <= index < len(options)
    return (options[index] if valid else str(response)), valid
