"""Deck text on screen exactly as written: never parsed as markup, never styled by accident."""

from __future__ import annotations

from textual.content import Content


def plain(text: str) -> Content:
    """``text`` as literal content: square brackets and anything like markup stay as typed."""
    return Content(text)
