"""Compiled decks: validated decks as plain, slotted dataclasses.

``models`` validates a deck with Pydantic; what the rest of otsquiz uses
(the session, the app, the plain mode, the cache) is this compiled form. It
imports nothing heavy, so a deck read back from the cache needs neither
Pydantic nor a TOML parser, and studying starts as fast as Textual allows.
Attribute names follow the deck format (``deck.deck.id``, ``card.prompt``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

_GAP = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Gap:
    """One ``{{answer}}`` or ``{{answer::hint}}`` of a cloze text."""

    index: int  # 1-based, as in the sub-card id
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


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class DeckInfo:
    id: str
    title: str
    description: str = ""
    language: str = "en"
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    strict_diacritics: bool = False
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Card:
    """A card of any type; the fields its type does not use keep their defaults."""

    type: str
    id: str | None = None
    explanation: str = ""
    hint: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    prompt: str = ""
    answer: Any = None  # text; bool for truefalse; int or float for number
    answers: tuple[str, ...] = ()
    distractors: tuple[str, ...] = ()
    accept: Any = ()  # typed: a tuple of texts; cloze: a dict from gap answer to texts
    strict: bool = False
    reverse: bool = False
    statement: str = ""
    tolerance: int | float = 0
    unit: str = ""
    text: str = ""
    items: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()

    @property
    def question(self) -> str:
        """The text that asks: prompt, statement or cloze text."""
        return self.prompt or self.statement or self.text

    @property
    def gaps(self) -> list[Gap]:
        return parse_gaps(self.text) if self.type == "cloze" else []

    def answer_texts(self) -> list[str]:
        """Every answer, choice and distractor this card holds, for the typo guard."""
        if self.type in ("basic", "typed", "choice"):
            return [self.answer, *self.accept, *self.distractors]
        if self.type == "multi":
            return [*self.answers, *self.distractors]
        if self.type == "cloze":
            texts = [gap.answer for gap in self.gaps]
            for alternatives in self.accept.values():
                texts.extend(alternatives)
            return texts
        if self.type == "match":
            return [text for pair in self.pairs for text in pair]
        return []


_CARD_FIELDS = tuple(f.name for f in fields(Card))


def content_id(card: Card) -> str:
    """The identity of a card without an id: a hash of its content (editing it loses history)."""
    content = {name: getattr(card, name) for name in _CARD_FIELDS if name != "id"}
    payload = json.dumps(content, sort_keys=True, default=str)
    return "h-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class StudyCard:
    """One thing the learner is asked: a card, one gap of a cloze, or a reversed card."""

    deck_id: str
    key: str  # progress is keyed on (deck_id, key)
    note: str  # the card id shared by siblings (gaps of one cloze, a card and its reverse)
    card: Card
    position: int  # the card's place in its deck, for the order of new cards
    gap: Gap | None = None
    reverse: bool = False

    @property
    def type(self) -> str:
        return self.card.type


@dataclass(frozen=True, slots=True)
class Deck:
    deck: DeckInfo
    cards: tuple[Card, ...]

    def expand(self) -> list[StudyCard]:
        """The cards as they are studied: one per cloze gap, and reverse cards added."""
        deck_id = self.deck.id
        expanded: list[StudyCard] = []
        for position, card in enumerate(self.cards):
            note = card.id or content_id(card)
            if card.type == "cloze":
                for gap in card.gaps:
                    expanded.append(StudyCard(deck_id, f"{note}:{gap.index}", note, card, position, gap))
                continue
            expanded.append(StudyCard(deck_id, note, note, card, position))
            if card.reverse:
                expanded.append(StudyCard(deck_id, f"{note}:reverse", note, card, position, reverse=True))
        return expanded

    def answer_texts(self) -> list[str]:
        """All answers, choices and distractors of the deck (the typo guard's ``others``)."""
        return [text for card in self.cards for text in card.answer_texts()]

    def source(self, reference: str) -> Source | None:
        """The source a card names: one of the deck's, or a bare URL."""
        if not reference:
            return None
        for source in self.deck.sources:
            if source.id == reference:
                return source
        return Source(reference, reference, reference)
