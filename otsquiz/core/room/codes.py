"""Room codes: drawn from ``secrets``, easy to read aloud and type, normalised on the way in.

A code is ``CODE_LENGTH`` characters of ``ALPHABET``, which leaves out the
characters read for one another (0 and O, 1, I and L): 31**6, close to 900
million codes, for a room open a few hours. Rate limiting guesses is the
door's job (``Attempts`` helps it).
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
ROOM_TTL = timedelta(hours=4)
"""A room ends this long after its last activity (a join, a question, an answer), if not ended before."""

# What a person may type between the characters of a code: "abc-def", "ABC DEF".
_SEPARATORS = str.maketrans("", "", " -_.\t")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code ``text`` means (case, spaces and dashes aside), or None if it cannot be a code."""
    code = text.translate(_SEPARATORS).upper()
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def spaced(code: str) -> str:
    """A code as shown to a class: two halves, "ABC-DEF"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


class Attempts:
    """At most ``limit`` tries per key (an address) in any ``window`` seconds: the door's guard
    against guessing codes. In memory, for one server process."""

    def __init__(
        self, limit: int = 10, window: float = 60.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._tries: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Whether ``key`` may try now; a try allowed is counted."""
        now = self.clock()
        tries = self._tries.setdefault(key, deque())
        while tries and tries[0] <= now - self.window:
            tries.popleft()
        if len(tries) >= self.limit:
            return False
        tries.append(now)
        return True
