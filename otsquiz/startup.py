"""Start-up: the collector pauses while ``otsquiz`` starts.

Start-up builds a great deal (Textual, the decks, the first
screen) and frees almost none of it, so the collector's passes over the
growing heap are wasted work on the way to the first card. It is off from the
moment ``otsquiz`` starts until ``done()``; then what start-up built is frozen
(``gc.freeze``: never scanned again, which also keeps later pauses short with a
large collection) and collection resumes for what comes after.

The standard streams and signals are ``otsquiz.streams``.
"""

from __future__ import annotations

import gc

_paused = False


def begin() -> None:
    """Pause the collector for start-up (only if it is running)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def done() -> None:
    """Start-up is over: freeze what it built and collect again. Safe to call more than once."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
