"""How fast the study engine is: answering, opening the store, building the queue.

Builds synthetic collections (10,000 and 100,000 cards by default) with a
year of simulated history bulk-inserted into a fresh progress database,
then measures:

* one answer: schedule it (FSRS), ``Store.record`` it durably, and choose
  the next card (learning steps that have come due first, else the next in
  the day's queue) — median and p99 over ``--answers`` answers, with
  ``synchronous=NORMAL`` (the default) and ``FULL``;
* opening the store and choosing the first card: ``Store.open``, the
  profile, the compiled decks, the session's queue — with the default
  time-boxed ``quick_check``, and a whole one;
* building the day's queue alone, as the session does (due rows + ``plan_queue``);
* ``Store.stats`` (what ``otsquiz stats`` and the statistics screen show).

Parsing the decks is not included: they are read compiled from the deck
cache, and the file cache is warm, as when one opens otsquiz twice in a row.

With ``--anki`` (the default, when the ``anki`` package is installed) the
same collections, with the same simulated history, are built in Anki and
measured the same way (see ``bench_anki``); the table then shows both,
and otsquiz's times as a multiple of Anki's against the targets.

    python -m benchmarks.bench_engine [--sizes 10000 100000] [--answers 1000] [--no-anki]

(from the repository root, or anywhere once otsquiz is installed).
"""

from __future__ import annotations

import argparse
import gc
import heapq
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from otsquiz.core.cards import Deck
from otsquiz.core.library import load_deck
from otsquiz.core.scheduling import CardState, Grade, Scheduler, plan_queue
from otsquiz.core.session import Session
from otsquiz.core.store import CHECK_BUDGET_SECONDS, Store

if TYPE_CHECKING:
    from .bench_anki import AnkiCollection, AnkiResults

DECK_SIZE = 1000
INTRODUCED = 0.85  # share of cards studied at least once during the simulated year
LAPSE_RATE = 0.1
DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


class QueueCard(NamedTuple):
    """A synthetic card: its deck, key and note (the note is the key before any ``:``)."""

    deck_id: str
    card_key: str
    note: str


def day_queue(
    cards: list[QueueCard],
    states: dict[tuple[str, str], CardState],
    now: datetime,
    *,
    new_per_day: int,
    notes_seen_today: frozenset[tuple[str, str]] | set[tuple[str, str]],
) -> list[QueueCard]:
    """The day's queue of the synthetic cards, by ``plan_queue`` as the session plans it:
    the studied cards due now, then the unstudied ones in deck order."""
    due = (
        (
            card,
            int(state.state),
            to_us(state.due),
            to_us(state.last_review) if state.last_review else None,
            state.stability,
        )
        for card in cards
        if (state := states.get((card.deck_id, card.card_key))) is not None and state.due <= now
    )
    new = (card for card in cards if (card.deck_id, card.card_key) not in states)
    return plan_queue(due, new, now, new_per_day=new_per_day, notes_seen_today=notes_seen_today)


def synthetic_cards(count: int) -> list[QueueCard]:
    """Decks of 1,000 cards; every fourth note also has a reversed card."""
    cards: list[QueueCard] = []
    note = 0
    while len(cards) < count:
        deck_id = f"deck-{len(cards) // DECK_SIZE:03d}"
        key = f"note-{note}"
        cards.append(QueueCard(deck_id, key, key))
        if note % 4 == 0 and len(cards) < count:
            cards.append(QueueCard(deck_id, f"{key}:reverse", key))
        note += 1
    return cards


def simulate(cards: list[QueueCard], now: datetime, rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    """Card-state rows and review-log rows for a year of plausible study.

    A cheap model rather than FSRS itself (which would take minutes here):
    stability grows 2-3.5x on a pass and drops to a third on a lapse; the
    interval is the stability. Cards whose next review fell in the last
    three days are left due, as if the learner had skipped those days.
    """
    now_us = to_us(now)
    year_ago = now_us - 365 * DAY_US
    horizon = now_us - 3 * DAY_US
    states: list[tuple] = []
    log: list[tuple] = []
    for deck_id, card_key, _ in cards:
        if rng.random() > INTRODUCED:
            continue
        when = year_ago + int(rng.random() * 365 * DAY_US)
        stability, difficulty, reps, lapses = 3.17, 5.0, 0, 0
        previous: str | None = None
        while True:
            lapse = reps > 0 and rng.random() < LAPSE_RATE
            rating = 1 if lapse else rng.choice((2, 3, 3, 3, 4))
            log.append((deck_id, card_key, rating, when, previous))
            reps += 1
            if lapse:
                lapses += 1
                stability = max(0.5, stability / 3)
            elif reps > 1:
                stability *= rng.uniform(2.0, 3.5)
            due = when + int(max(1.0, stability) * DAY_US)
            # the store's compact undo snapshot of the state this review produced
            previous = json.dumps(
                {
                    "state": 2,
                    "step": None,
                    "stability": stability,
                    "difficulty": difficulty,
                    "due": due,
                    "last_review": when,
                    "reps": reps,
                    "lapses": lapses,
                    "leech": lapses >= 8,
                },
                separators=(",", ":"),
            )
            if due > horizon:
                break
            when = due
        states.append(
            (deck_id, card_key, 2, None, stability, difficulty, due, when, reps, lapses, lapses >= 8)
        )
    return states, log


def fill(store: Store, profile_id: int, states: list[tuple], log: list[tuple]) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO card_state (profile_id, deck_id, card_key, state, step, stability,"
            " difficulty, due, last_review, reps, lapses, leech)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((profile_id, *row) for row in states),
        )
        conn.executemany(
            "INSERT INTO review_log (profile_id, mode, kind, deck_id, card_key, answer,"
            " verdict, exact, rating, ms, ts, previous, prev_state)"
            " VALUES (?, 'study', 'answer', ?, ?, 'x', ?, ?, ?, 4000, ?, ?, ?)",
            (
                (
                    profile_id,
                    deck_id,
                    card_key,
                    "wrong" if rating == 1 else "correct",
                    int(rating == 3),
                    rating,
                    when,
                    previous,
                    None if previous is None else 2,
                )
                # in time order, as a real log is appended
                for deck_id, card_key, rating, when, previous in sorted(log, key=itemgetter(3))
            ),
        )
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds taken by each of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def compiled_decks(cards: list[QueueCard], folder: Path) -> list[Path]:
    """The synthetic cards as deck files (basic cards, reversed where a ``:reverse`` key exists),
    loaded once so that the deck cache holds them compiled, as after one ``otsquiz study``."""
    reversed_notes = {card.note for card in cards if card.card_key.endswith(":reverse")}
    by_deck: dict[str, list[str]] = {}
    for deck_id, card_key, note in cards:
        if card_key == note:
            by_deck.setdefault(deck_id, []).append(
                f'[[cards]]\nid = "{note}"\ntype = "basic"\nprompt = "Prompt {note}"\n'
                f'answer = "Answer {note}"\nreverse = {"true" if note in reversed_notes else "false"}\n'
            )
    paths = []
    for deck_id, deck_cards in by_deck.items():
        path = folder / "decks" / f"{deck_id}.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f'format = 1\n[deck]\nid = "{deck_id}"\ntitle = "Deck {deck_id}"\n\n' + "\n".join(deck_cards)
        )
        paths.append(path)
    read_decks(paths)  # parsed and validated once: from now on each read is a cache hit
    return paths


def read_decks(paths: list[Path]) -> list[Deck]:
    """The compiled decks, from the deck cache (as ``otsquiz study`` reads them)."""
    decks = []
    for path in paths:
        result = load_deck(path)
        assert result.deck is not None, result.problems
        decks.append(result.deck)
    return decks


def open_and_choose(path: Path, decks: list[Path], budget: float | None) -> str:
    """What ``otsquiz study`` does before its first card: open the store, read the compiled
    decks from the cache, and build the session's queue (Session is the app's own engine)."""
    with Store.open(path, check_budget=budget) as store:
        session = Session(store, store.profile(), read_decks(decks))
        assert session.current is not None
        return session.current.study.key


def answer_times(
    path: Path,
    cards: list[QueueCard],
    answers: int,
    synchronous: Literal["NORMAL", "FULL"],
    rng: random.Random,
) -> list[float]:
    """Per-answer milliseconds: schedule, record durably, choose the next card."""
    return list(answer_steps(path, cards, answers, synchronous, rng))


def answer_steps(
    path: Path,
    cards: list[QueueCard],
    answers: int,
    synchronous: Literal["NORMAL", "FULL"],
    rng: random.Random,
) -> Iterator[float]:
    """``answer_times`` one answer at a time (to alternate with Anki's)."""
    with Store.open(path, synchronous=synchronous) as store:
        profile = store.profile()
        scheduler = Scheduler(profile.settings.desired_retention)
        now = datetime.now(UTC)
        states = store.states(profile.id)
        queue = deque(
            day_queue(
                cards,
                states,
                now,
                new_per_day=answers,  # enough new cards for every answer measured
                notes_seen_today=store.notes_seen_today(profile.id, now),
            )
        )
        learning: list[tuple[datetime, int, QueueCard]] = []  # steps due later today
        session = store.start_session(profile.id, "study", sorted({c.deck_id for c in cards}))
        card = queue.popleft()
        for index in range(answers):
            grade = rng.choice((Grade.AGAIN, Grade.HARD, Grade.GOOD, Grade.GOOD, Grade.EASY))
            start = time.perf_counter()
            now = datetime.now(UTC)
            key = (card.deck_id, card.card_key)
            new_state = scheduler.review(states.get(key), card.deck_id, card.card_key, grade, now)
            store.record(
                profile.id,
                session_id=session,
                mode="study",
                deck_id=card.deck_id,
                card_key=card.card_key,
                answer="answer",
                verdict="wrong" if grade == Grade.AGAIN else "correct",
                exact=grade == Grade.GOOD,
                rating=int(grade),
                ms=3000,
                new_state=new_state,
                when=now,
            )
            states[key] = new_state
            if new_state.due - now < timedelta(hours=1):
                heapq.heappush(learning, (new_state.due, index, card))
            if learning and (learning[0][0] <= now or not queue):
                card = heapq.heappop(learning)[2]
            elif queue:
                card = queue.popleft()
            else:
                break
            yield (time.perf_counter() - start) * 1000


def session_queue_times(path: Path, decks: list[Path], repeat: int) -> list[float]:
    """The session's own queue building (due rows + plan_queue + new cards), as at every start."""
    with Store.open(path) as store:
        session = Session(store, store.profile(), read_decks(decks))
        now = datetime.now(UTC)
        return timed(lambda: session._build(None, now), repeat)


def states_load_times(path: Path, repeat: int) -> list[float]:
    with Store.open(path) as store:
        profile_id = store.profile().id
        return timed(lambda: store.states(profile_id), repeat)


def stats_times(path: Path, cards: list[QueueCard], repeat: int) -> list[float]:
    decks: dict[str, list[str]] = {}
    for deck_id, card_key, _ in cards:
        decks.setdefault(deck_id, []).append(card_key)
    with Store.open(path) as store:
        profile_id = store.profile().id
        return timed(lambda: store.stats(profile_id, decks), repeat)


def quick_check_times(path: Path, repeat: int) -> list[float]:
    with Store.open(path, check_budget=0) as store:
        return timed(store.check, repeat)


def measure(
    size: int, folder: Path, answers: int, rng: random.Random, *, anki: bool = False, seed: int = 0
) -> dict[str, str]:
    now = datetime.now(UTC)
    cards = synthetic_cards(size)
    started = time.perf_counter()
    states, log = simulate(cards, now, rng)
    simulated = time.perf_counter() - started
    path = folder / f"bench-{size}.sqlite3"
    with Store.open(path) as store:
        started = time.perf_counter()
        fill(store, store.profile().id, states, log)
        filled = time.perf_counter() - started
    due = sum(1 for row in states if row[6] <= to_us(now))
    studied, logged = len(states), len(log)
    anki_collection: AnkiCollection | None = None
    if anki:
        from . import bench_anki

        # the same cards and history; measured after otsquiz, below
        anki_collection = bench_anki.build(size, folder, rng, cards=cards, states=states, log=log, now=now)
    del states, log  # half a million rows would slow every garbage collection below
    gc.collect()

    results: dict[str, str] = {
        "cards / studied / due now": f"{size:,} / {studied:,} / {due:,}",
        "review log rows": f"{logged:,}",
        "database size": f"{path.stat().st_size / 2**20:.1f} MiB",
        "simulate + bulk insert": f"{simulated:.1f} s + {filled:.1f} s",
    }
    decks = compiled_decks(cards, folder)
    open_and_choose(path, decks, 0)  # the first open after the bulk load is not typical
    openings: dict[str, float] = {}
    for label, budget in (
        (f"default: header check, quick_check for {CHECK_BUDGET_SECONDS:g} s", CHECK_BUDGET_SECONDS),
        ("whole quick_check", None),
    ):
        opening = timed(lambda budget=budget: open_and_choose(path, decks, budget), 7)
        openings[label] = statistics.median(opening)
        results[f"open + first card ({label})"] = f"{openings[label]:.0f} ms"
    results["  quick_check alone"] = f"{statistics.median(quick_check_times(path, 5)):.0f} ms"
    results["  states() alone"] = f"{statistics.median(states_load_times(path, 5)):.0f} ms"
    sessions = session_queue_times(path, decks, 21)
    queue_build = statistics.median(sessions)
    results["build day's queue: the session's (due rows + plan_queue)"] = (
        f"{queue_build:.1f} ms (min {min(sessions):.1f})"
    )
    results["stats() for every deck"] = f"{statistics.median(stats_times(path, cards, 3)):.0f} ms"
    anki_results: AnkiResults | None = None
    if anki_collection is not None:
        from . import bench_anki

        print("  anki: measuring reopens", file=sys.stderr)
        reopen, open_only = bench_anki.reopen_times(anki_collection.path, 21)
        anki_results = bench_anki.AnkiResults(
            bench_anki.anki_version() or "?", anki_collection, reopen, open_only
        )
        anki_rng = random.Random(seed + size)  # its own, so that otsquiz's grades do not depend on --anki
    modes: tuple[Literal["NORMAL", "FULL"], ...] = ("NORMAL", "FULL")
    answering: dict[str, list[float]] = {}
    for synchronous in modes:
        if anki_results is None:
            times = answer_times(path, cards, answers, synchronous, rng)
        else:
            # answer by answer in turn, so that both see the same disk and the same load
            print(f"  measuring answers in both, synchronous={synchronous}", file=sys.stderr)
            times, anki_results.answer_ms[synchronous] = alternate(
                answer_steps(path, cards, answers, synchronous, rng),
                bench_anki.answer_steps(anki_results.collection.path, answers, synchronous, anki_rng),
            )
        answering[synchronous] = times
        results[f"one answer, synchronous={synchronous}"] = (
            f"{statistics.median(times):.2f} ms median, {percentile(times, 0.99):.2f} ms p99,"
            f" {sum(t > 5 for t in times)} over 5 ms (n={len(times)})"
        )
    if anki_results is not None:
        results[f"— Anki {anki_results.version}: the same cards and history —"] = ""
        results.update(bench_anki.rows(anki_results))
        results.update(comparison(openings, queue_build, answering, anki_results))
        syncs = fsync_times(folder, 200)
        results["  this disk now: 4 KiB write + fsync"] = (
            f"{statistics.median(syncs):.2f} ms median, {percentile(syncs, 0.99):.2f} ms p99"
            " (synchronous=FULL waits for one per answer)"
        )
    return results


def fsync_times(folder: Path, repeat: int) -> list[float]:
    """Milliseconds for appending 4 KiB to a file and fsync-ing it: the disk's share of a FULL commit."""
    path = folder / "fsync-probe"
    block = b"x" * 4096
    with path.open("ab") as probe:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            probe.write(block)
            probe.flush()
            os.fsync(probe.fileno())
            times.append((time.perf_counter() - start) * 1000)
    path.unlink()
    return times


def alternate(first: Iterator[float], second: Iterator[float]) -> tuple[list[float], list[float]]:
    """Both iterators' items, taking one from each in turn until both are exhausted."""
    lists: tuple[list[float], list[float]] = ([], [])
    running = [(first, lists[0]), (second, lists[1])]
    while running:
        for pair in list(running):
            item = next(pair[0], None)
            if item is None:
                running.remove(pair)
            else:
                pair[1].append(item)
    return lists


def _versus(ours: float, theirs: float, target: float, unit: str = "ms") -> str:
    ratio = ours / theirs
    verdict = "meets" if ratio <= target else "misses"
    return f"{ratio:.2f}× ({ours:.2f} / {theirs:.2f} {unit}) — {verdict} ≤ {target:g}×"


def comparison(
    openings: dict[str, float],
    queue_build: float,
    answering: dict[str, list[float]],
    anki: AnkiResults,
) -> dict[str, str]:
    """otsquiz's times as multiples of Anki's, against the issue's targets."""
    rows = {"— otsquiz ÷ Anki (target) —": ""}
    for median, short in zip(openings.values(), ("default", "whole check"), strict=True):
        rows[f"open + first card ({short}) ÷ Anki reopen + first card"] = _versus(median, anki.reopen, 2.0)
    for ours, theirs, note in (
        ("NORMAL", "FULL", "each one's default"),
        ("FULL", "FULL", "same durability"),
        ("NORMAL", "NORMAL", "same durability"),
    ):
        times = answering[ours]
        anki_median, anki_p99 = anki.answer(theirs)
        label = f"one answer {ours} ÷ Anki {theirs} ({note})"
        rows[f"{label}: median"] = _versus(statistics.median(times), anki_median, 1.0)
        rows[f"{label}: p99"] = _versus(percentile(times, 0.99), anki_p99, 1.0)
    rows["build day's queue (target < 50 ms at 100,000)"] = (
        f"{queue_build:.1f} ms — {'meets' if queue_build < 50 else 'misses'} < 50 ms"
        f" (Anki's first get_queued_cards: {anki.first_queue:.1f} ms)"
    )
    return rows


def print_table(sizes: list[int], rows: list[dict[str, str]]) -> None:
    labels = list(rows[0])
    width = max(map(len, labels))
    columns = [
        max(len(f"{size:,} cards"), *(len(row[label]) for label in labels))
        for size, row in zip(sizes, rows, strict=True)
    ]
    header = " | ".join(f"{f'{size:,} cards':<{column}}" for size, column in zip(sizes, columns, strict=True))
    print(f"{'':<{width}} | {header}")
    print(f"{'-' * width}-+-" + "-+-".join("-" * column for column in columns))
    for label in labels:
        cells = " | ".join(f"{row[label]:<{column}}" for row, column in zip(rows, columns, strict=True))
        print(f"{label:<{width}} | {cells}")


@contextmanager
def folder_for(path: str | None) -> Iterator[Path]:
    if path:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
    else:
        with tempfile.TemporaryDirectory(prefix="otsquiz-bench-") as temporary:
            yield Path(temporary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--dir", help="keep the databases in this folder (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--anki",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also build the collections in Anki (pip install anki) and compare (default: on)",
    )
    options = parser.parse_args()
    anki = options.anki
    if anki:
        from .bench_anki import anki_version

        version = anki_version()
        if version is None:
            print(
                "the anki package is not installed (pip install anki): measuring otsquiz alone",
                file=sys.stderr,
            )
            anki = False
        else:
            print(f"comparing with Anki {version}", file=sys.stderr)
    rng = random.Random(options.seed)
    rows = []
    with folder_for(options.dir) as folder:
        os.environ["OTSQUIZ_HOME"] = str(folder / "home")  # the deck cache, away from the user's
        for size in options.sizes:
            print(f"building and measuring {size:,} cards…", file=sys.stderr)
            rows.append(measure(size, folder, options.answers, rng, anki=anki, seed=options.seed))
    print_table(options.sizes, rows)


if __name__ == "__main__":
    main()
