"""``otsquiz serve`` in a real headless browser (Debian's chromium, driven by Playwright).

The server runs in this process on a thread of its own, on a free port, with a
tiny Textual app per student (tests/e2e/serve_tiny_app.py) that prints the room,
token and name it was given. The browser's terminal is read from xterm.js's own
buffer: the test serves textual.js with one hook added that keeps the page's
terminal objects on ``window``, so what is asserted is the text the page's
terminal holds after parsing the app's output. Every request the browser makes
is recorded; any that is not to the server is refused and fails the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from otsquiz.serve import ClassServer, default_command
from tests.conftest import require_program
from tests.e2e.serve_helpers import DEADLINE, ServerThread, tiny_command, wait_until

CODE = "KX7P2M"

_HOOK_AT = "this.terminal.open(e),"
_HOOK = "this.terminal.open(e),(window.__otsquizTerminals=window.__otsquizTerminals||[]).push(this.terminal),"
_SCREEN_JS = """() => {
  const terminals = window.__otsquizTerminals || [];
  if (!terminals.length) return "";
  const buffer = terminals[terminals.length - 1].buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
  return lines.join("\\n");
}"""
BROWSER_ARGS = [
    "--no-sandbox",  # chromium refuses to start as root without it
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return require_program(name)
    return require_program("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("OTSQUIZ_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail(
                "playwright is required here (OTSQUIZ_REQUIRE_SYSTEM_TOOLS is set): pip install '.[test]'"
            )
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file where every start of the tiny app leaves a line."""
    path = tmp_path / "starts.txt"
    monkeypatch.setenv("OTSQUIZ_TEST_STARTS", str(path))
    return path


def started(starts: Path) -> list[list[str]]:
    return [line.split(" ") for line in starts.read_text().splitlines()] if starts.exists() else []


class Student:
    """One browser profile (its own cookies) on the server, with every request it made."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1000, "height": 700})
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.closed = False
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._only_the_server)
        self.context.route("**/static/js/textual.js", self._hooked_textual_js)
        self.page = self.context.new_page()
        self.page.set_default_timeout(DEADLINE * 1000)
        self.page.on("websocket", lambda websocket: self.requests.append(websocket.url))
        self.errors: list[str] = []  # a script error or a blocked load (the page's policy) shows here
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _only_the_server(self, route: Any) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:  # the room has no internet: refuse, and remember it
            self.foreign.append(route.request.url)
            route.abort()

    def _hooked_textual_js(self, route: Any) -> None:
        response = route.fetch()
        script = response.text()
        assert _HOOK_AT in script, "textual.js changed: the test's terminal hook no longer fits"
        route.fulfill(response=response, body=script.replace(_HOOK_AT, _HOOK, 1))

    def join(self, code: str, name: str) -> int:
        """Open the door, type the code and the name, press Join; the status of the answer."""
        self.page.goto(self.base + "/")
        self.page.fill("#code", code)
        self.page.fill("#name", name)
        with self.page.expect_navigation() as navigation:
            self.page.click("button[type=submit]")
        response = navigation.value
        return int(response.status) if response is not None else 0

    def screen(self) -> str:
        return str(self.page.evaluate(_SCREEN_JS))

    def wait_for_screen(self, text: str) -> str:
        self.page.wait_for_function(f"() => ({_SCREEN_JS})().includes({text!r})")
        return self.screen()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.context.close()


@pytest.fixture
def classroom(browser: Any, starts: Path) -> Iterator[tuple[ServerThread, list[Student]]]:
    """A server that admits CODE, with two places; students made by ``add(...)`` are closed at the end."""
    server = ClassServer(lambda code: code == CODE, tiny_command(), port=0, max_students=2)
    students: list[Student] = []
    with ServerThread(server) as running:
        yield running, students
        for student in students:
            student.close()


def new_student(browser: Any, running: ServerThread, students: list[Student]) -> Student:
    student = Student(browser, running.url)
    students.append(student)
    return student


def assert_only_the_server(student: Student) -> None:
    assert student.requests, "the browser made no request at all"
    assert student.foreign == []
    base, socket_base = student.base + "/", "ws" + student.base.removeprefix("http") + "/"
    assert [url for url in student.requests if not url.startswith((base, socket_base))] == []
    assert student.errors == []


def test_the_door_shows_a_form_and_loads_nothing_else(browser: Any, classroom: Any) -> None:
    running, students = classroom
    student = new_student(browser, running, students)
    response = student.page.goto(running.url + "/")
    assert response is not None and response.status == 200
    assert student.page.inner_text("h1") == "Join the class"
    assert student.page.is_visible("#code") and student.page.is_visible("#name")
    assert student.page.evaluate("document.scripts.length") == 0
    asked = [url for url in student.requests if url != running.url + "/favicon.ico"]  # a browser's own habit
    assert asked == [running.url + "/"]
    assert running.server.processes_started == 0
    # On a phone's width the form fits: nothing to scroll sideways.
    student.page.set_viewport_size({"width": 360, "height": 640})
    assert student.page.evaluate("document.documentElement.scrollWidth") <= 360
    assert student.page.evaluate("document.getElementById('code').getBoundingClientRect().right") <= 360


def test_a_wrong_code_is_refused_and_starts_nothing(browser: Any, classroom: Any, starts: Path) -> None:
    running, students = classroom
    student = new_student(browser, running, students)
    assert student.join("ABCDEF", "Ada") == 403  # a well-formed code no room has
    assert "does not open a room" in student.page.inner_text("#message")
    assert student.page.input_value("#name") == "Ada"  # kept, so only the code needs retyping
    # No cookie, so the websocket is refused too: nothing can start by going round the door.
    assert student.context.cookies() == []
    refused = student.page.evaluate(
        """url => new Promise(done => { const s = new WebSocket(url); s.onopen = () => done("open");
           s.onerror = () => done("refused"); })""",
        "ws" + running.url.removeprefix("http") + "/ws",
    )
    assert refused == "refused"
    assert running.server.processes_started == 0
    assert started(starts) == []


def test_a_right_code_starts_the_app_and_the_page_shows_it(
    browser: Any, classroom: Any, starts: Path
) -> None:
    running, students = classroom
    student = new_student(browser, running, students)
    assert student.join(CODE.lower(), "  <b>Ada</b>  Lovelace ") == 200
    screen = student.wait_for_screen("TINY room=")
    assert f"room={CODE} " in screen  # typed in lower case, known in the room's own form
    assert "name=<b>Ada</b> Lovelace" in screen  # spaces tidied, the text itself untouched
    assert running.server.processes_started == 1
    [[pid, room, token]] = wait_until(lambda: started(starts), "the app's start line")
    assert room == CODE
    assert f"token={token[:12]}" in screen
    [cookie] = student.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in token and token not in cookie["value"]  # the process never sees the secret
    assert_only_the_server(student)
    # Closing the page ends the student's process.
    assert Path(f"/proc/{pid}").exists()
    student.close()
    wait_until(lambda: not Path(f"/proc/{pid}").exists(), "the app process to end")
    wait_until(lambda: running.server.processes_running == 0, "the server to count the process gone")


def test_a_reload_keeps_the_student(browser: Any, classroom: Any, starts: Path) -> None:
    running, students = classroom
    student = new_student(browser, running, students)
    assert student.join(CODE, "Ada") == 200
    student.wait_for_screen("TINY room=")
    [[_, _, token]] = wait_until(lambda: started(starts), "the first start")
    student.page.reload()
    screen = student.wait_for_screen("TINY room=")
    assert f"token={token[:12]}" in screen and "name=Ada" in screen
    lines = wait_until(lambda: len(started(starts)) == 2 and started(starts), "the second start")
    assert [line[2] for line in lines] == [token, token]
    assert running.server.door.seated == 1
    wait_until(lambda: running.server.processes_running == 1, "the earlier process to end")
    assert_only_the_server(student)


def test_the_student_past_max_students_gets_a_clear_page(browser: Any, classroom: Any, starts: Path) -> None:
    running, students = classroom
    first, second, third = (new_student(browser, running, students) for _ in range(3))
    assert first.join(CODE, "Ada") == 200
    assert second.join(CODE, "Bo") == 200
    first.wait_for_screen("name=Ada")
    second.wait_for_screen("name=Bo")
    assert third.join(CODE, "Cem") == 503
    assert third.page.inner_text("h1") == "The class is full"
    assert "All 2 places are taken" in third.page.inner_text("#message")
    assert third.context.cookies() == []
    assert running.server.processes_started == 2
    assert len(started(starts)) == 2
    # The first two still get back in after a reload: their seats are theirs.
    first.page.reload()
    first.wait_for_screen("name=Ada")


def test_the_real_app_opens_in_the_browser(browser: Any) -> None:
    """The default command, otsquiz itself (the app, outside a room for now), drawn in the page."""
    server = ClassServer(lambda code: code == CODE, default_command(), port=0)
    with ServerThread(server) as running:
        student = Student(browser, running.url)
        try:
            assert student.join(CODE, "Ada") == 200
            screen = student.wait_for_screen("Study")  # the home screen's button
            assert "otsquiz" in screen
            assert_only_the_server(student)
        finally:
            student.close()
