"""basic: a flashcard. Flip, then rate yourself; ``reverse`` also asks the answer."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import REVERSE, WHOLE, Asked, Checking, Judged, Kind, Part, Shuffle

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Basic(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    answer: str
    reverse: bool

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return [self.answer]


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, StrictBool

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText

    class BasicCard(CardModel):
        """Flip, then rate yourself."""

        type: Literal["basic"]
        prompt: NonEmptyText
        answer: NonEmptyText
        reverse: StrictBool = Field(
            False, description="Also ask the answer, expecting the prompt (id + ':reverse')."
        )

    return BasicCard


class _Basic(Kind[Basic]):
    name = "basic"
    label = "Flashcard"
    form = "self"
    record = Basic
    starter = """\
[[cards]]                           # basic: flip, then rate yourself Again/Hard/Good/Easy
id = "ots-headquarters"
type = "basic"
prompt = "In which city is the Secretariat of the Organization of Turkic States?"
answer = "Istanbul"
reverse = false                     # true also asks the answer, expecting the prompt
explanation = "The Secretariat was set up in Istanbul in 2010, when the Turkic Council began to work."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def parts(self, card: Basic) -> tuple[Part, ...]:
        if card.reverse:
            return (Part("", WHOLE), Part(":reverse", REVERSE))
        return (Part("", WHOLE),)

    def ask(self, card: Basic, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.answer if study.reverse else card.prompt)

    def expected(self, card: Basic, study: StudyCard) -> str:
        return card.prompt if study.reverse else card.answer

    def judge(self, card: Basic, question: Question, response: Any, checking: Checking) -> Judged:
        raise TypeError("a flashcard is rated by the learner, not judged")


KIND = _Basic()
