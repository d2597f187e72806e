"""Closed and broken standard streams, and which front end starts: the real command, as a process (and the Guard in process)."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from otsquiz import cli, streams
from otsquiz.cli import main
from tests.conftest import DATA, REPO, require_program

OTSQUIZ = [sys.executable, "-m", "otsquiz"]
WATCHDOG_SECONDS = 60  # only a hung process ever waits this long


def shell(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by sh, where ``$OTSQUIZ`` is the command: for redirections like ``>&-``."""
    sh = require_program("sh")
    command = " ".join(f"'{part}'" for part in OTSQUIZ)
    return subprocess.run(
        [sh, "-c", script.replace("$OTSQUIZ", command)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        check=False,
    )


def into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """The command with stdout on a pipe whose reader has already gone, as `| head` leaves it."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [*OTSQUIZ, *args],
            input="1\n" * 5,  # answers for the plain mode, which stops asking when nobody reads
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            check=False,
        )
    finally:
        os.close(write_end)


# ---------------------------------------------------------------- closed streams


@pytest.mark.parametrize("command", ["schema", "decks", "stats", "validate decks", "new x/y.toml"])
def test_a_closed_stdout_is_a_message_and_exit_2(command: str, tmp_path: Path) -> None:
    result = shell(
        f"cd '{tmp_path}' && $OTSQUIZ {command} >&-".replace("validate decks", f"validate '{REPO}/decks'")
    )
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr
        == "otsquiz: standard output is closed; nothing was done (redirect it to a file or /dev/null)\n"
    )
    assert not (tmp_path / "x").exists()


def test_with_stderr_closed_too_the_exit_code_still_says_so() -> None:
    result = shell("$OTSQUIZ schema >&- 2>&-")
    assert result.returncode == 2  # a traceback would be 1, a failed flush at exit 120


def test_study_plain_with_stdin_closed_says_so() -> None:
    result = shell("$OTSQUIZ study --plain <&-")
    assert result.returncode == 2
    assert result.stderr == "otsquiz: standard input is closed: the plain mode reads the answers from it\n"
    assert result.stdout == ""


def test_the_home_command_with_stdin_closed_lists_the_decks() -> None:
    result = shell("$OTSQUIZ <&-")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("ID ") and "ots-founding" in result.stdout


# ---------------------------------------------------------------- a reader that leaves


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", str(DATA / "empty.toml")], 1),  # errors: still 1, as without the pipe
        (["validate", str(REPO / "decks")], 0),
        (["stats", "--json"], 0),
        (["stats"], 0),
        (["decks"], 0),
        (["schema"], 0),
        (["study", "--plain"], 0),
    ],
)
def test_a_reader_that_left_keeps_the_exit_code(args: list[str], code: int) -> None:
    result = into_a_closed_pipe(*args)
    assert result.returncode == code, result.stderr
    assert result.stderr == ""  # no traceback, no "Exception ignored", no message


def test_head_of_stats_json_as_in_the_issue() -> None:
    require_program("head")
    result = shell('$OTSQUIZ stats --json | head -c1; echo " $?"')
    assert result.stdout == "{ 0\n" and result.stderr == ""


def test_validate_into_head_keeps_exit_code_1() -> None:
    bash = require_program("bash")
    require_program("head")
    command = " ".join(f"'{part}'" for part in OTSQUIZ)
    script = f"{command} validate '{DATA / 'empty.toml'}' '{REPO / 'decks'}' | head -c1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run([bash, "-c", script], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.stdout == "1\n" and result.stderr == ""


def test_a_failing_write_is_a_message_and_exit_1() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full (Linux) for a device that is always full")
    for command in ("schema", "decks", "stats --json"):
        result = shell(f"$OTSQUIZ {command} >/dev/full")
        assert result.returncode == 1, command
        assert result.stderr == "otsquiz: cannot write the output: No space left on device\n", command


# ---------------------------------------------------------------- which front end


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("stdin_tty", "stdout_tty", "env", "plain", "app", "note"),
    [
        (True, True, {"TERM": "xterm-256color"}, False, True, ""),
        (True, True, {"TERM": "xterm"}, True, False, ""),  # --plain
        (False, False, {}, False, False, ""),  # a script or a pipe: nothing to say
        (False, False, {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}, False, True, ""),
        (False, True, {"TERM": "xterm"}, False, False, "standard input is not a terminal"),
        (True, False, {"TERM": "xterm"}, False, False, "standard output is not a terminal"),
        (True, True, {"TERM": "dumb"}, False, False, "TERM=dumb"),
        (False, False, {"TERM": "dumb", "TEXTUAL_DRIVER": "x:Y"}, False, True, ""),
    ],
)
def test_the_front_end_is_chosen_from_explicit_signals(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin_tty: bool,
    stdout_tty: bool,
    env: dict[str, str],
    plain: bool,
    app: bool,
    note: str,
) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdin", _Stream(stdin_tty))
    monkeypatch.setattr(sys, "stdout", _Stream(stdout_tty))
    assert cli._use_app(argparse.Namespace(plain=plain)) is app
    error = capsys.readouterr().err
    if note:
        assert error.startswith("otsquiz: ") and note in error and "plain mode" in error
        assert error.count("\n") == 1
    else:
        assert error == ""


@contextmanager
def watchdog(process: subprocess.Popen[Any]) -> Iterator[None]:
    """Kill ``process`` if the test is still talking to it after WATCHDOG_SECONDS."""
    timer = threading.Timer(WATCHDOG_SECONDS, process.kill)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@pytest.mark.parametrize("args", [[], ["study"]])
def test_under_textual_serve_the_app_starts_on_the_pipes(args: list[str]) -> None:
    """textual-serve runs the command with pipes and TEXTUAL_DRIVER set: the app, not a deck list."""
    env = {
        **os.environ,
        "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
        "COLUMNS": "80",
        "ROWS": "24",
    }
    process = subprocess.Popen(
        [*OTSQUIZ, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    with watchdog(process):
        first = process.stdout.readline()  # the web driver's greeting, before anything is drawn
        drawn = b""
        while len(drawn) < 1000:  # a whole screen; packets are a type byte, a 4-byte size, the payload
            kind, size = process.stdout.read(1), process.stdout.read(4)
            assert kind and len(size) == 4, "the app ended before drawing its first screen"
            drawn = process.stdout.read(int.from_bytes(size, "big"))
        quit_packet = json.dumps({"type": "quit"}).encode()
        process.stdin.write(b"M" + len(quit_packet).to_bytes(4, "big") + quit_packet)
        process.stdin.flush()
        _, errors = process.communicate()
    assert first == b"__GANGLION__\n", first
    assert b"Traceback" not in errors


def test_term_dumb_falls_back_to_the_plain_mode_with_a_note(tmp_path: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "dumb"}
    env.pop("TEXTUAL_DRIVER", None)
    process = subprocess.Popen(
        [*OTSQUIZ, "drill", "--count", "1", "--seed", "1"],
        stdin=follower,
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    os.close(follower)
    received = b""
    with watchdog(process):
        while b"> " not in received:  # the plain mode's prompt; the app would draw a screen instead
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            received += chunk
        os.write(leader, b":quit\n")
        assert process.stderr is not None
        errors = process.stderr.read()
        process.wait()
    os.close(leader)
    assert b"Drill: 1 question from ots-alphabet, " in received
    assert b"\x1b[" not in received  # no screen drawn
    assert errors == b"otsquiz: TERM=dumb cannot show the full-screen app: using the plain mode (--plain)\n"
    assert process.returncode == 0


# ---------------------------------------------------------------- the Guard, in process


@pytest.mark.parametrize("argv", [["decks"], ["schema"], ["validate", "no-such-file.toml"]])
def test_every_command_gives_back_the_streams_and_signal_handlers(
    argv: list[str], otsquiz_home: Path
) -> None:
    import signal

    before = (sys.stdin, sys.stdout, sys.stderr)
    handlers = {signum: signal.getsignal(signum) for signum in streams.SIGNALS}
    main(argv)
    assert (sys.stdin, sys.stdout, sys.stderr) == before
    assert {signum: signal.getsignal(signum) for signum in streams.SIGNALS} == handlers


def test_a_write_error_is_an_output_error_and_a_closed_pipe_is_not() -> None:
    import errno

    class Failing(io.StringIO):
        def __init__(self, error: OSError) -> None:
            super().__init__()
            self.error = error

        def write(self, text: str) -> int:
            raise self.error

    with pytest.raises(streams.OutputError, match="No space left on device"):
        streams._Output(Failing(OSError(errno.ENOSPC, "No space left on device"))).write("x")  # type: ignore[arg-type]
    output = streams._Output(Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))  # type: ignore[arg-type]
    assert output.write("x") == 1 and output.reader_left
