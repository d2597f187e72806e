"""The library: deck summaries, deck-id clashes, what `otsquiz decks` and `validate` report."""

from __future__ import annotations

from pathlib import Path

import pytest

from otsquiz.cli import main
from otsquiz.core.library import inspect_deck, load_deck

CLOZE_AND_REVERSE = """format = 1
[deck]
id = "counts"
title = "Counts"
[[cards]]
id = "c1"
type = "cloze"
text = "{{Baku}} is the capital of {{Azerbaijan}}."
[[cards]]
id = "b1"
type = "basic"
prompt = "p"
answer = "a"
reverse = true
[[cards]]
id = "t1"
type = "truefalse"
statement = "s"
answer = true
"""


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_summary_counts_cards_and_questions(tmp_path: Path, use_cache: bool) -> None:
    path = tmp_path / "counts.toml"
    path.write_text(CLOZE_AND_REVERSE)
    inspect_deck(path, use_cache=use_cache)  # the second read comes from the cache when it is on
    summary = inspect_deck(path, use_cache=use_cache)
    assert (summary.cards, summary.questions) == (3, 5)  # two gaps, a card and its reverse, one more
    deck = load_deck(path).deck
    assert deck is not None and summary.questions == len(deck.keys)


def test_decks_shows_cards_and_questions(
    tmp_path: Path, otsquiz_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "counts.toml"
    path.write_text(CLOZE_AND_REVERSE)
    assert main(["decks", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:5] == ["ID", "TITLE", "CARDS", "QUESTIONS", "TYPES"]
    [row] = [line for line in lines if line.startswith("counts ")]
    assert row.split()[1:4] == ["Counts", "3", "5"]
