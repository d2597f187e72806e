"""Compiled decks: validated decks as plain, immutable records.

``models`` validates a deck with Pydantic; what the rest of otsquiz uses
(the session, the app, the plain mode, the cache) is this compiled form. It
imports nothing heavy, so a deck read back from the cache needs neither
Pydantic nor a TOML parser, and studying starts as fast as Textual allows.
Attribute names follow the deck format (``deck.info.id`` for the ``[deck]`` table, ``card.prompt``).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from array import array
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from otsquiz.core.kinds import CARD_TYPES, KINDS
from otsquiz.core.kinds.base import REVERSE, WHOLE

if TYPE_CHECKING:
    from otsquiz.core.kinds.basic import Basic
    from otsquiz.core.kinds.choice import Choice
    from otsquiz.core.kinds.cloze import Cloze, Gap
    from otsquiz.core.kinds.match import Match
    from otsquiz.core.kinds.multi import Multi
    from otsquiz.core.kinds.number import Number
    from otsquiz.core.kinds.order import Order
    from otsquiz.core.kinds.truefalse import TrueFalse
    from otsquiz.core.kinds.typed import Typed

    # A compiled card: the record of its kind (``otsquiz.core.kinds``). A name for the type
    # checker only: at run time each kind's module is imported when a card of it is read.
    Card = Basic | Typed | Choice | Multi | TrueFalse | Number | Cloze | Order | Match

__all__ = [
    "CARD_TYPES",
    "REVERSE",
    "WHOLE",
    "Deck",
    "DeckInfo",
    "Source",
    "StudyCard",
    "content_id",
]

# The records here are NamedTuples rather than dataclasses: a NamedTuple class is
# built several times faster, and these classes are built on every start.


class Source(NamedTuple):
    id: str
    title: str
    url: str | None = None
    published: date | None = None


class DeckInfo(NamedTuple):
    id: str
    title: str
    description: str = ""
    language: str = "en"
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    strict_diacritics: bool = False
    sources: tuple[Source, ...] = ()


# The fields of the one record every card had before each kind had its own, with their
# defaults. A card without an id is known by a hash of all of them, so they stay in the
# hash as they were: a card's key, and with it the learner's progress, never changes.
_HASHED_FIELDS: dict[str, Any] = {
    "type": "",
    "explanation": "",
    "hint": "",
    "source": "",
    "tags": (),
    "prompt": "",
    "answer": None,
    "answers": (),
    "distractors": (),
    "accept": (),
    "strict": False,
    "reverse": False,
    "statement": "",
    "tolerance": 0,
    "unit": "",
    "text": "",
    "items": (),
    "pairs": (),
}


def content_id(card: Card) -> str:
    """The identity of a card without an id: a hash of its content (editing it loses history)."""
    content = {**_HASHED_FIELDS, **card._asdict()}
    del content["id"]
    payload = json.dumps(content, sort_keys=True, default=str)
    return "h-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


class StudyCard:
    """One thing the learner is asked: a card, one gap of a cloze, or a reversed card.

    Its card is decoded from the deck only when something reads it, so that
    a queue of thousands of study cards costs little to build.
    """

    __slots__ = ("_deck", "_index")

    def __init__(self, deck: Deck, index: int) -> None:
        self._deck = deck
        self._index = index  # its place in the deck's outline

    @property
    def deck_id(self) -> str:
        return self._deck.info.id

    @property
    def key(self) -> str:
        """Progress is keyed on ``(deck_id, key)``."""
        return self._deck.keys[self._index]

    @property
    def note(self) -> str:
        """The card id siblings share (a cloze's gaps, a card and its reverse)."""
        return self._deck.notes[self._index]

    @property
    def position(self) -> int:
        """The card's place in its deck."""
        return self._deck.positions[self._index]

    @property
    def _part(self) -> int:
        return self._deck.parts[self._index]

    @property
    def card(self) -> Card:
        return self._deck.card(self.position)

    @property
    def type(self) -> str:
        return self._deck.types[self.position]

    @property
    def gap(self) -> Gap | None:
        if self._part in (WHOLE, REVERSE):
            return None
        from otsquiz.core.kinds.cloze import Cloze  # loaded already: this card is one

        card = self.card
        return card.gaps[self._part - 1] if isinstance(card, Cloze) else None

    @property
    def reverse(self) -> bool:
        return self._part == REVERSE

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StudyCard) and (self.deck_id, self.key) == (other.deck_id, other.key)

    def __hash__(self) -> int:
        return hash((self.deck_id, self.key))

    def __repr__(self) -> str:
        return f"StudyCard({self.deck_id!r}, {self.key!r})"


def _expect(values: Any, kinds: tuple[Any, ...]) -> None:
    if len(values) != len(kinds) or not all(isinstance(v, k) for v, k in zip(values, kinds, strict=True)):
        raise ValueError("a value of the wrong type")


def _expect_texts(*groups: object) -> None:
    for group in groups:
        if not isinstance(group, tuple):
            raise ValueError("not a tuple of texts")
        "".join(group)  # TypeError for anything but texts; in C, the fastest check there is


def _encode(card: Card) -> bytes:
    return marshal.dumps(tuple(card))


def _decode(blob: bytes) -> Card:
    values = marshal.loads(blob)
    record: Card = KINDS[values[0]].record(*values)  # a record's first field is its type
    return record


class Deck:
    """A compiled deck: its ``[deck]`` table, its cards, and the outline of what is studied.

    Built to open fast however large it is: the cards are kept encoded and
    decoded one by one when asked for, and the outline (every study card's
    key, note and place) is ready without touching them. Only the cards a
    session shows are ever decoded.
    """

    __slots__ = (
        "_cards",
        "_data",
        "_index",
        "_offsets",
        "info",
        "keys",
        "notes",
        "parts",
        "positions",
        "types",
    )

    def __init__(
        self,
        deck: DeckInfo,
        data: bytes,
        offsets: array[int],
        keys: tuple[str, ...],
        notes: tuple[str, ...],
        positions: array[int],
        parts: array[int],
        types: tuple[str, ...],
    ) -> None:
        self.info = deck
        # Every card encoded, end to end: one object to read back, whatever the deck's size.
        self._data = data
        self._offsets = offsets  # card n is data[offsets[n]:offsets[n + 1]]
        self.keys = keys  # one per study card, in deck order
        self.notes = notes
        self.positions = positions  # the card each study card comes from
        self.parts = parts  # WHOLE, REVERSE or a gap number
        self.types = types  # each card's type
        self._cards: list[Card | None] = [None] * (len(offsets) - 1)
        self._index: dict[str, int] | None = None

    @classmethod
    def build(cls, deck: DeckInfo, cards: Iterable[Card]) -> Deck:
        blobs, keys, notes, positions, parts, types = [], [], [], array("I"), array("H"), []
        offsets = array("Q", [0])
        for position, card in enumerate(cards):
            blob = _encode(card)
            blobs.append(blob)
            offsets.append(offsets[-1] + len(blob))
            types.append(sys.intern(card.type))
            note = card.id or content_id(card)
            for suffix, part in KINDS[card.type].parts(card):
                keys.append(note + suffix if suffix else note)
                notes.append(note)
                positions.append(position)
                parts.append(part)
        return cls(deck, b"".join(blobs), offsets, tuple(keys), tuple(notes), positions, parts, tuple(types))

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable for tools; the deck cache never pickles (see to_plain, from_plain).
        return (
            Deck,
            (
                self.info,
                self._data,
                self._offsets,
                self.keys,
                self.notes,
                self.positions,
                self.parts,
                self.types,
            ),
        )

    def to_plain(self) -> tuple[Any, ...]:
        """This deck as plain values only (tuples, str, bytes, int, bool, None), for ``marshal``."""
        info = self.info
        sources = tuple(
            (s.id, s.title, s.url, s.published.isoformat() if s.published else None) for s in info.sources
        )
        return (
            (*info[:-1], sources),
            self._data,
            self._offsets.tobytes(),
            self.keys,
            self.notes,
            self.positions.tobytes(),
            self.parts.tobytes(),
            self.types,
        )

    @classmethod
    def from_plain(cls, plain: object) -> Deck:
        """The deck ``to_plain`` gave; ValueError or TypeError when ``plain`` is not of that shape."""
        if not isinstance(plain, tuple) or len(plain) != 8:
            raise ValueError("not a compiled deck")
        info, data, offsets_bytes, keys, notes, positions_bytes, parts_bytes, types = plain
        if not (isinstance(info, tuple) and len(info) == len(DeckInfo._fields)):
            raise ValueError("not a deck table")
        *fields, sources = info
        _expect(fields, (str, str, str, str, tuple, tuple, bool))
        _expect_texts(fields[4], fields[5], keys, notes, types)
        if not isinstance(sources, tuple):
            raise ValueError("not a list of sources")
        for source in sources:
            if not isinstance(source, tuple):
                raise ValueError("not a source")
            _expect(source, (str, str, (str, type(None)), (str, type(None))))
        deck_info = DeckInfo._make(
            [*fields, tuple(Source(i, t, u, date.fromisoformat(p) if p else None) for i, t, u, p in sources)]
        )
        if not isinstance(data, bytes):
            raise ValueError("not card data")
        offsets, positions, parts = array("Q"), array("I"), array("H")
        offsets.frombytes(offsets_bytes)  # TypeError or ValueError for anything but whole items
        positions.frombytes(positions_bytes)
        parts.frombytes(parts_bytes)
        cards = len(offsets) - 1
        if (
            cards < 0
            or cards != len(types)
            or offsets[0] != 0
            or offsets[-1] != len(data)
            or not len(keys) == len(notes) == len(positions) == len(parts)
            or (positions and max(positions) >= cards)
        ):
            raise ValueError("the parts of a compiled deck do not agree")
        return cls(deck_info, data, offsets, keys, notes, positions, parts, types)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Deck) and self.__reduce__()[1] == other.__reduce__()[1]

    def __hash__(self) -> int:
        return hash((self.info, self.keys))

    def type_of(self, index: int) -> str:
        """The card type of study card ``index``, without decoding the card."""
        return self.types[self.positions[index]]

    def card(self, position: int) -> Card:
        card = self._cards[position]
        if card is None:
            start, end = self._offsets[position], self._offsets[position + 1]
            card = self._cards[position] = _decode(self._data[start:end])
        return card

    @property
    def cards(self) -> list[Card]:
        """Every card, decoded (fine for small decks; large ones use ``card`` and ``study``)."""
        return [self.card(position) for position in range(len(self._cards))]

    def __len__(self) -> int:
        return len(self._cards)

    def study(self, index: int) -> StudyCard:
        """Study card ``index`` of the outline."""
        return StudyCard(self, index)

    def index_of(self, key: str) -> int | None:
        """The outline index of the study card ``key`` (None if the deck has no such card)."""
        if self._index is None:
            self._index = dict(zip(self.keys, range(len(self.keys)), strict=True))
        return self._index.get(key)

    def expand(self) -> list[StudyCard]:
        """The cards as they are studied: one per cloze gap, and reverse cards added."""
        return [self.study(index) for index in range(len(self.keys))]

    def answer_texts(self) -> list[str]:
        """All answers, choices and distractors of the deck (the typo guard's ``others``)."""
        return [text for position in range(len(self._cards)) for text in self.card(position).answer_texts()]

    def source(self, reference: str) -> Source | None:
        """The source a card names: one of the deck's, or a bare URL."""
        if not reference:
            return None
        for source in self.info.sources:
            if source.id == reference:
                return source
        return Source(reference, reference, reference)
