"""The deck models: every card type valid and invalid, expansion and ids."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from otsquiz.core.cards import content_id
from otsquiz.core.models import CARD_TYPES, DeckFile

VALID_CARDS: dict[str, dict[str, Any]] = {
    "basic": {"prompt": "Where is the Secretariat?", "answer": "Istanbul", "reverse": True},
    "typed": {
        "prompt": "Capital of Kazakhstan?",
        "answer": "Astana",
        "accept": ["Nur-Sultan"],
        "strict": False,
    },
    "choice": {
        "prompt": "Joined in 2019?",
        "answer": "Uzbekistan",
        "distractors": ["Hungary", "Turkmenistan"],
    },
    "multi": {"prompt": "Founders?", "answers": ["Azerbaijan", "Türkiye"], "distractors": ["Hungary"]},
    "truefalse": {"statement": "Hungary is an observer.", "answer": True},
    "number": {"prompt": "Year of Nakhchivan?", "answer": 2009, "tolerance": 0, "unit": ""},
    "cloze": {
        "text": "Signed in {{Nakhchivan::a city}} in {{2009}}.",
        "accept": {"Nakhchivan": ["Naxçıvan"]},
    },
    "order": {"prompt": "Earliest first", "items": ["2009", "2019", "2021"]},
    "match": {"prompt": "Capitals", "pairs": [["Kazakhstan", "Astana"], ["Kyrgyzstan", "Bishkek"]]},
}

# type -> (change to a valid card, the field the error names)
INVALID_CARDS: dict[str, list[tuple[dict[str, Any], str]]] = {
    "basic": [({"prompt": ""}, "prompt"), ({"reverse": "yes"}, "reverse")],
    "typed": [({"accept": "Nur-Sultan"}, "accept"), ({"answer": None}, "answer")],
    "choice": [({"distractors": []}, "distractors"), ({"distractors": ["uzbekistan"]}, "distractors")],
    "multi": [({"answers": []}, "answers"), ({"distractors": ["Türkiye"]}, "distractors")],
    "truefalse": [({"answer": "true"}, "answer"), ({"statement": "x" * 4001}, "statement")],
    "number": [
        ({"answer": "2009"}, "answer"),
        ({"tolerance": -0.5}, "tolerance"),
        ({"answer": True}, "answer"),
    ],
    "cloze": [
        ({"text": "no gaps"}, "text"),
        ({"text": "{{}} empty"}, "text"),
        ({"accept": {"x": ["y"]}}, "accept"),
    ],
    "order": [
        ({"items": ["one"]}, "items"),
        ({"items": ["a", "A"]}, "items"),
        ({"items": [str(i) for i in range(11)]}, "items"),
    ],
    "match": [
        ({"pairs": [["a", "b"]]}, "pairs"),
        ({"pairs": [["a", "b"], ["a", "c"]]}, "pairs"),
        ({"pairs": [["a"], ["b", "c"]]}, "pairs"),
    ],
}


def deck(*cards: dict[str, Any], **deck_fields: Any) -> dict[str, Any]:
    return {
        "format": 1,
        "deck": {"id": "test-deck", "title": "Test", "sources": [{"id": "src", "title": "S"}], **deck_fields},
        "cards": list(cards),
    }


def card(kind: str, **changes: Any) -> dict[str, Any]:
    return {"id": f"{kind}-card", "type": kind, **VALID_CARDS[kind], **changes}


@pytest.mark.parametrize("kind", CARD_TYPES)
def test_every_card_type_validates(kind: str) -> None:
    model = DeckFile.model_validate(deck(card(kind, explanation="Why.", source="src", tags=["t"])))
    assert model.cards[0].type == kind


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [(kind, change, field) for kind, cases in INVALID_CARDS.items() for change, field in cases],
)
def test_every_card_type_rejects_invalid_fields(kind: str, change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        DeckFile.model_validate(deck(card(kind, **change)))
    locations = [(*error["loc"], *(error.get("ctx") or {}).get("loc", ())) for error in raised.value.errors()]
    assert any(field in location for location in locations), locations


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("choice", {"answer": "İstanbul", "distractors": ["ISTANBUL", "Ankara"]}, "repeats the answer"),
        ("choice", {"answer": "Caspian Sea", "distractors": ["The Caspian Sea", "Aral Sea"]}, "repeats"),
        ("multi", {"answers": ["Baku", "Astana"], "distractors": ["baku."]}, "repeats an answer"),
        ("order", {"items": ["Baku", "Astana", "BAKU"]}, "twice"),
    ],
)
def test_options_a_learner_could_not_tell_apart_are_errors(
    kind: str, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        DeckFile.model_validate(deck(card(kind, **change)))


@pytest.mark.parametrize("kind", CARD_TYPES)
def test_unknown_keys_are_errors(kind: str) -> None:
    with pytest.raises(ValidationError, match="extra"):
        DeckFile.model_validate(deck(card(kind, promt="typo")))


def test_deck_rules() -> None:
    with pytest.raises(ValidationError):
        DeckFile.model_validate(deck(id="A"))
    with pytest.raises(ValidationError):
        DeckFile.model_validate(deck(language="not a tag"))
    with pytest.raises(ValidationError, match="used twice"):
        DeckFile.model_validate(deck(sources=[{"id": "s", "title": "a"}, {"id": "s", "title": "b"}]))
    with pytest.raises(ValidationError, match=r"duplicate id 'basic-card' \(first used by cards\[0\]\)"):
        DeckFile.model_validate(deck(card("basic"), card("basic")))
    with pytest.raises(ValidationError, match="neither a URL"):
        DeckFile.model_validate(deck(card("basic", source="nowhere")))
    assert DeckFile.model_validate(deck(card("basic", source="https://example.com/page"))).cards[0].source


def test_number_answers_may_be_floats_but_not_infinite() -> None:
    assert DeckFile.model_validate(deck(card("number", answer=1.6, tolerance=0.1))).cards[0].answer == 1.6
    with pytest.raises(ValidationError):
        DeckFile.model_validate(deck(card("number", answer=float("inf"))))


def test_expansion_gives_each_gap_and_reverse_its_own_stable_key() -> None:
    model = DeckFile.model_validate(deck(card("basic"), card("cloze"), card("typed")))
    keys = [(study.key, study.note) for study in model.expand()]
    assert keys == [
        ("basic-card", "basic-card"),
        ("basic-card:reverse", "basic-card"),
        ("cloze-card:1", "cloze-card"),
        ("cloze-card:2", "cloze-card"),
        ("typed-card", "typed-card"),
    ]
    gaps = [study.gap for study in model.expand() if study.gap]
    assert [(gap.answer, gap.hint) for gap in gaps] == [("Nakhchivan", "a city"), ("2009", "")]


def test_cards_without_id_are_keyed_on_their_content() -> None:
    plain = {k: v for k, v in card("typed").items() if k != "id"}
    first = DeckFile.model_validate(deck(plain)).expand()[0]
    again = DeckFile.model_validate(deck(plain)).expand()[0]
    edited = DeckFile.model_validate(deck({**plain, "answer": "Astana city"})).expand()[0]
    assert first.key == again.key == content_id(first.card)
    assert first.key.startswith("h-")
    assert edited.key != first.key


def test_answer_texts_feed_the_typo_guard() -> None:
    model = DeckFile.model_validate(deck(card("choice"), card("match"), card("cloze")))
    texts = model.answer_texts()
    assert {"Uzbekistan", "Hungary", "Astana", "Bishkek", "Nakhchivan", "Naxçıvan"} <= set(texts)


def test_the_models_cover_exactly_the_compiled_card_types() -> None:
    from otsquiz.core.models import CARD_MODELS

    assert tuple(CARD_MODELS) == CARD_TYPES


@pytest.mark.parametrize(
    "text",
    [
        "The family \U0001f468\u200d\U0001f469\u200d\U0001f467 emoji",  # zero-width joiners
        "Persian \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # a zero-width non-joiner
        "two lines\nand\ta tab",
    ],
)
def test_text_may_hold_the_format_characters_writing_needs(text: str) -> None:
    DeckFile.model_validate(deck(card("basic", prompt=text, answer=text)))


@pytest.mark.parametrize("char", ["\x1b", "\r", "\x9b", "\u202e", "\u2066", "\u200b", "\u2028", "\ufeff"])
def test_text_may_not_hold_controls_or_characters_that_reorder_or_hide_text(char: str) -> None:
    with pytest.raises(ValidationError, match="control character"):
        DeckFile.model_validate(deck(card("basic", prompt=f"a{char}b")))


BLANKS_AND_LINES = ["a", " a ", "   ", "\u3000", "a\nb", "a\tb", "\n"]


def _valid(model_card: dict[str, Any]) -> bool:
    try:
        DeckFile.model_validate(deck(model_card))
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("text", BLANKS_AND_LINES)
def test_the_schema_patterns_say_what_the_models_check(text: str) -> None:
    import re

    from otsquiz.core.models import json_schema

    defs = json_schema()["$defs"]
    one_line = defs["TypedCard"]["properties"]["answer"]["pattern"]
    not_blank = defs["TypedCard"]["properties"]["prompt"]["pattern"]
    assert _valid(card("typed", answer=text)) == bool(re.search(one_line, text))
    assert _valid(card("typed", prompt=text)) == bool(re.search(not_blank, text))
    assert _valid(card("choice", distractors=[text])) == bool(re.search(one_line, text))


def test_blank_text_is_refused_but_kept_as_written_when_it_has_letters() -> None:
    assert not _valid(card("typed", answer="   "))
    assert not _valid(card("truefalse", statement=" \n "))
    assert not _valid(card("match", pairs=[["a", "b"], ["c", " "]]))
    model = DeckFile.model_validate(deck(card("typed", answer=" Astana ")))
    assert model.cards[0].answer == " Astana "
