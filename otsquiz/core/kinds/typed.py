"""typed: type the answer; graded by the answer rules (typos and diacritics forgiven unless strict)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle, check_text

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Typed(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    answer: str
    accept: tuple[str, ...]
    strict: bool

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return [self.answer, *self.accept]


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, StrictBool

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, OneLineText, Texts

    class TypedCard(CardModel):
        """Type the answer; graded by the matching rules."""

        type: Literal["typed"]
        prompt: NonEmptyText
        answer: OneLineText
        accept: Texts = Field([], description="Other answers that count as correct.")
        strict: StrictBool = Field(False, description="Turn off typo and diacritic tolerance.")

    return TypedCard


class _Typed(Kind[Typed]):
    name = "typed"
    label = "Type the answer"
    form = "text"
    record = Typed
    starter = """\
[[cards]]                           # typed: type the answer; small typos and diacritics are forgiven
id = "founding-agreement-place"
type = "typed"
prompt = "The 2009 agreement that founded the Turkic Council is named after which city?"
answer = "Nakhchivan"
accept = ["Naxçıvan", "Nakhichevan"]  # other spellings that count as right
strict = false                      # true: exact spelling only
hint = "An exclave of Azerbaijan."
explanation = "The Nakhchivan Agreement was signed there on 3 October 2009."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: Typed, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.prompt)

    def expected(self, card: Typed, study: StudyCard) -> str:
        return card.answer

    def judge(self, card: Typed, question: Question, response: Any, checking: Checking) -> Judged:
        return check_text(str(response), card.answer, card.accept, card.strict, checking)


KIND = _Typed()
