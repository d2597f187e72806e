"""``otsquiz class``: its options, what it hands the presenter, and its errors (a message and an exit code).

The presenter's ``run`` is replaced here by one that records the app it was
given, so the command is followed up to the screen without a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from otsquiz import cli
from otsquiz.cli import main
from otsquiz.core.paths import database_path
from otsquiz.core.room import Room
from otsquiz.core.selection import choose_decks
from otsquiz.core.store import Store
from otsquiz.tui.classroom.presenter import PresenterApp

FLASHCARDS = (
    'format = 1\n[deck]\nid = "flash"\ntitle = "Flashcards"\n\n'
    '[[cards]]\nid = "a"\ntype = "basic"\nprompt = "Capital of Kyrgyzstan?"\nanswer = "Bishkek"\n'
)


phases: list[str] = []
"""The phase of each room as the command handed it to the presenter."""


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[PresenterApp]:
    """A terminal on both sides, and the presenter apps the command would have run."""
    ran: list[PresenterApp] = []
    phases.clear()

    def run(app: PresenterApp, *args: Any, **kwargs: Any) -> int:
        phases.append(app.room.state().phase)  # read while the store is open
        ran.append(app)
        return 0

    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setattr(PresenterApp, "run", run)
    return ran


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["class", "--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    for option in (
        "DECK", "--count", "--seed", "--type", "--time", "--scoreboard", "--speed-points", "--streaks",
        "--teams", "--names", "--count-hits", "--address", "--resume",
    ):  # fmt: skip
        assert option in shown


def test_a_deck_id_that_is_not_there_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", "no-such-deck"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("otsquiz: ") and "no-such-deck" in error
    assert not database_path().exists()  # nothing opened for a mistake


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--teams", "1"], "a class splits into 2 to 12 teams, not 1"),
        (["--teams", "Red,red"], "different teams"),
        (["--resume", "not a code"], "--resume takes a room's number or its code"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["class", *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_negative_time_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["class", "--time", "-1"])
    assert stopped.value.code == 2
    assert "--time: must be 0 or more" in capsys.readouterr().err


def test_without_a_terminal_it_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", "ots-founding"]) == 2
    assert "terminal" in capsys.readouterr().err


def test_flashcards_alone_are_no_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], terminal: list[PresenterApp]
) -> None:
    deck = tmp_path / "flash.toml"
    deck.write_text(FLASHCARDS)
    assert main(["class", str(deck)]) == 1
    assert "no questions to ask a class" in capsys.readouterr().err
    assert terminal == []


def test_a_damaged_database_is_a_message_and_exit_1(
    capsys: pytest.CaptureFixture[str], terminal: list[PresenterApp]
) -> None:
    database_path().parent.mkdir(parents=True, exist_ok=True)
    database_path().write_bytes(b"not a database at all" * 300)
    assert main(["class", "ots-founding"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("otsquiz: ") and "Traceback" not in error
    assert terminal == []


def test_the_options_reach_the_room_and_the_presenter(
    capsys: pytest.CaptureFixture[str], terminal: list[PresenterApp]
) -> None:
    argv = ["class", "ots-founding", "--count", "3", "--seed", "7", "--type", "choice", "--time", "0",
            "--scoreboard", "top", "--speed-points", "--streaks", "--teams", "Red,Blue",
            "--names", "generated", "--count-hits", "--address", "http://10.0.0.5:8000"]  # fmt: skip
    assert main(argv) == 0
    [app] = terminal
    room = app.room
    assert app.address == "http://10.0.0.5:8000" and app.catch_signals
    assert room.seed == "7" and room.deck_ids == ("ots-founding",)
    assert len(room.questions) == 3 and {question.type for question in room.questions} == {"choice"}
    options = room.options
    assert (options.seconds, options.scoreboard, options.teams, options.names) == (
        0,
        "top",
        ("Red", "Blue"),
        "generated",
    )
    assert options.speed_points and options.streaks and options.count_hits
    # Quit before the end: the room stays open, and the command says how to go on with it.
    assert f"otsquiz class --resume {room.id}" in capsys.readouterr().err


def test_resume_by_number_or_code_goes_on_with_the_same_room(
    capsys: pytest.CaptureFixture[str], terminal: list[PresenterApp]
) -> None:
    decks = choose_decks(["ots-founding"]).decks
    with Store.open() as store:
        room = Room.open(store, decks, seed="3")
        room.start()
    assert main(["class", "--resume", str(room.id)]) == 0
    assert main(["class", "--resume", room.code.lower()]) == 0
    assert [app.room.id for app in terminal] == [room.id, room.id]
    assert phases == ["question", "question"]

    assert main(["class", "--resume", "999"]) == 1
    assert "There is no room #999." in capsys.readouterr().err
    assert main(["class", "--resume", "ABCDEF" if room.code != "ABCDEF" else "ABCDEG"]) == 1
    assert "no open room has the code" in capsys.readouterr().err
