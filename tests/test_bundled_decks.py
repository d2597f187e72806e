"""Guards on the content of the bundled decks: complete, sourced, and without contradictions."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

import pytest

from otsquiz.core.answers import AnswerIndex, check, normalize
from otsquiz.core.cards import Deck
from otsquiz.core.library import load_decks
from otsquiz.core.models import CARD_TYPES, ChoiceCard, MultiCard
from tests.conftest import BUNDLED

if TYPE_CHECKING:
    from otsquiz.core.cards import Card

RESULTS = load_decks([BUNDLED], use_cache=False)
DECKS: list[Deck] = [result.deck for result in RESULTS if result.deck is not None]
CARDS = [(deck, card) for deck in DECKS for card in deck.cards]


def field(card: Card, name: str) -> Any:
    """A field of a card, or an empty value when its kind has none (each kind's record has only its own)."""
    return getattr(card, name, {"answer": None, "strict": False}.get(name, ()))


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
        where = f"{deck.info.id}/{card.id}"
        sources = {source.id: source for source in deck.info.sources}
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
        where = f"{deck.info.id}/{card.id}"
        assert question not in seen, f"{where} asks the same as {seen.get(question)}"
        seen[question] = where


def test_no_choice_repeats_its_answer_among_its_options() -> None:
    for deck, card in CARDS:
        where = f"{deck.info.id}/{card.id}"
        if isinstance(card, ChoiceCard):
            options = [same_text(card.answer), *(same_text(d) for d in card.distractors)]
        elif isinstance(card, MultiCard):
            options = [*(same_text(a) for a in card.answers), *(same_text(d) for d in card.distractors)]
        else:
            continue
        assert len(options) == len(set(options)), where


def test_deck_ids_and_card_ids_are_unique() -> None:
    assert len({deck.info.id for deck in DECKS}) == len(DECKS)
    for deck in DECKS:
        ids = [card.id for card in deck.cards]
        assert len(ids) == len(set(ids)), deck.info.id


def test_every_deck_uses_a_variety_of_card_types() -> None:
    for deck in DECKS:
        assert len({card.type for card in deck.cards}) >= 6, deck.info.id


# --- Content corrections (issue 9): each test guards one kind of mistake that was in the decks. ---

MONTH_YEAR = (
    r"as of (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
)


def card_texts(card: Card) -> list[str]:
    """Everything a learner reads on a card: the question, the options, the answer and the explanation."""
    texts = [card.question, card.explanation, card.hint, *field(card, "items")]
    texts += [*field(card, "answers"), *field(card, "distractors")]
    texts += [side for pair in field(card, "pairs") for side in pair]
    if isinstance(field(card, "answer"), str):
        texts.append(field(card, "answer"))
    accept = field(card, "accept")
    if isinstance(accept, dict):
        texts += [text for alternatives in accept.values() for text in alternatives]
    else:
        texts += list(accept)
    return texts


def find(deck_id: str, card_id: str) -> tuple[Deck, Card]:
    for deck, card in CARDS:
        if deck.info.id == deck_id and card.id == card_id:
            return deck, card
    raise AssertionError(f"no card {deck_id}/{card_id}")


def test_no_card_speaks_of_the_seed_article() -> None:
    # A learner does not know what "the seed article" is: cards name the article instead.
    for deck, card in CARDS:
        for text in card_texts(card):
            assert not re.search(r"\bseed\b", text, re.I), f"{deck.info.id}/{card.id}: {text!r}"


def test_every_card_that_cites_coffey_names_him_and_the_article() -> None:
    for deck, card in CARDS:
        text = " ".join(card_texts(card))
        if "Coffey" not in text:
            continue
        where = f"{deck.info.id}/{card.id}"
        assert "Luke Coffey" in text, f"{where} says 'Coffey' without his full name"
        if "Heritage" not in text:  # the 2018 Heritage commentary is a different text
            assert "National Interest" in text or "Why the US Must Include" in text, (
                f"{where} cites Coffey without saying which article"
            )


def test_no_card_gives_a_disputed_year_for_tauke_khans_death() -> None:
    # Most references give 1715, some 1718 (when his successor took the throne): never ask or assert one.
    for deck, card in CARDS:
        where = f"{deck.info.id}/{card.id}"
        text = " ".join(card_texts(card))
        if card.type == "number" and "Tauke" in card.question:
            raise AssertionError(f"{where} asks for a year of Tauke Khan's life")
        if "1718" in text:
            assert "1715" in text, f"{where} states 1718 without saying that most references give 1715"


def test_the_kazakh_khanate_founding_year_is_given_as_kazakhstans_official_date() -> None:
    for deck, card in CARDS:
        if card.type == "number" and card.answer == 1465:
            assert "officially" in card.question, f"{deck.info.id}/{card.id}: 1456 is also widely given"


def test_ramil_hasan_was_elected_in_june_and_took_office_in_october_2025() -> None:
    _, card = find("ots-institutions", "turkpa-secretary-general-2025")
    assert "12 June 2025" in card.question
    assert "took office on 15 October 2025" in card.explanation
    for deck, other in CARDS:
        for text in card_texts(other):
            assert not re.search(r"elected(?: [\w'()]+)* on 15 October 2025", text), (
                f"{deck.info.id}/{other.id}: {text!r}"
            )


# Facts that change with time say when they were true (the date of their source).
DATED = [
    ("ots-members", "observers-not-full-members"),
    ("ots-members", "hungary-only-eu-observer"),
    ("ots-members", "trnc-recognized-by"),
    ("ots-members", "trnc-capital"),
    ("ots-members", "turkmenistan-capital"),
    ("ots-economy", "members-and-observers-population"),
    ("ots-economy", "members-and-observers-area"),
    ("ots-economy", "seed-numbers-caveat"),
    ("ots-alphabet", "uzbekistan-cyrillic-still-used"),
    ("ots-alphabet", "kyrgyzstan-japarov-cyrillic"),
    ("ots-corridors", "tripp-opposed-by"),
    ("ots-culture", "member-not-ruled-by-russia"),
    ("ots-institutions", "secretaries-general-countries"),
]


@pytest.mark.parametrize(("deck_id", "card_id"), DATED, ids=[f"{d}/{c}" for d, c in DATED])
def test_a_time_sensitive_fact_says_as_of_when(deck_id: str, card_id: str) -> None:
    _, card = find(deck_id, card_id)
    text = " ".join(card_texts(card)).replace("observer states of January 2026", "as of January 2026")
    assert re.search(MONTH_YEAR, text, re.I), text
    assert "time-sensitive" in card.tags


def test_every_card_tagged_time_sensitive_names_a_year() -> None:
    for deck, card in CARDS:
        if "time-sensitive" in card.tags:
            assert re.search(r"\b(?:19|20)\d\d\b", card.question + " " + card.explanation), (
                f"{deck.info.id}/{card.id} is time-sensitive but says no date"
            )


# (deck, card, gap or None, what a learner types, whether it counts)
TYPED_ANSWERS = [
    ("ots-culture", "abulkhair-name", None, "Abu'l-Khayr Khan", True),
    ("ots-culture", "abulkhair-name", None, "Abulkhair Khan", True),
    ("ots-culture", "abulkhair-name", None, "Abu'l-Khayr", True),
    ("ots-founding", "founding-document", None, "Nakhchivan Agreement", True),
    ("ots-founding", "founding-document", None, "Nakhichevan Agreement", True),
    ("ots-founding", "founding-document", None, "Nakhchivan", False),
    ("ots-founding", "nakhchivan-agreement-place", None, "Nakhichevan", True),
    ("ots-founding", "article-motor", 0, "Türkiye", True),
    ("ots-corridors", "tripp-links-exclave", None, "Nakhichevan", True),
    ("ots-summits", "shusha-2024-declaration", None, "Karabakh Declaration", True),
    ("ots-summits", "shusha-2024-declaration", None, "Garabagh Declaration", True),
    ("ots-summits", "shusha-2024-declaration", None, "Karabakh", False),
    ("ots-summits", "shusha-2024-declaration", None, "Garabagh", False),
    ("ots-summits", "gabala-2025-zangezur", None, "the Zangezur corridor", True),
    ("ots-summits", "gabala-2025-zangezur", None, "Zangezur", False),
    ("ots-institutions", "second-secretary-general", None, "Ramil Hasanov", True),
    ("ots-institutions", "second-secretary-general", None, "Ramil Hasan", True),
    ("ots-institutions", "second-secretary-general", None, "Hasanov", True),
    ("ots-institutions", "second-secretary-general", None, "Hasan", False),
    ("ots-institutions", "current-secretary-general", None, "Ömüraliyev", True),
    ("ots-institutions", "current-secretary-general", None, "Kubanychbek Omuraliyev", True),
]


@pytest.mark.parametrize(
    ("deck_id", "card_id", "gap", "given", "counts"),
    TYPED_ANSWERS,
    ids=[f"{c}:{g!r}" for _, c, _, g, _ in TYPED_ANSWERS],
)
def test_typed_answers_take_the_real_spellings_and_not_a_bare_fragment(
    deck_id: str, card_id: str, gap: int | None, given: str, counts: bool
) -> None:
    deck, card = find(deck_id, card_id)
    if gap is None:
        expected, accept = card.answer, card.accept
    else:
        expected = card.gaps[gap].answer
        accept = card.accept.get(expected, [])
    verdict = check(
        given,
        expected,
        accept,
        language=deck.info.language,
        strict=field(card, "strict"),
        others=AnswerIndex(deck.answer_texts(), language=deck.info.language),
    )
    assert verdict.correct is counts


def test_no_accept_entry_is_the_answer_to_another_question() -> None:
    # "Nakhchivan" is the place (another card's answer), not the name of the Nakhchivan Agreement.
    for deck in DECKS:
        answers: dict[str, str] = {}
        for card in deck.cards:
            if card.type == "typed":
                answers.setdefault(normalize(card.answer, deck.info.language), card.id)
            for gap in field(card, "gaps"):
                answers.setdefault(normalize(gap.answer, deck.info.language), card.id)
        for card in deck.cards:
            own = {normalize(card.answer, deck.info.language)} if card.type == "typed" else set()
            entries = list(card.accept) if card.type == "typed" else []
            for entry in entries:
                norm = normalize(entry, deck.info.language)
                if norm not in own and norm in answers:
                    raise AssertionError(
                        f"{deck.info.id}/{card.id} accepts {entry!r}, the answer of {answers[norm]}"
                    )


# Cards on one event: none may show, in its question or order items, what another of them asks.
CLUSTERS = {
    "ots-culture": {
        "homay-band": ["Ay Yola", "Ay-Yola"],
        "ay-yola-home-city": ["Ufa"],
        "ufa-republic": ["Bashkortostan"],
        "homay-language": ["Bashkir"],
        "homay-epic": ["Ural-Batyr", "Ural Batyr"],
        "homay-mythical-bird": ["bird"],
        "homay-release-date": ["March", "2025"],
        "homay-viral": ["viral", "TikTok"],
        "homay-shazam-top-five": ["Shazam"],
        "homay-apple-music-ukraine": ["Apple Music"],
        "bashkirs-turkic-in-russia": [],
        "kazakh-khanate-founded-year": ["1465"],
        "kazakh-khanate-founders": ["Kerei", "Janibek"],
        "abulkhair-oath-year": ["1731"],
        "abulkhair-name": ["Abulkhair", "Abu'l-Khayr"],
        "kazakh-khanate-three-zhuzes": ["Tauke", "three"],
        "kazakh-history-chronology": [],
        "kazakh-khanate-full-300-years": [],
        "turkish-tv-viewers": ["700"],
        "turkish-tv-export-rank": ["United States", "US"],
        "turkish-tv-most-exported-series": ["Muhteşem", "Magnificent"],
    },
    "ots-members": {
        "uzbekistan-not-founder": [],
        "uzbekistan-accession-year": ["2019"],
        "uzbekistan-accession-summit": ["Baku", "7th"],
        "uzbekistan-intention-year": ["2018"],
        "uzbekistan-accession-steps": [],
        "hungary-observer-year": ["2018"],
        "hungary-observer-town": ["Cholpon-Ata"],
        "turkmenistan-observer-year": ["2021"],
        "turkmenistan-observer-summit": ["Istanbul", "8th"],
        "trnc-observer-year": ["2022"],
        "trnc-observer-city": ["Samarkand"],
        "eco-observer-year": ["2023"],
        "eco-observer-summit": ["Astana", "10th"],
        "eco-expansion": [],
        "observers-order": [],
        "trnc-capital": ["North Nicosia", "Lefkoşa"],
        "turkmenistan-capital": ["Ashgabat"],
    },
    "ots-economy": {
        "peace-2025-armenian-leader": ["Pashinyan"],
        "peace-2025-declaration-cloze": ["declaration"],
        "peace-2025-agreement-status": ["initial"],
        "peace-2025-agreement-points": ["17"],
        "seed-peace-deal-overstated": [],
        "geopolitics-chronology-2020-2025": ["declaration"],
        "c5-plus-1-white-house-countries": [],
        "c5-plus-1-start-year": ["2015", "tenth", "10th"],
        "c5-plus-1-first-meeting-city": ["Samarkand"],
        "c5-plus-1-first-washington-summit": [],
    },
    "ots-summits": {
        "gabala-2025-year": ["2025"],
        "gabala-2025-date": ["7 October"],
        "gabala-2025-theme": ["Regional Peace and Security"],
        "gabala-2025-first-security-theme": [],
        "gabala-2025-documents": ["OTS+", "TÜRKSOY"],
        "gabala-2025-ots-plus": ["OTS+", "OTS plus"],
        "gabala-2025-military-exercise-year": ["2026"],
        "gabala-2025-observer-leaders": ["Orbán", "Berdimuhamedov", "Tatar"],
        "gabala-2025-zangezur": ["Zangezur"],
        "recent-summits-order": [],
    },
    "ots-institutions": {
        "first-secretary-general": [],
        "akinci-term-end-year": ["2014"],
        "second-secretary-general": [],
        "turkpa-secretary-general-2025": [],
    },
    "ots-alphabet": {
        "common-alphabet-letter-count": ["34"],
        "common-alphabet-agreed-year": ["2024"],
        "common-alphabet-meeting-city": ["Baku"],
        "common-alphabet-script-basis": [],
        "common-alphabet-not-binding": [],
        "common-alphabet-1991-proposal": ["1991"],
        "common-alphabet-organizer": ["Turkic Academy"],
        "common-alphabet-third-meeting": ["third"],
        "common-alphabet-timeline": [],
        "erdogan-bishkek-ready-for-common-alphabet": [],
        "turkey-alphabet-law-year": ["1928"],
        "turkey-alphabet-letter-count": ["29"],
        "turkey-alphabet-law-number": ["1353"],
        "turkey-alphabet-replaced-script": ["Ottoman", "Arabic"],
        "turkey-alphabet-law-steps": [],
        "kazakh-latin-announcer": ["Nazarbayev"],
        "kazakh-latin-original-deadline": ["2025"],
        "kazakh-latin-letter-count": ["32"],
    },
    "ots-corridors": {
        "trans-kazakhstan-railway-year": ["2014"],
        "btk-railway-year": ["2017"],
        "btk-railway-name": ["Tbilisi", "Kars"],
        "montreux-convention-name": ["Montreux"],
        "montreux-convention-year": ["1936"],
        "montreux-civilian-ships": [],
        "montreux-us-not-signatory": [],
        "tripp-armenian-province": ["Syunik"],
        "zangezur-historical-name": [],
    },
    "ots-founding": {
        "proposal-year": ["2006"],
        "proposal-who": ["Nazarbayev", "Nazarbaev"],
        "proposal-country": ["Kazakhstan"],
        "proposal-antalya": ["Antalya"],
        "three-years-after-proposal": [],
    },
}


@pytest.mark.parametrize("deck_id", sorted(CLUSTERS))
def test_cards_on_one_event_do_not_give_each_other_away(deck_id: str) -> None:
    cluster = CLUSTERS[deck_id]
    for card_id in cluster:
        _, card = find(deck_id, card_id)
        shown = " ".join([re.sub(r"\{\{.*?\}\}", "...", card.question), *field(card, "items")])
        for other_id, keys in cluster.items():
            for key in keys if other_id != card_id else []:
                assert not re.search(rf"(?<!\w){re.escape(key)}(?!\w)", shown, re.I), (
                    f"{deck_id}/{card_id} shows {key!r}, what {other_id} asks"
                )


# Pairs on one fact whose explanations used to give each other's answer: (deck, card, what the other asks).
EXPLAINED_APART = [
    ("ots-culture", "turkish-tv-viewers", "the US"),
    ("ots-culture", "turkish-tv-export-rank", "Magnificent Century"),
    ("ots-economy", "c5-plus-1-start-year", "Samarkand"),
    ("ots-economy", "c5-plus-1-first-meeting-city", "2015"),
    ("ots-corridors", "trans-kazakhstan-railway-year", "2017"),
    ("ots-corridors", "btk-railway-year", "2014"),
    ("ots-corridors", "btk-railway-name", "2017"),
    ("ots-corridors", "btc-stands-for", "1,768"),
    ("ots-corridors", "tanap-stands-for", "1,850"),
]


@pytest.mark.parametrize(
    ("deck_id", "card_id", "key"), EXPLAINED_APART, ids=[c for _, c, _ in EXPLAINED_APART]
)
def test_the_explanation_does_not_answer_its_twin(deck_id: str, card_id: str, key: str) -> None:
    _, card = find(deck_id, card_id)
    assert key not in card.explanation


def test_the_csto_membership_is_asked_by_one_card_with_the_whole_list() -> None:
    asking = [(deck, card) for deck, card in CARDS if card.type == "multi" and "CSTO" in card.question]
    assert [f"{deck.info.id}/{card.id}" for deck, card in asking] == ["ots-economy/csto-other-members"]
    assert set(asking[0][1].answers) == {
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Russia",
        "Tajikistan",
    }


def test_the_bundle_keeps_its_size_after_the_merges() -> None:
    assert len(CARDS) >= 300
