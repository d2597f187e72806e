"""Deck text on screen exactly as written: never parsed as markup, never styled by accident."""

from __future__ import annotations

from textual.content import Content

from otsquiz.core.text import UNSAFE, visible


def plain(text: str) -> Content:
    """``text`` as literal content: square brackets and anything like markup stay as typed.

    Control characters other than line breaks and tabs are spelled out (``visible``):
    an escape sequence in a deck or a name shows as ``\\x1b[2J`` and never reaches the terminal.
    """
    if UNSAFE.search(text):
        text = "\n".join("\t".join(visible(part) for part in line.split("\t")) for line in text.split("\n"))
    return Content(text)
