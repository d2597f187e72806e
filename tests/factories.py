"""Synthetic decks made with Faker, for tests and benchmarks.

``synthetic_deck(n)`` writes the TOML text of a valid deck of ``n`` cards that
cycles through all nine card types, the way a large real collection would
look. The same seed gives the same deck.
"""

from __future__ import annotations

from typing import Any

import tomli_w
from faker import Faker


def _card(fake: Faker, index: int) -> dict[str, Any]:
    kind = index % 9
    base: dict[str, Any] = {"id": f"card-{index}", "explanation": fake.sentence(), "source": "synthetic"}
    words = fake.words(nb=8, unique=True)
    prompt = f"{fake.sentence(nb_words=8).rstrip('.')} #{index}?"
    if kind == 0:
        return {**base, "type": "basic", "prompt": prompt, "answer": fake.word(), "reverse": index % 2 == 0}
    if kind == 1:
        return {**base, "type": "typed", "prompt": prompt, "answer": fake.city(), "accept": [fake.word()]}
    if kind == 2:
        return {**base, "type": "choice", "prompt": prompt, "answer": words[0], "distractors": words[1:4]}
    if kind == 3:
        return {**base, "type": "multi", "prompt": prompt, "answers": words[:2], "distractors": words[2:5]}
    if kind == 4:
        return {
            **base,
            "type": "truefalse",
            "statement": fake.sentence() + f" #{index}",
            "answer": index % 2 == 0,
        }
    if kind == 5:
        return {**base, "type": "number", "prompt": prompt, "answer": fake.random_int(1000, 2030)}
    if kind == 6:
        return {
            **base,
            "type": "cloze",
            "text": f"{fake.sentence()} {{{{{words[0]}}}}} and {{{{{words[1]}::hint}}}} #{index}",
        }
    if kind == 7:
        return {**base, "type": "order", "prompt": prompt, "items": words[:4]}
    return {**base, "type": "match", "prompt": prompt, "pairs": [[words[i], words[i + 4]] for i in range(3)]}


def synthetic_document(cards: int, seed: int = 1, deck_id: str = "synthetic") -> dict[str, Any]:
    fake = Faker()
    fake.seed_instance(seed)
    return {
        "format": 1,
        "deck": {
            "id": deck_id,
            "title": f"Synthetic deck of {cards} cards",
            "sources": [{"id": "synthetic", "title": "Made by Faker", "url": "https://example.com/"}],
        },
        "cards": [_card(fake, index) for index in range(cards)],
    }


def synthetic_deck(cards: int, seed: int = 1, deck_id: str = "synthetic") -> str:
    return tomli_w.dumps(synthetic_document(cards, seed, deck_id))
