"""``otsquiz serve``: students join from a browser, through a door in front of textual-serve.

``door`` decides who comes in (room codes, rate limits, seats) and is pure
logic; ``server`` is the aiohttp application that asks it before any student's
app process starts; ``pages`` is the HTML. Imported only by ``otsquiz serve``,
never on the way to the first card.
"""

from otsquiz.serve.door import Door, Student, Verdict
from otsquiz.serve.server import (
    ENV_NAME,
    ENV_ROOM,
    ENV_TOKEN,
    ClassServer,
    default_command,
    serve,
    share_urls,
)

__all__ = [
    "ENV_NAME",
    "ENV_ROOM",
    "ENV_TOKEN",
    "ClassServer",
    "Door",
    "Student",
    "Verdict",
    "default_command",
    "serve",
    "share_urls",
]
