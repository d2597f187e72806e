"""The peer: Anki's own engine (the ``anki`` package from PyPI), driven headless.

Builds an Anki collection with the same shape and the same simulated year
as ``bench_engine``'s synthetic collection, then measures what
``bench_engine`` measures for otsquiz:

* one answer: ``build_answer`` + ``answer_card`` (FSRS on, committed to
  disk by Anki's backend) + ``get_queued_cards`` for the next card — median
  and p99, with Anki's own SQLite settings (WAL, ``synchronous=FULL``) and,
  for comparison with otsquiz's default, ``synchronous=NORMAL``;
* reopening: ``Collection(path)`` (a fresh Rust backend, as in a new
  process) + the first ``get_queued_cards`` — median of ``--reopens``.

The shape: decks of 1,000 cards under one parent deck (which is the one
studied, as otsquiz studies every deck); every fourth note is "Basic (and
reversed card)", the others "Basic", so the cards are exactly
``bench_engine.synthetic_cards`` — the reverse card of a note that
straddles a deck boundary is moved to the next deck, as there. The history
is ``bench_engine.simulate``'s, bulk-written into ``cards`` (review state,
day-granular due, FSRS memory state in ``data``) and ``revlog`` in one
transaction. Deck options are set to match otsquiz's behaviour where that
costs Anki nothing: no review limit (9,999, so Anki gathers the whole day's
reviews as otsquiz does), the same new-card limit, reviews in ascending
retrievability. Siblings are left unburied, Anki's default: otsquiz keeps
siblings apart when it builds the queue, while Anki's burying writes the
sibling at every answer and makes an answer about 0.4 ms slower
(``--bury-siblings`` measures that).

``anki`` is a benchmark-only dependency (``pip install anki``); nothing in
``otsquiz/`` imports it.

    python -m benchmarks.bench_anki [--sizes 10000 100000] [--answers 1000]

(from the repository root). ``python -m benchmarks.bench_engine`` runs this
too and prints both side by side.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from .bench_engine import DAY_US, folder_for, percentile, simulate, synthetic_cards, to_us

PARENT_DECK = "otsquiz-bench"
REVIEW_LIMIT = 9999  # the most Anki's deck options allow; otsquiz has no review limit
HISTORY_DAYS = 400  # the collection is "created" this long ago, before the simulated year
ANSWER_MS = 3000  # time taken per answer, as bench_engine records
#: Anki's FSRS-6 default decay, written into each card's memory state as Anki does
FSRS_DECAY = 0.154
#: the ratings drawn for the answers, as bench_engine's answer loop draws its grades
RATINGS = (1, 2, 3, 3, 4)


def anki_version() -> str | None:
    """The installed ``anki`` package's version, or None when it cannot be imported."""
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        return None
    try:
        return metadata.version("anki")
    except metadata.PackageNotFoundError:
        return "?"


def _progress(message: str) -> None:
    print(f"  anki: {message}", file=sys.stderr, flush=True)


@dataclass
class AnkiCollection:
    path: Path
    cards: int
    studied: int
    due: int  # review cards due today, as Anki counts them (before limits)
    revlog: int
    notes_seconds: float
    history_seconds: float


@dataclass
class AnkiResults:
    version: str
    collection: AnkiCollection
    reopen_ms: list[float]  # Collection(path) + first get_queued_cards
    open_only_ms: list[float]  # Collection(path) alone
    answer_ms: dict[str, list[float]] = field(default_factory=dict)  # by synchronous mode

    @property
    def reopen(self) -> float:
        return statistics.median(self.reopen_ms)

    @property
    def first_queue(self) -> float:
        """The first ``get_queued_cards`` after opening: where Anki builds its queue."""
        return statistics.median(
            total - opening for total, opening in zip(self.reopen_ms, self.open_only_ms, strict=True)
        )

    def answer(self, synchronous: str) -> tuple[float, float]:
        times = self.answer_ms[synchronous]
        return statistics.median(times), percentile(times, 0.99)


def _configure(col: Any, parent: int, new_per_day: int, bury_siblings: bool) -> None:
    """Deck options close to otsquiz's behaviour, FSRS on, the parent deck selected."""
    col.set_config("fsrs", True)
    config = col.decks.get_config(1)  # the default options group, used by every deck here
    config["new"]["perDay"] = new_per_day
    config["rev"]["perDay"] = REVIEW_LIMIT
    config["new"]["bury"] = bury_siblings
    config["rev"]["bury"] = bury_siblings
    config["buryInterdayLearning"] = bury_siblings
    # otsquiz shows the lowest-retrievability reviews first
    config["reviewOrder"] = 7  # REVIEW_CARD_ORDER_RETRIEVABILITY_ASCENDING
    col.decks.update_config(config)
    col.decks.select(parent)


def set_new_per_day(col: Any, new_per_day: int) -> None:
    config = col.decks.get_config(1)
    config["new"]["perDay"] = new_per_day
    col.decks.update_config(config)


def build_collection(
    path: Path,
    cards: Sequence[tuple[str, str, str]],
    states: Sequence[tuple],
    log: Sequence[tuple],
    now: datetime,
    *,
    new_per_day: int = 20,
    bury_siblings: bool = False,
) -> AnkiCollection:
    """An Anki collection at ``path`` holding ``cards`` with ``simulate``'s history.

    ``cards`` are ``(deck_id, card_key, note)`` as ``synthetic_cards`` makes
    them (a reverse card's key ends in ``:reverse``); ``states`` and ``log``
    are ``simulate``'s rows.
    """
    from anki.collection import AddNoteRequest, Collection

    started = time.perf_counter()
    col = Collection(str(path))
    try:
        # Pretend the collection was created before the simulated year, so
        # that every review falls on a day >= 0.
        col.db.execute("update col set crt = ?", col.crt - HISTORY_DAYS * 86_400)
    finally:
        col.close()
    col = Collection(str(path))
    try:
        parent = col.decks.id(PARENT_DECK)
        _configure(col, parent, new_per_day, bury_siblings)
        basic = col.models.by_name("Basic")
        reversed_ = col.models.by_name("Basic (and reversed card)")

        # one note per distinct note key, in card order, in its first card's deck
        deck_ids: dict[str, int] = {}
        notes: dict[str, tuple[str, bool]] = {}  # note key -> (deck, has a reverse card)
        for deck_id, card_key, note in cards:
            if deck_id not in deck_ids:
                deck_ids[deck_id] = col.decks.id(f"{PARENT_DECK}::{deck_id}")
            if note not in notes:
                notes[note] = (deck_id, False)
            elif card_key.endswith(":reverse"):
                notes[note] = (notes[note][0], True)
        nids: dict[str, int] = {}
        batch: list[tuple[str, Any]] = []

        def flush() -> None:
            col.add_notes([request for _, request in batch])
            for key, request in batch:
                nids[key] = request.note.id
            batch.clear()

        for number, (key, (deck_id, has_reverse)) in enumerate(notes.items()):
            note = col.new_note(reversed_ if has_reverse else basic)
            note["Front"] = key
            note["Back"] = f"answer {number}"
            batch.append((key, AddNoteRequest(note=note, deck_id=deck_ids[deck_id])))
            if len(batch) == 5000:
                flush()
                _progress(f"{len(nids):,} of {len(notes):,} notes added")
        if batch:
            flush()
        notes_seconds = time.perf_counter() - started

        started = time.perf_counter()
        by_note_ord = {(nid, ord_): cid for cid, nid, ord_ in col.db.all("select id, nid, ord from cards")}
        cids: dict[tuple[str, str], int] = {}
        moves: list[tuple[int, int]] = []  # (did, cid) for reverse cards in the next deck
        for deck_id, card_key, note in cards:
            reverse = card_key.endswith(":reverse")
            cid = by_note_ord[(nids[note], 1 if reverse else 0)]
            cids[(deck_id, card_key)] = cid
            if notes[note][0] != deck_id:
                moves.append((deck_ids[deck_id], cid))

        today = col.sched.today
        now_us = to_us(now)
        now_s = now_us // 1_000_000
        card_rows: list[tuple] = []
        due_today = 0
        last_interval: dict[tuple[str, str], int] = {}
        for deck_id, card_key, _, _, stability, difficulty, due, last_review, reps, lapses, _ in states:
            # day-granular due date: exactly the cards due now in otsquiz are due today in Anki
            if due <= now_us:
                day = today - (now_us - due) // DAY_US
                due_today += 1
            else:
                day = today + 1 + (due - now_us) // DAY_US
            interval = max(1, round((due - last_review) / DAY_US))
            last_interval[(deck_id, card_key)] = interval
            data = (
                f'{{"s":{stability:.4f},"d":{difficulty:.3f},"dr":0.9,'
                f'"decay":{FSRS_DECAY},"lrt":{last_review // 1_000_000}}}'
            )
            card_rows.append((day, interval, reps, lapses, data, now_s, cids[(deck_id, card_key)]))

        # review log: simulate appends each card's reviews together, in time order
        revlog_rows: list[tuple] = []
        used_ids: set[int] = set()
        previous_key: tuple[str, str] | None = None
        previous_interval = 0
        for index, (deck_id, card_key, rating, when, _) in enumerate(log):
            key = (deck_id, card_key)
            first = key != previous_key
            if first:
                previous_interval = 0
            following = log[index + 1] if index + 1 < len(log) else None
            if following is not None and (following[0], following[1]) == key:
                interval = max(1, round((following[3] - when) / DAY_US))
            else:
                interval = last_interval[key]
            revlog_id = when // 1000
            while revlog_id in used_ids:  # ids are millisecond timestamps and must be unique
                revlog_id += 1
            used_ids.add(revlog_id)
            revlog_rows.append(
                (
                    revlog_id,
                    cids[key],
                    rating,
                    interval,
                    previous_interval,
                    544,  # FSRS difficulty 5.0 as Anki logs it (100 + (d - 1) / 9 * 1000)
                    4000,
                    0 if first else 1,  # learning for the first answer, review after
                )
            )
            previous_key, previous_interval = key, interval

        def write_history() -> None:
            col.db.executemany(
                "update cards set type = 2, queue = 2, due = ?, ivl = ?, factor = 2500, reps = ?,"
                " lapses = ?, left = 0, data = ?, mod = ?, usn = -1 where id = ?",
                card_rows,
            )
            col.db.executemany(
                "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                " values (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                revlog_rows,
            )
            if moves:
                col.db.executemany("update cards set did = ? where id = ?", moves)

        _progress(f"writing {len(card_rows):,} card states and {len(revlog_rows):,} reviews")
        col.db.transact(write_history)
        history_seconds = time.perf_counter() - started
        return AnkiCollection(
            path=path,
            cards=len(cids),
            studied=len(card_rows),
            due=due_today,
            revlog=len(revlog_rows),
            notes_seconds=notes_seconds,
            history_seconds=history_seconds,
        )
    finally:
        col.close()


def reopen_times(path: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds for ``Collection(path)`` + the first queued card, and for the open alone."""
    from anki.collection import Collection

    Collection(str(path)).close()  # the first open after building is not typical
    total: list[float] = []
    opening: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        col = Collection(str(path))
        opened = time.perf_counter()
        queued = col.sched.get_queued_cards()
        end = time.perf_counter()
        if not queued.cards:
            raise RuntimeError("Anki has no card to study in the benchmark collection")
        col.close()
        total.append((end - start) * 1000)
        opening.append((opened - start) * 1000)
    return total, opening


def answer_steps(path: Path, answers: int, synchronous: str, rng: random.Random) -> Iterator[float]:
    """Per-answer milliseconds, one at a time: answer (FSRS, committed), get the next queued card.

    A generator, so that bench_engine can alternate Anki's answers with
    otsquiz's (both then see the same disk). The answers are undone
    afterwards (the collection is restored from a copy) so that every run
    starts from the same state.
    """
    # anki.cards cannot be imported before anki.collection (a circular import): take Card from there
    from anki.collection import Card, Collection
    from anki.scheduler.v3 import CardAnswer

    backup = path.with_suffix(".backup")
    with backup.open("wb") as copy:
        copy.write(path.read_bytes())
        os.fsync(copy.fileno())  # not written back to disk in the middle of the measurements
    col = Collection(str(path))
    try:
        if synchronous != "FULL":
            col.db.execute(f"pragma synchronous = {synchronous}")
        # enough new cards for every answer measured, as bench_engine does
        set_new_per_day(col, answers)
        sched = col.sched
        queued = sched.get_queued_cards().cards[0]
        card = Card(col, backend_card=queued.card)
        card.start_timer()
        ratings = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
        for _ in range(answers):
            rating = ratings[rng.choice(RATINGS)]
            start = time.perf_counter()
            answer = sched.build_answer(card=card, states=queued.states, rating=rating)
            answer.milliseconds_taken = ANSWER_MS
            sched.answer_card(answer)
            following = sched.get_queued_cards().cards
            if not following:
                break
            queued = following[0]
            card = Card(col, backend_card=queued.card)
            card.start_timer()
            yield (time.perf_counter() - start) * 1000
    finally:
        col.close()
        backup.replace(path)


def answer_times(path: Path, answers: int, synchronous: str, rng: random.Random) -> list[float]:
    return list(answer_steps(path, answers, synchronous, rng))


def build(
    size: int,
    folder: Path,
    rng: random.Random,
    *,
    cards: Sequence[tuple[str, str, str]] | None = None,
    states: Sequence[tuple] | None = None,
    log: Sequence[tuple] | None = None,
    now: datetime | None = None,
    bury_siblings: bool = False,
) -> AnkiCollection:
    """A collection of ``size`` cards in ``folder``, with a simulated year of history.

    Pass ``cards``, ``states``, ``log`` and ``now`` to reuse bench_engine's
    (so that both engines get exactly the same history); otherwise they
    are made here, with ``rng``.
    """
    if anki_version() is None:
        raise RuntimeError("the anki package is not installed (pip install anki)")
    now = now or datetime.now(UTC)
    if cards is None:
        cards = synthetic_cards(size)
    if states is None or log is None:
        states, log = simulate(list(cards), now, rng)  # type: ignore[arg-type]
    path = folder / f"anki-{size}.anki2"
    media = path.with_suffix(".media")
    if media.is_dir():
        for child in media.iterdir():
            child.unlink()
        media.rmdir()
    for stale in (path, Path(f"{path}-wal"), path.with_suffix(".backup")):
        stale.unlink(missing_ok=True)
    _progress(f"building a collection of {size:,} cards")
    return build_collection(path, cards, states, log, now, bury_siblings=bury_siblings)


def measure_collection(
    collection: AnkiCollection, answers: int, rng: random.Random, *, reopens: int = 21
) -> AnkiResults:
    """Reopen times, then answer times with Anki's own ``synchronous=FULL`` and with NORMAL."""
    version = anki_version() or "?"
    _progress(f"measuring {reopens} reopens")
    reopen, open_only = reopen_times(collection.path, reopens)
    results = AnkiResults(version, collection, reopen, open_only)
    for synchronous in ("NORMAL", "FULL"):
        _progress(f"measuring {answers:,} answers, synchronous={synchronous}")
        results.answer_ms[synchronous] = answer_times(collection.path, answers, synchronous, rng)
    return results


def rows(results: AnkiResults) -> dict[str, str]:
    """The results as bench_engine's table rows (label -> text)."""
    collection = results.collection
    out = {
        "Anki: cards / studied / due today": (
            f"{collection.cards:,} / {collection.studied:,} / {collection.due:,}"
        ),
        "Anki: revlog rows": f"{collection.revlog:,}",
        "Anki: collection size": f"{collection.path.stat().st_size / 2**20:.1f} MiB",
        "Anki: add notes + write history": (
            f"{collection.notes_seconds:.1f} s + {collection.history_seconds:.1f} s"
        ),
        "Anki: reopen + first card": (
            f"{results.reopen:.1f} ms (Collection() {statistics.median(results.open_only_ms):.1f}"
            f" + first get_queued_cards {results.first_queue:.1f})"
        ),
    }
    for synchronous in ("NORMAL", "FULL"):
        times = results.answer_ms[synchronous]
        median, p99 = results.answer(synchronous)
        default = " (Anki's own)" if synchronous == "FULL" else ""
        # the answers over 5 ms are mostly WAL checkpoints (every ~95 answers for Anki):
        # p99 of 1,000 answers sits right at their edge
        out[f"Anki: one answer, synchronous={synchronous}{default}"] = (
            f"{median:.2f} ms median, {p99:.2f} ms p99, {sum(t > 5 for t in times)} over 5 ms (n={len(times)})"
        )
    return out


def main() -> None:
    from .bench_engine import print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--reopens", type=int, default=21)
    parser.add_argument("--dir", help="keep the collections in this folder (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--bury-siblings", action="store_true", help="bury siblings (off by default, as in Anki)"
    )
    options = parser.parse_args()
    if anki_version() is None:
        sys.exit("the anki package is not installed: pip install anki")
    table = []
    with folder_for(options.dir) as folder:
        for size in options.sizes:
            print(f"building and measuring {size:,} cards in Anki…", file=sys.stderr)
            rng = random.Random(options.seed)
            collection = build(size, folder, rng, bury_siblings=options.bury_siblings)
            table.append(rows(measure_collection(collection, options.answers, rng, reopens=options.reopens)))
    print_table(options.sizes, table)


if __name__ == "__main__":
    main()
