"""The card kinds: one module each, and nothing a learner has changes with them.

Content ids, drills by seed and the starter deck are compared with what
otsquiz gave before each kind had its own module (the old algorithms are
copied here, and their outputs recorded).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import subprocess
import sys
from typing import Any, NamedTuple

import pytest

from otsquiz.core import kinds
from otsquiz.core.authoring import starter_deck
from otsquiz.core.cards import Deck, content_id
from otsquiz.core.kinds import CARD_TYPES, KINDS
from otsquiz.core.kinds.base import frozen
from otsquiz.core.models import CARD_MODELS, DeckFile
from otsquiz.core.questions import Question, Questions
from otsquiz.core.session import Session
from otsquiz.core.store import Store

# Two decks with every kind, some cards without an id (known by a content hash).
FIRST: dict[str, Any] = {
    "format": 1,
    "deck": {"id": "first", "title": "First", "sources": [{"id": "s", "title": "A source"}]},
    "cards": [
        {
            "id": "capital",
            "type": "basic",
            "prompt": "Capital of Azerbaijan?",
            "answer": "Baku",
            "reverse": True,
        },
        {"type": "basic", "prompt": "Capital of Kazakhstan?", "answer": "Astana", "tags": ["capitals"]},
        {
            "type": "typed",
            "prompt": "Which member hosts the secretariat?",
            "answer": "Türkiye",
            "accept": ["Turkey"],
            "hint": "Two continents.",
        },
        {
            "type": "choice",
            "prompt": "Secretariat city?",
            "answer": "Istanbul",
            "distractors": ["Ankara", "Baku", "Astana"],
            "source": "s",
        },
        {
            "type": "multi",
            "prompt": "Founders?",
            "answers": ["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye"],
            "distractors": ["Uzbekistan", "Hungary"],
        },
        {
            "type": "truefalse",
            "statement": "Hungary is a full member.",
            "answer": False,
            "explanation": "An observer.",
        },
        {"type": "number", "prompt": "Year of the Nakhchivan Agreement?", "answer": 2009},
        {
            "type": "number",
            "prompt": "Length of the BTC pipeline?",
            "answer": 1768.5,
            "tolerance": 10,
            "unit": "km",
        },
        {
            "type": "cloze",
            "text": "The {{Turkic Council::a body}} became the OTS in {{2021}}.",
            "accept": {"2021": ["twenty twenty-one"]},
        },
        {
            "type": "order",
            "prompt": "Earliest first.",
            "items": ["Nakhchivan Agreement", "Uzbekistan joins", "Renamed the OTS"],
        },
        {
            "type": "match",
            "prompt": "Capitals.",
            "pairs": [["Kazakhstan", "Astana"], ["Kyrgyzstan", "Bishkek"], ["Uzbekistan", "Tashkent"]],
        },
    ],
}
SECOND: dict[str, Any] = {
    "format": 1,
    "deck": {"id": "second", "title": "Second", "language": "tr"},
    "cards": [
        {
            "id": "seat",
            "type": "choice",
            "prompt": "Seat?",
            "answer": "İstanbul",
            "distractors": ["Ankara", "İzmir"],
        },
        {"id": "order-two", "type": "order", "prompt": "Order.", "items": ["a", "b"]},
        {"id": "gaps", "type": "cloze", "text": "{{Bir}} {{iki}} {{üç}}."},
        {"id": "pairs", "type": "match", "prompt": "Pairs.", "pairs": [["1", "bir"], ["2", "iki"]]},
        {"id": "yes", "type": "truefalse", "statement": "Ankara is a capital.", "answer": True},
    ],
}


def compiled(*documents: dict[str, Any]) -> list[Deck]:
    return [DeckFile.model_validate(document).compile() for document in documents]


# ---------------------------------------------------------------- content ids


class OldCard(NamedTuple):
    """The one record every card had before each kind had its own (content ids hash all of it)."""

    type: str
    id: str | None = None
    explanation: str = ""
    hint: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    prompt: str = ""
    answer: Any = None
    answers: tuple[str, ...] = ()
    distractors: tuple[str, ...] = ()
    accept: Any = ()
    strict: bool = False
    reverse: bool = False
    statement: str = ""
    tolerance: int | float = 0
    unit: str = ""
    text: str = ""
    items: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()


def old_content_id(card: OldCard) -> str:
    content = {name: getattr(card, name) for name in OldCard._fields if name != "id"}
    payload = json.dumps(content, sort_keys=True, default=str)
    return "h-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


# The keys the old code gave these decks.
KEYS = {
    "first": [
        "capital",
        "capital:reverse",
        "h-f9974e0e7d501703",
        "h-05f20fdb07301d01",
        "h-cef0303582584235",
        "h-6fd0ef5a699c10e7",
        "h-8fa8e1119fdf476e",
        "h-e96fa557ef32f97e",
        "h-0460fff2030dd604",
        "h-376ba126a1f9b547:1",
        "h-376ba126a1f9b547:2",
        "h-743f3d9a6397af8d",
        "h-13d18358c27d20ae",
    ],
    "second": [
        "seat",
        "order-two",
        "gaps:1",
        "gaps:2",
        "gaps:3",
        "pairs",
        "yes",
    ],
}


def test_study_keys_are_those_of_before() -> None:
    assert {deck.info.id: list(deck.keys) for deck in compiled(FIRST, SECOND)} == KEYS


@pytest.mark.parametrize("index", range(len(FIRST["cards"])))
def test_a_card_without_an_id_keeps_its_content_id(index: int) -> None:
    raw = FIRST["cards"][index]
    validated = CARD_MODELS[raw["type"]].model_validate(raw)
    old = OldCard(**{name: frozen(value) for name, value in validated.__dict__.items()})
    card = KINDS[raw["type"]].compile(validated)
    assert content_id(card) == old_content_id(old)
    assert type(card) is KINDS[raw["type"]].record


def test_every_kind_is_in_the_sample() -> None:
    assert {card["type"] for card in FIRST["cards"]} == set(CARD_TYPES)


# ---------------------------------------------------------------- drills by seed

# What the old Session drew and showed (deck/key, then the options in their order).
DRAWS: dict[Any, tuple[int, tuple[str, ...] | None, bool, list[str]]] = {
    7: (
        12,
        None,
        True,
        [
            "first/h-376ba126a1f9b547:2",
            "first/h-cef0303582584235 Astana | Ankara | Baku | Istanbul",
            "first/h-13d18358c27d20ae Bishkek | Tashkent | Astana",
            "first/capital:reverse",
            "first/h-f9974e0e7d501703",
            "second/seat İzmir | Ankara | İstanbul",
            "first/h-0460fff2030dd604",
            "second/gaps:2",
            "first/h-6fd0ef5a699c10e7 Azerbaijan | Kyrgyzstan | Hungary | Uzbekistan | Kazakhstan | Türkiye",
            "first/h-376ba126a1f9b547:1",
            "first/capital",
            "second/order-two b | a",
        ],
    ),
    "room": (
        30,
        None,
        False,
        [
            "first/h-6fd0ef5a699c10e7 Hungary | Kyrgyzstan | Uzbekistan | Azerbaijan | Türkiye | Kazakhstan",
            "first/h-743f3d9a6397af8d Uzbekistan joins | Renamed the OTS | Nakhchivan Agreement",
            "first/h-376ba126a1f9b547:1",
            "second/seat Ankara | İzmir | İstanbul",
            "first/h-05f20fdb07301d01",
            "second/pairs iki | bir",
            "first/h-8fa8e1119fdf476e",
            "first/h-e96fa557ef32f97e",
            "second/order-two b | a",
            "first/h-376ba126a1f9b547:2",
            "first/h-cef0303582584235 Ankara | Baku | Astana | Istanbul",
            "second/gaps:3",
            "second/gaps:1",
            "second/yes",
            "second/gaps:2",
            "first/h-13d18358c27d20ae Tashkent | Bishkek | Astana",
            "first/h-0460fff2030dd604",
        ],
    ),
    2026: (
        5,
        ("choice", "match", "order"),
        True,
        [
            "first/h-cef0303582584235 Baku | Istanbul | Ankara | Astana",
            "first/h-13d18358c27d20ae Bishkek | Astana | Tashkent",
            "second/pairs iki | bir",
            "second/seat İstanbul | Ankara | İzmir",
            "first/h-743f3d9a6397af8d Uzbekistan joins | Renamed the OTS | Nakhchivan Agreement",
        ],
    ),
}


def shown(question: Question) -> str:
    study = question.study
    return f"{study.deck_id}/{study.key} {' | '.join(question.options)}".rstrip()


@pytest.mark.parametrize("seed", list(DRAWS))
def test_a_seed_draws_the_questions_it_drew_before_without_a_store(seed: Any) -> None:
    count, types, feedback, expected = DRAWS[seed]
    questions = Questions(compiled(FIRST, SECOND), seed=seed, types=types)
    assert [shown(question) for question in questions.questions(count, flashcards=feedback)] == expected


@pytest.mark.parametrize("seed", list(DRAWS))
def test_a_session_draws_the_same_as_questions(store: Store, seed: Any) -> None:
    count, types, feedback, expected = DRAWS[seed]
    session = Session(
        store,
        store.profile(),
        compiled(FIRST, SECOND),
        mode="drill",
        count=count,
        seed=seed,
        types=types,
        feedback=feedback,
    )
    asked = []
    while session.current is not None:
        asked.append(shown(session.current))
        session.give_up()
    assert asked == expected


def test_a_no_feedback_draw_says_how_many_flashcards_it_left_out() -> None:
    draw = Questions(compiled(FIRST), seed=1).draw(100, flashcards=False)
    assert draw.flashcards_left_out == 3  # two basic cards, one with its reverse
    assert all(study.type != "basic" for study in draw.cards) and len(draw.cards) == 10


# ---------------------------------------------------------------- asking and judging, no store


def question_for(questions: Questions, key: str) -> Question:
    for deck in questions.decks.values():
        index = deck.index_of(key)
        if index is not None:
            return questions.ask(deck.study(index))
    raise AssertionError(key)


@pytest.fixture
def questions() -> Questions:
    return Questions(compiled(FIRST, SECOND), seed=3)


def key_of(index: int) -> str:
    return KEYS["first"][index]


def test_a_question_names_its_form_and_its_kind(questions: Questions) -> None:
    forms = {}
    for deck in questions.decks.values():
        for index in range(len(deck.keys)):
            question = questions.ask(deck.study(index))
            forms[question.type] = question.form
            assert not hasattr(question, "kind")  # one name for the answer form: form
    assert forms == {name: kind.form for name, kind in KINDS.items()}


def test_a_typo_is_forgiven_and_the_judgement_shows_the_spelling_it_was_near(questions: Questions) -> None:
    question = question_for(questions, key_of(3))  # typed: Türkiye, also Turkey
    judged = questions.judge(question, "Turky")
    assert (judged.correct, judged.exact, judged.forgiven) == (True, False, ("typo",))
    assert (judged.matched, judged.expected, judged.main_answer) == ("Turkey", "Turkey", "Türkiye")
    assert not judged.blank


def test_a_cloze_gap_takes_its_accept_entries(questions: Questions) -> None:
    question = question_for(questions, key_of(10))  # gap 2: 2021, also "twenty twenty-one"
    assert question.text == "The Turkic Council became the OTS in [...]."
    assert questions.judge(question, "twenty twenty-one").correct
    assert questions.expected(question) == "2021"
    first = question_for(questions, key_of(9))
    assert first.text == "The [a body] became the OTS in 2021."


def test_a_number_within_its_tolerance_is_right_but_not_exact(questions: Questions) -> None:
    question = question_for(questions, key_of(8))  # 1768.5 km, tolerance 10
    assert question.unit == "km"
    judged = questions.judge(question, "1760 km")
    assert (judged.correct, judged.exact, judged.expected) == (True, False, "1768.5 km")
    assert not questions.judge(question, "1700").correct


def test_responses_of_each_form_are_judged(questions: Questions) -> None:
    choice = question_for(questions, key_of(4))
    assert questions.judge(choice, choice.options.index("Istanbul")).correct
    wrong = questions.judge(choice, 9)
    assert (wrong.given, wrong.correct) == ("9", False)
    multi = question_for(questions, key_of(5))
    right = {multi.options.index(a) for a in ("Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye")}
    assert questions.judge(multi, right).correct and not questions.judge(multi, right - {min(right)}).correct
    truefalse = question_for(questions, key_of(6))
    assert questions.judge(truefalse, False).given == "false" and questions.judge(truefalse, False).correct
    order = question_for(questions, key_of(11))
    items = ["Nakhchivan Agreement", "Uzbekistan joins", "Renamed the OTS"]
    assert questions.judge(order, [order.options.index(item) for item in items]).correct
    assert questions.expected(order) == " → ".join(items)
    match = question_for(questions, key_of(12))
    assert match.lefts == ("Kazakhstan", "Kyrgyzstan", "Uzbekistan")
    pairs = [match.options.index(right) for right in ("Astana", "Bishkek", "Tashkent")]
    assert questions.judge(match, pairs).correct
    unpaired = questions.judge(match, [None, None, None])
    assert unpaired.blank and not unpaired.correct


def test_an_empty_answer_is_blank(questions: Questions) -> None:
    judged = questions.judge(question_for(questions, key_of(3)), "  ")  # typed
    assert judged.blank and not judged.correct


def test_a_flashcard_shows_its_answer_and_is_not_judged(questions: Questions) -> None:
    forward, reverse = question_for(questions, "capital"), question_for(questions, "capital:reverse")
    assert (forward.text, questions.expected(forward)) == ("Capital of Azerbaijan?", "Baku")
    assert (reverse.text, questions.expected(reverse)) == ("Baku", "Capital of Azerbaijan?")
    with pytest.raises(TypeError):
        questions.judge(forward, "Baku")


def test_the_typo_guard_is_built_once_per_deck(questions: Questions) -> None:
    questions.prepare()
    deck = questions.decks["first"]
    assert questions.index(deck) is questions.index(deck)


def test_a_deck_without_the_types_asked_has_no_questions() -> None:
    assert Questions(compiled(SECOND), types=["basic"]).questions(10) == []


# ---------------------------------------------------------------- records


def test_a_compiled_card_is_its_kinds_record_with_tuples() -> None:
    deck = compiled(FIRST)[0]
    for card in deck.cards:
        assert type(card) is KINDS[card.type].record
        assert card._fields[:6] == ("type", "id", "explanation", "hint", "source", "tags")
        assert not any(isinstance(value, list) for value in card)
    match = deck.cards[-1]
    assert match.pairs == (("Kazakhstan", "Astana"), ("Kyrgyzstan", "Bishkek"), ("Uzbekistan", "Tashkent"))
    assert Deck.from_plain(deck.to_plain()).cards == deck.cards


def test_answer_texts_are_those_of_before() -> None:
    deck = compiled(FIRST)[0]
    assert deck.answer_texts() == [
        "Baku", "Astana", "Türkiye", "Turkey", "Istanbul", "Ankara", "Baku", "Astana",
        "Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye", "Uzbekistan", "Hungary",
        "Turkic Council", "2021", "twenty twenty-one",
        "Kazakhstan", "Astana", "Kyrgyzstan", "Bishkek", "Uzbekistan", "Tashkent",
    ]  # fmt: skip


# ---------------------------------------------------------------- the registry


def test_the_registry_lists_the_nine_kinds_in_the_documented_order() -> None:
    assert CARD_TYPES == (
        "basic",
        "typed",
        "choice",
        "multi",
        "truefalse",
        "number",
        "cloze",
        "order",
        "match",
    )
    assert all(kinds.kind(name).name == name for name in CARD_TYPES)
    with pytest.raises(KeyError):
        kinds.kind("essay")
    assert kinds.label("choice") == "Choose one" and kinds.label("essay") == "essay"


def test_each_model_is_its_kinds_and_named_as_before() -> None:
    assert list(CARD_MODELS) == list(CARD_TYPES)
    for name, kind in KINDS.items():
        assert kind.model() is CARD_MODELS[name]
        assert CARD_MODELS[name].__name__ == {"truefalse": "TrueFalse"}.get(name, name.capitalize()) + "Card"


def test_the_kinds_load_without_pydantic_rapidfuzz_or_textual() -> None:
    code = (
        "import sys\n"
        "import otsquiz.core.kinds, otsquiz.core.cards, otsquiz.core.questions, otsquiz.core.session\n"
        "heavy = ('pydantic', 'rapidfuzz', 'textual', 'rich', 'tomllib', 'tomli')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
        "otsquiz.core.kinds.kind('choice').model()\n"
        "print('pydantic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True"]


# ---------------------------------------------------------------- the starter deck

OLD_STARTER_DECK = """\
#:schema {schema}
# A starter deck for otsquiz. It shows every card type; replace the cards
# with your own. Check it as you go with:  otsquiz validate {filename}
# The format is described in docs/authoring.md.

format = 1                          # the deck format version; always 1 for now

[deck]
id = "{deck_id}"                    # a slug (a-z, 0-9, '-'), unique among your decks
title = "{title}"                   # shown on the home screen
description = "What this deck teaches, in a sentence."
language = "en"                     # BCP 47 tag; "tr", "az", "kk" switch on Turkic case rules
tags = ["example"]
authors = ["Your Name"]
strict_diacritics = false           # true: "Turkiye" is wrong for "Türkiye"
# Where the facts come from. Each card names one by its id in `source`.
sources = [
  {{ id = "ots-site", title = "Organization of Turkic States, official site", url = "https://www.turkicstates.org/en/turk-konseyi-hakkinda" }},
]

# Every card has a stable `id` (progress is kept under it: keep it when you
# edit the card), a `type`, an `explanation` that teaches a little more than
# the answer, and a `source`. `hint` and `tags` are optional.

[[cards]]                           # basic: flip, then rate yourself Again/Hard/Good/Easy
id = "ots-headquarters"
type = "basic"
prompt = "In which city is the Secretariat of the Organization of Turkic States?"
answer = "Istanbul"
reverse = false                     # true also asks the answer, expecting the prompt
explanation = "The Secretariat was set up in Istanbul in 2010, when the Turkic Council began to work."
source = "ots-site"

[[cards]]                           # typed: type the answer; small typos and diacritics are forgiven
id = "founding-agreement-place"
type = "typed"
prompt = "The 2009 agreement that founded the Turkic Council is named after which city?"
answer = "Nakhchivan"
accept = ["Naxçıvan", "Nakhichevan"]  # other spellings that count as right
strict = false                      # true: exact spelling only
hint = "An exclave of Azerbaijan."
explanation = "The Nakhchivan Agreement was signed there on 3 October 2009."
source = "ots-site"

[[cards]]                           # choice: pick one of the shuffled options
id = "uzbekistan-joined"
type = "choice"
prompt = "Which state joined the Turkic Council as a full member in 2019?"
answer = "Uzbekistan"
distractors = ["Turkmenistan", "Hungary", "Tajikistan"]   # 1 to 7 wrong options, never the answer
explanation = "Uzbekistan joined at the Baku summit in October 2019."
source = "ots-site"

[[cards]]                           # multi: select all that apply
id = "founding-members"
type = "multi"
prompt = "Which states signed the Nakhchivan Agreement in 2009?"
answers = ["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye"]
distractors = ["Uzbekistan", "Turkmenistan"]
explanation = "Uzbekistan joined later, in 2019; Turkmenistan is an observer."
source = "ots-site"

[[cards]]                           # truefalse: is the statement true?
id = "hungary-observer"
type = "truefalse"
statement = "Hungary is a full member of the Organization of Turkic States."
answer = false
explanation = "Hungary is an observer state."
source = "ots-site"

[[cards]]                           # number: type a number; `tolerance` allows a margin
id = "renaming-year"
type = "number"
prompt = "In which year did the Turkic Council become the Organization of Turkic States?"
answer = 2021
tolerance = 0
unit = ""
explanation = "The new name was adopted at the Istanbul summit in November 2021."
source = "ots-site"

[[cards]]                           # cloze: each {{{{gap}}}} becomes its own question (id:1, id:2, ...)
id = "founding-cloze"
type = "cloze"
text = "The Turkic Council was founded by the {{{{Nakhchivan::a city}}}} Agreement in {{{{2009}}}}."
accept = {{ "Nakhchivan" = ["Naxçıvan"] }}   # per gap: other right answers
explanation = "It was renamed the Organization of Turkic States in 2021."
source = "ots-site"

[[cards]]                           # order: list the items in the right order; they are shuffled
id = "name-chronology"
type = "order"
prompt = "Put these events in order, earliest first."
items = ["Nakhchivan Agreement signed", "Uzbekistan joins", "Renamed Organization of Turkic States"]
explanation = "2009, 2019, 2021."
source = "ots-site"

[[cards]]                           # match: pair each left item with its right item
id = "member-capitals"
type = "match"
prompt = "Match each member state to its capital."
pairs = [
  ["Azerbaijan", "Baku"],
  ["Kazakhstan", "Astana"],
  ["Kyrgyzstan", "Bishkek"],
]
explanation = "Türkiye's capital is Ankara and Uzbekistan's is Tashkent."
source = "ots-site"
"""


@pytest.mark.parametrize(
    "names",
    [("my-deck", "My deck", "my-deck.toml", "./otsquiz-deck.schema.json"), ("x", "{Braces}", "a b", "")],
)
def test_the_starter_deck_is_the_kinds_examples_as_before(names: tuple[str, str, str, str]) -> None:
    deck_id, title, filename, schema = names
    expected = OLD_STARTER_DECK.format(deck_id=deck_id, title=title, filename=filename, schema=schema)
    assert starter_deck(deck_id, title, filename, schema) == expected


def test_the_starter_deck_loads_with_one_card_of_each_kind() -> None:
    from otsquiz.core.loader import load_text

    result = load_text(starter_deck("starter", "Starter", "starter.toml", "./schema.json"))
    assert result.deck is not None and [p.format() for p in result.problems] == []
    assert [card.type for card in result.deck.cards] == list(CARD_TYPES)


def test_the_registry_names_each_kind_after_its_module_in_the_documented_order() -> None:
    assert CARD_TYPES == (
        "basic",
        "typed",
        "choice",
        "multi",
        "truefalse",
        "number",
        "cloze",
        "order",
        "match",
    )
    assert list(KINDS) == list(CARD_TYPES) and len(KINDS) == 9
    for name in CARD_TYPES:
        assert KINDS[name].name == name and type(KINDS[name]).__module__ == f"otsquiz.core.kinds.{name}"
    assert "flashcard" not in KINDS
    with pytest.raises(KeyError):
        KINDS["flashcard"]


def test_a_kind_module_is_imported_when_a_card_of_it_is_first_read() -> None:
    # The first card needs its own kind only: the other eight cost start-up time for nothing.
    from otsquiz.core.cards import DeckInfo
    from otsquiz.core.kinds.truefalse import TrueFalse

    card = TrueFalse("truefalse", "t", "", "", "", (), "Baku is a capital.", True)
    compiled = marshal.dumps(Deck.build(DeckInfo("d", "D"), [card]).to_plain())
    script = f"""
import marshal, sys
from otsquiz.core import session
from otsquiz.core.cards import Deck
loaded = lambda: ",".join(sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("otsquiz.core.kinds.")))
deck = Deck.from_plain(marshal.loads({compiled!r}))
print(loaded(), deck.study(0).card.statement, loaded())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split(" ", 1)[0] == "base"
    assert result.stdout.split(" ", 1)[1].strip() == "Baku is a capital. base,truefalse"
