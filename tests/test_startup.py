"""The collector pauses for start-up and resumes once the first screen is up, whatever happens."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from otsquiz import startup
from otsquiz.cli import main


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    startup.done()
    gc.enable()


def test_begin_pauses_and_done_resumes_once() -> None:
    startup.begin()
    assert not gc.isenabled()
    startup.done()
    assert gc.isenabled()
    startup.done()  # a second call changes nothing
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused() -> None:
    gc.disable()
    startup.begin()
    startup.done()
    assert not gc.isenabled()


@pytest.mark.parametrize(
    ("argv", "exits"),
    [(["decks"], False), (["validate", "no-such-file.toml"], False), (["--version"], True), (["nope"], True)],
)
def test_every_command_leaves_the_collector_running(argv: list[str], exits: bool, otsquiz_home: Path) -> None:
    with pytest.raises(SystemExit) if exits else contextlib.nullcontext():
        main(argv)
    assert gc.isenabled()


@pytest.mark.parametrize("argv", [["decks"], ["schema"], ["validate", "no-such-file.toml"]])
def test_every_command_gives_back_the_streams_and_signal_handlers(argv: list[str], otsquiz_home: Path) -> None:
    import signal
    import sys

    streams = (sys.stdin, sys.stdout, sys.stderr)
    handlers = {signum: signal.getsignal(signum) for signum in startup.SIGNALS}
    main(argv)
    assert (sys.stdin, sys.stdout, sys.stderr) == streams
    assert {signum: signal.getsignal(signum) for signum in startup.SIGNALS} == handlers


def test_a_write_error_is_an_output_error_and_a_closed_pipe_is_not() -> None:
    import errno
    import io

    class Failing(io.StringIO):
        def __init__(self, error: OSError) -> None:
            super().__init__()
            self.error = error

        def write(self, text: str) -> int:
            raise self.error

    with pytest.raises(startup.OutputError, match="No space left on device"):
        startup._Output(Failing(OSError(errno.ENOSPC, "No space left on device"))).write("x")  # type: ignore[arg-type]
    output = startup._Output(Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))  # type: ignore[arg-type]
    assert output.write("x") == 1 and output.reader_left
