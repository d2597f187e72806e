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
    assert "x.toml:1:1: error: not a regular file" in capsys.readouterr().out
    assert _finishes(lambda: main(["decks", str(fifo)])) == 0
    assert "1 error" in capsys.readouterr().out


def _deck_text(deck_id: str, title: str = "Mine") -> str:
    return CLOZE_AND_REVERSE.replace('id = "counts"', f'id = "{deck_id}"').replace("Counts", title)


def test_a_file_name_with_an_escape_sequence_is_spelled_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "\x1b]0;x\x07.toml"
    path.write_text('format = 1\n[deck]\nid = "e1"\n')  # no title: one error
    assert main(["validate", str(path)]) == 1
    assert main(["validate", "--format", "json", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert f"{tmp_path}/\\x1b]0;x\\x07.toml:2:1: error: missing required key 'title'" in out
    assert '"path": "' + str(tmp_path).replace("\\", "\\\\") + '/\\\\x1b]0;x\\\\x07.toml"' in out
    assert main(["decks", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "otsquiz validate " + str(tmp_path) + "/\\x1b]0;x\\x07.toml" in out


def test_a_key_with_an_escape_sequence_is_spelled_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "key.toml"
    path.write_text(_deck_text("k1") + '"\\u001b[2J" = 1\n')
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "unknown key '\\x1b[2J'" in out


@pytest.fixture
def bundled_copy(otsquiz_home: Path) -> Path:
    """An edited copy of a bundled deck in the user's deck folder: the same deck id."""
    from otsquiz.core.paths import bundled_decks_dir

    folder = otsquiz_home / "decks"
    folder.mkdir(parents=True)
    copy = folder / "my-founding.toml"
    copy.write_text(_deck_text("ots-founding", "My founding"))
    assert (bundled_decks_dir() / "ots-founding.toml").exists()
    return copy


def test_your_copy_of_a_bundled_deck_replaces_it_and_says_so(
    bundled_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from otsquiz.core.library import load_decks
    from otsquiz.core.paths import bundled_decks_dir

    results = load_decks([bundled_decks_dir(), bundled_copy.parent])
    used = [r for r in results if r.deck_id == "ots-founding"]
    assert [r.path for r in used] == [str(bundled_copy)]
    [notice] = used[0].problems
    assert notice.severity == "warning" and "bundled" in notice.message
    assert "ots-founding.toml" in notice.message
    assert (notice.line, notice.column) == (3, 6)
    [hidden] = [r for r in results if r.path.endswith("ots-founding.toml")]
    assert hidden.deck is None and hidden.problems[-1].severity == "warning"
    assert str(bundled_copy) in hidden.problems[-1].message

    assert main(["validate", str(bundled_copy)]) == 0  # a notice, not an error
    out = capsys.readouterr().out
    assert f"{bundled_copy}:3:6: warning: deck id 'ots-founding' is also the bundled deck" in out
    assert main(["decks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("ots-founding ") and "My founding" in line for line in lines)
    assert any("hidden" in line and "ots-founding.toml" in line for line in lines)


@pytest.mark.parametrize("names", [("a.toml", "b.toml"), ("b.toml", "a.toml")])
def test_two_of_your_decks_with_one_id_are_an_error_on_both_whatever_their_names(
    otsquiz_home: Path, capsys: pytest.CaptureFixture[str], names: tuple[str, str]
) -> None:
    folder = otsquiz_home / "decks"
    folder.mkdir(parents=True)
    first, second = folder / names[0], folder / names[1]
    first.write_text(_deck_text("mine", "First"))
    second.write_text(_deck_text("mine", "Second"))
    assert main(["decks"]) == 0
    out = capsys.readouterr().out
    assert "First" not in out and "Second" not in out  # neither wins
    assert main(["validate", str(first)]) == 1  # alone, it still clashes with the other one
    out = capsys.readouterr().out
    assert f"{first}:3:6: error: deck id 'mine' is already used by {second}" in out
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert str(first) in out and str(second) in out and out.count("error: deck id 'mine'") == 2


def test_a_file_named_twice_is_one_deck(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "counts.toml"
    path.write_text(CLOZE_AND_REVERSE)
    assert main(["validate", str(path), str(tmp_path)]) == 0
    assert "1 deck file checked: no problems" in capsys.readouterr().out
