"""The cache of validated decks: used when the bytes are unchanged, never stale, never fatal."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from otsquiz.core import deck_cache
from otsquiz.core.library import inspect_deck, load_deck
from tests.factories import synthetic_deck


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "deck.toml"
    path.write_text(synthetic_deck(30))
    return path


def entries(home: Path, suffix: str) -> list[Path]:
    return sorted((home / "cache" / "decks").glob(f"*{suffix}"))


def test_an_unchanged_deck_comes_from_the_cache(
    deck_file: Path, otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_deck(deck_file)
    assert first.ok and entries(otsquiz_home, ".pickle")

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the deck was parsed again")

    monkeypatch.setattr("otsquiz.core.loader.load_bytes", no_parsing)
    again = load_deck(deck_file)
    assert again.deck == first.deck


def test_one_changed_byte_means_a_reparse(deck_file: Path) -> None:
    load_deck(deck_file)
    text = deck_file.read_text()
    deck_file.write_text(
        text.replace('title = "Synthetic deck of 30 cards"', 'title = "Synthetic deck of 31 cards"')
    )
    assert load_deck(deck_file).deck.deck.title == "Synthetic deck of 31 cards"  # type: ignore[union-attr]
    assert inspect_deck(deck_file).title == "Synthetic deck of 31 cards"


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01.", b"\x00" * 100])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(
    deck_file: Path, otsquiz_home: Path, garbage: bytes
) -> None:
    expected = load_deck(deck_file).deck
    inspect_deck(deck_file)
    for entry in entries(otsquiz_home, ".pickle") + entries(otsquiz_home, ".json"):
        entry.write_bytes(garbage)
    assert load_deck(deck_file).deck == expected
    assert inspect_deck(deck_file).cards == 30
    assert deck_cache.read(deck_file.read_bytes()) is not None  # rebuilt


def test_an_unwritable_cache_is_not_an_error(deck_file: Path, otsquiz_home: Path) -> None:
    otsquiz_home.mkdir(parents=True, exist_ok=True)
    (otsquiz_home / "cache").write_text("a file where the cache folder should be")
    assert load_deck(deck_file).ok
    assert inspect_deck(deck_file).ok


def test_problems_are_cached_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\n[deck]\nid = "b1"\ntitle = "B"\n[[cards]]\ntype = "typed"\nprompt = "p"\n')
    first = inspect_deck(broken)
    assert not first.ok
    monkeypatch.setattr("otsquiz.core.library.load_file_bytes", lambda *a, **k: 1 / 0)
    again = inspect_deck(broken)
    assert again.problems == first.problems


def test_entries_unused_for_a_month_are_pruned_when_the_cache_is_written(
    deck_file: Path, otsquiz_home: Path, tmp_path: Path
) -> None:
    load_deck(deck_file)
    [used] = entries(otsquiz_home, ".pickle")
    folder = used.parent
    stale = folder / ("0" * 64 + ".pickle")
    stale.write_bytes(b"an entry of a deck edited long ago")
    crashed = folder / "x.pickle.1234.tmp"
    crashed.write_bytes(b"half an entry")
    long_ago = time.time() - (deck_cache.UNUSED_DAYS + 1) * 86_400
    for path in (used, stale, crashed):
        os.utime(path, (long_ago, long_ago))

    assert load_deck(deck_file).ok  # a read marks the entry used...
    assert used.stat().st_mtime > long_ago
    other = tmp_path / "other.toml"
    other.write_text(synthetic_deck(5, deck_id="other"))
    load_deck(other)  # ...and a write prunes what was not

    assert used.exists() and not stale.exists() and not crashed.exists()
    assert len(entries(otsquiz_home, ".pickle")) == 2
