"""Helpers for the serve tests: the server on a thread of its own, the tiny app's command, waiting."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from otsquiz.serve import ClassServer

TINY_APP = Path(__file__).resolve().parent / "serve_tiny_app.py"
DEADLINE = 20.0  # seconds one condition may take before a test gives up

T = TypeVar("T")


def tiny_command() -> list[str]:
    return [sys.executable, str(TINY_APP)]


class ServerThread:
    """A ClassServer on port 0 in its own event loop and thread, so a synchronous browser driver can use it."""

    def __init__(self, server: ClassServer) -> None:
        self.server = server
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> ServerThread:
        self._thread.start()
        urls = self.run(self.server.start())
        self.url = urls[0]
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self.server.stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(DEADLINE)
            self._loop.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine in the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(DEADLINE * 2)


def wait_until(condition: Callable[[], T], what: str, deadline: float = DEADLINE) -> T:
    """Poll ``condition`` until it is truthy; fail after ``deadline`` seconds, saying what was awaited."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)  # a polling interval, not a timing assumption
