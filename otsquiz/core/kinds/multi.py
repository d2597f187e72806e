"""multi: select all that apply; right only if the selection is exact."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Multi(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    answers: tuple[str, ...]
    distractors: tuple[str, ...]

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return [*self.answers, *self.distractors]


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, model_validator

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, OneLineText, first_repeat, located, same

    class MultiCard(CardModel):
        """Select all that apply; correct only if the selection is exact."""

        type: Literal["multi"]
        prompt: NonEmptyText
        answers: Annotated[list[OneLineText], Field(min_length=1, max_length=20)]
        distractors: Annotated[list[OneLineText], Field(min_length=1, max_length=20)]

        @model_validator(mode="after")
        def _distinct_options(self) -> MultiCard:
            repeat = first_repeat(self.answers)
            if repeat is not None:
                raise located("duplicate", "this answer is listed twice", "answers", repeat)
            for index, distractor in enumerate(self.distractors):
                if any(same(distractor, answer) for answer in self.answers):
                    raise located("repeats_answer", "a distractor repeats an answer", "distractors", index)
            repeat = first_repeat(self.distractors)
            if repeat is not None:
                raise located("duplicate", "this distractor is listed twice", "distractors", repeat)
            return self

    return MultiCard


class _Multi(Kind[Multi]):
    name = "multi"
    label = "Choose all that apply"
    form = "multi"
    record = Multi
    starter = """\
[[cards]]                           # multi: select all that apply
id = "founding-members"
type = "multi"
prompt = "Which states signed the Nakhchivan Agreement in 2009?"
answers = ["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye"]
distractors = ["Uzbekistan", "Turkmenistan"]
explanation = "Uzbekistan joined later, in 2019; Turkmenistan is an observer."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: Multi, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(card.prompt, shuffle([*card.answers, *card.distractors]))

    def expected(self, card: Multi, study: StudyCard) -> str:
        return ", ".join(card.answers)

    def judge(self, card: Multi, question: Question, response: Any, checking: Checking) -> Judged:
        options = question.options
        chosen = {options[i] for i in response if 0 <= i < len(options)}
        correct = chosen == set(card.answers)
        given = ", ".join(option for option in options if option in chosen) or "(nothing)"
        return Judged(given, correct, correct)


KIND = _Multi()
