"""Parse and validate deck text, turning every failure into a located problem.

``load_bytes`` never raises for a bad deck: it returns the compiled deck,
or the problems that keep it from loading, each with the path, the line and
column of the offending key or value, a severity and a message. This module
imports Pydantic and the TOML parser; ``library`` reads deck files and
comes here only when the cache of compiled decks has no entry.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

try:  # the compiled tomli parses 3-4x faster than the standard library's tomllib
    import tomli as toml
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    import tomllib as toml  # type: ignore[no-redef]  # the same API under the other name

from pydantic import TypeAdapter, ValidationError

from otsquiz.core.answers import normalize
from otsquiz.core.cards import Deck
from otsquiz.core.kinds.cloze import parse_gaps
from otsquiz.core.limits import MAX_CARDS, MAX_FILE_BYTES, MAX_PROBLEMS
from otsquiz.core.load_result import TOO_LARGE, LoadResult
from otsquiz.core.models import CARD_MODELS, CARD_TYPES, Card, DeckFile, cross_card_issues
from otsquiz.core.problems import Problem, Severity, key_name
from otsquiz.core.text import visible
from otsquiz.core.toml_positions import (
    Position,
    deep_nesting,
    inside_string,
    locate,
    offset_position,
    statement_before,
    unclosed_string,
)

__all__ = ["TOO_LARGE", "LoadResult", "load_bytes", "load_text", "toml", "validate_document"]

_START = Position(1, 1)


def load_bytes(data: bytes, path: str = "<deck>") -> LoadResult:
    """Parse and validate the bytes of a deck file."""
    try:
        return _load_bytes(data, path)
    except MemoryError:
        return _fail(path, TOO_LARGE)


def _load_bytes(data: bytes, path: str) -> LoadResult:
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
        return LoadResult(path, None, [_syntax_problem(text, path, error)])
    except RecursionError:
        nest = deep_nesting(text, _DEEP)
        where = offset_position(text, nest) if nest is not None else None
        message = "arrays or inline tables are nested too deeply (a deck needs a few levels at most)"
        return LoadResult(path, None, [_at(path, where, (), message)])
    return validate_document(document, text, path)


_DEEP = 100  # nesting the parser gives up on is far deeper; this finds where it starts
_DATE_CHARS = re.compile(r"[0-9A-Za-z:.+_-]*")
_DATE_LIKE = re.compile(r"\d{4}-|\d{2}:\d")


def _syntax_problem(text: str, path: str, error: Exception) -> Problem:
    """A TOML syntax error in the author's words, where the mistake is (not where the parser gave up)."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    message = str(getattr(error, "msg", error))
    offset = getattr(error, "pos", None)
    if not isinstance(offset, int) or not 0 <= offset <= len(text):
        return Problem(path, line, column, "error", f"TOML syntax: {visible(message)}")
    explained = _explain(text, offset, message)
    if explained is None:
        return Problem(path, line, column, "error", f"TOML syntax: {visible(message)}")
    where, words = explained
    position = offset_position(text, where)
    return Problem(path, position.line, position.column, "error", words)


# What the parser says when a string does not close, whatever kind of string it is.
_UNCLOSED = ("Illegal character '\\n'", "Illegal character '\\r'", "Unterminated string", "Expected \"'")


def _explain(text: str, offset: int, message: str) -> tuple[int, str] | None:
    if message.startswith(_UNCLOSED):
        opening = unclosed_string(text)
        if opening is not None and opening <= offset:
            quote = text[opening : opening + 3] if text.startswith(('"""', "'''"), opening) else text[opening]
            return opening, f"unclosed string: a {quote} opened here has no closing quote"
    if message.startswith(("Cannot overwrite a value", "Duplicate inline table key", "Cannot declare")):
        statement = statement_before(text, offset)
        if statement is not None:
            key, start, is_table = statement
            first = locate(text, [key]).key(key)
            name = "[" + ".".join(visible(part) for part in key if isinstance(part, str)) + "]"
            if first is not None and first != offset_position(text, start):
                if is_table:
                    return start, f"table {name} is already defined (at line {first.line})"
                return start, f"key '{visible(key[-1])}' is given twice (first at line {first.line})"
            for end in range(1, len(key)):  # `a = 1` then `a.b = 2`: a value, then a table
                given = locate(text, [key[:end]]).keys.get(key[:end])
                if given is not None and given != offset_position(text, start):
                    dotted = ".".join(visible(part) for part in key[:end] if isinstance(part, str))
                    words = f"'{dotted}' already has a value (line {given.line}); it cannot be a table too"
                    return start, words
    token_start = offset
    while token_start > 0 and _DATE_CHARS.fullmatch(text[token_start - 1]):
        token_start -= 1
    token = text[token_start : _DATE_CHARS.match(text, offset).end()]  # type: ignore[union-attr]  # `*`: matches everywhere
    if _DATE_LIKE.match(token):
        return token_start, (
            f"'{visible(token)}' is not a valid date or time: write a date as YYYY-MM-DD, "
            "such as 2026-01-13 (a time as 14:30:00)"
        )
    return None


class _Issue(NamedTuple):
    """A problem before it is placed: ``at`` is the path whose key or value it points at."""

    where: Literal["key", "value"]
    at: tuple[str | int, ...]
    loc: tuple[str | int, ...]  # the key named when the position is unknown
    message: str
    severity: Severity = "error"
    first: tuple[str | int, ...] | None = None  # a second use: the first is named by its line
    offset: int | None = None  # a character inside the text value (a cloze's stray brace)


# Far more keys than any table of the format has: such a table is reported as one problem,
# not one per unknown key (a hostile card of millions of keys would cost gigabytes).
_MAX_KEYS = 64
_CARD: TypeAdapter[Card] = TypeAdapter(Card)


def validate_document(document: dict[str, Any], text: str, path: str) -> LoadResult:
    cards = document.get("cards")
    if isinstance(cards, list) and len(cards) > MAX_CARDS:
        message = f"{len(cards):,} cards; a deck may have at most {MAX_CARDS:,}"
        return LoadResult(path, None, _place(text, path, [_Issue("key", ("cards",), ("cards",), message)]))
    deck, issues = _validate(document)
    if deck is None:
        return LoadResult(path, None, _dedupe(_place(text, path, issues)))
    return LoadResult(path, deck, _warnings(deck, text, path) + _repeated_gaps(document, text, path))


def _validate(document: dict[str, Any]) -> tuple[Deck | None, list[_Issue]]:
    """The compiled deck, or at most about ``MAX_PROBLEMS`` issues that keep it from loading.

    Cards are validated one by one, so that checking stops once there are enough
    problems to show: the cost of a hostile deck is bounded, not one error per value.
    """
    issues: list[_Issue] = []
    cards = document.get("cards")
    header = {**document, "cards": []} if isinstance(cards, list) else document
    too_many = _too_many_keys(document, ()) or _too_many_keys(document.get("deck"), ("deck",))
    sources = document.get("deck", {}).get("sources") if isinstance(document.get("deck"), dict) else None
    if not too_many and isinstance(sources, list):
        too_many = _first_bulky(sources, ("deck", "sources"))
    model: DeckFile | None = None
    if too_many:
        issues.append(too_many)
    else:
        try:
            model = DeckFile.model_validate(header)
        except ValidationError as error:
            issues += [_issue(detail) for detail in _details(error)]
    valid_cards = []
    for index, card in enumerate(cards if isinstance(cards, list) else []):
        if len(issues) >= MAX_PROBLEMS:
            break
        bulky = _too_many_keys(card, ("cards", index)) or _bulky_field(card, ("cards", index))
        if bulky:
            issues.append(bulky)
            continue
        try:
            valid_cards.append(_CARD.validate_python(card))
        except ValidationError as error:
            issues += [_issue(detail, ("cards", index)) for detail in _details(error)]
    for loc, message, first in cross_card_issues(document):
        if len(issues) >= MAX_PROBLEMS:
            break
        issues.append(_Issue("value", loc, loc, message, first=first))
    if issues or model is None:
        return None, issues
    return model.model_copy(update={"cards": valid_cards}).compile(), []


def _details(error: ValidationError) -> list[Any]:
    return error.errors(include_url=False, include_input=False)


def _too_many_keys(table: object, loc: tuple[str | int, ...]) -> _Issue | None:
    if not isinstance(table, dict) or len(table) <= _MAX_KEYS:
        return None
    allowed = set(_allowed_keys(loc))
    unknown = [key for key in itertools.islice(table, _MAX_KEYS * 2) if key not in allowed][:3]
    examples = ", ".join(f"'{visible(key)}'" for key in unknown)
    what = "this card" if loc[:1] == ("cards",) else "this table"
    message = f"{what} has {len(table):,} keys, far more than the format knows (unknown: {examples}, …)"
    return _Issue("key", loc, loc, message)


def _first_bulky(tables: list[Any], loc: tuple[str | int, ...]) -> _Issue | None:
    try:  # max(map(len)) runs in C: millions of small tables are passed over in a fraction of a second
        if max(map(len, tables), default=0) <= _MAX_KEYS:
            return None
    except TypeError:
        pass  # an item without a length (a number): look at each
    return next(filter(None, (_too_many_keys(t, (*loc, i)) for i, t in enumerate(tables))), None)


# A table inside a card (a cloze's accept) has one entry per gap: a few, at most hundreds.
_MAX_ENTRIES = 1_000


def _bulky_field(card: object, loc: tuple[str | int, ...]) -> _Issue | None:
    if not isinstance(card, dict):
        return None
    for key, value in card.items():
        if isinstance(value, dict) and len(value) > _MAX_ENTRIES:
            message = f"'{visible(key)}' has {len(value):,} entries, far more than a card can use"
            return _Issue("key", (*loc, key), (*loc, key), message)
    return None


def _place(text: str, path: str, issues: list[_Issue]) -> list[Problem]:
    """The problems of ``issues`` at their lines and columns, finding only those positions."""
    shown = issues[:MAX_PROBLEMS]
    wanted = {issue.at for issue in shown} | {issue.first for issue in shown if issue.first is not None}
    positions = locate(text, wanted)
    problems = []
    for issue in shown:
        where = positions.key(issue.at) if issue.where == "key" else positions.value(issue.at)
        if where is None:  # a top-level key that is missing (the document lacks it), no [[cards]]
            where = _START
        if where is not None and issue.offset is not None:
            where = inside_string(text, where, issue.offset) or where
        message = issue.message
        if issue.first is not None:
            first = positions.key(issue.first)
            where_first = f"at line {first.line}" if first else f"by {key_name(issue.first[:2])}"
            message += f" (first used {where_first})"
        problems.append(_at(path, where, issue.loc, message, issue.severity))
    if len(issues) >= MAX_PROBLEMS:
        stopped = f"checking stopped after {MAX_PROBLEMS:,} problems; fix these first"
        problems.append(Problem(path, None, None, "error", stopped))  # printed at 1:1, listed last
    return problems


def _warnings(deck: Deck, text: str, path: str) -> list[Problem]:
    if len(deck) == 0:
        message = "the deck has no cards: add [[cards]] tables (see `otsquiz new`)"
        return _place(text, path, [_Issue("key", ("cards",), ("cards",), message, "warning")])
    missing = [index for index in range(len(deck)) if deck.card(index).id is None]
    if not missing:
        return []
    message = (
        "card has no id: its progress is keyed on a hash of its content and is lost "
        "when the card is edited (`otsquiz fix` writes ids in)"
    )
    shown = missing[:MAX_PROBLEMS]
    issues = [_Issue("key", ("cards", index), ("cards", index), message, "warning") for index in shown]
    problems = _place(text, path, issues)[: len(shown)]
    if len(missing) > len(shown):
        more = f"{len(missing) - len(shown):,} more cards have no id (`otsquiz fix` writes ids in)"
        problems.append(Problem(path, None, None, "warning", more, "cards"))
    return problems


def _repeated_gaps(document: dict[str, Any], text: str, path: str) -> list[Problem]:
    """A warning for each cloze gap whose answer another gap of its text has: the question
    of one gap shows the other filled in, so each gives the other away."""
    issues: list[_Issue] = []
    for index, card in enumerate(document.get("cards") or ()):
        if len(issues) >= MAX_PROBLEMS or card.get("type") != "cloze":
            continue
        seen: dict[str, int] = {}
        for gap in parse_gaps(card["text"]):
            key = normalize(gap.answer)
            if key in seen:
                message = (
                    f"gaps {seen[key]} and {gap.index} have the same answer: each question shows the other"
                )
                at = ("cards", index, "text")
                issues.append(_Issue("value", at, at, message, "warning", offset=gap.start))
                break
            seen[key] = gap.index
    return _place(text, path, issues)[: len(issues)]


def _issue(detail: Any, prefix: tuple[str | int, ...] = ()) -> _Issue:
    loc = _clean_loc((*prefix, *detail["loc"]), detail.get("ctx"))
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return _Issue("key", loc[:-1], loc, f"missing required key '{visible(loc[-1])}'")
    if kind == "extra_forbidden":
        card_type = detail["loc"][0] if prefix[:1] == ("cards",) and detail["loc"] else None
        return _Issue("key", loc, loc, _unknown_key(loc, card_type if card_type in CARD_MODELS else None))
    if kind == "union_tag_not_found":
        return _Issue("key", loc, loc, "missing required key 'type'")
    if kind == "union_tag_invalid":
        given = ctx.get("tag", "")
        close = difflib.get_close_matches(str(given), CARD_TYPES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown card type '{visible(given)}'{hint}; the types are {', '.join(CARD_TYPES)}"
        return _Issue("value", (*loc, "type"), (*loc, "type"), message)
    offset = ctx.get("offset")
    return _Issue(
        "value", loc, loc, _message(kind, detail, loc), offset=offset if isinstance(offset, int) else None
    )


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


def _unknown_key(loc: tuple[str | int, ...], card_type: str | None = None) -> str:
    key = str(loc[-1])
    if card_type is not None:
        return _not_for_type(key, card_type)
    allowed = [name for name in _allowed_keys(loc[:-1]) if name != key]
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key '{visible(key)}'{hint}"


def _not_for_type(key: str, card_type: str) -> str:
    """A key a card of ``card_type`` does not take: which types take it, and what this one takes."""
    from otsquiz.core.models import _Card

    own = list(CARD_MODELS[card_type].model_fields)
    close = difflib.get_close_matches(key, own, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    common = [name for name in own if name in _Card.model_fields]
    specific = [name for name in own if name not in common and name != "type"]
    takes = f"{card_type} cards take {_and(specific)} (and {', '.join(common)})"
    owners = [name for name in CARD_TYPES if key in CARD_MODELS[name].model_fields]
    if not owners:  # a typo, or a key of no card: the near one, or else what this type takes
        return f"unknown key '{visible(key)}'{hint or '; ' + takes}"
    belongs = f"it belongs to {_and(owners)} cards"
    return f"'{visible(key)}' is not a key of a {card_type} card{hint}: {belongs}; {takes}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _allowed_keys(parent: tuple[str | int, ...]) -> list[str]:
    from otsquiz.core.models import DeckTable, SourceTable, _Card

    if parent == ():
        return list(DeckFile.model_fields)
    if parent == ("deck",):
        return list(DeckTable.model_fields)
    if parent[:2] == ("deck", "sources"):
        return list(SourceTable.model_fields)
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
    severity: Severity = "error",
) -> Problem:
    key = key_name(loc) or None
    if where is None:
        return Problem(path, None, None, severity, message, key)
    return Problem(path, where.line, where.column, severity, message, key)


def _fail(path: str, message: str) -> LoadResult:
    """A problem of the whole file (empty, too large): placed at its start, 1:1."""
    return LoadResult(path, None, [Problem(path, 1, 1, "error", message)])


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for problem in problems:
        key = (problem.line, problem.column, problem.key, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    # In the order of the file; "checking stopped" (no position, no key) last.
    return sorted(unique, key=lambda p: (p.line is None and p.key is None, p.line or 0, p.column or 0))
