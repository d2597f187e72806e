"""otsquiz.tui.text.plain: literal content, with control characters spelled out."""

from __future__ import annotations

from otsquiz.tui.text import plain


def test_plain_keeps_markup_as_typed() -> None:
    assert plain("[bold]x[/bold]").plain == "[bold]x[/bold]"
    assert not plain("[bold]x[/bold]").spans


def test_plain_spells_out_escape_sequences_but_keeps_line_breaks_and_tabs() -> None:
    shown = plain("Ali\x1b[2J\nevil\x1b]0;owned\x07\tend\r")
    assert shown.plain == "Ali\\x1b[2J\nevil\\x1b]0;owned\\x07\tend\\r"
    assert "\x1b" not in shown.plain and "\x07" not in shown.plain
