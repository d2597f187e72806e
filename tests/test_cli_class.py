"""The classroom on the command line: ``otsquiz join``, ``otsquiz serve`` and ``otsquiz results``."""

from __future__ import annotations

import io
import queue
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
import tomli_w

from otsquiz import cli, plain_room
from otsquiz.cli import main
from otsquiz.core import paths
from otsquiz.core.room import Room
from otsquiz.core.room.report import CSV_COLUMNS
from otsquiz.core.scheduling import Grade
from otsquiz.core.store import Store
from tests.core.test_room import position_of, wrong_response
from tests.tui.test_student_support import CODE, DOCUMENT, Clock, open_room, room_deck

DEADLINE = 30.0  # seconds a server process may take to say where it listens


@pytest.fixture(autouse=True)
def no_room_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTSQUIZ_ROOM", "OTSQUIZ_STUDENT_NAME", "OTSQUIZ_STUDENT_TOKEN", "TEXTUAL_DRIVER"):
        monkeypatch.delenv(name, raising=False)


def install_class_deck() -> None:
    """The room's deck where a student's process (and ``otsquiz results``) finds it."""
    paths.user_decks_dir().mkdir(parents=True)
    (paths.user_decks_dir() / "class.toml").write_text(tomli_w.dumps(DOCUMENT), encoding="utf-8")


# ---------------------------------------------------------------- otsquiz join


def test_join_without_a_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["join", "--plain"]) == 2
    assert "needs the room's code" in capsys.readouterr().err


def test_join_reads_the_room_and_name_from_the_environment_as_serve_sets_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    install_class_deck()
    with Store.open() as store:
        room = Room.open(store, [room_deck()], draw_code=lambda: CODE)  # the real clock: join's
        room.start()  # a question on: the end of input then leaves at once
        monkeypatch.setenv("OTSQUIZ_ROOM", "abc-def")
        monkeypatch.setenv("OTSQUIZ_STUDENT_NAME", "[b]Ali[/b]")
        monkeypatch.setattr("sys.stdin", io.StringIO(""))  # joins, then the input ends: leaves
        assert main(["join", "--plain"]) == 0
        assert [student.name for student in room.students()] == ["[b]Ali[/b]"]
        monkeypatch.setenv("OTSQUIZ_ROOM", "XYZ-XYZ")
        assert main(["join", "--plain"]) == 2
        assert "No open room has the code XYZ-XYZ" in capsys.readouterr().err


def test_join_in_a_terminal_hands_the_code_name_and_profile_to_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def run_join(code: str, **given: Any) -> int:
        calls.append((code, given))
        return 0

    monkeypatch.setattr(cli, "_use_app", lambda args: True)
    monkeypatch.setattr("otsquiz.tui.classroom.student.run_join", run_join)
    assert main(["join", "abc-def", "--name", "Bo", "--profile", "bo"]) == 0
    assert calls == [("abc-def", {"name": "Bo", "profile": "bo", "plain": False})]


def test_two_browser_students_on_one_server_keep_their_own_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every student's process behind otsquiz serve shares the server's data folder."""
    with Store.open() as store:
        room = open_room(store, Clock())
        seats = {}
        for browser, name in (("a" * 32, "Ayşe"), ("b" * 32, "Ali")):
            monkeypatch.setenv("OTSQUIZ_STUDENT_TOKEN", browser)
            seats[browser] = plain_room.take_seat(room, name)
        for browser, name in (("a" * 32, "Ayşe"), ("b" * 32, "Ali")):
            monkeypatch.setenv("OTSQUIZ_STUDENT_TOKEN", browser)
            assert browser in plain_room.token_path(room).name
            back = plain_room.rejoin_kept(room)
            assert back is not None and back.student.name == name and back == seats[browser]
        monkeypatch.setenv("OTSQUIZ_STUDENT_TOKEN", "../../not a file name")  # never a path
        assert plain_room.token_path(room).parent == paths.data_dir() / "rooms"
        monkeypatch.delenv("OTSQUIZ_STUDENT_TOKEN")
        assert plain_room.token_path(room).name == f"{CODE}-{room.id}.token"
        assert plain_room.rejoin_kept(room) is None  # a terminal student is neither of them


# ---------------------------------------------------------------- otsquiz results


def test_results_lists_rooms_shows_one_and_carries_a_room_its_presenter_never_carried(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["results"]) == 0
    assert capsys.readouterr().out.strip() == "No rooms yet."
    clock = Clock()
    with Store.open() as store:
        room = open_room(store, clock)
        ali = room.join("Ali", profile_id=store.profile("Ali").id).student
        position = position_of(room, "capital")
        room.answer(ali.id, position, wrong_response(room.start(position)))
        room.reveal()
        room.end()  # the presenter died before the bridge ran
    assert main(["results"]) == 0
    listing = capsys.readouterr().out
    assert f"#{room.id}" in listing and "ABC-DEF" in listing
    with Store.open() as store:
        logged = store.connection.execute("SELECT card_key, rating FROM review_log").fetchall()
        assert [tuple(row) for row in logged] == [("capital", int(Grade.AGAIN))]
    assert main(["results", "abc-def"]) == 0
    assert "Ali" in capsys.readouterr().out
    assert main(["results", str(room.id), "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == ",".join(CSV_COLUMNS) and len(rows) == 2 and "Ali" in rows[1]
    assert main(["results", "nope"]) == 2
    assert "no room nope" in capsys.readouterr().err
    assert main(["results"]) == 0  # carried once: running again adds nothing
    with Store.open() as store:
        assert store.connection.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1


# ---------------------------------------------------------------- otsquiz serve


def test_serve_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "otsquiz", "serve", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "--host" in result.stdout and "--port" in result.stdout and "--max-students" in result.stdout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def knock(url: str, code: str, name: str = "Ada") -> tuple[int, str]:
    """POST the door's form: the status and the Set-Cookie header."""
    data = urllib.parse.urlencode({"code": code, "name": name}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url.rstrip("/") + "/join", data=data, timeout=DEADLINE) as response:
            return response.status, response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Set-Cookie", "")


def test_a_real_serve_refuses_a_wrong_code_and_admits_a_room_opened_in_its_home() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "otsquiz", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: queue.Queue[str] = queue.Queue()
        assert server.stdout is not None
        out = server.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in out], daemon=True).start()
        try:
            first = lines.get(timeout=DEADLINE)
        except queue.Empty:
            raise AssertionError("otsquiz serve never said where it listens") from None
        assert first.startswith("Students open: http://127.0.0.1:")
        url = first.split()[2]
        assert knock(url, "KX7-P2M") == (403, "")
        with Store.open() as store:
            Room.open(store, [room_deck()], draw_code=lambda: CODE)  # the real clock: the server's
            status, cookie = knock(url, "abc-def")
        assert status == 303 and "HttpOnly" in cookie
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert code == 0


def test_validate_with_results_warns_of_a_card_a_class_missed(capsys: pytest.CaptureFixture[str]) -> None:
    install_class_deck()
    deck_file = paths.user_decks_dir() / "class.toml"
    with Store.open() as store:
        room = open_room(store, Clock())
        position = position_of(room, "capital")
        question = room.start(position)
        for number in range(5):  # HARD_MIN_ANSWERS, all wrong
            room.answer(room.join(f"Student {number}").student.id, position, wrong_response(question))
        room.reveal()
    assert main(["validate", str(deck_file)]) == 0
    assert "missed it in class" not in capsys.readouterr().out
    assert main(["validate", str(deck_file), "--results", "abc-def"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"{deck_file}:1:1: warning: card capital: almost everyone missed it in class (0 of 5" in out
    assert main(["validate", str(deck_file), "--results", "nope"]) == 2
