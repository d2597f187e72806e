"""number: type a number; right when within the card's tolerance."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Number(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    answer: int | float
    tolerance: int | float
    unit: str

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return []


@cache
def _model() -> type[CardModel]:
    from pydantic import AfterValidator, Field, StrictFloat, StrictInt, StringConstraints

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, plain_text

    class NumberCard(CardModel):
        """Type a number; correct when within the tolerance."""

        type: Literal["number"]
        prompt: NonEmptyText
        answer: StrictInt | StrictFloat
        tolerance: Annotated[StrictInt | StrictFloat, Field(ge=0)] = 0
        unit: Annotated[str, StringConstraints(max_length=64), AfterValidator(plain_text)] = ""

    return NumberCard


def number_text(value: float) -> str:
    """A number as the deck wrote it: 2009, 1.64, 3.14159265 (not ``:g``'s 3.14159)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


class _Number(Kind[Number]):
    name = "number"
    label = "Type a number"
    form = "number"
    record = Number
    starter = """\
[[cards]]                           # number: type a number; `tolerance` allows a margin
id = "renaming-year"
type = "number"
prompt = "In which year did the Turkic Council become the Organization of Turkic States?"
answer = 2021
tolerance = 0
unit = ""
explanation = "The new name was adopted at the Istanbul summit in November 2021."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: Number, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.prompt, unit=card.unit)

    def expected(self, card: Number, study: StudyCard) -> str:
        return f"{number_text(card.answer)} {card.unit}".strip()

    def judge(self, card: Number, question: Question, response: Any, checking: Checking) -> Judged:
        from otsquiz.core.answers import check_number

        given = str(response)
        verdict = check_number(given, card.answer, card.tolerance, card.unit)
        return Judged(given, verdict.correct, verdict.exact)


KIND = _Number()
