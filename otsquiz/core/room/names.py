"""Students' names in a room: typed ones checked, generated ones drawn from a small word list.

A name is shown as text, never as markup: "[red]Ali[/]" is kept and shown as typed.
Two names are one when their ``profile_key`` is ("Ayşe" and "AYŞE"), as for profiles.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Collection

from otsquiz.core.store.profiles import profile_key
from otsquiz.core.text import is_printable_name, visible

NAME_MAX = 24
"""A name fits beside a score on a projector and on a phone."""

ADJECTIVES = (
    "Brave", "Bright", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Jolly", "Keen",
    "Kind", "Lively", "Lucky", "Merry", "Mighty", "Nimble", "Patient", "Polite", "Proud", "Quick",
    "Quiet", "Sharp", "Steady", "Sunny", "Swift", "Thoughtful", "Wise", "Witty", "Bold", "Cheerful",
)  # fmt: skip
ANIMALS = (
    "Badger", "Bear", "Beaver", "Camel", "Crane", "Deer", "Dolphin", "Eagle", "Falcon", "Fox",
    "Gazelle", "Hawk", "Hedgehog", "Heron", "Horse", "Ibex", "Lynx", "Marmot", "Otter", "Owl",
    "Panda", "Puffin", "Rabbit", "Seal", "Snow Leopard", "Sparrow", "Swan", "Tortoise", "Wolf", "Yak",
)  # fmt: skip


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a student's name (a sentence for them), or None when it can."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        return f"A name must be 1 to {NAME_MAX} characters long."
    if not is_printable_name(name):
        return f"A name must be printable characters only, not '{visible(name)}'."
    return None


def clean_name(name: str) -> str:
    """A typed name as kept: trimmed, NFC, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def name_key(name: str) -> str:
    return profile_key(name)


def generated_name(taken: Collection[str]) -> str:
    """An adjective and an animal no one in the room has (by key); numbered once all are taken."""
    free = [
        f"{adjective} {animal}"
        for adjective in ADJECTIVES
        for animal in ANIMALS
        if name_key(f"{adjective} {animal}") not in taken
    ]
    if free:
        return secrets.choice(free)
    base = f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"
    number = 2
    while name_key(f"{base} {number}") in taken:
        number += 1
    return f"{base} {number}"
