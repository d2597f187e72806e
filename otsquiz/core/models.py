"""The deck format as Pydantic models: the single source of truth for what a deck may hold.

Each card kind's model lives with the kind (``otsquiz.core.kinds``); this module
assembles them with the ``[deck]`` table into ``DeckFile``. The JSON Schema that
editors use (``otsquiz schema``) is generated from these models, and the loader maps their validation errors back to lines in the TOML
source. Rules that involve several fields (a distractor repeating the answer,
duplicate ids) raise ``PydanticCustomError`` with a ``loc`` in their context,
so that the loader can point at the exact element rather than the whole card.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, StrictBool, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from otsquiz.core.cards import Deck, DeckInfo, Source, StudyCard
from otsquiz.core.kinds import CARD_TYPES, KINDS
from otsquiz.core.kinds.fields import (
    CardId,
    CardModel,
    DeckId,
    Language,
    NonEmptyText,
    OneLineText,
    Strict,
    Tag,
    Tags,
    Text,
    Texts,
    Url,
    first_repeat,
)
from otsquiz.core.limits import MAX_CARDS
from otsquiz.core.problems import key_name
from otsquiz.core.text import visible

__all__ = [
    "CARD_MODELS",
    "CARD_TYPES",
    "Card",
    "CardId",
    "CardModel",
    "DeckFile",
    "DeckId",
    "DeckTable",
    "Language",
    "NonEmptyText",
    "OneLineText",
    "SourceTable",
    "Tag",
    "Tags",
    "Text",
    "Texts",
    "Url",
    "cross_card_issues",
    "json_schema",
]

FORMAT_VERSION = 1
_Card = CardModel  # the fields every card has (the loader lists them in its messages)


class SourceTable(Strict):
    """Where the facts of a deck come from; cards name it by ``id``."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    title: OneLineText
    url: Url | None = None
    published: date | None = None


class DeckTable(Strict):
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
        repeat = first_repeat([source.id for source in self.sources])
        if repeat is not None:
            raise PydanticCustomError(
                "duplicate_source",
                "source id '{id}' is used twice",
                {"id": self.sources[repeat].id, "loc": ("sources", repeat, "id")},
            )
        return self


# Each kind's model, built now: validating a deck needs them all.
CARD_MODELS: dict[str, type[CardModel]] = {name: kind.model() for name, kind in KINDS.items()}
BasicCard, TypedCard, ChoiceCard, MultiCard, TrueFalseCard, NumberCard, ClozeCard, OrderCard, MatchCard = (
    CARD_MODELS.values()
)

if TYPE_CHECKING:
    Card = CardModel
else:
    # The kinds' models, told apart by `type` (in the documented order: the schema lists them so).
    Card = Annotated[Union[tuple(CARD_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


class DeckFile(Strict):
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

    def compile(self) -> Deck:
        """The compiled form of this deck, which the rest of otsquiz uses."""
        info = self.deck
        return Deck.build(
            DeckInfo(
                id=info.id,
                title=info.title,
                description=info.description,
                language=info.language,
                tags=tuple(info.tags),
                authors=tuple(info.authors),
                strict_diacritics=info.strict_diacritics,
                sources=tuple(Source(s.id, s.title, s.url, s.published) for s in info.sources),
            ),
            (KINDS[card.type].compile(card) for card in self.cards),
        )

    def expand(self) -> list[StudyCard]:
        return self.compile().expand()

    def answer_texts(self) -> list[str]:
        return self.compile().answer_texts()


Loc = tuple[str | int, ...]


def cross_card_issues(document: dict[str, Any]) -> Iterator[tuple[Loc, str, Loc | None]]:
    """Rules across cards (unique ids, sources that resolve), on a raw or dumped document:
    (where, what is wrong, where the first use is when the issue is a second use).

    The loader runs these on the raw document too when some card is invalid,
    so that one broken card does not hide a duplicate id elsewhere.
    """
    deck = _table(document.get("deck"))
    sources = _array(deck.get("sources"))
    source_ids: set[Any] | None = None  # built when a card first names a source: there may be millions
    cards = _array(document.get("cards"))
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


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _array(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://")) and not any(c.isspace() for c in text)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, for editors and ``otsquiz schema``."""
    schema = DeckFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
