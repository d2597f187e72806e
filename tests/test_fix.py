"""`otsquiz fix` and `otsquiz new` write files safely: the real command, as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from otsquiz.cli import schema_text
from otsquiz.core.library import load_deck
from tests.conftest import REPO, require_program

OTSQUIZ = [sys.executable, "-m", "otsquiz"]
DECK = 'format = 1\n[deck]\nid = "mine"\ntitle = "Mine"\n\n[[cards]]\ntype = "typed"\nprompt = "Capital of Kyrgyzstan?"\nanswer = "Bishkek"\n'
FIXED = DECK.replace("[[cards]]\n", '[[cards]]\nid = "capital-kyrgyzstan"\n')


def run(*args: str, cwd: Path = REPO, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OTSQUIZ, *args], capture_output=True, text=True, cwd=cwd, input=input, check=False
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if "otsquiz-tmp" in path.name)


# ---------------------------------------------------------------- fix


def test_fix_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "deck.toml"
    real.parent.mkdir()
    real.write_text(DECK)
    link = tmp_path / "link.toml"
    link.symlink_to(real)

    result = run("fix", str(link))

    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == FIXED
    assert leftovers(real.parent) == [] and leftovers(tmp_path) == []


def test_fix_keeps_the_file_mode(tmp_path: Path) -> None:
    deck = tmp_path / "private.toml"
    deck.write_text(DECK)
    deck.chmod(0o600)
    assert run("fix", str(deck)).returncode == 0
    assert deck.read_text() == FIXED
    assert deck.stat().st_mode & 0o777 == 0o600
    deck.chmod(0o640)
    deck.write_text(DECK)
    assert run("fix", str(deck)).returncode == 0
    assert deck.stat().st_mode & 0o777 == 0o640


def read_only_fix(folder: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    """`otsquiz fix PATH...` with ``folder`` read-only: by its mode, or (as root, whom modes do
    not stop) on a read-only bind mount in a private mount namespace."""
    args = [str(path) for path in paths]
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return run("fix", *args)
        finally:
            folder.chmod(0o755)
    unshare = require_program("unshare")
    require_program("mount")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return subprocess.run(
        [unshare, "-rm", "sh", "-c", script, "sh", str(folder), *OTSQUIZ, "fix", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_fix_in_a_read_only_folder_reports_and_leaves_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    deck = folder / "deck.toml"
    deck.write_text(DECK)
    other = tmp_path / "other.toml"
    other.write_text(DECK)

    result = read_only_fix(folder, deck, other)

    assert result.returncode == 1
    assert result.stderr.startswith(f"{deck}: error: cannot write the ids in (")
    assert "the file is unchanged" in result.stderr and "Traceback" not in result.stderr
    assert deck.read_text() == DECK and leftovers(folder) == []
    assert other.read_text() == FIXED  # the next file is still fixed
    assert f"{other}:7:1: added" in result.stdout and f"{deck}:7:1: added" not in result.stdout


def test_fix_spells_out_escape_sequences_in_file_names(tmp_path: Path) -> None:
    deck = tmp_path / "evil\x1b]52;c;aGk=\x07\x1bc.toml"
    deck.write_text(DECK)
    broken = tmp_path / "bad\x1b[2J.toml"
    broken.write_text("format = \n")

    result = run("fix", str(deck), str(broken))

    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "evil\\x1b]52;c;aGk=\\x07\\x1bc.toml:7:1: added" in result.stdout
    assert "bad\\x1b[2J.toml: error: cannot fix this file" in result.stderr


# ---------------------------------------------------------------- new


def test_new_puts_the_schema_beside_the_deck_and_points_at_it(tmp_path: Path) -> None:
    deck = tmp_path / "shared" / "capitals.toml"

    result = run("new", str(deck))

    assert result.returncode == 0, result.stderr
    assert deck.read_text().splitlines()[0] == "#:schema ./otsquiz-deck.schema.json"
    schema = deck.parent / "otsquiz-deck.schema.json"
    assert schema.read_text() == schema_text()
    assert f"Wrote {schema}" in result.stdout
    assert load_deck(deck, use_cache=False).problems == []
    assert leftovers(deck.parent) == []


def test_new_leaves_a_schema_that_is_already_there(tmp_path: Path) -> None:
    schema = tmp_path / "otsquiz-deck.schema.json"
    schema.write_text(schema_text())
    first = run("new", str(tmp_path / "one.toml"))
    assert first.returncode == 0 and first.stderr == "" and "otsquiz-deck.schema.json" not in first.stdout

    schema.write_text('{"an": "older schema"}\n')
    second = run("new", str(tmp_path / "two.toml"))
    assert second.returncode == 0
    assert schema.read_text() == '{"an": "older schema"}\n'  # not overwritten
    assert "is not the schema of this otsquiz; it is left as it is" in second.stderr
    assert (tmp_path / "two.toml").read_text().startswith("#:schema ./otsquiz-deck.schema.json\n")


def test_new_in_a_folder_it_cannot_write_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("new", str(blocker / "deck.toml"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"otsquiz: cannot write {blocker / 'deck.toml'}: ")
    assert "Traceback" not in result.stderr


def test_new_spells_out_escape_sequences_in_the_name(tmp_path: Path) -> None:
    result = run("new", str(tmp_path / "x\x1b[31m.toml"))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "x\\x1b[31m.toml" in result.stdout
    again = run("new", str(tmp_path / "x\x1b[31m.toml"))
    assert again.returncode == 2 and "\x1b" not in again.stderr and "exists already" in again.stderr


def test_fix_by_root_keeps_the_owner(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can fix a file another user owns")
    deck = tmp_path / "learner.toml"
    deck.write_text(DECK)
    os.chown(deck, 1234, 5678)
    assert run("fix", str(deck)).returncode == 0
    assert deck.read_text() == FIXED
    assert (deck.stat().st_uid, deck.stat().st_gid) == (1234, 5678)


def test_fix_of_a_fifo_is_refused_at_once_and_the_other_files_are_fixed(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    deck = tmp_path / "deck.toml"
    deck.write_text(DECK)

    # No writer ever opens the FIFO: reading it plainly would wait for ever (the timeout is a safety net).
    result = subprocess.run(
        [*OTSQUIZ, "fix", str(fifo), str(deck)], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 1
    assert result.stderr.startswith(str(fifo)) and ": error: not a regular file" in result.stderr
    assert deck.read_text() == FIXED


@pytest.mark.parametrize("name", ["", ".", "..", "/", "sub/", "folder"])
def test_new_refuses_a_path_that_names_no_file(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    before = sorted(path.name for path in tmp_path.iterdir())

    result = run("new", name, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("otsquiz: PATH must name a file, e.g. my-deck.toml")
    assert "Traceback" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == before


def test_new_adds_toml_to_a_name_with_a_dot_and_quotes_the_hint(tmp_path: Path) -> None:
    result = run("new", "a.b", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a.b.toml").is_file() and not (tmp_path / "a.toml").exists()

    spaced = run("new", "my deck", cwd=tmp_path)
    assert spaced.returncode == 0, spaced.stderr
    assert "check it with: otsquiz validate 'my deck.toml'" in spaced.stdout


NO_IDS = """format = 1
[deck]
id = "noid"
title = "No ids"

[[cards]]
type = "typed"
prompt = "Capital of Kazakhstan?"
answer = "Astana"

[[cards]]
id = "kept"
type = "truefalse"
statement = "Baku is on the Caspian."
answer = true

[[cards]]
type = "cloze"
text = "The {{Turkic Council}} was founded in {{2009}}."

[[cards]]
type = "basic"
prompt = "Capital of Azerbaijan?"
answer = "Baku"
reverse = true
"""


def card_keys(table: str) -> set[str]:
    from otsquiz.core.store import Store

    with Store.open() as store:
        rows = store.connection.execute(f"SELECT DISTINCT card_key FROM {table} WHERE deck_id = 'noid'")
        return {key for (key,) in rows}


def test_fix_keeps_the_progress_of_cards_it_gives_an_id(tmp_path: Path, otsquiz_home: Path) -> None:
    deck = tmp_path / "noid.toml"
    deck.write_text(NO_IDS)
    # Study schedules a note's first question today (its siblings wait); a drill asks all six.
    for mode, profile in (("study", "ayse"), ("drill", "bolat")):
        studied = run(mode, "--plain", "--profile", profile, str(deck), cwd=tmp_path, input=":idk\n" * 40)
        assert studied.returncode == 0, studied.stderr
    assert len(card_keys("card_state")) == 4 and len(card_keys("review_log")) == 6
    assert sum(key.startswith("h-") for key in card_keys("review_log")) == 5

    result = run("fix", str(deck), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"{deck}: kept the progress of 3 cards"
    expected = {
        "capital-kazakhstan",
        "kept",
        "turkic-council-founded-2009:1",
        "turkic-council-founded-2009:2",
        "capital-azerbaijan",
        "capital-azerbaijan:reverse",
    }
    assert card_keys("review_log") == expected
    studied = {"capital-kazakhstan", "kept", "turkic-council-founded-2009:1", "capital-azerbaijan"}
    assert card_keys("card_state") == studied
    again = run("study", "--plain", "--profile", "ayse", str(deck), cwd=tmp_path, input=":quit\n")
    assert again.stdout.startswith("Nothing to study right now")  # nothing came back as new


def test_fix_without_a_progress_database_creates_none(tmp_path: Path, otsquiz_home: Path) -> None:
    deck = tmp_path / "noid.toml"
    deck.write_text(NO_IDS)
    result = run("fix", str(deck), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kept the progress" not in result.stdout
    assert not (otsquiz_home / "progress.sqlite3").exists()
