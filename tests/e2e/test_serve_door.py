"""The door of ``otsquiz serve`` over HTTP, without a browser: codes, names, rate limits, seats, the websocket.

Each test runs the server's aiohttp application on a free port with aiohttp's
test client and the tiny app of tests/e2e/serve_tiny_app.py per student. The
rate limit runs on a clock the test moves, so nothing waits for real time.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer

from otsquiz.core.room.names import name_problem
from otsquiz.serve import ClassServer, Door, Verdict
from otsquiz.serve.server import COOKIE, ENV_TOKEN, StudentApp, share_urls
from tests.e2e.serve_helpers import DEADLINE, tiny_command

CODE = "KX7P2M"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Rooms:
    """The room's check as the door sees it: a set of open codes the test can change."""

    def __init__(self, *codes: str) -> None:
        self.open = set(codes)
        self.asked: list[str] = []

    def __call__(self, code: str) -> bool:
        self.asked.append(code)
        return code in self.open


async def _client(server: ClassServer) -> TestClient[web.Request, web.Application]:
    client: TestClient[web.Request, web.Application] = TestClient(TestServer(server.application()))
    await client.start_server()
    return client


@pytest.fixture
async def door_client() -> AsyncIterator[
    tuple[ClassServer, Rooms, Clock, TestClient[web.Request, web.Application]]
]:
    rooms, clock = Rooms(CODE), Clock()
    door = Door(rooms, max_students=2, max_failures=3, window=60.0, clock=clock)
    server = ClassServer(rooms, tiny_command(), door=door)
    client = await _client(server)
    yield server, rooms, clock, client
    await client.close()


async def _join(
    client: TestClient[web.Request, web.Application], code: str, name: str = "Ada"
) -> tuple[int, str]:
    response = await client.post("/join", data={"code": code, "name": name}, allow_redirects=False)
    return response.status, await response.text()


# The door itself ---------------------------------------------------------------------------------


def test_a_code_is_taken_as_typed_in_any_case_with_spaces_and_dashes() -> None:
    rooms = Rooms(CODE)
    door = Door(rooms)
    answer = door.knock("10.0.0.5", " kx7-p2m ", "Ada")
    assert answer.verdict is Verdict.ADMITTED and answer.student is not None
    assert answer.student.code == CODE and rooms.asked == [CODE]


def test_a_code_that_cannot_be_one_is_refused_without_asking_the_room() -> None:
    rooms = Rooms(CODE)
    door = Door(rooms)
    for text in ("", "x" * 200, "KX7;P2M", "ＫＸ７Ｐ２Ｍ", "KX7P20"):  # 0 is not in the alphabet
        assert door.knock("10.0.0.5", text, "Ada").verdict is Verdict.WRONG_CODE
    assert rooms.asked == []


def test_wrong_codes_are_limited_per_address_and_the_limit_passes() -> None:
    clock = Clock()
    door = Door(Rooms(CODE), max_failures=3, window=60.0, clock=clock)
    for _ in range(3):
        assert door.knock("10.0.0.5", "AAAAAA", "Ada").verdict is Verdict.WRONG_CODE
    blocked = door.knock("10.0.0.5", CODE, "Ada")  # even the right code waits: guessing gains nothing
    assert blocked.verdict is Verdict.RATE_LIMITED and 1 <= blocked.retry_after <= 60
    assert door.knock("10.0.0.6", CODE, "Bo").verdict is Verdict.ADMITTED  # another address is not held up
    clock.now += 61
    assert door.knock("10.0.0.5", CODE, "Ada").verdict is Verdict.ADMITTED


def test_right_codes_do_not_count_against_an_address() -> None:
    door = Door(Rooms(CODE), max_students=50, max_failures=3)
    verdicts = {
        door.knock("10.0.0.1", CODE, f"Student {n}").verdict for n in range(20)
    }  # a class behind one NAT
    assert verdicts == {Verdict.ADMITTED}


def test_names_are_tidied_and_one_the_room_would_refuse_is_refused_with_its_reason() -> None:
    door = Door(Rooms(CODE))
    answer = door.knock("a", CODE, "  [b]Ada[/b]   Lovelace ")
    assert answer.student is not None and answer.student.name == "[b]Ada[/b] Lovelace"
    for name in ("", "   ", "Ada\x1b[31m", "x" * 100):
        refused = door.knock("a", CODE, name)
        assert refused.verdict is Verdict.BAD_NAME and refused.message == name_problem(name)
    assert door.seated == 1


def test_without_names_asked_an_empty_name_is_left_to_the_room() -> None:
    door = Door(Rooms(CODE), ask_name=False)
    answer = door.knock("a", CODE, "")
    assert answer.student is not None and answer.student.name == ""


def test_a_student_is_known_by_a_secret_and_the_room_by_a_token_that_is_not_it() -> None:
    door = Door(Rooms(CODE))
    first = door.knock("a", CODE, "Ada").student
    second = door.knock("b", CODE, "Bo").student
    assert first is not None and second is not None
    assert len({first.secret, second.secret, first.token, second.token}) == 4
    assert first.secret not in first.token and len(first.secret) >= 40
    assert door.student(first.secret) is first and door.student("forged") is None


def test_a_room_that_ends_takes_its_students_seats_with_it() -> None:
    rooms = Rooms(CODE)
    door = Door(rooms, max_students=1)
    student = door.knock("a", CODE, "Ada").student
    assert student is not None
    assert door.knock("b", CODE, "Bo").verdict is Verdict.FULL
    rooms.open.clear()
    assert door.student(student.secret) is None and door.seated == 0


def test_a_failing_check_refuses_and_is_not_counted_as_a_guess() -> None:
    def broken(code: str) -> bool:
        raise RuntimeError("database is locked")

    door = Door(broken, max_failures=1)
    assert door.knock("a", CODE, "Ada").verdict is Verdict.UNAVAILABLE
    assert door.knock("a", CODE, "Ada").verdict is Verdict.UNAVAILABLE  # not rate-limited


def test_the_address_to_share_is_the_host_or_this_machines_own_for_a_wildcard() -> None:
    assert share_urls("127.0.0.1", 8000) == ["http://127.0.0.1:8000"]
    assert share_urls("::1", 8000) == ["http://[::1]:8000"]
    [url] = share_urls("0.0.0.0", 8123)
    assert url.startswith("http://") and url.endswith(":8123") and "0.0.0.0" not in url


# Over HTTP ---------------------------------------------------------------------------------------


async def test_the_door_page_is_plain_html_with_no_script_allowed(door_client: tuple) -> None:
    _, _, _, client = door_client
    response = await client.get("/")
    text = await response.text()
    assert response.status == 200 and 'name="code"' in text and 'name="name"' in text
    assert "<script" not in text
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


async def test_a_typed_name_comes_back_escaped(door_client: tuple) -> None:
    _, _, _, client = door_client
    status, text = await _join(client, "AAAAAA", '"><script>alert(1)</script>')
    assert status == 403
    assert "<script>" not in text and "&lt;script&gt;" in text and "&quot;&gt;" in text


async def test_a_right_code_sets_an_http_only_strict_cookie(door_client: tuple) -> None:
    _, _, _, client = door_client
    response = await client.post("/join", data={"code": CODE, "name": "Ada"}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    page = await client.get("/")
    text = await page.text()
    assert 'class="textual-terminal"' in text and "googleapis" not in text
    assert cookie.value not in text  # the secret is in the cookie only, never in the page


async def test_too_many_wrong_codes_answer_429_with_retry_after(door_client: tuple) -> None:
    _, _, _, client = door_client
    statuses = [(await _join(client, "AAAAAA"))[0] for _ in range(3)]
    response = await client.post("/join", data={"code": CODE, "name": "Ada"}, allow_redirects=False)
    assert statuses == [403, 403, 403] and response.status == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60 and "Too many" in await response.text()


async def test_the_websocket_starts_nothing_without_a_seat(door_client: tuple) -> None:
    server, _, _, client = door_client
    response = await client.get("/ws")
    assert response.status == 403
    client.session.cookie_jar.update_cookies({COOKIE: "forged-secret"})
    assert (await client.get("/ws")).status == 403
    assert server.processes_started == 0


async def test_a_page_of_another_site_cannot_open_a_students_websocket(door_client: tuple) -> None:
    server, _, _, client = door_client
    assert (await _join(client, CODE))[0] == 303
    response = await client.get("/ws", headers={"Origin": "http://evil.example"})
    assert response.status == 403 and server.processes_started == 0


async def _first_output(websocket: web.WebSocketResponse | object, contains: bytes) -> bytes:
    seen = b""
    async with asyncio.timeout(DEADLINE):
        async for message in websocket:  # type: ignore[attr-defined]
            if message.type == WSMsgType.BINARY:
                seen += message.data
                if contains in seen:
                    return seen
            elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                break
    raise AssertionError(f"{contains!r} never came; got {seen[-200:]!r}")


async def test_an_ended_room_ends_the_way_back_in(door_client: tuple) -> None:
    server, rooms, _, client = door_client
    assert (await _join(client, CODE))[0] == 303
    websocket = await client.ws_connect("/ws?width=80&height=24")
    await _first_output(websocket, b"TINY")
    await websocket.close()
    rooms.open.clear()  # the teacher ends the room
    assert (await client.get("/ws")).status == 403
    page = await (await client.get("/")).text()
    assert "Your room has ended" in page and 'name="code"' in page
    assert server.processes_started == 1 and server.door.seated == 0


async def test_nonsense_on_the_websocket_is_ignored_and_the_app_goes_on(door_client: tuple) -> None:
    server, _, _, client = door_client
    assert (await _join(client, CODE))[0] == 303
    websocket = await client.ws_connect("/ws?width=99999&height=-5")
    for junk in ("not json", "{}", "[]", '["stdin", 5]', '["resize", "big"]', '["resize", {"width": "x"}]'):
        await websocket.send_str(junk)
    await websocket.send_bytes(b"\x00\x01")
    await websocket.send_str(json.dumps(["ping", "42"]))
    async with asyncio.timeout(DEADLINE):
        async for message in websocket:
            if message.type == WSMsgType.TEXT and json.loads(message.data) == ["pong", "42"]:
                break
    await _first_output(websocket, b"TINY")
    assert server.processes_running == 1
    await websocket.close()


async def test_a_second_tab_replaces_the_first_process(door_client: tuple) -> None:
    server, _, _, client = door_client
    assert (await _join(client, CODE))[0] == 303
    first = await client.ws_connect("/ws")
    await _first_output(first, b"TINY")

    async def read_until_closed() -> None:  # as a browser does: it answers the server's close
        while not first.closed:
            await first.receive()

    reading = asyncio.ensure_future(read_until_closed())
    second = await client.ws_connect("/ws")
    await _first_output(second, b"TINY")
    async with asyncio.timeout(DEADLINE):
        await reading
    assert server.processes_started == 2 and server.processes_running == 1 and server.door.seated == 1
    await second.close()


def test_the_app_process_gets_the_token_in_its_environment_not_its_arguments() -> None:
    async def noop(*_: object) -> None:
        return None

    app = StudentApp(
        ["prog"], {ENV_TOKEN: "t0ken"}, downloads=None, write_bytes=noop, write_str=noop, close=noop
    )  # type: ignore[arg-type]
    assert app._build_environment()[ENV_TOKEN] == "t0ken"
    assert "t0ken" not in " ".join(app.argv) and "t0ken" not in app.command


async def test_stopping_the_server_ends_every_students_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = tmp_path / "starts.txt"
    monkeypatch.setenv("OTSQUIZ_TEST_STARTS", str(starts))
    server = ClassServer(Rooms(CODE), tiny_command(), port=0)
    [url] = await server.start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # an IP host
            await session.post(url + "/join", data={"code": CODE, "name": "Ada"})
            websocket = await session.ws_connect(url.replace("http", "ws", 1) + "/ws")
            await _first_output(websocket, b"TINY")
            [pid] = [line.split()[0] for line in starts.read_text().splitlines()]
            assert Path(f"/proc/{pid}").exists()
            await server.stop()
            assert not Path(f"/proc/{pid}").exists()
            assert (await websocket.receive()).type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    finally:
        await server.stop()


_RUN_SERVE = """
import sys
from otsquiz.serve import ClassServer, serve
sys.exit(serve(ClassServer(lambda code: False, ["true"], port=int(sys.argv[1]))))
"""


def test_serve_prints_the_address_listens_on_this_machine_only_and_stops_on_sigterm() -> None:

    process = subprocess.Popen(
        [sys.executable, "-c", _RUN_SERVE, "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # blocks until the server has printed, or ended
        assert first.startswith("Students open: http://127.0.0.1:"), first + (
            process.stderr.read() if process.stderr else ""
        )
        url = first.split()[-1]
        assert "Only this computer" in process.stdout.readline()
        with urllib.request.urlopen(url + "/") as response:
            assert response.status == 200 and b"Join the class" in response.read()
        process.send_signal(signal.SIGTERM)
        assert process.wait(DEADLINE) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_port_in_use_is_a_message_and_exit_code_1() -> None:

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-c", _RUN_SERVE, str(port)], capture_output=True, text=True, timeout=DEADLINE
        )
    assert done.returncode == 1
    assert (
        done.stderr.startswith(f"otsquiz: cannot listen on 127.0.0.1:{port}")
        and "Traceback" not in done.stderr
    )
