"""What rejecting a hostile deck costs: time and peak memory of `load_bytes` on files inside every limit.

Run from the repository root:  python benchmarks/bench_hostile_decks.py [--only NAME ...] [--mb 32]

Each deck is just under the size limit (32 MiB) and is checked in a fresh process, so
that its peak memory is its own: the child reports its resident high-water mark
(VmHWM; ``resource.getrusage`` ``ru_maxrss`` where /proc is missing) and the parent
reports ``ru_maxrss`` of its children too. The target (issue 9): rejecting any deck
under the size limit stays under about 1 GB and 10 s, and costs no more than parsing
(the "tomli.loads" row).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEADER = 'format = 1\n[deck]\nid = "hostile"\ntitle = "Hostile"\n'


def _repeat(head: str, unit: str, tail: str, size: int) -> str:
    count = (size - len(head) - len(tail)) // len(unit)
    return head + unit * count + tail


def _keys(size: int) -> str:
    head = 'format = 1\ncards = [{type = "basic", prompt = "p", answer = "a"'
    body, count = [], 0
    length = len(head) + 3
    while length < size - 16:
        item = f", k{count} = 1"
        body.append(item)
        length += len(item)
        count += 1
    return head + "".join(body) + "}]\n" + DECK


TOP = "format = 1\n"
DECK = '[deck]\nid = "hostile"\ntitle = "Hostile"\n'


def _inline(unit: str, size: int, head: str = "cards = [", tail: str = "]\n") -> str:
    return _repeat(TOP + head, unit, tail + DECK, size)


# name -> a deck of about `size` bytes
DECKS: dict[str, Callable[[int], str]] = {
    "[[cards]] repeated": lambda size: _repeat(HEADER, "[[cards]]\n", "", size),
    "cards = [{},{},...]": lambda size: _inline("{},", size),
    "200,000 empty cards, padded": lambda size: _inline("{},", 600_000 + 128) + "#" * (size - 600_200),
    "200,000 cards missing a key": lambda size: HEADER + '[[cards]]\ntype = "basic"\n' * 200_000,
    "200,000 cards, 40 bad values each": lambda size: (
        HEADER
        + ('[[cards]]\ntype = "multi"\nanswers = [' + "1," * 20 + "]\ndistractors = [" + "1," * 20 + "]\n")
        * min(200_000, size // 120)
    ),
    "200,000 cards without ids (a valid deck)": lambda size: (
        HEADER + '[[cards]]\ntype = "basic"\nprompt = "p"\nanswer = "a"\n' * 200_000
    ),
    "one card, millions of unknown keys": _keys,
    "one array of millions of distractors": lambda size: _inline(
        '"x",', size, 'cards = [{type = "choice", prompt = "p", answer = "a", distractors = [', "]}]\n"
    ),
    "millions of bad tags": lambda size: _inline(
        "1,", size, 'cards = [{type = "basic", prompt = "p", answer = "a", tags = [', "]}]\n"
    ),
    "millions of sources": lambda size: _repeat(
        TOP + '[deck]\nid = "hostile"\ntitle = "Hostile"\nsources = [', "{},", "]\n", size
    ),
    "200,000 duplicate card ids": lambda size: _inline('{id="a"},', 200_000 * 9 + 20),
    "deep nesting": lambda size: TOP + "x = " + "[" * (size // 2 - 100) + "]" * (size // 2 - 100) + "\n",
}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
data = Path(sys.argv[1]).read_bytes()
mode = sys.argv[2]
import tomli
from otsquiz.core.loader import load_bytes  # imports are not what is measured
start = time.perf_counter()
if mode == "parse":
    try:
        tomli.loads(data.decode())
        outcome = "parsed"
    except Exception as error:
        outcome = type(error).__name__
else:
    result = load_bytes(data, "hostile.toml")
    problems = result.problems
    outcome = f"{len(problems)} problem(s): " + (problems[0].format()[:90] if problems else "none")
elapsed = time.perf_counter() - start
try:
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "outcome": outcome}))
"""


def measure(path: Path, mode: str, memory_cap_mb: int | None) -> dict[str, object]:
    import resource

    def cap() -> None:
        if memory_cap_mb:
            limit = memory_cap_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), mode],
        capture_output=True,
        text=True,
        cwd=REPO,
        preexec_fn=cap,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": float("nan"), "peak_mb": float("nan"), "outcome": f"CRASHED: {last[:90]}"}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="names (substrings) of the decks to run")
    parser.add_argument("--mb", type=float, default=32, help="deck size in MiB (the limit is 32)")
    parser.add_argument("--cap", type=int, default=None, help="RLIMIT_AS of each child, in MiB")
    parser.add_argument("--no-parse", action="store_true", help="skip the bare-parser rows")
    args = parser.parse_args()
    size = int(args.mb * 1024 * 1024) - 64
    folder = Path(tempfile.mkdtemp(prefix="otsquiz-hostile-"))
    print("| deck | MB | tomli.loads | peak | otsquiz load_bytes | peak | outcome |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, make in DECKS.items():
        if args.only and not any(part in name for part in args.only):
            continue
        text = make(size)
        path = folder / "deck.toml"
        path.write_text(text)
        parse = {"seconds": float("nan"), "peak_mb": float("nan")}
        if not args.no_parse:
            parse = measure(path, "parse", args.cap)
        started = time.perf_counter()
        load = measure(path, "load", args.cap)
        load.setdefault("seconds", time.perf_counter() - started)
        print(
            f"| {name} | {len(text) / 2**20:.1f} | {parse['seconds']:.1f} s | {parse['peak_mb']:.0f} MB | "
            f"{load['seconds']:.1f} s | {load['peak_mb']:.0f} MB | {load['outcome']} |",
            flush=True,
        )
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nru_maxrss of the largest child: {children:.0f} MB")


if __name__ == "__main__":
    main()
