"""A live class: one room in the shared store, driven by a presenter and many students' processes.

The modules, one responsibility each (docs/classroom.md tells the design):

* ``codes``: room codes (drawn, normalised, shown), their expiry, a guard against guessing.
* ``names``: students' typed names checked, generated ones from a small word list.
* ``options``: what a teacher chooses (``RoomOptions``).
* ``scoring``: points, ranks, team averages; pure functions.
* ``room``: ``Room``, what the presenter and a student do; ``find`` for the door.
* ``results``: what stays after the bell.

The rows are kept by ``otsquiz.core.store.rooms``.
"""

from __future__ import annotations

from otsquiz.core.room.codes import ALPHABET, CODE_LENGTH, ROOM_TTL, Attempts, normalise_code, spaced
from otsquiz.core.room.options import RoomOptions, team_names
from otsquiz.core.room.room import (
    Answered,
    Joined,
    OptionCount,
    Progress,
    Reveal,
    Room,
    RoomState,
    Scoreboard,
    Standing,
    Student,
    TeamStanding,
    find,
)
from otsquiz.core.store.rooms import RoomError

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "ROOM_TTL",
    "Answered",
    "Attempts",
    "Joined",
    "OptionCount",
    "Progress",
    "Reveal",
    "Room",
    "RoomError",
    "RoomOptions",
    "RoomState",
    "Scoreboard",
    "Standing",
    "Student",
    "TeamStanding",
    "find",
    "normalise_code",
    "spaced",
    "team_names",
]
