"""A tiny Textual app the serve tests run per student instead of otsquiz: it shows who it was told it serves.

It appends one line per start to the file named by OTSQUIZ_TEST_STARTS (its pid,
the room, the token), so a test can see which processes started. The name is
shown as plain text, never as markup.
"""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.widgets import Static


class Tiny(App[None]):
    def compose(self) -> ComposeResult:
        room = os.environ.get("OTSQUIZ_ROOM", "-")
        token = os.environ.get("OTSQUIZ_STUDENT_TOKEN", "-")
        name = os.environ.get("OTSQUIZ_STUDENT_NAME", "-")
        yield Static(f"TINY room={room} token={token[:12]} name={name}", markup=False)


if __name__ == "__main__":
    starts = os.environ.get("OTSQUIZ_TEST_STARTS")
    if starts:
        with open(starts, "a", encoding="utf-8") as file:
            line = [
                str(os.getpid()),
                os.environ.get("OTSQUIZ_ROOM", ""),
                os.environ.get("OTSQUIZ_STUDENT_TOKEN", ""),
            ]
            file.write(" ".join(line) + "\n")
    Tiny().run()
