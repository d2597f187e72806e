"""cloze: a text with gaps; each ``{{gap}}`` is a question of its own (id + ':1', ':2', ...)."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from otsquiz.core.kinds.base import REVERSE, Asked, Checking, Judged, Kind, Part, Shuffle, check_text

if TYPE_CHECKING:
    from otsquiz.core.cards import StudyCard
    from otsquiz.core.kinds.fields import CardModel
    from otsquiz.core.questions import Question

GAP_MARK = "[...]"
_GAP = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_BRACES = re.compile(r"\{\{|\}\}")


class Gap(NamedTuple):
    """One ``{{answer}}`` or ``{{answer::hint}}`` of a cloze text."""

    index: int  # type: ignore[assignment]  # 1-based, as in the sub-card id; hides tuple.index, unused
    answer: str
    hint: str
    start: int
    end: int


def parse_gaps(text: str) -> list[Gap]:
    gaps = []
    for index, match in enumerate(_GAP.finditer(text), start=1):
        answer, _, hint = match.group(1).partition("::")
        gaps.append(Gap(index, answer.strip(), hint.strip(), match.start(), match.end()))
    return gaps


def brace_problem(text: str) -> tuple[int, str] | None:
    """Where and how the ``{{``/``}}`` of a cloze text do not pair up, if they do not:
    a gap never holds a brace, so ``{{x} B {{y}}`` is a mistake, not the gap "x} B {{y"."""
    opened: int | None = None
    for match in _BRACES.finditer(text):
        if match.group() == "{{":
            if opened is not None:
                return opened, "this '{{' has no closing '}}' before the next '{{' (gaps cannot nest)"
            opened = match.start()
            continue
        if opened is None:
            return match.start(), "this '}}' closes no gap: there is no '{{' before it"
        inside = text[opened + 2 : match.start()]
        if "{" in inside or "}" in inside:
            return opened, "a gap cannot hold '{' or '}': check the braces of this gap"
        opened = None
    if opened is not None:
        return opened, "this '{{' has no closing '}}'"
    return None


class Cloze(NamedTuple):
    type: str
    id: str | None
    explanation: str
    hint: str
    source: str
    tags: tuple[str, ...]
    text: str
    accept: dict[str, tuple[str, ...]]  # other right answers, keyed by the gap's answer

    @property
    def question(self) -> str:
        return self.text

    @property
    def gaps(self) -> list[Gap]:
        return parse_gaps(self.text)

    def answer_texts(self) -> list[str]:
        texts = [gap.answer for gap in self.gaps]
        for alternatives in self.accept.values():
            texts.extend(alternatives)
        return texts


def blanked(card: Cloze, index: int) -> str:
    """The cloze text with gap ``index`` blanked (or showing its hint) and the other gaps filled in."""
    pieces = []
    position = 0
    for gap in card.gaps:
        pieces.append(card.text[position : gap.start])
        if gap.index == index:
            pieces.append(f"[{gap.hint}]" if gap.hint else GAP_MARK)  # a gap's hint stands in the gap
        else:
            pieces.append(gap.answer)
        position = gap.end
    pieces.append(card.text[position:])
    return "".join(pieces)


@cache
def _model() -> type[CardModel]:
    from pydantic import Field, model_validator
    from pydantic_core import PydanticCustomError

    from otsquiz.core.kinds.fields import CardModel, NonEmptyText, OneLineText, Texts, located
    from otsquiz.core.text import visible

    class ClozeCard(CardModel):
        """A text with gaps; each gap is its own sub-card (id + ':1', ':2', ...)."""

        type: Literal["cloze"]
        text: NonEmptyText
        accept: dict[OneLineText, Texts] = Field(
            {}, description="Other correct answers, keyed by the gap's answer."
        )

        @model_validator(mode="after")
        def _gaps(self) -> ClozeCard:
            malformed = brace_problem(self.text)
            if malformed is not None:
                offset, message = malformed
                raise PydanticCustomError("bad_gap", message, {"loc": ("text",), "offset": offset})
            gaps = parse_gaps(self.text)
            if not gaps:
                raise located("no_gap", "a cloze text needs at least one {{gap}}", "text")
            for gap in gaps:
                where = {"loc": ("text",), "offset": gap.start}
                if not gap.answer:
                    raise PydanticCustomError("empty_gap", f"gap {gap.index} is empty", where)
                if any(char in f"{gap.answer}{gap.hint}" for char in "\n\t"):
                    message = f"gap {gap.index} must be one line: a newline or tab is not allowed in a gap"
                    raise PydanticCustomError("not_one_line", message, where)
            answers = {gap.answer for gap in gaps}
            for key in self.accept:
                if key not in answers:
                    raise located(
                        "unknown_gap",
                        f"accept names '{visible(key)}', which is not the answer of any gap",
                        "accept",
                        key,
                    )
            return self

        @property
        def gaps(self) -> list[Gap]:
            return parse_gaps(self.text)

    return ClozeCard


class _Cloze(Kind[Cloze]):
    name = "cloze"
    label = "Fill the gap"
    form = "text"
    record = Cloze
    starter = """\
[[cards]]                           # cloze: each {{gap}} becomes its own question (id:1, id:2, ...)
id = "founding-cloze"
type = "cloze"
text = "The Turkic Council was founded by the {{Nakhchivan::a city}} Agreement in {{2009}}."
accept = { "Nakhchivan" = ["Naxçıvan"] }   # per gap: other right answers
explanation = "It was renamed the Organization of Turkic States in 2021."
source = "ots-site"
"""

    def model(self) -> type[CardModel]:
        return _model()

    def parts(self, card: Cloze) -> tuple[Part, ...]:
        return tuple(Part(f":{gap.index}", min(gap.index, REVERSE - 1)) for gap in card.gaps)

    def ask(self, card: Cloze, study: StudyCard, shuffle: Shuffle) -> Asked:
        return Asked(blanked(card, _gap(study).index))

    def expected(self, card: Cloze, study: StudyCard) -> str:
        return _gap(study).answer

    def judge(self, card: Cloze, question: Question, response: Any, checking: Checking) -> Judged:
        gap = _gap(question.study)
        return check_text(str(response), gap.answer, card.accept.get(gap.answer, []), False, checking)


def _gap(study: StudyCard) -> Gap:
    gap = study.gap
    assert gap is not None, "a cloze is studied one gap at a time"
    return gap


KIND = _Cloze()
