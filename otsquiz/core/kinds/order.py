"""order: put shuffled items in order; ``items`` lists them in the right order."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle, shuffled_not_solved

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Order(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    items: tuple[str, ...]

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return []


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, model_validator

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, OneLineText, first_repeat, located

    class OrderCard(CardModel):
        """Put shuffled items in order; ``items`` lists them in the correct order."""

        type: Literal["order"]
        prompt: NonEmptyText
        items: Annotated[list[OneLineText], Field(min_length=2, max_length=10)]

        @model_validator(mode="after")
        def _distinct_items(self) -> OrderCard:
            repeat = first_repeat(self.items)
            if repeat is not None:
                raise located("duplicate", "this item is listed twice", "items", repeat)
            return self

    return OrderCard


class _Order(Kind[Order]):
    name = "order"
    label = "Put in order"
    form = "order"
    record = Order
    starter = """\
[[cards]]                           # order: list the items in the right order; they are shuffled
id = "name-chronology"
type = "order"
prompt = "Put these events in order, earliest first."
items = ["Nakhchivan Agreement signed", "Uzbekistan joins", "Renamed Organization of Turkic States"]
explanation = "2009, 2019, 2021."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: Order, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.prompt, shuffled_not_solved(shuffle, card.items))

    def expected(self, card: Order, study: StudyCard) -> str:
        return " → ".join(card.items)

    def judge(self, card: Order, question: Question, response: Any, checking: Checking) -> Judged:
        options = question.options
        given = [options[i] for i in response if 0 <= i < len(options)]
        correct = given == list(card.items)
        return Judged(" → ".join(given), correct, correct)


KIND = _Order()
