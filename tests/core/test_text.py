"""Text from outside is shown with its control characters spelled out."""

from __future__ import annotations

import pytest

from otsquiz.core.text import is_printable_name, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain.toml", "plain.toml"),
        ("\x1b]0;owned\x07.toml", "\\x1b]0;owned\\x07.toml"),
        ("\x1bc", "\\x1bc"),
        ("a\nb\tc\r", "a\\nb\\tc\\r"),
        ("\x9b2J", "\\x9b2J"),
        ("evil\u202egnp.toml", "evil\\u202egnp.toml"),
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
        ("ناخن\u200cها", "ناخن\u200cها"),
    ],
)
def test_visible_spells_out_controls_and_keeps_joiners(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_accepts_any_object() -> None:
    assert visible(12) == "12"


@pytest.mark.parametrize(
    ("name", "ok"),
    [("Ayşe", True), ("class 7B", True), ("", False), ("   ", False), ("x\x1b[2J", False), ("a\nb", False)],
)
def test_profile_names_are_printable(name: str, ok: bool) -> None:
    assert is_printable_name(name) is ok
