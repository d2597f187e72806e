"""Guards on the content of the bundled decks: complete, sourced, and without contradictions."""

from __future__ import annotations

import unicodedata

import pytest

from otsquiz.core.library import load_decks
from otsquiz.core.models import CARD_TYPES, ChoiceCard, Deck, MultiCard
from tests.conftest import BUNDLED

RESULTS = load_decks([BUNDLED], use_cache=False)
DECKS: list[Deck] = [result.deck for result in RESULTS if result.deck is not None]
CARDS = [(deck, card) for deck in DECKS for card in deck.cards]


def same_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).strip(" .?!")


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: r.path.rsplit("/", 1)[-1])
def test_every_bundled_deck_loads_without_errors_or_warnings(result) -> None:  # type: ignore[no-untyped-def]
    assert result.deck is not None
    assert [p.format() for p in result.problems] == []


def test_the_bundle_covers_the_subject() -> None:
    assert len(DECKS) >= 8
    assert len(CARDS) >= 250
    assert {card.type for _, card in CARDS} == set(CARD_TYPES)


def test_every_card_has_an_id_an_explanation_and_a_source_that_resolves() -> None:
    for deck, card in CARDS:
        where = f"{deck.deck.id}/{card.id}"
        sources = {source.id: source for source in deck.deck.sources}
        assert card.id, where
        assert len(card.explanation.strip()) >= 20, f"{where}: the explanation should teach something"
        assert card.source in sources, f"{where}: source {card.source!r} is not in the deck's sources"
        source = sources[card.source]
        assert source.title.strip(), where
        assert source.url or source.id == "coffey-2026" or "general" in source.id, (
            f"{where}: a source needs a URL, or is the article"
        )


def test_no_two_cards_in_the_bundle_share_a_prompt() -> None:
    seen: dict[str, str] = {}
    for deck, card in CARDS:
        question = same_text(card.question)
        where = f"{deck.deck.id}/{card.id}"
        assert question not in seen, f"{where} asks the same as {seen.get(question)}"
        seen[question] = where


def test_no_choice_repeats_its_answer_among_its_options() -> None:
    for deck, card in CARDS:
        where = f"{deck.deck.id}/{card.id}"
        if isinstance(card, ChoiceCard):
            options = [same_text(card.answer), *(same_text(d) for d in card.distractors)]
        elif isinstance(card, MultiCard):
            options = [*(same_text(a) for a in card.answers), *(same_text(d) for d in card.distractors)]
        else:
            continue
        assert len(options) == len(set(options)), where


def test_deck_ids_and_card_ids_are_unique() -> None:
    assert len({deck.deck.id for deck in DECKS}) == len(DECKS)
    for deck in DECKS:
        ids = [card.id for card in deck.cards]
        assert len(ids) == len(set(ids)), deck.deck.id


def test_every_deck_uses_a_variety_of_card_types() -> None:
    for deck in DECKS:
        assert len({card.type for card in deck.cards}) >= 6, deck.deck.id
