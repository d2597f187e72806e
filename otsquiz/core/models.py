"""The deck format as Pydantic models: the single source of truth for what a deck may hold.

The JSON Schema that editors use (``otsquiz schema``) is generated from these
models, and the loader maps their validation errors back to lines in the TOML
source. Rules that involve several fields (a distractor repeating the answer,
duplicate ids) raise ``PydanticCustomError`` with a ``loc`` in their context,
so that the loader can point at the exact element rather than the whole card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from otsquiz.core import cards
from otsquiz.core.answers import normalize
from otsquiz.core.cards import brace_problem, parse_gaps
from otsquiz.core.limits import MAX_CARDS, MAX_TEXT
from otsquiz.core.problems import key_name
from otsquiz.core.text import UNSAFE, visible

FORMAT_VERSION = 1

# Terminal escape sequences, other control characters and the format characters that
# reorder or hide text never reach the screen from a deck: the characters ``visible``
# spells out, but newlines and tabs, which are ordinary deck text. The zero-width
# joiners (emoji, Persian spelling) are text too.
_CONTROL = re.compile(rf"(?![\n\t]){UNSAFE.pattern}")


def _plain_text(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise PydanticCustomError(
            "control_character",
            "text contains the control character U+{code} (terminal escape sequences and "
            "control characters are not allowed in deck text)",
            {"code": f"{ord(match.group()):04X}"},
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank: it holds only spaces")
    return value


def _one_line(value: str) -> str:
    # Options, answers, items and pairs are listed one per line (the plain mode numbers them).
    if "\n" in value or "\t" in value:
        which = "newline" if "\n" in value else "tab"
        raise PydanticCustomError(
            "not_one_line",
            "must be one line: a {which} is not allowed here (answers, options, items, pairs, "
            "accept entries and tags are shown one per line)",
            {"which": which},
        )
    return value


# The schema says what the validators check: some character that is not a space, and
# for one-line text no newline or tab.
_NOT_BLANK = r"\S"
_ONE_LINE = r"^[^\n\t]*\S[^\n\t]*$"

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_plain_text)]
NonEmptyText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(_plain_text),
    AfterValidator(_not_blank),
    Field(json_schema_extra={"pattern": _NOT_BLANK}),
]
OneLineText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(_plain_text),
    AfterValidator(_not_blank),
    AfterValidator(_one_line),
    Field(json_schema_extra={"pattern": _ONE_LINE}),
]
DeckId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")]
CardId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,127}$")]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_plain_text),
    AfterValidator(_not_blank),
    AfterValidator(_one_line),
    Field(json_schema_extra={"pattern": _ONE_LINE}),
]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2_000)]
Language = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
# A list the format does not bound stops at its first bad item (fail_fast): a hostile deck
# of millions of bad tags costs one error, not millions. The schema is unchanged.
Tags = Annotated[list[Tag], Field(fail_fast=True)]
Texts = Annotated[list[OneLineText], Field(fail_fast=True)]


def _located(kind: str, message: str, *loc: str | int) -> PydanticCustomError:
    """An error whose position is ``loc`` below the model that raised it."""
    return PydanticCustomError(kind, message, {"loc": loc})


def _option_key(text: str) -> str:
    """What a learner tells options apart by: the answer rules' exact form (case, spacing, a
    leading article and surrounding punctuation ignored; "İ" folded as in every non-Turkic text)."""
    return normalize(text)


def _first_repeat(values: list[str]) -> int | None:
    """Index of the first value that repeats an earlier one, as a learner would see it."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        key = _option_key(value)
        if key in seen:
            return index
        seen.add(key)
    return None


def _same(a: str, b: str) -> bool:
    return _option_key(a) == _option_key(b)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SourceTable(_Strict):
    """Where the facts of a deck come from; cards name it by ``id``."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    title: OneLineText
    url: Url | None = None
    published: date | None = None


class DeckTable(_Strict):
    """The ``[deck]`` table."""

    id: DeckId = Field(description="Slug: a-z, 0-9 and '-', 2-64 characters, unique among loaded decks.")
    title: OneLineText
    description: Text = ""
    language: Language = Field("en", description="BCP 47 tag; answer matching follows its case rules.")
    tags: Tags = []
    authors: Texts = []
    strict_diacritics: StrictBool = Field(
        False, description="When true, a missing diacritic makes a typed answer wrong."
    )
    sources: Annotated[list[SourceTable], Field(fail_fast=True)] = []

    @model_validator(mode="after")
    def _unique_sources(self) -> DeckTable:
        repeat = _first_repeat([source.id for source in self.sources])
        if repeat is not None:
            raise PydanticCustomError(
                "duplicate_source",
                "source id '{id}' is used twice",
                {"id": self.sources[repeat].id, "loc": ("sources", repeat, "id")},
            )
        return self


class _Card(_Strict):
    id: CardId | None = Field(
        None,
        description="Stable slug, unique in the deck; progress is keyed on it. `otsquiz fix` writes one in.",
    )
    explanation: Text = ""
    hint: Text = ""
    source: Annotated[str, StringConstraints(max_length=2_000)] = Field(
        "", description="The id of one of the deck's sources, or a URL."
    )
    tags: Tags = []


class BasicCard(_Card):
    """Flip, then rate yourself."""

    type: Literal["basic"]
    prompt: NonEmptyText
    answer: NonEmptyText
    reverse: StrictBool = Field(
        False, description="Also ask the answer, expecting the prompt (id + ':reverse')."
    )


class TypedCard(_Card):
    """Type the answer; graded by the matching rules."""

    type: Literal["typed"]
    prompt: NonEmptyText
    answer: OneLineText
    accept: Texts = Field([], description="Other answers that count as correct.")
    strict: StrictBool = Field(False, description="Turn off typo and diacritic tolerance.")


class ChoiceCard(_Card):
    """Pick the answer among shuffled options."""

    type: Literal["choice"]
    prompt: NonEmptyText
    answer: OneLineText
    distractors: Annotated[list[OneLineText], Field(min_length=1, max_length=7)]

    @model_validator(mode="after")
    def _distinct_options(self) -> ChoiceCard:
        for index, distractor in enumerate(self.distractors):
            if _same(distractor, self.answer):
                raise _located("repeats_answer", "a distractor repeats the answer", "distractors", index)
        repeat = _first_repeat(self.distractors)
        if repeat is not None:
            raise _located("duplicate", "this distractor is listed twice", "distractors", repeat)
        return self


class MultiCard(_Card):
    """Select all that apply; correct only if the selection is exact."""

    type: Literal["multi"]
    prompt: NonEmptyText
    answers: Annotated[list[OneLineText], Field(min_length=1, max_length=20)]
    distractors: Annotated[list[OneLineText], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _distinct_options(self) -> MultiCard:
        repeat = _first_repeat(self.answers)
        if repeat is not None:
            raise _located("duplicate", "this answer is listed twice", "answers", repeat)
        for index, distractor in enumerate(self.distractors):
            if any(_same(distractor, answer) for answer in self.answers):
                raise _located("repeats_answer", "a distractor repeats an answer", "distractors", index)
        repeat = _first_repeat(self.distractors)
        if repeat is not None:
            raise _located("duplicate", "this distractor is listed twice", "distractors", repeat)
        return self


class TrueFalseCard(_Card):
    """Say whether a statement is true."""

    type: Literal["truefalse"]
    statement: NonEmptyText
    answer: StrictBool


class NumberCard(_Card):
    """Type a number; correct when within the tolerance."""

    type: Literal["number"]
    prompt: NonEmptyText
    answer: StrictInt | StrictFloat
    tolerance: Annotated[StrictInt | StrictFloat, Field(ge=0)] = 0
    unit: Annotated[str, StringConstraints(max_length=64), AfterValidator(_plain_text)] = ""


class ClozeCard(_Card):
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
            raise _located("no_gap", "a cloze text needs at least one {{gap}}", "text")
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
                raise _located(
                    "unknown_gap",
                    f"accept names '{visible(key)}', which is not the answer of any gap",
                    "accept",
                    key,
                )
        return self

    @property
    def gaps(self) -> list[cards.Gap]:
        return parse_gaps(self.text)


class OrderCard(_Card):
    """Put shuffled items in order; ``items`` lists them in the correct order."""

    type: Literal["order"]
    prompt: NonEmptyText
    items: Annotated[list[OneLineText], Field(min_length=2, max_length=10)]

    @model_validator(mode="after")
    def _distinct_items(self) -> OrderCard:
        repeat = _first_repeat(self.items)
        if repeat is not None:
            raise _located("duplicate", "this item is listed twice", "items", repeat)
        return self


class MatchCard(_Card):
    """Match each left item to its right item."""

    type: Literal["match"]
    prompt: NonEmptyText
    pairs: Annotated[list[tuple[OneLineText, OneLineText]], Field(min_length=2, max_length=10)]

    @model_validator(mode="after")
    def _distinct_sides(self) -> MatchCard:
        for side, name in ((0, "left"), (1, "right")):
            repeat = _first_repeat([pair[side] for pair in self.pairs])
            if repeat is not None:
                raise _located("duplicate", f"this {name} item is listed twice", "pairs", repeat, side)
        return self


Card = Annotated[
    BasicCard
    | TypedCard
    | ChoiceCard
    | MultiCard
    | TrueFalseCard
    | NumberCard
    | ClozeCard
    | OrderCard
    | MatchCard,
    Field(discriminator="type"),
]

CARD_MODELS: dict[str, type[_Card]] = {
    "basic": BasicCard,
    "typed": TypedCard,
    "choice": ChoiceCard,
    "multi": MultiCard,
    "truefalse": TrueFalseCard,
    "number": NumberCard,
    "cloze": ClozeCard,
    "order": OrderCard,
    "match": MatchCard,
}
CARD_TYPES = cards.CARD_TYPES


class DeckFile(_Strict):
    """A whole deck file, as validated (``compile`` gives the ``cards.Deck`` the rest of otsquiz uses)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        title="otsquiz deck",
        json_schema_extra={"$id": "https://otsquiz.invalid/deck-format-1.schema.json"},
    )

    format: Literal[1] = Field(description="The deck format version.")
    deck: DeckTable
    cards: Annotated[list[Card], Field(max_length=MAX_CARDS)] = []

    @model_validator(mode="after")
    def _cross_card_rules(self) -> DeckFile:
        outline = {
            "deck": {"sources": [{"id": source.id} for source in self.deck.sources]},
            "cards": [{"id": card.id, "source": card.source} for card in self.cards],
        }
        for loc, message, first in cross_card_issues(outline):
            if first is not None:
                message += f" (first used by {key_name(first[:2])})"
            raise PydanticCustomError("deck_rule", message, {"loc": loc})
        return self

    def compile(self) -> cards.Deck:
        """The compiled form of this deck, which the rest of otsquiz uses."""
        info = self.deck
        return cards.Deck.build(
            cards.DeckInfo(
                id=info.id,
                title=info.title,
                description=info.description,
                language=info.language,
                tags=tuple(info.tags),
                authors=tuple(info.authors),
                strict_diacritics=info.strict_diacritics,
                sources=tuple(cards.Source(s.id, s.title, s.url, s.published) for s in info.sources),
            ),
            (_compile_card(card) for card in self.cards),
        )

    def expand(self) -> list[cards.StudyCard]:
        return self.compile().expand()

    def answer_texts(self) -> list[str]:
        return self.compile().answer_texts()


def _frozen(value: Any) -> Any:
    """Lists as tuples (and inside dicts), so that compiled cards are immutable."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def _compile_card(card: _Card) -> cards.Card:
    return cards.Card(**{name: _frozen(value) for name, value in card.__dict__.items()})


Loc = tuple[str | int, ...]


def cross_card_issues(document: dict[str, Any]) -> Iterator[tuple[Loc, str, Loc | None]]:
    """Rules across cards (unique ids, sources that resolve), on a raw or dumped document:
    (where, what is wrong, where the first use is when the issue is a second use).

    The loader runs these on the raw document too when some card is invalid,
    so that one broken card does not hide a duplicate id elsewhere.
    """
    deck = document.get("deck") if isinstance(document.get("deck"), dict) else {}
    sources = deck.get("sources") if isinstance(deck.get("sources"), list) else []
    source_ids: set[Any] | None = None  # built when a card first names a source: there may be millions
    cards = document.get("cards") if isinstance(document.get("cards"), list) else []
    seen: dict[str, int] = {}
    for index, card in enumerate(cards):
        if not isinstance(card, dict):
            continue
        card_id = card.get("id")
        if isinstance(card_id, str):
            if card_id in seen:
                first = ("cards", seen[card_id], "id")
                yield ("cards", index, "id"), f"duplicate id '{visible(card_id)}'", first
            else:
                seen[card_id] = index
        source = card.get("source")
        if not isinstance(source, str) or not source or _is_url(source):
            continue
        if source_ids is None:
            source_ids = {source.get("id") for source in sources if isinstance(source, dict)}
        if source not in source_ids:
            yield (
                ("cards", index, "source"),
                f"source '{visible(source)}' is neither a URL nor the id of one of the deck's sources",
                None,
            )


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://")) and not any(c.isspace() for c in text)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, for editors and ``otsquiz schema``."""
    schema = DeckFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
