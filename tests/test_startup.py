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
