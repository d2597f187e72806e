"""Find where each key and value of a TOML document stands in its source text.

Neither tomllib nor tomli reports positions, so the loader uses this scanner
to turn a validation error's location (``cards[3].distractors[1]``) into a
line and a column. It only runs when a deck has problems, and it only reads
structure: the document has already been parsed, so it may assume valid TOML
and never needs to decode a value.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]*")
_SCALAR = re.compile(r"[^,\]}#\n\r]*")
_BLANK = re.compile(r"[ \t]*")
_BLANK_LINES = re.compile(r"[ \t\r\n]*")


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in characters


@dataclass(slots=True)
class Positions:
    """Positions of keys (where a key is written) and values (where its value starts)."""

    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)
    # Offsets of the line after each ``[[array]]`` header, for ``otsquiz fix``.
    headers: dict[Path, int] = field(default_factory=dict)

    def key(self, path: Path) -> Position | None:
        """The position of ``path``'s key, or of its nearest ancestor that has one."""
        return _nearest(self.keys, path)

    def value(self, path: Path) -> Position | None:
        return self.values.get(path) or _nearest(self.keys, path)


def _nearest(table: dict[Path, Position], path: Path) -> Position | None:
    for end in range(len(path), 0, -1):
        found = table.get(path[:end])
        if found is not None:
            return found
    return None


class _Done(Exception):
    """Every position asked for is found: the rest of the text need not be read."""


class _Scanner:
    def __init__(self, text: str, wanted: Iterable[Path] | None = None) -> None:
        self.text = text
        self.pos = 0
        # Lines are counted as the scan moves forward, never indexed: a 32 MiB deck of
        # short lines would otherwise cost a list of millions of offsets.
        self.counted = 0  # the offset up to which lines are counted
        self.line = 1
        self.line_start = 0
        self.result = Positions()
        self.array_counts: dict[Path, int] = {}
        # Only the paths asked for, and their ancestors (the fallback of ``key``), are kept.
        self.keep: set[Path] | None = None
        self.remaining: set[Path] = set()
        # For ``statement_before``: the last key or table header that starts before ``stop``.
        self.stop: int | None = None
        self.last: tuple[Path, int, bool] | None = None
        if wanted is not None:
            self.remaining = set(wanted)
            self.keep = {path[:end] for path in self.remaining for end in range(1, len(path) + 1)}

    def position(self, offset: int) -> Position:
        text = self.text
        if offset >= self.counted:
            lines = text.count("\n", self.counted, offset)
            if lines:
                self.line += lines
                self.line_start = text.rfind("\n", self.counted, offset) + 1
            self.counted = offset
            return Position(self.line, offset - self.line_start + 1)
        line = text.count("\n", 0, offset) + 1  # never happens in a forward scan
        return Position(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)

    def record(self, table: dict[Path, Position], path: Path, offset: int, done: bool = True) -> None:
        if self.keep is not None and path not in self.keep:
            return
        table[path] = self.position(offset)
        if done and self.keep is not None:
            self.remaining.discard(path)
            if not self.remaining:
                raise _Done

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def skip_blank(self, newlines: bool) -> None:
        text = self.text
        blank = _BLANK_LINES if newlines else _BLANK
        while True:
            self.pos = blank.match(text, self.pos).end()  # type: ignore[union-attr]  # `*`: matches everywhere
            if not text.startswith("#", self.pos):
                return
            end = text.find("\n", self.pos)
            self.pos = len(text) if end < 0 else end

    def scan(self) -> Positions:
        table: Path = ()
        text = self.text
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(text):
                return self.result
            start = self.pos
            if self.stop is not None and start > self.stop:
                raise _Done
            if text.startswith("[[", self.pos):
                self.pos += 2
                path = self.dotted_key()
                self.pos = text.index("]]", self.pos) + 2
                index = self.array_counts.get(path, 0)
                self.array_counts[path] = index + 1
                table = (*path, index)
                if path not in self.result.keys:  # the array itself is where its first table is
                    self.record(self.result.keys, path, start)
                if self.keep is None or table in self.keep:
                    end = text.find("\n", self.pos)
                    self.result.headers[table] = len(text) if end < 0 else end + 1
                self.record(self.result.keys, table, start, done=False)
                self.record(self.result.values, table, start)
            elif text[self.pos] == "[":
                self.pos += 1
                table = self.resolve(self.dotted_key())
                self.last = (table, start, True)
                self.pos = text.index("]", self.pos) + 1
                if table not in self.result.keys:
                    self.record(self.result.keys, table, start)
            else:
                self.key_value(table)

    def resolve(self, path: Path) -> Path:
        """Add the current index of any array of tables the header path runs through."""
        resolved: list[str | int] = []
        for part in path:
            resolved.append(part)
            count = self.array_counts.get(tuple(resolved))
            if count:
                resolved.append(count - 1)
        return tuple(resolved)

    def dotted_key(self) -> tuple[str, ...]:
        parts = []
        while True:
            self.skip_blank(newlines=False)
            parts.append(self.simple_key())
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1

    def simple_key(self) -> str:
        text = self.text
        char = self.peek()
        if char == '"':
            end = self.string_end(self.pos)
            key: str = tomllib.loads("k = " + text[self.pos : end])["k"]  # decode the escapes
            self.pos = end
            return key
        if char == "'":
            end = text.index("'", self.pos + 1)
            key = text[self.pos + 1 : end]
            self.pos = end + 1
            return key
        start = self.pos
        self.pos = _BARE_KEY.match(text, start).end()  # type: ignore[union-attr]  # `*`: matches everywhere
        return text[start : self.pos]

    def key_value(self, table: Path) -> None:
        start = self.pos
        if self.stop is not None and start > self.stop:
            raise _Done
        path = (*table, *self.dotted_key())
        self.last = (path, start, False)
        self.record(self.result.keys, path, start, done=False)
        self.skip_blank(newlines=False)
        self.pos += 1  # '='
        self.skip_blank(newlines=False)
        self.value(path)

    def value(self, path: Path) -> None:
        self.record(self.result.values, path, self.pos)
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif char in "\"'":
            self.pos = self.string_end(self.pos)
        else:
            self.pos = _SCALAR.match(self.text, self.pos).end()  # type: ignore[union-attr]  # `*`: matches everywhere

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if char == "]" or not char:
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            element = (*path, index)
            self.record(self.result.keys, element, self.pos, done=False)
            self.value(element)
            index += 1

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if char == "}" or not char:
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            self.key_value(path)

    def string_end(self, start: int) -> int:
        """The offset just past the string that starts at ``start``."""
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                pos = start + 3
                while True:
                    found = text.index(quote, pos)
                    if quote == '"""' and _escaped(text, found):
                        pos = found + 1
                        continue
                    end = found + 3
                    while text.startswith(quote[0], end) and end - found < 5:
                        end += 1  # up to two quotes may close the content
                    return end
        if text[start] == "'":
            return text.index("'", start + 1) + 1
        pos = start + 1
        while True:
            found = text.index('"', pos)
            if not _escaped(text, found):
                return found + 1
            pos = found + 1


def _escaped(text: str, offset: int) -> bool:
    backslashes = 0
    while offset - backslashes - 1 >= 0 and text[offset - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def locate(text: str, wanted: Iterable[Path] | None = None) -> Positions:
    """Positions of the keys and values in ``text``, a document that parses as TOML.

    With ``wanted``, only the positions of those paths (and of their ancestors,
    which ``Positions.key`` falls back on) are kept, and the scan stops as soon
    as each has been found: placing one error in a 32 MiB deck costs at most
    one read of the text, and memory for only what was asked.

    On text it cannot follow (it never should, after a successful parse) it
    returns what it found so far: a missing position is shown as none, never
    as a made-up one.
    """
    scanner = _Scanner(text, wanted)
    try:
        return scanner.scan()
    except _Done:
        return scanner.result
    except (ValueError, IndexError, RecursionError, tomllib.TOMLDecodeError):
        return scanner.result


def offset_position(text: str, offset: int) -> Position:
    """The line and column of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def inside_string(text: str, start: Position, offset: int) -> Position | None:
    """Where character ``offset`` of the string value written at ``start`` stands in ``text``.

    Literal strings and basic strings without a backslash before that character map
    character for character; otherwise (an escape changes the count) None.
    """
    line_start = 0
    for _ in range(start.line - 1):
        line_start = text.index("\n", line_start) + 1
    at = line_start + start.column - 1
    quote = text[at : at + 3] if text.startswith(('"""', "'''"), at) else text[at : at + 1]
    if quote not in ('"', "'", '"""', "'''"):
        return None
    body = at + len(quote)
    if len(quote) == 3 and text.startswith("\n", body):
        body += 1  # a newline right after the opening quotes is not part of the value
    elif len(quote) == 3 and text.startswith("\r\n", body):
        body += 2
    end = body + offset
    if end > len(text) or (quote[0] == '"' and "\\" in text[body:end]) or "\r" in text[body:end]:
        return None
    return offset_position(text, end)


def statement_before(text: str, offset: int) -> tuple[Path, int, bool] | None:
    """The key (or ``[table]`` header: True) of the last statement that starts at or before ``offset``,
    with the offset where it starts: what a parser error at ``offset`` is about.

    It works on text that does not parse, up to the error; it keeps no positions.
    """
    scanner = _Scanner(text, ())
    scanner.stop = offset
    with contextlib.suppress(_Done, ValueError, IndexError, RecursionError, tomllib.TOMLDecodeError):
        scanner.scan()
    return scanner.last


# A comment, a closed string of each kind, or (the group "open") a quote that opens a string
# which never closes: a comment or string is skipped whole, so the quotes inside it do not count.
_STRINGS = re.compile(
    r'#[^\n]*|"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|(?P<open3>"""|\'\'\')'
    r'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|(?P<open>["\'])'
)


def unclosed_string(text: str) -> int | None:
    """The offset of the first quote that opens a string without a closing quote."""
    for match in _STRINGS.finditer(text):
        if match.group("open3") or match.group("open"):
            return match.start()
    return None


_BRACKETS = re.compile(
    r'#[^\n]*|"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[\[\]{}]'
)


def deep_nesting(text: str, depth: int) -> int | None:
    """The offset of the outermost bracket of the first value nested ``depth`` levels deep."""
    level = 0
    outermost = 0
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if char in "[{":
            if level == 0:
                outermost = match.start()
            level += 1
            if level >= depth:
                return outermost
        elif char in "]}":
            level = max(level - 1, 0)
    return None
