"""How fast decks load: first load, cached load and `otsquiz validate`, against bare tomllib.

Run from the repository root:  python benchmarks/bench_decks.py [--sizes 1000 10000 100000]
The targets (issue 2): first load <= 1.5x tomllib.loads of the same file;
a cached load <= 0.25x; `otsquiz validate decks/` as a whole process
<= 1.5x `python -c "import tomllib; from pydantic import BaseModel"`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.factories import synthetic_deck  # noqa: E402


def best_of(runs: int, function: Callable[..., object], *args: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory_mb(path: Path) -> float:
    """Peak resident memory of a fresh process that loads the deck (no cache)."""
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's peak (Linux keeps it across exec).
    peak = "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)"
    code = (
        "import sys\n"
        "from otsquiz.core.library import load_deck\n"
        "result = load_deck(sys.argv[1], use_cache=False)\n"
        "assert result.ok\n" + peak + "\n"
    )
    baseline = subprocess.run(
        [
            sys.executable,
            "-c",
            "import otsquiz.core.loader\n" + peak,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, cwd=REPO
    )
    return float(out.stdout) - float(baseline.stdout)


def process_time(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="otsquiz-bench-"))
    os.environ["OTSQUIZ_HOME"] = str(home)
    from otsquiz.core import deck_cache
    from otsquiz.core.library import load_file_bytes
    from otsquiz.core.loader import load_bytes

    print(
        f"# {platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d')}"
    )
    print("| cards | file MB | tomllib.loads | first load | ratio | cached load | ratio | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        text = synthetic_deck(size)
        data = text.encode()
        path = home / f"deck-{size}.toml"
        path.write_bytes(data)
        runs = args.runs if size < 100_000 else 2
        bare = best_of(runs, tomllib.loads, text)
        first = best_of(runs, load_bytes, data, str(path))
        deck_cache.write(data, *_loaded(load_bytes(data, str(path))))
        cached = best_of(runs, load_file_bytes, data, str(path))
        memory = f"{peak_memory_mb(path):.0f} MB" if size >= 100_000 else ""
        print(
            f"| {size:,} | {len(data) / 1e6:.1f} | {bare * 1000:.0f} ms | {first * 1000:.0f} ms | "
            f"{first / bare:.2f}× | {cached * 1000:.1f} ms | {cached / bare:.3f}× | {memory} |"
        )

    env = {**os.environ, "OTSQUIZ_HOME": str(home / "validate")}
    baseline = process_time([sys.executable, "-c", "import tomllib; from pydantic import BaseModel"], 9, env)
    validate = [sys.executable, "-m", "otsquiz", "validate", str(REPO / "decks")]
    cold_env = {**env, "OTSQUIZ_NO_CACHE": "1"}
    cold = process_time(validate, 9, cold_env)
    subprocess.run(validate, capture_output=True, check=False, env=env)
    warm = process_time(validate, 9, env)
    print()
    print("| process (median of 9) | time | ratio to the bare imports |")
    print("|---|---:|---:|")
    print(
        f"| python -c 'import tomllib; from pydantic import BaseModel' | {baseline * 1000:.0f} ms | 1.00× |"
    )
    print(f"| otsquiz validate decks/ (cache warm) | {warm * 1000:.0f} ms | {warm / baseline:.2f}× |")
    print(f"| otsquiz validate decks/ (no cache) | {cold * 1000:.0f} ms | {cold / baseline:.2f}× |")


def _loaded(result):  # type: ignore[no-untyped-def]
    return result.deck, result.problems


if __name__ == "__main__":
    main()
