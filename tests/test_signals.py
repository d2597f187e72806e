"""SIGINT, SIGTERM and SIGHUP end every command cleanly: 128 + the signal, a message, no traceback.

The real command runs as a process. The plain mode is signalled while it waits
for the next answer. The other commands finish too fast to catch on their own,
so the child pauses at a chosen point (it blocks reading its stdin and says so
on stderr) and is signalled there; nothing sleeps.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
import tomli_w

from otsquiz.core.store import Store
from tests.conftest import REPO

WATCHDOG_SECONDS = 60  # only a hung process ever waits this long
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
DECK = 'format = 1\n[deck]\nid = "mine"\ntitle = "Mine"\n\n[[cards]]\ntype = "typed"\nprompt = "Capital of Kyrgyzstan?"\nanswer = "Bishkek"\n'
FIXED = DECK.replace("[[cards]]\n", '[[cards]]\nid = "capital-kyrgyzstan"\n')


def message(signum: int, session: bool = False) -> bytes:
    saved = "; every answer given is saved" if session else ""
    return f"otsquiz: stopped by {signal.Signals(signum).name}{saved}\n".encode()


@contextmanager
def watchdog(process: subprocess.Popen[Any]) -> Iterator[None]:
    timer = threading.Timer(WATCHDOG_SECONDS, process.kill)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def read_prompt(stream: IO[bytes]) -> str:
    received = b""
    while not received.endswith(b"> "):
        chunk = stream.read1(4096)  # type: ignore[attr-defined]
        assert chunk, f"the output ended before a prompt: {received.decode()}"
        received += chunk
    return received.decode()


# ---------------------------------------------------------------- the plain mode, waiting for an answer


def write_deck(path: Path) -> Path:
    cards = [
        {"id": name, "type": "typed", "prompt": f"Spell {name}.", "answer": name.capitalize()}
        for name in ("ankara", "baku", "astana")
    ]
    path.write_text(tomli_w.dumps({"format": 1, "deck": {"id": "sig", "title": "Signals"}, "cards": cards}))
    return path


@pytest.mark.parametrize("mode", ["study", "drill"])
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_while_the_plain_mode_waits_keeps_every_answer(
    tmp_path: Path, mode: str, signum: int
) -> None:
    deck = write_deck(tmp_path / "sig.toml")
    process = subprocess.Popen(
        [sys.executable, "-m", "otsquiz", mode, "--plain", "--profile", "sig", str(deck)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdin is not None and process.stdout is not None
    answered = []
    with watchdog(process):
        for _ in range(2):
            prompt = read_prompt(process.stdout)
            name = prompt.rsplit("Spell ", 1)[1].split(".", 1)[0]
            process.stdin.write(name.capitalize().encode() + b"\n")
            process.stdin.flush()
            answered.append(name)
        read_prompt(process.stdout)  # the third question: both answers were saved before it
        process.send_signal(signum)
        _, errors = process.communicate()
    assert process.returncode == 128 + signum
    assert errors == message(signum, session=True)
    with Store.open() as store:
        profile = store.profile("sig")
        for name in answered:
            [row] = store.history(profile.id, "sig", name)
            assert row.verdict == "correct"
        [(session_id,)] = store.connection.execute(
            "SELECT id FROM sessions WHERE profile_id = ?", (profile.id,)
        ).fetchall()
        session = store.session(session_id)
        assert session["finished"] is not None  # its end was recorded on the way out
        assert (session["questions"], session["correct"]) == (2, 2)


@pytest.mark.parametrize("mode", ["study", "drill"])
def test_ctrl_c_in_the_plain_mode_prints_the_summary_and_finishes_the_session(
    tmp_path: Path, mode: str
) -> None:
    deck = write_deck(tmp_path / "sig.toml")
    process = subprocess.Popen(
        [sys.executable, "-m", "otsquiz", mode, "--plain", "--profile", "sig", str(deck)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdin is not None and process.stdout is not None
    with watchdog(process):
        prompt = read_prompt(process.stdout)
        name = prompt.rsplit("Spell ", 1)[1].split(".", 1)[0]
        process.stdin.write(name.capitalize().encode() + b"\n")
        process.stdin.flush()
        read_prompt(process.stdout)  # the second question: the first answer is saved
        process.send_signal(signal.SIGINT)
        output, errors = process.communicate()
    assert process.returncode == 130
    assert errors == message(signal.SIGINT, session=True)
    score = "Score: 1 of 3 answered · 1 right · " if mode == "drill" else "Score: 1 of 1 (100%) · "
    assert score.encode() in output
    with Store.open() as store:
        profile = store.profile("sig")
        [(session_id,)] = store.connection.execute(
            "SELECT id FROM sessions WHERE profile_id = ?", (profile.id,)
        ).fetchall()
        session = store.session(session_id)
        assert session["finished"] is not None and session["questions"] == 1


# ---------------------------------------------------------------- the other commands, paused at a chosen point


CHILD = """
import sys
import {module}

def paused(*args, **kwargs):
    sys.stderr.write("paused\\n")
    sys.stderr.flush()
    sys.stdin.buffer.read(1)  # until the signal comes
    raise AssertionError("the signal did not stop the command")

{target} = paused
from otsquiz.cli import main
sys.exit(main(sys.argv[1:]))
"""


def signalled_at(target: str, signum: int, *args: str, cwd: Path = REPO) -> tuple[int, bytes]:
    """Run ``otsquiz ARGS`` pausing at ``target`` (module.attribute), signal it there; (code, stderr)."""
    module = target.rsplit(".", 1)[0]
    while module.split(".")[-1][:1].isupper():  # a class attribute: import its module
        module = module.rsplit(".", 1)[0]
    code = CHILD.format(module=module, target=target)
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
    )
    assert process.stderr is not None
    with watchdog(process):
        line = process.stderr.readline()
        assert line == b"paused\n", line + process.stderr.read()
        process.send_signal(signum)
        _, errors = process.communicate()
    return process.returncode, errors


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("otsquiz.core.library.inspect_deck", ["validate", str(REPO / "decks")]),
        ("otsquiz.core.library.inspect_deck", ["decks"]),
        ("otsquiz.core.store.Store.stats", ["stats"]),
        ("otsquiz.core.store.Store.stats", ["stats", "--json"]),
        ("otsquiz.core.models.json_schema", ["schema"]),
    ],
)
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_ends_a_command_cleanly(target: str, args: list[str], signum: int) -> None:
    code, errors = signalled_at(target, signum, *args)
    assert code == 128 + signum
    assert errors == message(signum)


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_fix_interrupted_before_the_rename_leaves_the_old_file(tmp_path: Path, signum: int) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(DECK)
    code, errors = signalled_at(
        "os.fsync", signum, "fix", str(deck)
    )  # the new text is written, not yet in place
    assert (code, errors) == (128 + signum, message(signum))
    assert deck.read_text() == DECK
    assert [p.name for p in tmp_path.iterdir() if p.name != "otsquiz-home"] == [
        "deck.toml"
    ]  # no temporary file


def test_fix_interrupted_after_the_rename_leaves_the_new_file(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(DECK)
    code, _ = signalled_at("otsquiz.core.authoring._sync_folder", signal.SIGTERM, "fix", str(deck))
    assert code == 128 + signal.SIGTERM
    assert deck.read_text() == FIXED
    assert [p.name for p in tmp_path.iterdir() if p.name != "otsquiz-home"] == ["deck.toml"]


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_new_interrupted_leaves_no_deck_and_no_temporary_file(tmp_path: Path, signum: int) -> None:
    from otsquiz.cli import schema_text

    (tmp_path / "otsquiz-deck.schema.json").write_text(schema_text())
    code, errors = signalled_at("os.fsync", signum, "new", str(tmp_path / "mine.toml"))
    assert (code, errors) == (128 + signum, message(signum))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["otsquiz-deck.schema.json"]
