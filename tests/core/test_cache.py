"""The cache of validated decks: used when the bytes are unchanged, never stale, never fatal."""

from __future__ import annotations

import errno
import json
import marshal
import os
import pickle
import time
from collections.abc import Iterator
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
    assert first.ok and entries(otsquiz_home, ".deck")

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
    assert load_deck(deck_file).deck.info.title == "Synthetic deck of 31 cards"  # type: ignore[union-attr]
    assert inspect_deck(deck_file).title == "Synthetic deck of 31 cards"


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01.", b"\x00" * 100])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(
    deck_file: Path, otsquiz_home: Path, garbage: bytes
) -> None:
    expected = load_deck(deck_file).deck
    inspect_deck(deck_file)
    for entry in entries(otsquiz_home, ".deck") + entries(otsquiz_home, ".json"):
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
    [used] = entries(otsquiz_home, ".deck")
    folder = used.parent
    stale = folder / ("0" * 64 + ".deck")
    stale.write_bytes(b"an entry of a deck edited long ago")
    crashed = folder / "x.deck.1234.tmp"
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
    assert len(entries(otsquiz_home, ".deck")) == 2


class _RunsCode:
    """What an attacker plants: unpickling it creates a file (it could as well run a shell command)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def _never_parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the parses from now on (a cache hit parses nothing)."""
    from otsquiz.core import loader

    parsed: list[str] = []
    real = loader.load_bytes

    def counting(data: bytes, path: str = "<deck>") -> object:
        parsed.append(path)
        return real(data, path)

    monkeypatch.setattr(loader, "load_bytes", counting)
    return parsed


def test_a_planted_pickle_does_not_run(deck_file: Path, otsquiz_home: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    planted = pickle.dumps(_RunsCode(marker))
    key = deck_cache.content_key(deck_file.read_bytes())
    folder = otsquiz_home / "cache" / "decks"
    folder.mkdir(parents=True)
    for suffix in (".pickle", ".deck", ".json"):  # the old name, the new one, the summary's
        (folder / f"{key}{suffix}").write_bytes(planted)
    assert load_deck(deck_file).ok
    assert inspect_deck(deck_file).cards == 30
    assert not marker.exists()


def _entry_of(otsquiz_home: Path, deck_file: Path) -> Path:
    return otsquiz_home / "cache" / "decks" / f"{deck_cache.content_key(deck_file.read_bytes())}.deck"


@pytest.mark.parametrize(
    "payload",
    [
        marshal.dumps(("one",)),
        marshal.dumps((None, [])),  # "no deck, and no reason why": never a silently dropped deck
        marshal.dumps(((1, 2), [])),
        marshal.dumps(((("d", "t", "", "en", (), (), False, ()), b"", b"", (), (), b"", b"", ()), [])),
        marshal.dumps((None, [("p", "one", 1, "error", "m", None)])),
        marshal.dumps((None, [("p", 1, 1, "fatal", "m", None)])),
    ],
)
def test_an_entry_of_the_wrong_shape_is_rebuilt(
    deck_file: Path, otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes
) -> None:
    expected = load_deck(deck_file).deck
    _entry_of(otsquiz_home, deck_file).write_bytes(payload)
    parsed = _never_parsed(monkeypatch)
    assert load_deck(deck_file).deck == expected
    assert parsed  # a miss...
    assert deck_cache.read(deck_file.read_bytes()) is not None  # ...and rebuilt


def test_a_truncated_entry_is_rebuilt(deck_file: Path, otsquiz_home: Path) -> None:
    expected = load_deck(deck_file).deck
    entry = _entry_of(otsquiz_home, deck_file)
    whole = entry.read_bytes()
    for size in (1, len(whole) // 2, len(whole) - 1):
        entry.write_bytes(whole[:size])
        assert load_deck(deck_file).deck == expected
        assert entry.read_bytes() == whole


@pytest.mark.parametrize(
    "summary",
    [
        {"deck_id": None, "title": "", "cards": 0, "questions": 0, "types": [], "problems": []},
        {"deck_id": 5, "title": "", "cards": 0, "questions": 0, "types": [], "problems": []},
        {"deck_id": "d", "title": "", "cards": "30", "questions": 0, "types": [], "problems": []},
        {"deck_id": "d", "title": "", "cards": 1, "questions": 1, "types": "basic", "problems": []},
        {"deck_id": "d", "title": "", "cards": 1, "questions": 1, "types": [], "problems": [[1, 2]]},
        {"deck_id": "d", "title": "", "cards": 1, "questions": 1, "types": [], "problems": 3},
    ],
)
def test_a_summary_of_the_wrong_shape_is_rebuilt(
    deck_file: Path, otsquiz_home: Path, summary: dict[str, object]
) -> None:
    inspect_deck(deck_file)
    [entry] = entries(otsquiz_home, ".json")
    entry.write_text(json.dumps(summary))
    again = inspect_deck(deck_file)
    assert again.ok and (again.deck_id, again.cards) == ("synthetic", 30)


def test_entries_others_may_write_or_own_are_not_read(
    deck_file: Path, otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_deck(deck_file)
    entry = _entry_of(otsquiz_home, deck_file)
    assert entry.stat().st_mode & 0o077 == 0  # written for this user only
    data = deck_file.read_bytes()
    assert deck_cache.read(data) is not None
    entry.chmod(0o666)
    assert deck_cache.read(data) is None
    entry.chmod(0o600)
    monkeypatch.setattr(deck_cache.os, "getuid", lambda: os.stat(entry).st_uid + 1)
    assert deck_cache.read(data) is None
    assert load_deck(deck_file).ok  # the deck loads all the same, parsed


def test_a_fifo_planted_as_an_entry_does_not_hang(deck_file: Path, otsquiz_home: Path) -> None:
    load_deck(deck_file)
    entry = _entry_of(otsquiz_home, deck_file)
    entry.unlink()
    os.mkfifo(entry)
    assert deck_cache.read(deck_file.read_bytes()) is None
    assert load_deck(deck_file).ok


def test_the_cache_stays_under_its_cap(
    tmp_path: Path, otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = []
    for number in range(6):
        path = tmp_path / f"deck{number}.toml"
        path.write_text(synthetic_deck(40, deck_id=f"deck-{number}"))
        decks.append(path)
    load_deck(decks[0])
    one_entry = _entry_of(otsquiz_home, decks[0]).stat().st_size
    monkeypatch.setattr(deck_cache, "MAX_BYTES", one_entry * 5)  # room for a few entries, not six
    past = time.time() - 3600
    for number, path in enumerate(decks):
        load_deck(path)
        moment = past + number * 60  # each entry used a minute after the one before
        os.utime(_entry_of(otsquiz_home, path), (moment, moment))
    sizes = [entry.stat().st_size for entry in entries(otsquiz_home, "")]
    assert sum(sizes) <= deck_cache.MAX_BYTES
    assert _entry_of(otsquiz_home, decks[-1]).exists()  # the newest is kept...
    assert not _entry_of(otsquiz_home, decks[0]).exists()  # ...the least recently used goes first


def test_a_failed_write_is_ignored(
    deck_file: Path, otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(deck_cache.os, "replace", disk_full)
    assert load_deck(deck_file).ok
    assert inspect_deck(deck_file).ok
    assert entries(otsquiz_home, "") == []  # no half-written entry is left


@pytest.mark.parametrize(
    ("part", "value"),
    [(3, (1, 2)), (1, b"short"), (2, b"\x00\x01\x02"), (5, b"\xff\xff\xff\xff"), (7, ("basic",) * 99)],
)
def test_a_compiled_deck_whose_parts_disagree_is_rebuilt(
    deck_file: Path, otsquiz_home: Path, part: int, value: object
) -> None:
    expected = load_deck(deck_file).deck
    assert expected is not None
    plain = list(expected.to_plain())
    plain[part] = value
    _entry_of(otsquiz_home, deck_file).write_bytes(marshal.dumps((tuple(plain), [])))
    assert deck_cache.read(deck_file.read_bytes()) is None
    assert load_deck(deck_file).deck == expected


# ---------------------------------------------------------------- what produced an entry


@pytest.fixture
def fresh_producer() -> Iterator[None]:
    """The version and code hash are computed once per process: recompute them in this test."""
    deck_cache._producer.cache_clear()
    yield
    deck_cache._producer.cache_clear()


def _summaries_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the summaries built from the deck from now on (a cached summary builds none)."""
    from otsquiz.core import library

    built: list[str] = []
    real = library.load_file_bytes

    def counting(data: bytes, path: str, **options: bool) -> object:
        built.append(path)
        return real(data, path, **options)

    monkeypatch.setattr(library, "load_file_bytes", counting)
    return built


def test_other_compiling_code_misses_the_cache(deck_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_deck(deck_file).deck
    inspect_deck(deck_file)
    parsed = _never_parsed(monkeypatch)
    assert load_deck(deck_file).deck == expected and parsed == []  # the same code: a hit
    built = _summaries_built(monkeypatch)
    assert inspect_deck(deck_file).cards == 30 and built == []

    monkeypatch.setattr(deck_cache, "_producer", lambda: b"|0.0|another code hash")
    assert inspect_deck(deck_file).cards == 30
    assert built and parsed  # neither the summary nor the compiled deck came from the cache
    assert load_deck(deck_file).deck == expected


@pytest.mark.usefixtures("fresh_producer")
def test_another_version_misses_the_cache(deck_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = deck_file.read_bytes()
    key = deck_cache.content_key(data)
    load_deck(deck_file)
    inspect_deck(deck_file)
    monkeypatch.setattr("otsquiz.__version__", "999.0")
    deck_cache._producer.cache_clear()
    assert deck_cache.content_key(data) != key
    assert deck_cache.read(data) is None
    built = _summaries_built(monkeypatch)
    assert inspect_deck(deck_file).cards == 30 and built


@pytest.mark.usefixtures("fresh_producer")
def test_unreadable_code_turns_the_cache_off(
    deck_file: Path, otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(package: Path) -> str:
        raise OSError("a zipped install")

    monkeypatch.setattr(deck_cache, "code_hash", unreadable)
    assert load_deck(deck_file).ok and inspect_deck(deck_file).ok
    assert entries(otsquiz_home, "") == []  # nothing written under a key that says nothing


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def test_the_code_hash_is_of_every_module_name_and_byte(tmp_path: Path) -> None:
    files = {
        "__init__.py": b"",
        "cards.py": b"A = 1\n",
        "kinds/__init__.py": b"",
        "kinds/choice.py": b"B = 2\n",
    }
    base = deck_cache.code_hash(_tree(tmp_path / "base", files))
    # Where the package is installed does not matter, nor do compiled files and other files.
    same = _tree(
        tmp_path / "elsewhere", {**files, "__pycache__/cards.cpython-311.pyc": b"x", "notes.txt": b"y"}
    )
    assert deck_cache.code_hash(same) == base
    changed = {
        "a byte": {**files, "kinds/choice.py": b"B = 3\n"},
        "a new module in a subpackage": {**files, "kinds/cloze.py": b""},
        "a renamed module": {k.replace("cards", "records"): v for k, v in files.items()},
        "bytes moved between modules": {**files, "cards.py": b"A = 1\nB = 2\n", "kinds/choice.py": b""},
    }
    for number, (what, tree) in enumerate(changed.items()):
        assert deck_cache.code_hash(_tree(tmp_path / str(number), tree)) != base, what


def test_the_code_hash_covers_every_core_module() -> None:
    import pkgutil

    import otsquiz.core

    core = Path(otsquiz.core.__file__).parent
    hashed = {name for name, _ in deck_cache._sources(core, "")}
    modules = [info.name for info in pkgutil.walk_packages(otsquiz.core.__path__, "otsquiz.core.")]
    assert len(modules) > 10
    for module in modules:
        relative = module.removeprefix("otsquiz.core.").replace(".", "/")
        assert f"{relative}.py" in hashed or f"{relative}/__init__.py" in hashed, module
