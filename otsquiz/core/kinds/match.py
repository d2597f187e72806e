"""match: pair each left item with its right item; the rights are shuffled."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import Asked, Checking, Judged, Kind, Shuffle, shuffled_not_solved

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question


class Match(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    prompt: str
    pairs: tuple[tuple[str, str], ...]

    @property
    def question(self) -> str:
        return self.prompt

    def answer_texts(self) -> list[str]:
        return [text for pair in self.pairs for text in pair]


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, model_validator

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, OneLineText, first_repeat, located

    class MatchCard(CardModel):
        """Match each left item to its right item."""

        type: Literal["match"]
        prompt: NonEmptyText
        pairs: Annotated[list[tuple[OneLineText, OneLineText]], Field(min_length=2, max_length=10)]

        @model_validator(mode="after")
        def _distinct_sides(self) -> MatchCard:
            for side, name in ((0, "left"), (1, "right")):
                repeat = first_repeat([pair[side] for pair in self.pairs])
                if repeat is not None:
                    raise located("duplicate", f"this {name} item is listed twice", "pairs", repeat, side)
            return self

    return MatchCard


class _Match(Kind[Match]):
    name = "match"
    label = "Match the pairs"
    form = "match"
    record = Match
    starter = """\
[[cards]]                           # match: pair each left item with its right item
id = "member-capitals"
type = "match"
prompt = "Match each member state to its capital."
pairs = [
  ["Azerbaijan", "Baku"],
  ["Kazakhstan", "Astana"],
  ["Kyrgyzstan", "Bishkek"],
]
explanation = "Türkiye's capital is Ankara and Uzbekistan's is Tashkent."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def ask(self, card: Match, study: StudyCard, shuffle: Shuffle) -> Asked:
        lefts = tuple(left for left, _ in card.pairs)
        return Asked(card.prompt, shuffled_not_solved(shuffle, [right for _, right in card.pairs]), lefts)

    def expected(self, card: Match, study: StudyCard) -> str:
        return "; ".join(f"{left} → {right}" for left, right in card.pairs)

    def judge(self, card: Match, question: Question, response: Any, checking: Checking) -> Judged:
        options = question.options
        chosen = [options[i] if i is not None and 0 <= i < len(options) else "?" for i in response]
        correct = len(chosen) == len(card.pairs) and all(
            right == pair[1] for right, pair in zip(chosen, card.pairs, strict=True)
        )
        given = "; ".join(f"{left} → {right}" for left, right in zip(question.lefts, chosen, strict=False))
        return Judged(given, correct, correct)


KIND = _Match()
