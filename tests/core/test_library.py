"""The library: deck summaries, deck-id clashes, what `otsquiz decks` and `validate` report."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from otsquiz.cli import main
from otsquiz.core.library import LoadResult, inspect_deck, load_deck

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


def _finishes(function: Callable[[], object]) -> object:
    """``function()``, run where a hang fails the test instead of hanging the suite."""
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(function()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert outcome, "it hung"
    return outcome[0]


def test_a_fifo_named_like_a_deck_is_not_a_deck_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "x.toml"
    os.mkfifo(fifo)
    result = _finishes(lambda: load_deck(fifo))
    assert isinstance(result, LoadResult) and result.deck is None
    [problem] = result.problems
    assert "not a regular file" in problem.message
    assert "not a regular file" in inspect_deck(fifo).problems[0].message
    assert _finishes(lambda: main(["validate", str(fifo)])) == 1
    assert "x.toml: error: not a regular file" in capsys.readouterr().out
    assert _finishes(lambda: main(["decks", str(fifo)])) == 0
    assert "1 error" in capsys.readouterr().out
