"""Property tests: whatever bytes or TOML the loader is fed, it returns a deck or problems."""

from __future__ import annotations

import datetime as dt

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otsquiz.core.loader import load_bytes, load_text
from otsquiz.core.models import CARD_TYPES
from otsquiz.core.toml_positions import locate


def _check(result) -> None:  # type: ignore[no-untyped-def]
    assert (result.deck is None) == any(
        p.severity == "error" for p in result.problems
    ) or result.deck is not None
    for problem in result.problems:
        assert problem.severity in ("error", "warning")
        assert problem.message
        assert problem.format()
        if problem.line is not None:
            assert problem.line >= 1 and (problem.column or 1) >= 1


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_give_a_deck_or_problems(data: bytes) -> None:
    _check(load_bytes(data, "fuzz.toml"))


scalars = (
    st.text(max_size=30)
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.dates()
    | st.datetimes(timezones=st.just(dt.UTC))
    | st.sampled_from(CARD_TYPES)
)
keys = st.sampled_from(
    [
        "id",
        "type",
        "prompt",
        "answer",
        "answers",
        "distractors",
        "items",
        "pairs",
        "text",
        "accept",
        "statement",
        "tolerance",
        "unit",
        "reverse",
        "strict",
        "source",
        "hint",
        "explanation",
        "promt",
        "x",
    ]
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=20,
)
cards = st.dictionaries(keys, values, max_size=8)
documents = st.fixed_dictionaries(
    {
        "format": st.sampled_from([1, 2, "1"]),
        "deck": st.fixed_dictionaries(
            {"id": st.sampled_from(["ok-deck", "Bad", "x"]), "title": st.text(max_size=10)},
            optional={
                "sources": st.lists(
                    st.dictionaries(st.sampled_from(["id", "title", "url"]), scalars, max_size=3), max_size=3
                )
            },
        ),
    },
    optional={"cards": st.lists(cards, max_size=6)},
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_toml_documents_give_a_deck_or_problems(document: dict) -> None:  # type: ignore[type-arg]
    text = tomli_w.dumps(document)
    result = load_text(text, "fuzz.toml")
    _check(result)
    # Every error that names a position points inside the file.
    lines = text.count("\n") + 1
    assert all(p.line is None or p.line <= lines for p in result.problems)


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_deck_or_problems(text: str) -> None:
    _check(load_text(text, "fuzz.toml"))


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.data())
def test_finding_some_positions_finds_what_finding_all_finds(
    document: dict,  # type: ignore[type-arg]
    data: st.DataObject,
) -> None:
    text = tomli_w.dumps(document)
    everything = locate(text)
    paths = _paths(document)
    wanted = data.draw(st.lists(st.sampled_from(paths), max_size=5)) if paths else []
    some = locate(text, wanted)
    for path in wanted:
        assert some.key(path) == everything.key(path)
        assert some.value(path) == everything.value(path)
