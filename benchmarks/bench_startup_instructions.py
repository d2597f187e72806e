"""Instructions from start to the first frame, counted by callgrind: a start-up figure that does not drift.

Wall time on a shared machine varies 20-50 % from run to run (see
bench_startup.py, which measures it in tmux). The instructions a process
executes before it writes its first frame are the same on every run, so the
ratio here is the steady one to compare changes by. Both programs run in a
real terminal (tmux) under ``valgrind --tool=callgrind`` and stop as soon as
Textual has written their first frame:

* a minimal Textual app that shows one line of text;
* ``otsquiz study`` on the bundled decks (the deck cache and database warm).

    python benchmarks/bench_startup_instructions.py

Needs tmux, valgrind and an installed otsquiz. About a minute.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Stops the process once Textual has written its first frame. For otsquiz it
# starts as the `otsquiz` command does (cli.main pauses the collector before
# Textual is imported), then runs `otsquiz study`.
DRIVER = """
import os, sys
if sys.argv[1] == "otsquiz":
    from otsquiz import startup
    startup.begin()
from textual.app import App

_display = App._display

def first_frame(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is not None:
        os._exit(0)

App._display = first_frame
if sys.argv[1] == "minimal":
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("MINIMAL-APP-READY")

    Minimal().run()
else:
    from otsquiz.cli import main

    main(["study"])
"""


WARM_UP = """
from otsquiz.cli import _collection
from otsquiz.core.store import Store
_collection([])
with Store.open() as store:
    store.profile("default")
"""


def instructions(driver: Path, which: str, env: dict[str, str], folder: Path) -> int:
    """Instructions executed by the driver's program until its first frame, in a tmux window."""
    out = folder / f"callgrind.{which}.out"
    out.unlink(missing_ok=True)
    exports = " ".join(f"{key}={value}" for key, value in env.items())
    command = (
        f"env -u PYTHONDONTWRITEBYTECODE {exports} valgrind --tool=callgrind --log-file={folder}/valgrind.log "
        f"--callgrind-out-file={out} {sys.executable} {driver} {which}"
    )
    tmux = ["tmux", "-L", f"otsquiz-instructions-{os.getpid()}"]
    subprocess.run([*tmux, "new-session", "-d", "-x", "100", "-y", "30", command], check=True)
    try:
        while subprocess.run([*tmux, "has-session"], capture_output=True, check=False).returncode == 0:
            time.sleep(0.2)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {out}")


def main() -> None:
    if not all(shutil.which(tool) for tool in ("tmux", "valgrind")):
        sys.exit("needs tmux and valgrind")
    folder = Path(tempfile.mkdtemp(prefix="otsquiz-instructions-"))
    driver = folder / "driver.py"
    driver.write_text(DRIVER)
    env = {"TERM": "xterm-256color", "OTSQUIZ_HOME": str(folder / "home")}
    # A first run of otsquiz fills the deck cache and creates the database, as any earlier start has.
    subprocess.run(
        [sys.executable, "-c", WARM_UP],
        env={**os.environ, **env},
        check=True,
    )
    minimal = instructions(driver, "minimal", env, folder)
    otsquiz = instructions(driver, "otsquiz", env, folder)
    print(
        f"# {platform.node()} · {platform.machine()} · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d')} · callgrind, to the first frame in tmux"
    )
    print("| start to first frame | instructions | ratio |")
    print("|---|---:|---:|")
    print(f"| minimal Textual app, one line | {minimal / 1e6:,.0f} M | 1.00× |")
    print(f"| otsquiz study, bundled decks | {otsquiz / 1e6:,.0f} M | {otsquiz / minimal:.2f}× |")


if __name__ == "__main__":
    main()
