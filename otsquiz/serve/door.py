"""The door in front of the students' app processes: who may come in, and who holds a seat.

Pure logic, no web server: the server asks the door at the join form (``knock``)
and again before it starts a student's app process (``student``), so a code that
was right once but has since ended starts nothing.

A student is known to their browser by a *secret* (a random cookie value) and to
their app process and the room by a *token*, a digest of the secret: the secret
never leaves the server except to its own browser, and a token seen in the
room's data cannot be turned back into a way in.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from otsquiz.core.room.codes import normalise_code
from otsquiz.core.room.names import clean_name, name_problem

log = logging.getLogger("otsquiz.serve")


class Verdict(Enum):
    """What the door says to one knock."""

    ADMITTED = "admitted"
    WRONG_CODE = "wrong code"
    BAD_NAME = "bad name"
    RATE_LIMITED = "rate limited"
    FULL = "full"
    UNAVAILABLE = "unavailable"  # the check itself failed (the room's database, say)


@dataclass
class Student:
    """One student holding a seat."""

    secret: str
    token: str
    code: str
    name: str


@dataclass(frozen=True)
class Answer:
    """The door's answer to a knock: the verdict, the student let in, seconds to wait, why not."""

    verdict: Verdict
    student: Student | None = None
    retry_after: int = 0
    message: str = ""


def token_of(secret: str) -> str:
    """The token a student's app process gets: a digest, so the cookie's secret stays in the browser."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()[:32]


class Door:
    """Checks room codes, rate-limits wrong ones per client address and hands out seats.

    ``admit(code)`` is the room's check (True: the code opens a room now); it is
    asked on every knock and whenever a student's process is about to start.
    Failures are limited per address (``max_failures`` within ``window`` seconds)
    rather than every attempt, so a class behind one address still gets in.
    """

    def __init__(
        self,
        admit: Callable[[str], bool],
        *,
        max_students: int = 40,
        ask_name: bool = True,
        max_failures: int = 8,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._admit = admit
        self.max_students = max_students
        self.ask_name = ask_name
        self._max_failures = max_failures
        self._window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._students: dict[str, Student] = {}

    @property
    def seated(self) -> int:
        """How many students hold a seat."""
        return len(self._students)

    def knock(self, address: str, code: str, name: str, secret: str | None = None) -> Answer:
        """One try at the join form; ``secret`` is the cookie the browser already has, if any."""
        wait = self._wait(address)
        if wait:
            return Answer(Verdict.RATE_LIMITED, retry_after=wait)
        room = normalise_code(code)  # the room's own rule: case, spaces and dashes aside
        if room is None:
            self._fail(address)
            return Answer(Verdict.WRONG_CODE)
        try:
            open_now = self._admit(room)
        except Exception:
            log.exception("checking a room code failed")
            return Answer(Verdict.UNAVAILABLE)
        if not open_now:
            self._fail(address)
            return Answer(Verdict.WRONG_CODE)
        # The room's own rule for names, so a name let in here is one the room takes.
        problem = name_problem(name) if self.ask_name or name.strip() else None
        if problem is not None:
            return Answer(Verdict.BAD_NAME, message=problem)
        student_name = clean_name(name)
        student = self._students.get(secret) if secret else None
        if student is not None:  # the same browser again (the back button): it keeps its seat
            student.code, student.name = room, student_name
            return Answer(Verdict.ADMITTED, student)
        if len(self._students) >= self.max_students:
            return Answer(Verdict.FULL)
        fresh = secrets.token_urlsafe(32)
        student = Student(secret=fresh, token=token_of(fresh), code=room, name=student_name)
        self._students[fresh] = student
        return Answer(Verdict.ADMITTED, student)

    def student(self, secret: str | None) -> Student | None:
        """The student with this secret, if their room is still open; one whose room ended loses the seat."""
        student = self._students.get(secret) if secret else None
        if student is None:
            return None
        try:
            open_now = self._admit(student.code)
        except Exception:
            log.exception("checking a room code failed")
            return None
        if not open_now:
            del self._students[student.secret]
            return None
        return student

    def _wait(self, address: str) -> int:
        """Seconds until this address may try again (0: now); forgets failures older than the window."""
        now = self._clock()
        failures = self._failures.get(address)
        if failures is None:
            return 0
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if not failures:
            del self._failures[address]
            return 0
        if len(failures) < self._max_failures:
            return 0
        return max(1, int(failures[0] + self._window - now + 0.999))

    def _fail(self, address: str) -> None:
        if len(self._failures) > 4096:  # many addresses: forget those whose failures are all old
            for stale in [
                key for key, times in self._failures.items() if times[-1] <= self._clock() - self._window
            ]:
                del self._failures[stale]
        self._failures.setdefault(address, deque()).append(self._clock())
