"""Tools for deck authors: writing missing card ids in, a starter deck, and writing files safely.

``fix_ids`` edits the text of a deck the way an author would: it inserts one
``id = "..."`` line under each ``[[cards]]`` header that lacks one and leaves
every other byte (comments, order, layout, line endings) as it was.

``replace_file`` and ``create_file`` write so that an interruption (a signal, a
full disk, a crash) leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from contextlib import suppress
from dataclasses import dataclass

from otsquiz.core.kinds import KINDS
from otsquiz.core.loader import toml
from otsquiz.core.toml_positions import locate

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "is",
        "was",
        "which",
        "what",
        "who",
        "when",
        "where",
        "how",
        "did",
        "does",
        "do",
        "by",
        "for",
    ]
)
MAX_SLUG_WORDS = 6


def slugify(text: str, max_length: int = 48) -> str:
    """A readable id from a prompt: ascii, lower case, the first meaningful words joined by '-'."""
    folded = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ə", "e"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    words = [word for word in _NOT_SLUG.split(ascii_text) if word]
    meaningful = [word for word in words if word not in _STOP_WORDS] or words
    slug = "-".join(meaningful[:MAX_SLUG_WORDS])[:max_length].strip("-")
    return slug or "card"


@dataclass(frozen=True, slots=True)
class IdFix:
    card_index: int
    line: int  # the line the id is inserted at (1-based, in the fixed file)
    card_id: str


@dataclass(frozen=True, slots=True)
class FixResult:
    text: str
    fixes: list[IdFix]
    skipped: list[str]  # cards that could not be given an id in place, and why


def fix_ids(text: str) -> FixResult:
    """Insert an id for each card without one; raises ``toml.TOMLDecodeError`` on invalid TOML."""
    document = toml.loads(text)
    cards = document.get("cards")
    if not isinstance(cards, list):
        return FixResult(text, [], [])
    positions = locate(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    taken = {card["id"] for card in cards if isinstance(card, dict) and isinstance(card.get("id"), str)}
    insertions: list[tuple[int, int, str]] = []
    skipped: list[str] = []
    for index, card in enumerate(cards):
        if not isinstance(card, dict) or "id" in card:
            continue
        offset = positions.headers.get(("cards", index))
        if offset is None:
            skipped.append(f"cards[{index}] is an inline table; add its id by hand")
            continue
        question = card.get("prompt") or card.get("statement") or card.get("text") or "card"
        card_id = _unique(slugify(str(question)), taken)
        taken.add(card_id)
        insertions.append((offset, index, card_id))
    pieces: list[str] = []
    fixes: list[IdFix] = []
    previous = 0
    for offset, _index, card_id in insertions:
        pieces.append(text[previous:offset])
        if offset == len(text) and not text.endswith("\n"):
            pieces.append(newline)  # a header on the last line, without a line break
        pieces.append(f'id = "{card_id}"{newline}')
        previous = offset
    pieces.append(text[previous:])
    fixed = "".join(pieces)
    # Report the line each id landed on, counted in the fixed text.
    for shift, (offset, index, card_id) in enumerate(insertions):
        line = text.count("\n", 0, offset) + 1 + shift
        fixes.append(IdFix(index, line, card_id))
    return FixResult(fixed, fixes, skipped)


def _unique(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


STARTER_HEADER = """\
#:schema {schema}
# A starter deck for otsquiz. It shows every card type; replace the cards
# with your own. Check it as you go with:  otsquiz validate {filename}
# The format is described in docs/authoring.md.

format = 1                          # the deck format version; always 1 for now

[deck]
id = "{deck_id}"                    # a slug (a-z, 0-9, '-'), unique among your decks
title = "{title}"                   # shown on the home screen
description = "What this deck teaches, in a sentence."
language = "en"                     # BCP 47 tag; "tr", "az", "kk" switch on Turkic case rules
tags = ["example"]
authors = ["Your Name"]
strict_diacritics = false           # true: "Turkiye" is wrong for "Türkiye"
# Where the facts come from. Each card names one by its id in `source`.
sources = [
  {{ id = "ots-site", title = "Organization of Turkic States, official site", url = "https://www.turkicstates.org/en/turk-konseyi-hakkinda" }},
]

# Every card has a stable `id` (progress is kept under it: keep it when you
# edit the card), a `type`, an `explanation` that teaches a little more than
# the answer, and a `source`. `hint` and `tags` are optional.
"""


def starter_deck(deck_id: str, title: str, filename: str, schema: str) -> str:
    """The starter deck; ``schema`` is where editors find the JSON Schema (a path or URL).

    Its cards are the kinds' own examples, one of each kind in the documented order.
    """
    header = STARTER_HEADER.format(deck_id=deck_id, title=title, filename=filename, schema=schema)
    return "\n".join([header, *(kind.starter for kind in KINDS.values())])


# ---------------------------------------------------------------- writing files


def replace_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Put ``data`` in the file at ``path`` atomically, keeping its mode; OSError if it cannot.

    A symlink is followed: its target gets the new text and the link stays a link.
    The text goes to a temporary file beside the target, synced, then renamed over
    it, so a reader sees the old file or the new one; on failure the old one is
    untouched and the temporary file is gone.
    """
    target = os.path.realpath(path)
    status = os.stat(target)
    temporary = _write_temporary(target, data, stat.S_IMODE(status.st_mode))
    try:
        if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
            with suppress(OSError):  # root fixing a learner's deck: it stays theirs
                os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise
    _sync_folder(os.path.dirname(target))


def create_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Create the file ``path`` holding ``data``, whole or not at all; FileExistsError if it exists."""
    target = os.fspath(path)
    temporary = _write_temporary(target, data, 0o666 & ~_umask())
    try:
        os.link(temporary, target)  # unlike a rename, never replaces a file that appeared meanwhile
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: create it in place
        with open(target, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    finally:
        _remove(temporary)
    _sync_folder(os.path.dirname(os.path.abspath(target)))


def _write_temporary(target: str, data: bytes, mode: int) -> str:
    folder, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".otsquiz-tmp", dir=folder or ".")
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.chmod(temporary, mode)  # mkstemp's is 600
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _remove(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable; some file systems cannot, and lose nothing by it."""
    with suppress(OSError):
        descriptor = os.open(folder or ".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
