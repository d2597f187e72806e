"""Several otsquiz processes studying the same cards of one database at once.

Each child drives the real ``Session`` (answers, undos, overrules) on the same
few cards; afterwards every card's stored state must be exactly what replaying
its review log gives: no answer may be scheduled from a state another process
had already replaced.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from otsquiz.core.scheduling import CardState, Grade, Scheduler
from otsquiz.core.store import ReviewRecord, Store
from tests.core.test_store import child_env

DECK_ID = "race"
CARDS = 4

STUDY_CHILD = textwrap.dedent(
    """
    import random
    import sys
    import time
    from datetime import UTC, datetime, timedelta

    from otsquiz.core.models import DeckFile
    from otsquiz.core.session import Session, SessionError
    from otsquiz.core.store import Store

    path, seed, wall0, answers, cards = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    start = datetime(2026, 1, 1, tzinfo=UTC)


    def clock():
        # Shared by every child and a hundred thousand times fast (a real second is
        # over a thousand days): the cards keep coming due while the children answer.
        return start + timedelta(days=(time.time() - wall0) * 1000)


    deck = DeckFile.model_validate({
        "format": 1,
        "deck": {"id": "race", "title": "Race"},
        "cards": [
            {"id": f"c{n}", "type": "truefalse", "statement": f"Statement {n}.", "answer": n % 2 == 0}
            for n in range(cards)
        ],
    })
    rng = random.Random(seed)
    store = Store.open(path)
    profile = store.profile()
    print("ready", flush=True)
    sys.stdin.readline()
    done = sessions = 0
    while done < answers:
        sessions += 1
        if sessions > answers * 50:
            sys.exit("the sessions found nothing to ask")
        session = Session(store, profile, [deck], clock=clock)
        while session.current is not None and done < answers:
            card = session.current.card
            session.submit(card.answer if rng.random() < 0.7 else not card.answer)
            done += 1
            change = rng.random()
            try:
                if change < 0.1:
                    session.undo()
                elif change < 0.2:
                    session.overrule()
            except SessionError:
                pass  # another process answered the card since: refused, as it should be
        session.summary()
    store.close()
    """
)


def answered_at(store: Store, record: ReviewRecord) -> ReviewRecord:
    """The answer an overrule (or a chain of them) stands in for: its time is the review's."""
    while record.kind == "overrule":
        assert record.undoes is not None
        record = store.review(record.undoes)
    return record


def replay(store: Store, scheduler: Scheduler, profile_id: int, key: str) -> tuple[CardState | None, int]:
    """The card's state from its log alone, and how many reviews count."""
    state = None
    history = [record for record in store.history(profile_id, DECK_ID, key) if record.mode == "study"]
    for record in history:
        assert record.rating is not None
        when = answered_at(store, record).when
        state = scheduler.review(state, DECK_ID, key, Grade(record.rating), when)
    return state, len(history)


def test_processes_studying_the_same_cards_lose_no_update(db_path: Path, otsquiz_home: Path) -> None:
    Store.open(db_path).close()
    answers = 150
    wall0 = time.time()
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                STUDY_CHILD,
                str(db_path),
                str(seed),
                str(wall0),
                str(answers),
                str(CARDS),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(otsquiz_home),
        )
        for seed in range(3)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
        for child in children:  # release them as close together as we can
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=300) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    for child, (_, errors) in zip(children, outputs, strict=True):
        assert child.returncode == 0, errors

    with Store.open(db_path) as store:
        assert store.check(full=True) == []
        profile = store.profile()
        answered = store.connection.execute(
            "SELECT count(*) FROM review_log WHERE kind = 'answer'"
        ).fetchone()[0]
        assert answered == 3 * answers
        scheduler = Scheduler(profile.settings.desired_retention)
        for number in range(CARDS):
            key = f"c{number}"
            expected, reviews = replay(store, scheduler, profile.id, key)
            state = store.state(profile.id, DECK_ID, key)
            assert state == expected, key
            assert (0 if state is None else state.reps) == reviews


KILLED_CHILD = textwrap.dedent(
    """
    import random
    import sys

    from otsquiz.core.models import DeckFile
    from otsquiz.core.session import Session
    from otsquiz.core.store import Store

    deck = DeckFile.model_validate({
        "format": 1,
        "deck": {"id": "race", "title": "Race"},
        "cards": [
            {"id": f"c{n}", "type": "truefalse", "statement": f"Statement {n}.", "answer": n % 2 == 0}
            for n in range(1000)
        ],
    })
    store = Store.open(sys.argv[1])
    session = Session(store, store.profile(), [deck], mode="drill", count=1000, seed=1)
    print(session.session_id, flush=True)
    rng = random.Random(2)
    while session.current is not None:
        card = session.current.card
        outcome = session.submit(card.answer if rng.random() < 0.6 else not card.answer)
        if rng.random() < 0.1:
            outcome = session.overrule()  # a drill's answers are not undone, but can be overruled
        print(outcome.review_id, flush=True)
    """
)


def test_a_session_killed_midway_has_totals_that_match_its_log(db_path: Path, otsquiz_home: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(otsquiz_home),
    )
    assert child.stdout is not None
    try:
        session_id = int(child.stdout.readline())
        for _ in range(200):
            child.stdout.readline()
    finally:
        child.kill()  # SIGKILL: nothing gets to close the session
        child.wait(timeout=30)
        child.stdout.close()
    with Store.open(db_path) as store:
        recorded = store.session(session_id)
        counted = [
            row[0]
            for row in store.connection.execute(
                "SELECT r.verdict FROM review_log r WHERE r.session_id = ? AND r.kind != 'undo'"
                " AND NOT EXISTS (SELECT 1 FROM review_log c WHERE c.undoes = r.id) ORDER BY r.id",
                (session_id,),
            )
        ]
    assert recorded["finished"] is None
    assert len(counted) >= 150
    streak = best = 0
    for verdict in counted:
        streak = streak + 1 if verdict == "correct" else 0
        best = max(best, streak)
    assert (recorded["questions"], recorded["correct"], recorded["best_streak"]) == (
        len(counted),
        counted.count("correct"),
        best,
    )
