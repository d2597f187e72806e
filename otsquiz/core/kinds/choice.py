"""choice: pick the answer among shuffled options."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle, chosen_option

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Choice(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    answer: str
    distractors: tuple[str, ...]

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return [self.answer, *self.distractors]


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, model_validator

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, OneLineText, first_repeat, located, same

    class ChoiceCard(CardModel):
        """Pick the answer among shuffled options."""

        type: Literal["choice"]
        prompt: NonEmptyText
        answer: OneLineText
        distractors: Annotated[list[OneLineText], Field(min_length=1, max_length=7)]

        @model_validator(mode="after")
        def _distinct_options(self) -> ChoiceCard:
            for index, distractor in enumerate(self.distractors):
                if same(distractor, self.answer):
                    raise located("repeats_answer", "a distractor repeats the answer", "distractors", index)
            repeat = first_repeat(self.distractors)
            if repeat is not None:
                raise located("duplicate", "this distractor is listed twice", "distractors", repeat)
            return self

    return ChoiceCard


class _Choice(Kind[Choice]):
    name = "choice"
    label = "Choose one"
    form = "choice"
    record = Choice
    starter = """\
[[cards]]                           # choice: pick one of the shuffled options
id = "uzbekistan-joined"
type = "choice"
prompt = "Which state joined the Turkic Council as a full member in 2019?"
answer = "Uzbekistan"
distractors = ["Turkmenistan", "Hungary", "Tajikistan"]   # 1 to 7 wrong options, never the answer
explanation = "Uzbekistan joined at the Baku summit in October 2019."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: Choice, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.prompt, shuffle([card.answer, *card.distractors]))

    def expected(self, card: Choice, study: StudyCard) -> str:
        return card.answer

    def judge(self, card: Choice, question: Question, response: Any, checking: Checking) -> Judged:
        given, valid = chosen_option(question.options, response)
        correct = given == card.answer and valid
        return Judged(given, correct, correct)


KIND = _Choice()
