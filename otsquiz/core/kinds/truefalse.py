"""truefalse: say whether a statement is true."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class TrueFalse(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    statement: str
    answer: bool

    @property
    def question(self) -> str:
        return self.statement

    def answer_texts(self) -> list[str]:
        return []


@cache
def _model() -> type[CardModel]:
    from pydantic import StrictBool

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText

    class TrueFalseCard(CardModel):
        """Say whether a statement is true."""

        type: Literal["truefalse"]
        statement: NonEmptyText
        answer: StrictBool

    return TrueFalseCard


class _TrueFalse(Kind[TrueFalse]):
    name = "truefalse"
    label = "True or false"
    form = "truefalse"
    record = TrueFalse
    starter = """\
[[cards]]                           # truefalse: is the statement true?
id = "hungary-observer"
type = "truefalse"
statement = "Hungary is a full member of the Organization of Turkic States."
answer = false
explanation = "Hungary is an observer state."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: TrueFalse, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.statement)

    def expected(self, card: TrueFalse, study: StudyCard) -> str:
        return "true" if card.answer else "false"

    def judge(self, card: TrueFalse, question: Question, response: Any, checking: Checking) -> Judged:
        correct = bool(response) is card.answer
        return Judged("true" if response else "false", correct, correct)


KIND = _TrueFalse()
