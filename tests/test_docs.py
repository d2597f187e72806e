"""The author's guide quotes bundled cards: the quotes must stay true to the decks."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import BUNDLED, REPO

GUIDE = REPO / "docs" / "authoring.md"


def bundled_cards() -> dict[str, dict[str, object]]:
    cards: dict[str, dict[str, object]] = {}
    for path in BUNDLED.glob("*.toml"):
        for card in tomllib.loads(path.read_text(encoding="utf-8"))["cards"]:
            cards[card["id"]] = card
    return cards


def test_every_card_quoted_in_the_guide_is_a_bundled_card_as_written() -> None:
    cards = bundled_cards()
    quoted = 0
    for block in re.findall(r"```toml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S):
        for card in tomllib.loads(block).get("cards", []):
            quoted += 1
            assert card["id"] in cards, f"the guide quotes {card['id']}, which no bundled deck has"
            for key, value in card.items():
                assert cards[card["id"]].get(key) == value, f"{card['id']}.{key} differs from the deck"
    assert quoted >= 9  # one example of each card type
