"""Time from starting a command in a real terminal (tmux) to its first screen.

Compares, in the same run:

* a minimal Textual app that shows one line of text (the floor: Python and Textual);
* ``otsquiz study`` on the bundled decks, until the first card is on screen;
* ``otsquiz study`` with a 100,000-card deck and a year of history added.

Targets (issue 5): the first card within 1.3x the minimal app; with the
100,000-card collection, within 1.5x of the bundled decks alone. The deck
cache and the database are warm, as on any start after the first.

    python benchmarks/bench_startup.py [--runs 7] [--big 100000]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("MINIMAL-APP-READY")

Minimal().run()
"""


_RUNS = itertools.count()


def time_to_screen(command: str, marker: str, env: dict[str, str]) -> float:
    """Seconds from starting ``command`` in a new tmux window until ``marker`` is on its screen."""
    # A tmux server of its own for each run: no race with the previous run's server shutting down.
    tmux = ["tmux", "-L", f"otsquiz-bench-{os.getpid()}-{next(_RUNS)}"]
    exports = " ".join(f"{key}={value}" for key, value in env.items())
    start = time.perf_counter()
    # As installed by pip, modules run from compiled bytecode: let Python write it (the warm-up run does).
    launch = f"env -u PYTHONDONTWRITEBYTECODE {exports} {command}"
    subprocess.run([*tmux, "new-session", "-d", "-x", "100", "-y", "30", launch], check=True)
    try:
        for _ in range(20_000):
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p"], capture_output=True, text=True, check=False
            ).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.002)
        raise RuntimeError(f"{marker!r} never appeared for {command!r}:\n{screen}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)


Case = tuple[str, str, dict[str, str]]  # command, marker, environment


def paired_times(first: Case, second: Case, runs: int) -> tuple[float, float, float]:
    """Medians of both cases and the median of their ratio, the runs interleaved.

    Alternating the two (first, second, first, ...) keeps a slow stretch of a
    shared machine from landing on one case only; each ratio is taken within
    one pair of runs.
    """
    for case in (first, second):
        time_to_screen(*case)  # warm the page cache and otsquiz's caches
    pairs = [(time_to_screen(*first), time_to_screen(*second)) for _ in range(runs)]
    return (
        statistics.median(a for a, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(b / a for a, b in pairs),
    )


def add_big_collection(home: Path, cards: int) -> None:
    """A deck of ``cards`` cards in the user's decks folder, and a year of its history."""
    import random

    from benchmarks.bench_engine import QueueCard, fill, simulate
    from otsquiz.core.library import load_deck
    from otsquiz.core.store import Store
    from tests.factories import synthetic_deck

    os.environ["OTSQUIZ_HOME"] = str(home)
    decks = home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    path = decks / "big.toml"
    path.write_text(synthetic_deck(cards, deck_id="big"))
    deck = load_deck(path).deck  # also fills the cache
    assert deck is not None
    studied = [QueueCard(s.deck_id, s.key, s.note) for s in deck.expand()]
    states, log = simulate(studied, datetime.now(UTC), random.Random(1))
    with Store.open() as store:
        fill(store, store.profile("default").id, states, log)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--big", type=int, default=100_000, help="cards in the big collection (0: skip)")
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("otsquiz") is None:
        sys.exit("needs tmux and an installed otsquiz (pip install .)")

    folder = Path(tempfile.mkdtemp(prefix="otsquiz-startup-"))
    script = folder / "minimal.py"
    script.write_text(MINIMAL_APP)
    python = sys.executable
    # The console script beside this interpreter, not a version manager's shim in front of it
    # (pyenv's shims add a shell and a lookup, ~100-200 ms, that the minimal app does not pay).
    installed = Path(sys.executable).with_name("otsquiz")
    otsquiz = str(installed) if installed.exists() else "otsquiz"
    small_home = folder / "small"
    big_home = folder / "big"
    base_env = {"TERM": "xterm-256color"}

    minimal_case: Case = (f"{python} {script}", "MINIMAL-APP-READY", base_env)
    # The first card of the bundled decks: its deck id and kind line says it is on screen.
    small_case: Case = (f"{otsquiz} study", " · ", {**base_env, "OTSQUIZ_HOME": str(small_home)})
    minimal, small, small_ratio = paired_times(minimal_case, small_case, args.runs)
    print(
        f"# {platform.node()} · {platform.machine()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {time.strftime('%Y-%m-%d')} · median of {args.runs}, interleaved"
    )
    print("| start to first screen | time | ratio (median of pairs) |")
    print("|---|---:|---:|")
    print(f"| minimal Textual app, one line | {minimal * 1000:.0f} ms | 1.00× |")
    print(
        f"| otsquiz study, bundled decks: first card | {small * 1000:.0f} ms | "
        f"{small_ratio:.2f}× the minimal app |"
    )
    if args.big:
        add_big_collection(big_home, args.big)
        big_case: Case = (f"{otsquiz} study", " · ", {**base_env, "OTSQUIZ_HOME": str(big_home)})
        small, big, big_ratio = paired_times(small_case, big_case, args.runs)
        print(
            f"| otsquiz study, + {args.big:,} cards, a year of history | {big * 1000:.0f} ms | "
            f"{big_ratio:.2f}× the bundled decks ({small * 1000:.0f} ms in these pairs) |"
        )


if __name__ == "__main__":
    main()
