"""Problems found in decks, and how they are printed for authors.

One line per problem, ``path:line:column: severity: message``, as the deck
format contract says, so that editors' problem matchers read every line. A
problem of the whole file (not a regular file, empty) stands at its start, 1:1,
and names the key it is about before the message where it has one.
Everything that came from outside (the path, keys and values quoted in the
message) is shown through ``visible``, so a file named with an escape
sequence prints as ``\\x1b]0;x\\x07`` and does nothing to the terminal.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from otsquiz.core.text import visible

Severity = Literal["error", "warning"]


class Problem(NamedTuple):
    path: str
    line: int | None
    column: int | None
    severity: Severity
    message: str
    key: str | None = None  # e.g. "cards[3].prompt", shown when the position is unknown

    def format(self) -> str:
        """The line an author reads; a file name, key or value with an escape sequence is spelled out."""
        path, message = visible(self.path), visible(self.message)
        if self.line is not None:
            return f"{path}:{self.line}:{self.column or 1}: {self.severity}: {message}"
        where = f" {visible(self.key)}:" if self.key else ""
        return f"{path}:1:1: {self.severity}:{where} {message}"

    def at(self, path: str) -> Problem:
        """The same problem in a file read under another path (problems are cached by content)."""
        return Problem(path, self.line, self.column, self.severity, self.message, self.key)

    def to_json(self) -> dict[str, object]:
        return {
            "path": visible(self.path),
            "line": 1 if self.line is None else self.line,
            "column": 1 if self.line is None else self.column or 1,
            "severity": self.severity,
            "message": visible(self.message),
        }


def key_name(path: tuple[str | int, ...]) -> str:
    """``("cards", 3, "prompt")`` as an author reads it: ``cards[3].prompt`` (0-based, as in TOML tools)."""
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else part
    return name


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(1 for problem in problems if problem.severity == "error")
    warnings = len(problems) - errors
    checked = f"{files} deck file{'s' if files != 1 else ''} checked"
    if not problems:
        return f"{checked}: no problems"
    return (
        f"{checked}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
