"""The web server for students' browsers: a door, then textual-serve's terminal for each student.

textual-serve's own ``Server`` starts an app process for every websocket that
connects, with no check (textual_serve/server.py: ``handle_websocket``). This
server is a small aiohttp application of its own that reuses textual-serve's
pieces: ``AppService`` (one app process over pipes, its packet protocol), the
``DownloadManager`` and the static files (textual.js, xterm.css, the fonts).
Its routes:

- ``GET /``: the door (the join form), or, for a browser holding a seat whose
  room is still open, the terminal page;
- ``POST /join``: the door's check (``Door.knock``); a seat sets the cookie;
- ``GET /ws``: the websocket; it starts an app process only for a browser whose
  cookie holds a seat in a room that is still open, one process per student
  (a reload or a second tab replaces the earlier one);
- ``GET /download/{key}``: a file the student's own app delivers;
- ``GET /static/...``: textual-serve's files, served from its package.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shlex
import signal
import socket
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from otsquiz.serve import pages
from otsquiz.serve.door import Door, Student, Verdict

log = logging.getLogger("otsquiz.serve")

STATIC = Path(textual_serve.__file__).resolve().parent / "static"
COOKIE = "otsquiz_student"
COOKIE_AGE = 12 * 3600  # a school day: a phone that closes its browser still gets back in
# What a student's app process is told, in its environment (never on its command line,
# which every user of the machine can read).
ENV_ROOM = "OTSQUIZ_ROOM"
ENV_TOKEN = "OTSQUIZ_STUDENT_TOKEN"
ENV_NAME = "OTSQUIZ_STUDENT_NAME"
STOP_GRACE = 5.0  # seconds an app process has to quit before it is killed

_DOOR_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def _terminal_policy(host: str) -> str:
    # Everything from this server only: the browser itself refuses any other address.
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
        f"img-src 'self' data:; connect-src 'self' ws://{host} wss://{host}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def default_command() -> list[str]:
    """The otsquiz app itself, by the interpreter running the server."""
    return [sys.executable, "-m", "otsquiz"]


class StudentApp(AppService):
    """One student's app process: started from an argument list (no shell), told who the student is.

    Overrides two methods of textual-serve's AppService (app_service.py, 1.1.3):
    ``_build_environment`` (adds the student's variables) and ``_open_app_process``
    (``create_subprocess_exec`` instead of a shell command line).
    """

    def __init__(
        self, argv: Sequence[str], student_env: dict[str, str], downloads: DownloadManager, **remote: object
    ) -> None:
        super().__init__(shlex.join(argv), download_manager=downloads, **remote)  # type: ignore[arg-type]  # write_bytes, write_str, close
        self.argv = list(argv)
        self.student_env = student_env

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.update(self.student_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
        )
        assert process.stdin is not None  # asked for with PIPE
        self._stdin = process.stdin
        return process

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        return self._process

    @property
    def running(self) -> asyncio.Task[None] | None:
        return self._task


@dataclass
class _Live:
    """A student's open websocket and the app process behind it."""

    student: Student
    websocket: web.WebSocketResponse
    app: StudentApp | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


def _clamp(text: str | None, default: int, low: int = 10, high: int = 500) -> int:
    try:
        return min(high, max(low, int(text or default)))
    except ValueError:
        return default


class ClassServer:
    """The door and the students' app processes behind it.

    ``admit(code)`` says whether a room code opens a room now (the room's own
    check; asked at the door and again before every app process starts).
    ``command`` is the app to run per student (default: otsquiz itself); it is
    given ``OTSQUIZ_ROOM``, ``OTSQUIZ_STUDENT_TOKEN`` and ``OTSQUIZ_STUDENT_NAME``
    in its environment.
    """

    def __init__(
        self,
        admit: Callable[[str], bool],
        command: Sequence[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        max_students: int = 40,
        ask_name: bool = True,
        title: str = "otsquiz",
        door: Door | None = None,
    ) -> None:
        self.door = door or Door(admit, max_students=max_students, ask_name=ask_name)
        self.command = list(command) if command is not None else default_command()
        self.host = host
        self.port = port
        self.title = title
        self.processes_started = 0
        self._live: dict[str, _Live] = {}
        self._downloads = DownloadManager()
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    @property
    def processes_running(self) -> int:
        return sum(1 for live in self._live.values() if live.app is not None)

    def application(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024, middlewares=[_headers])
        app.add_routes(
            [
                web.get("/", self._index),
                web.post("/join", self._join),
                web.get("/ws", self._websocket),
                web.get("/download/{key}", self._download),
                web.static("/static", STATIC, show_index=False),
            ]
        )
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self) -> list[str]:
        """Listen; return the addresses to share (a free port is chosen for port 0)."""
        self._runner = web.AppRunner(self.application(), access_log=None, shutdown_timeout=STOP_GRACE)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        ports = {address[1] for address in self._runner.addresses if isinstance(address, tuple)}
        self.port = ports.pop() if len(ports) == 1 else self.port
        return share_urls(self.host, self.port)

    async def stop(self) -> None:
        """Close every student's websocket, end their processes, stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_shutdown(self, app: web.Application) -> None:
        for live in list(self._live.values()):
            await live.websocket.close(code=1001, message=b"server stopping")
        for live in list(self._live.values()):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(live.done.wait(), STOP_GRACE * 2)

    async def _index(self, request: web.Request) -> web.Response:
        secret = request.cookies.get(COOKIE)
        student = self.door.student(secret)
        if student is None:
            message = (
                "Your room has ended, or the server was restarted: enter the code again." if secret else ""
            )
            response = _html(pages.door(message=message, ask_name=self.door.ask_name), policy=_DOOR_POLICY)
            if secret:
                response.del_cookie(COOKIE, path="/")
            return response
        scheme = "wss" if request.secure else "ws"
        page = pages.terminal(websocket_url=f"{scheme}://{request.host}/ws", title=self.title)
        return _html(page, policy=_terminal_policy(request.host))

    async def _join(self, request: web.Request) -> web.Response:
        form = await request.post()
        code, name = str(form.get("code", "")), str(form.get("name", ""))
        answer = self.door.knock(request.remote or "", code, name, request.cookies.get(COOKIE))
        verdict = answer.verdict
        if verdict is Verdict.ADMITTED and answer.student is not None:
            seated = web.HTTPSeeOther("/")
            seated.set_cookie(
                COOKIE, answer.student.secret, max_age=COOKIE_AGE, path="/", httponly=True, samesite="Strict"
            )
            raise seated
        ask = self.door.ask_name
        if verdict is Verdict.WRONG_CODE:
            message = "That code does not open a room. Check it and try again."
            return _html(pages.door(message=message, code=code, name=name, ask_name=ask), 403, _DOOR_POLICY)
        if verdict is Verdict.BAD_NAME:
            message = answer.message
            return _html(pages.door(message=message, code=code, name=name, ask_name=ask), 400, _DOOR_POLICY)
        if verdict is Verdict.RATE_LIMITED:
            wait = answer.retry_after
            page = pages.notice(
                "Too many tries", f"Too many wrong codes from this device. Wait {wait} seconds."
            )
            response = _html(page, 429, _DOOR_POLICY)
            response.headers["Retry-After"] = str(wait)
            return response
        if verdict is Verdict.FULL:
            limit = self.door.max_students
            page = pages.notice(
                "The class is full", f"All {limit} places are taken. Ask your teacher.", again=False
            )
            return _html(page, 503, _DOOR_POLICY)
        page = pages.notice("Not now", "The room could not be checked. Ask your teacher.")
        return _html(page, 503, _DOOR_POLICY)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="This page belongs to another site.")
        student = self.door.student(request.cookies.get(COOKIE))
        if student is None:
            raise web.HTTPForbidden(text="Join the class first.")
        while (earlier := self._live.get(student.secret)) is not None:  # one process per student
            await earlier.websocket.close(code=1000, message=b"opened elsewhere")
            await earlier.done.wait()
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=256 * 1024)
        live = _Live(student, websocket)
        self._live[student.secret] = live
        try:
            await websocket.prepare(request)
            env = {ENV_ROOM: student.code, ENV_TOKEN: student.token, ENV_NAME: student.name}
            app = StudentApp(
                self.command,
                env,
                self._downloads,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
            )
            live.app = app
            await app.start(_clamp(request.query.get("width"), 80), _clamp(request.query.get("height"), 24))
            self.processes_started += 1
            running = app.running
            if running is not None:  # an app that dies without saying so still closes its page
                running.add_done_callback(lambda _: self._keep(websocket.close()))
            await _relay(websocket, app)
        except ConnectionResetError:
            pass
        except OSError as error:
            log.error("could not start the app for a student: %s", error)
        finally:
            # A closed connection cancels this handler (aiohttp does): the process is ended all the same.
            await asyncio.shield(self._keep(self._release(live)))
        return websocket

    async def _release(self, live: _Live) -> None:
        try:
            if live.app is not None:
                await _end(live.app)
        finally:
            if self._live.get(live.student.secret) is live:
                del self._live[live.student.secret]
            live.done.set()

    def _keep(self, work: Coroutine[Any, Any, object]) -> asyncio.Task[object]:
        """A task that runs to its end even when whoever started it is cancelled."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _download(self, request: web.Request) -> web.StreamResponse:
        # textual_serve/server.py handle_download, limited to the student's own app's files.
        secret = request.cookies.get(COOKIE)
        live = self._live.get(secret) if secret else None
        key = request.match_info["key"]
        try:
            meta = await self._downloads.get_download_metadata(key)
        except KeyError:
            meta = None
        if meta is None or live is None or meta.app_service is not live.app:
            raise web.HTTPNotFound(text="No such download.")
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (
            f"; charset={meta.encoding}" if meta.encoding else ""
        )
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{Path(meta.file_name).name}"'
        await response.prepare(request)
        async for chunk in self._downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response


async def _relay(websocket: web.WebSocketResponse, app: StudentApp) -> None:
    """The browser's messages to the app (textual-serve's protocol: JSON lists); anything malformed is ignored."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await app.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            await app.set_terminal_size(
                _clamp(str(data.get("width")), 80), _clamp(str(data.get("height")), 24)
            )
        elif kind == "ping" and isinstance(data, str):
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await app.blur()
        elif kind == "focus":
            await app.focus()


async def _end(app: StudentApp) -> None:
    """Ask the app to quit (textual-serve's way); kill it if it has not gone within the grace time."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(app.stop(), STOP_GRACE)
    process = app.process
    if process is None:
        return
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


@web.middleware
async def _headers(request: web.Request, handler: Callable[[web.Request], object]) -> web.StreamResponse:
    response = await handler(request)  # type: ignore[misc]  # aiohttp's handler type
    assert isinstance(response, web.StreamResponse)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _html(text: str, status: int = 200, policy: str = _DOOR_POLICY) -> web.Response:
    response = web.Response(text=text, status=status, content_type="text/html")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Cache-Control"] = "no-store"
    return response


def share_urls(host: str, port: int) -> list[str]:
    """The addresses students type: this machine's own for a wildcard host."""
    wildcard = host in ("0.0.0.0", "::", "")
    hosts = (_lan_addresses() or [socket.gethostname()]) if wildcard else [host]
    return [f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}" for name in hosts]


def _lan_addresses() -> list[str]:
    # A UDP socket "connected" to a private address sends nothing but learns the outgoing interface.
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        address = str(probe.getsockname()[0])
        if not address.startswith("127."):
            found.append(address)
    return found


def serve(server: ClassServer, out: TextIO = sys.stdout) -> int:
    """Run until SIGINT or SIGTERM; print the address to share. Returns an exit code."""

    async def run() -> int:
        try:
            urls = await server.start()
        except OSError as error:
            print(
                f"otsquiz: cannot listen on {server.host}:{server.port}: {error.strerror or error}",
                file=sys.stderr,
            )
            return 1
        print(f"Students open: {' or '.join(urls)}", file=out)
        if server.host in ("127.0.0.1", "localhost", "::1"):
            print("Only this computer can open it; --host 0.0.0.0 lets the class in.", file=out)
        print(f"Up to {server.door.max_students} students. Ctrl+C stops the server.", file=out, flush=True)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(number, stopping.set)
        try:
            await stopping.wait()
        finally:
            await server.stop()
        return 0

    return asyncio.run(run())


__all__ = [
    "COOKIE",
    "ENV_NAME",
    "ENV_ROOM",
    "ENV_TOKEN",
    "ClassServer",
    "StudentApp",
    "default_command",
    "serve",
    "share_urls",
]
