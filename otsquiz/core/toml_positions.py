"""Find where each key and value of a TOML document stands in its source text.

Neither tomllib nor tomli reports positions, so the loader uses this scanner
to turn a validation error's location (``cards[3].distractors[1]``) into a
line and a column. It only runs when a deck has problems, and it only reads
structure: the document has already been parsed, so it may assume valid TOML
and never needs to decode a value.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\n\r")


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


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.result = Positions()
        self.array_counts: dict[Path, int] = {}

    def position(self, offset: int) -> Position:
        line = bisect_right(self.line_starts, offset)
        return Position(line, offset - self.line_starts[line - 1] + 1)

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def skip_blank(self, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def scan(self) -> Positions:
        table: Path = ()
        text = self.text
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(text):
                return self.result
            start = self.pos
            if text.startswith("[[", self.pos):
                self.pos += 2
                path = self.dotted_key()
                self.pos = text.index("]]", self.pos) + 2
                index = self.array_counts.get(path, 0)
                self.array_counts[path] = index + 1
                table = (*path, index)
                self.result.keys[table] = self.position(start)
                self.result.values[table] = self.position(start)
                end = text.find("\n", self.pos)
                self.result.headers[table] = len(text) if end < 0 else end + 1
            elif text[self.pos] == "[":
                self.pos += 1
                table = self.resolve(self.dotted_key())
                self.pos = text.index("]", self.pos) + 1
                self.result.keys.setdefault(table, self.position(start))
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
            key = tomllib.loads("k = " + text[self.pos : end])["k"]  # decode the escapes
            self.pos = end
            return key
        if char == "'":
            end = text.index("'", self.pos + 1)
            key = text[self.pos + 1 : end]
            self.pos = end + 1
            return key
        start = self.pos
        while self.pos < len(text) and text[self.pos] in _BARE_KEY:
            self.pos += 1
        return text[start : self.pos]

    def key_value(self, table: Path) -> None:
        start = self.pos
        path = (*table, *self.dotted_key())
        self.result.keys[path] = self.position(start)
        self.skip_blank(newlines=False)
        self.pos += 1  # '='
        self.skip_blank(newlines=False)
        self.value(path)

    def value(self, path: Path) -> None:
        self.result.values[path] = self.position(self.pos)
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif char in "\"'":
            self.pos = self.string_end(self.pos)
        else:
            text = self.text
            while self.pos < len(text) and text[self.pos] not in _SCALAR_END:
                self.pos += 1

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
            self.result.keys[element] = self.position(self.pos)
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


def locate(text: str) -> Positions:
    """Positions of every key and value in ``text``, a document that parses as TOML.

    On text it cannot follow (it never should, after a successful parse) it
    returns what it found so far: a missing position is shown as none, never
    as a made-up one.
    """
    scanner = _Scanner(text)
    try:
        return scanner.scan()
    except (ValueError, IndexError, tomllib.TOMLDecodeError):
        return scanner.result
