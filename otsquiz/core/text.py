"""Text that came from outside (file names, keys, values, profile names), made safe to show.

A file name or a TOML key can hold anything, escape sequences included: printed
raw, ``\\x1b]52;…`` writes the clipboard and ``\\x1bc`` clears the screen. Every
front end shows such text through :func:`visible`, which spells each control
character out (``\\x1b``, ``\\n``) so the text reads as it is and does nothing.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the format characters that reorder or hide text
# (bidi overrides and isolates, line/paragraph separators). The zero-width
# joiner and non-joiner (U+200C, U+200D) are left alone: emoji and Persian
# spelling need them, and they move nothing on screen.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _spell(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` with every control character spelled out, safe for any terminal."""
    value = str(text)
    return UNSAFE.sub(_spell, value) if UNSAFE.search(value) else value


def is_printable_name(name: str) -> bool:
    """Whether ``name`` may name a profile: printable characters only, not blank."""
    return bool(name.strip()) and name.isprintable() and not UNSAFE.search(name)
