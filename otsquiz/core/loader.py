"""Parse and validate deck text, turning every failure into a located problem.

``load_bytes`` never raises for a bad deck: it returns the compiled deck,
or the problems that keep it from loading, each with the path, the line and
column of the offending key or value, a severity and a message. This module
imports Pydantic and the TOML parser; ``library`` reads deck files and
comes here only when the cache of compiled decks has no entry.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

try:  # the compiled tomli parses 3-4x faster than the standard library's tomllib
    import tomli as toml
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    import tomllib as toml

from pydantic import ValidationError

from otsquiz.core.cards import Deck as CompiledDeck
from otsquiz.core.library import LoadResult
from otsquiz.core.limits import MAX_CARDS, MAX_FILE_BYTES
from otsquiz.core.models import CARD_MODELS, CARD_TYPES, Deck, cross_card_issues
from otsquiz.core.problems import Problem, key_name
from otsquiz.core.toml_positions import Positions, locate

DECK_SUFFIX = ".toml"


def load_bytes(data: bytes, path: str = "<deck>") -> LoadResult:
    """Parse and validate the bytes of a deck file."""
    if len(data) > MAX_FILE_BYTES:
        return _fail(path, f"a deck may be at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as Windows editors write, is fine
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        return LoadResult(
            path,
            None,
            [Problem(path, line, column, "error", "the file is not UTF-8 text (a deck must be UTF-8)")],
        )
    return load_text(text, path)


def load_text(text: str, path: str = "<deck>") -> LoadResult:
    if not text.strip():
        return _fail(path, "the file is empty; a deck needs `format = 1`, a [deck] table and [[cards]]")
    try:
        document = toml.loads(text)
    except toml.TOMLDecodeError as error:
        line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
        message = getattr(error, "msg", str(error))
        return LoadResult(path, None, [Problem(path, line, column, "error", f"TOML syntax: {message}")])
    except RecursionError:
        return _fail(path, "arrays or tables are nested too deeply")
    return validate_document(document, text, path)


def validate_document(document: dict[str, Any], text: str, path: str) -> LoadResult:
    cards = document.get("cards")
    if isinstance(cards, list) and len(cards) > MAX_CARDS:
        where = locate(text).key(("cards",))
        return LoadResult(
            path,
            None,
            [_at(path, where, ("cards",), f"{len(cards):,} cards; a deck may have at most {MAX_CARDS:,}")],
        )
    try:
        deck = Deck.model_validate(document).compile()
    except ValidationError as error:
        positions = locate(text)
        found = [_problem(path, positions, detail) for detail in error.errors()]
        found += [
            _at(path, positions.value(loc), loc, message) for loc, message in cross_card_issues(document)
        ]
        return LoadResult(path, None, _dedupe(found))
    warnings = _warnings(deck, text, path)
    return LoadResult(path, deck, warnings)


def _warnings(deck: CompiledDeck, text: str, path: str) -> list[Problem]:
    missing = [index for index, card in enumerate(deck.cards) if card.id is None]
    if not missing:
        return []
    positions = locate(text)
    return [
        _at(
            path,
            positions.key(("cards", index)),
            ("cards", index),
            "card has no id: its progress is keyed on a hash of its content and is lost "
            "when the card is edited (`otsquiz fix` writes ids in)",
            severity="warning",
        )
        for index in missing
    ]


def _problem(path: str, positions: Positions, detail: Any) -> Problem:
    loc = _clean_loc(detail["loc"], detail.get("ctx"))
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return _at(path, positions.key(loc[:-1]), loc, f"missing required key '{loc[-1]}'")
    if kind == "extra_forbidden":
        return _at(path, positions.key(loc), loc, _unknown_key(loc))
    if kind == "union_tag_not_found":
        return _at(path, positions.key(loc), loc, "missing required key 'type'")
    if kind == "union_tag_invalid":
        given = ctx.get("tag", "")
        close = difflib.get_close_matches(str(given), CARD_TYPES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return _at(
            path,
            positions.value((*loc, "type")),
            (*loc, "type"),
            f"unknown card type '{given}'{hint}; the types are {', '.join(CARD_TYPES)}",
        )
    return _at(path, positions.value(loc), loc, _message(kind, detail, loc))


# Pydantic adds the name of a union member to the location of its errors;
# the author wrote neither "choice" after a card's index nor "int" after a value.
_UNION_MEMBERS = frozenset({"int", "float", "str", "bool", "function-after"})


def _clean_loc(loc: tuple[Any, ...], ctx: dict[str, Any] | None) -> tuple[str | int, ...]:
    cleaned: list[str | int] = []
    for index, part in enumerate(loc):
        after_card = index >= 2 and loc[index - 2] == "cards" and isinstance(loc[index - 1], int)
        if (after_card and part in CARD_MODELS) or part in _UNION_MEMBERS:
            continue
        cleaned.append(part)
    if ctx and "loc" in ctx:
        cleaned.extend(ctx["loc"])
    return tuple(cleaned)


def _unknown_key(loc: tuple[str | int, ...]) -> str:
    allowed = _allowed_keys(loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key '{loc[-1]}'{hint}"


def _allowed_keys(parent: tuple[str | int, ...]) -> list[str]:
    from otsquiz.core.models import DeckInfo, Source, _Card

    if parent == ():
        return list(Deck.model_fields)
    if parent == ("deck",):
        return list(DeckInfo.model_fields)
    if parent[:2] == ("deck", "sources"):
        return list(Source.model_fields)
    if parent[:1] == ("cards",):
        return sorted({name for model in CARD_MODELS.values() for name in model.model_fields})
    return list(_Card.model_fields)


_MESSAGES = {
    "string_type": "expected text in quotes",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "list_type": "expected an array [ ... ]",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "tuple_type": 'expected an array of two texts, ["left", "right"]',
    "date_type": "expected a date such as 2026-01-13",
    "finite_number": "expected a finite number",
}


def _message(kind: str, detail: Any, loc: tuple[str | int, ...]) -> str:
    ctx = detail.get("ctx") or {}
    if kind in ("int_type", "float_type") and loc and loc[-1] in ("answer", "tolerance"):
        return "expected a number"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_long":
        return f"text is longer than {ctx.get('max_length'):,} characters"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item{'s' if ctx.get('min_length') != 1 else ''}"
    if kind == "too_long":
        return f"may have at most {ctx.get('max_length')} items"
    if kind == "string_pattern_mismatch":
        if loc in (("deck", "id"),):
            return "a deck id is a slug: a-z, 0-9 and '-', 2-64 characters, not starting or ending with '-'"
        if loc[-1] == "id":
            return "an id is a slug: a-z, 0-9, '-' and '_', starting with a letter or digit"
        if loc[-1] == "url":
            return "a URL starts with https:// or http:// and has no spaces"
        if loc[-1] == "language":
            return "a language is a BCP 47 tag such as 'en', 'tr' or 'az-Latn'"
        return "has the wrong form"
    if kind == "literal_error" and loc == ("format",):
        return "this otsquiz reads deck format 1 (`format = 1`)"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    message: str = detail["msg"]
    return message[0].lower() + message[1:] if message else kind


def _at(
    path: str,
    where: Any,
    loc: tuple[str | int, ...],
    message: str,
    severity: str = "error",
) -> Problem:
    key = key_name(loc) or None
    if where is None:
        return Problem(path, None, None, severity, message, key)  # type: ignore[arg-type]
    return Problem(path, where.line, where.column, severity, message, key)  # type: ignore[arg-type]


def _fail(path: str, message: str) -> LoadResult:
    return LoadResult(path, None, [Problem(path, None, None, "error", message)])


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for problem in problems:
        key = (problem.line, problem.column, problem.key, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0))
