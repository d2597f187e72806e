"""Tests for otsquiz.core.store: migrations, the review log, durability, damage, stats."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import pytest

from otsquiz.core.scheduling import Grade, Scheduler, day_start
from otsquiz.core.store import (
    MIGRATIONS,
    CorruptDatabaseError,
    NewerDatabaseError,
    Settings,
    Store,
    StoreError,
    UnknownProfileError,
    migrations,
)
from otsquiz.core.store.errors import translate
from otsquiz.core.store.statistics import StudyDates, streaks
from otsquiz.core.store.values import to_us

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
SCHEDULER = Scheduler(enable_fuzzing=False)


def answer(
    store: Store,
    profile_id: int,
    deck_id: str,
    card_key: str,
    grade: Grade = Grade.GOOD,
    when: datetime = NOW,
    *,
    mode: str = "study",
    session_id: int | None = None,
) -> int:
    """Answer a card the way a study screen does: schedule, then record."""
    previous = store.state(profile_id, deck_id, card_key)
    new_state = SCHEDULER.review(previous, deck_id, card_key, grade, when)
    return store.record(
        profile_id,
        session_id=session_id,
        mode=mode,  # type: ignore[arg-type]
        deck_id=deck_id,
        card_key=card_key,
        answer="typed text",
        verdict="wrong" if grade == Grade.AGAIN else "correct",
        exact=grade == Grade.GOOD,
        rating=int(grade),
        ms=1500,
        new_state=new_state if mode == "study" else None,
        when=when,
    )


def log_ids(path: Path) -> set[int]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM review_log")}


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["OTSQUIZ_HOME"] = str(home)
    return env


# ---------------------------------------------------------------- opening


def test_fresh_database_gets_every_migration(db_path: Path) -> None:
    assert not db_path.exists()
    with Store.open(db_path) as store:
        assert store.migrations_applied == [name for name, _ in MIGRATIONS]
        conn = store.connection
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        recorded = conn.execute("SELECT id, name FROM migrations ORDER BY id").fetchall()
        assert recorded == [(number, name) for number, (name, _) in enumerate(MIGRATIONS, 1)]


def test_reopening_applies_nothing(db_path: Path) -> None:
    Store.open(db_path).close()
    with Store.open(db_path) as store:
        assert store.migrations_applied == []


def test_only_new_migrations_run(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db_path).close()

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE profiles ADD COLUMN colour TEXT")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, ("0099_colour", add_column)])
    with Store.open(db_path) as store:
        assert store.migrations_applied == ["0099_colour"]
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
        store.connection.execute("SELECT colour FROM profiles").fetchall()


def test_a_failing_migration_changes_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db_path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE profiles ADD COLUMN colour TEXT")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, ("0099_broken", broken)])
    with pytest.raises(StoreError):
        Store.open(db_path)
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    with Store.open(db_path) as store:
        columns = [row[1] for row in store.connection.execute("PRAGMA table_info(profiles)")]
        assert "colour" not in columns
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_connection_settings(store: Store) -> None:
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_default_path_honours_otsquiz_home(otsquiz_home: Path) -> None:
    with Store.open() as store:
        assert store.path == otsquiz_home / "progress.sqlite3"
    assert (otsquiz_home / "progress.sqlite3").is_file()


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "progress.sqlite3"
    with Store.open(path) as store:
        assert store.profile().name == "default"


# ---------------------------------------------------------------- damaged or foreign files


def assert_refused(path: Path, error: type[StoreError], **options: Any) -> StoreError:
    before = path.read_bytes()
    with pytest.raises(error) as raised:
        Store.open(path, **options)
    assert path.read_bytes() == before
    message = str(raised.value)
    assert str(path) in message and "not changed" in message
    return raised.value


def filled_database(path: Path, answers: int = 400) -> None:
    with Store.open(path) as store:
        profile = store.profile()
        for index in range(answers):
            answer(store, profile.id, "deck", f"card-{index}")


def test_random_bytes_are_a_corrupt_database(db_path: Path) -> None:
    db_path.write_bytes(random_bytes(50_000))
    assert_refused(db_path, CorruptDatabaseError)


@pytest.mark.parametrize("keep", [0.5, 0.37])
def test_truncated_database_is_corrupt(db_path: Path, keep: float) -> None:
    filled_database(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: int(len(data) * keep)])
    assert_refused(db_path, CorruptDatabaseError)


def test_damaged_pages_are_corrupt(db_path: Path) -> None:
    filled_database(db_path)
    data = bytearray(db_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # keep the header page, so only SQLite's own check can tell (run in full here;
    # by default opening skips it and damage is reported when met, as below)
    data[page_size:] = random_bytes(len(data) - page_size)
    db_path.write_bytes(bytes(data))
    assert_refused(db_path, CorruptDatabaseError, check_budget=None)


def test_damage_found_later_is_still_a_corrupt_database_error(db_path: Path) -> None:
    filled_database(db_path)
    data = bytearray(db_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size:] = random_bytes(len(data) - page_size)
    db_path.write_bytes(bytes(data))
    # as when the file is too big to check in the time allowed
    assert (db_path.parent / (db_path.name + "-checked")).exists()
    with pytest.raises(CorruptDatabaseError), Store.open(db_path, check_budget=0) as store:
        store.stats(store.profile().id, {"deck": ["card-1"]})
    assert not (db_path.parent / (db_path.name + "-checked")).exists()  # met while reading: forgotten
    # Nothing is written to it: refused at the first write, or at opening once the schema
    # itself is past the first page (as it is when later migrations add tables).
    with pytest.raises(CorruptDatabaseError), Store.open(db_path) as store:
        store.start_session(1, "drill", ["deck"])


def first_leaf_page(path: Path, table: str) -> tuple[int, int]:
    """(page number, page size) of the leaf holding a table's first rows: old rows no append touches."""
    with sqlite3.connect(path) as conn:
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = path.read_bytes()
    while True:
        start = (page - 1) * page_size + (100 if page == 1 else 0)
        if data[start] == 0x0D:  # a table leaf
            return page, page_size
        assert data[start] == 0x05, "an interior table page"
        first_cell = int.from_bytes(data[start + 12 : start + 14], "big")
        cell = (page - 1) * page_size + first_cell
        page = int.from_bytes(data[cell : cell + 4], "big")  # its left child: the smallest keys


def damage_old_answers(path: Path) -> None:
    """Overwrite the page of the oldest answers, as a disk fault would; the file's size stays."""
    page, page_size = first_leaf_page(path, "review_log")
    assert page > 1
    data = bytearray(path.read_bytes())
    data[(page - 1) * page_size : page * page_size] = random_bytes(page_size)
    path.write_bytes(bytes(data))
    stamp_later(path)


def stamp_later(path: Path) -> None:
    """File times tick coarsely (milliseconds): make sure a write is stamped after the last check."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_drill_never_writes_to_a_damaged_database(db_path: Path) -> None:
    from otsquiz.core.session import Session
    from tests.core.test_session import CARDS, make_deck

    filled_database(db_path, answers=1500)
    damage_old_answers(db_path)
    before = db_path.read_bytes()
    with Store.open(db_path) as store:
        profile = store.profile()  # reading what is sound is fine
        with pytest.raises(CorruptDatabaseError, match="damaged"):
            session = Session(store, profile, [make_deck(CARDS["truefalse"])], mode="drill", seed=1)
            session.submit(True)
        with pytest.raises(CorruptDatabaseError):
            store.start_session(profile.id, "drill", ["test"])
    assert db_path.read_bytes() == before
    assert not (db_path.parent / (db_path.name + "-checked")).exists()  # the next open checks again


def quick_checks(store: Store) -> list[str]:
    """The quick_check statements the store runs from now on."""
    run: list[str] = []
    store.connection.set_trace_callback(lambda sql: run.append(sql) if "quick_check" in sql else None)
    return run


def test_the_damage_check_runs_before_the_first_write_and_once_per_change(db_path: Path) -> None:
    filled_database(db_path)
    with Store.open(db_path) as store:
        run = quick_checks(store)
        store.stats(store.profile().id, {"deck": ["card-1"]})
        answer(store, store.profile().id, "deck", "card-1")
    assert run == []  # the file is as the last store left it when it closed
    with sqlite3.connect(db_path) as other:  # a program that records nothing writes to it
        other.execute("UPDATE profiles SET settings = '{}'")
    other.close()
    stamp_later(db_path)
    with Store.open(db_path) as store:
        run = quick_checks(store)
        store.stats(store.profile().id, {"deck": ["card-1"]})
        assert run == []  # reading needs no check
        answer(store, store.profile().id, "deck", "card-1")
        answer(store, store.profile().id, "deck", "card-2")
        assert run == ["PRAGMA quick_check"]  # once, before the first write
    with Store.open(db_path) as store:
        run = quick_checks(store)
        answer(store, store.profile().id, "deck", "card-3")
        assert run == []


def test_a_check_that_runs_out_of_time_does_not_stop_opening(db_path: Path) -> None:
    filled_database(db_path)
    with Store.open(db_path, check_budget=1e-9) as store:
        assert store.check(budget=1e-9) == []  # interrupted, so nothing to report
        assert store.check() == []
        assert store.check(full=True) == []


def test_a_full_database_says_the_disk_is_full_and_keeps_every_answer(store: Store) -> None:
    profile = store.profile()
    first = answer(store, profile.id, "deck", "card-0")
    pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    store.connection.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL
    with pytest.raises(StoreError, match="is full: free some space; nothing was lost") as raised:
        for index in range(1, 2000):
            answer(store, profile.id, "deck", f"card-{index}")
    assert "I/O" not in str(raised.value)
    assert store.review(first).card_key == "card-0"


class FakeStatvfs:
    def __init__(self, free_bytes: int) -> None:
        self.f_frsize = 4096
        self.f_bavail = free_bytes // 4096


@pytest.mark.parametrize("name", ["SQLITE_IOERR_WRITE", "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_FSYNC"])
def test_an_io_error_on_a_full_disk_says_the_disk_is_full(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # ENOSPC while growing the WAL index or syncing comes back from SQLite as "disk I/O error"
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    monkeypatch.setattr(os, "statvfs", lambda _: FakeStatvfs(8192))
    message = str(translate(error, db_path))
    assert message.startswith(f"The disk holding the progress database {db_path} is full")
    assert "free some space; nothing was lost" in message
    monkeypatch.setattr(os, "statvfs", lambda _: FakeStatvfs(50 * 2**30))
    assert "disk I/O error" in str(translate(error, db_path))  # a real I/O error


def test_newer_database_is_left_alone(db_path: Path) -> None:
    Store.open(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    error = assert_refused(db_path, NewerDatabaseError)
    assert isinstance(error, NewerDatabaseError)
    assert error.found == len(MIGRATIONS) + 5


def test_someone_elses_database_is_left_alone(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('plov')")
    conn.close()
    assert_refused(db_path, StoreError)


def random_bytes(count: int) -> bytes:
    return os.urandom(count)


# ---------------------------------------------------------------- profiles


def test_profile_is_created_once(store: Store) -> None:
    first = store.profile()
    assert first.name == "default"
    assert first.settings == Settings()
    assert store.profile("default").id == first.id
    store.profile("Aigerim")
    assert [profile.name for profile in store.profiles()] == ["Aigerim", "default"]


def test_a_read_only_lookup_never_creates_a_profile(store: Store) -> None:
    store.profile("default")
    store.profile("ayse")
    assert store.profile("ayse", create=False).name == "ayse"
    with pytest.raises(UnknownProfileError) as raised:
        store.profile("typoo", create=False)
    assert str(raised.value) == "no profile named 'typoo'; profiles: default, ayse"
    assert isinstance(raised.value, StoreError)
    assert [profile.name for profile in store.profiles()] == ["ayse", "default"]


def test_a_read_only_lookup_in_a_database_without_profiles(store: Store) -> None:
    with pytest.raises(UnknownProfileError, match="no profile named 'default'; profiles: none yet"):
        store.profile(create=False)
    assert store.profiles() == []


@pytest.mark.parametrize("name", ["\x1b]52;c;aGk=\x07", "class\n2", "a\u202eb", "   ", "x" * 65])
def test_a_new_profile_name_must_be_printable_and_short(store: Store, name: str) -> None:
    with pytest.raises(StoreError) as raised:
        store.profile(name)
    message = str(raised.value)
    assert "profile name must" in message
    assert message.isprintable()  # the name is spelled out, never sent to the terminal raw
    assert store.profiles() == []


def test_profile_names_at_the_limits(store: Store) -> None:
    assert store.profile("x" * 64).name == "x" * 64
    assert store.profile("  Ayşe Öğretmen ").name == "Ayşe Öğretmen"  # trimmed; any script is fine


def test_stored_names_are_shown_spelled_out(store: Store) -> None:
    # as an older otsquiz may have stored it
    store.connection.execute(
        "INSERT INTO profiles (name, created, settings) VALUES (?, 0, '{}')", ("evil\x1b[2J",)
    )
    with pytest.raises(UnknownProfileError) as raised:
        store.profile("nobody\x1bc", create=False)
    assert str(raised.value) == "no profile named 'nobody\\x1bc'; profiles: evil\\x1b[2J"


def test_settings_round_trip_and_keep_unknown_keys(store: Store) -> None:
    profile = store.profile()
    settings = Settings(desired_retention=0.85, new_per_day=5, theme="nord", extra={"future": 1})
    assert store.save_settings(profile, settings).settings == settings
    assert store.profile().settings == settings
    raw = store.connection.execute("SELECT settings FROM profiles").fetchone()[0]
    assert json.loads(raw) == {
        "desired_retention": 0.85,
        "new_per_day": 5,
        "theme": "nord",
        "future": 1,
    }


def test_bad_settings_fall_back_to_defaults() -> None:
    settings = Settings.from_dict({"desired_retention": 3, "new_per_day": "many", "theme": 7})
    assert (settings.desired_retention, settings.new_per_day, settings.theme) == (
        0.9,
        20,
        Settings().theme,
    )


# ---------------------------------------------------------------- answers, undo, overrule


def test_record_saves_log_and_state_together(store: Store) -> None:
    profile = store.profile()
    new_state = SCHEDULER.review(None, "deck", "card", Grade.GOOD, NOW)
    session = store.start_session(profile.id, "study", ["deck"], when=NOW)
    review_id = store.record(
        profile.id,
        session_id=session,
        mode="study",
        deck_id="deck",
        card_key="card",
        answer="Bakı",
        verdict="correct",
        exact=True,
        rating=3,
        ms=2100,
        new_state=new_state,
        when=NOW,
    )
    assert store.states(profile.id) == {("deck", "card"): new_state}
    assert store.states(profile.id, ["other"]) == {}
    record = store.review(review_id)
    assert (record.kind, record.answer, record.verdict, record.exact, record.rating) == (
        "answer",
        "Bakı",
        "correct",
        True,
        3,
    )
    assert (record.session_id, record.ms, record.when, record.previous) == (session, 2100, NOW, None)
    second = answer(store, profile.id, "deck", "card", when=new_state.due)
    assert store.review(second).previous == new_state


def test_drill_answers_are_logged_but_never_change_the_schedule(store: Store) -> None:
    profile = store.profile()
    answer(store, profile.id, "deck", "a")
    before = store.states(profile.id)
    review_id = answer(store, profile.id, "deck", "a", Grade.AGAIN, mode="drill")
    answer(store, profile.id, "deck", "b", mode="drill")
    assert store.states(profile.id) == before
    assert store.review(review_id).mode == "drill"
    with pytest.raises(ValueError, match="drill"):
        store.record(
            profile.id,
            session_id=None,
            mode="drill",
            deck_id="deck",
            card_key="a",
            answer=None,
            verdict="wrong",
            exact=False,
            rating=1,
            ms=None,
            new_state=before["deck", "a"],
        )


def test_undo_of_a_new_card_makes_it_new_again(store: Store) -> None:
    profile = store.profile()
    review_id = answer(store, profile.id, "deck", "card")
    undo_id = store.undo(review_id, when=NOW)
    assert store.states(profile.id) == {}
    undo = store.review(undo_id)
    assert (undo.kind, undo.undoes) == ("undo", review_id)
    assert store.history(profile.id, "deck", "card") == []


def test_undo_restores_exactly_the_previous_state(store: Store) -> None:
    profile = store.profile()
    answer(store, profile.id, "deck", "card")
    before = store.state(profile.id, "deck", "card")
    assert before is not None
    review_id = answer(store, profile.id, "deck", "card", Grade.AGAIN, before.due)
    assert store.state(profile.id, "deck", "card") != before
    store.undo(review_id)
    assert store.state(profile.id, "deck", "card") == before


def test_undo_only_the_latest_answer_and_only_once(store: Store) -> None:
    profile = store.profile()
    first = answer(store, profile.id, "deck", "card")
    second = answer(store, profile.id, "deck", "card", when=NOW + timedelta(minutes=10))
    with pytest.raises(StoreError, match="latest"):
        store.undo(first)
    undo_id = store.undo(second)
    with pytest.raises(StoreError, match="already"):
        store.undo(second)
    with pytest.raises(StoreError, match="cannot itself"):
        store.undo(undo_id)
    with pytest.raises(StoreError, match="no review"):
        store.undo(9999)
    store.undo(first)  # the latest again now
    assert store.states(profile.id) == {}


def test_overrule_replaces_the_verdict(store: Store) -> None:
    profile = store.profile()
    answer(store, profile.id, "deck", "card")
    prior = store.state(profile.id, "deck", "card")
    assert prior is not None
    when = prior.due
    review_id = answer(store, profile.id, "deck", "card", Grade.AGAIN, when)
    # "I was right": schedule from the state before the answer, with the new grade
    original = store.review(review_id)
    new_state = SCHEDULER.review(original.previous, "deck", "card", Grade.HARD, original.when)
    overrule_id = store.overrule(review_id, int(Grade.HARD), new_state)
    assert store.state(profile.id, "deck", "card") == new_state
    overrule = store.review(overrule_id)
    assert (overrule.kind, overrule.undoes, overrule.verdict, overrule.rating) == (
        "overrule",
        review_id,
        "correct",
        2,
    )
    assert overrule.answer == original.answer and overrule.previous == prior
    # it counts once, in place of the original
    assert [record.id for record in store.history(profile.id, "deck", "card")][-1] == overrule_id
    assert len(store.history(profile.id, "deck", "card")) == 2
    with pytest.raises(StoreError, match="already"):
        store.overrule(review_id, 3, new_state)
    # undoing the overrule takes the card back to before the answer
    store.undo(overrule_id)
    assert store.state(profile.id, "deck", "card") == prior


def test_review_log_is_append_only(store: Store) -> None:
    profile = store.profile()
    review_id = answer(store, profile.id, "deck", "card")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.connection.execute("UPDATE review_log SET rating = 4 WHERE id = ?", (review_id,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.connection.execute("DELETE FROM review_log")


def test_history_survives_cards_leaving_a_deck(store: Store) -> None:
    profile = store.profile()
    answer(store, profile.id, "deck", "card")
    stats = store.stats(profile.id, {"deck": ["other"]}, now=NOW)
    assert stats["decks"][0]["reviewed"] == 0
    assert ("deck", "card") in store.states(profile.id)


def test_deck_counts_count_only_the_cards_a_deck_has_now(store: Store) -> None:
    profile = store.profile()
    for key in ("kept", "gone-1", "gone-2"):
        answer(store, profile.id, "deck", key, Grade.AGAIN, NOW - timedelta(days=2))  # due now
    answer(store, profile.id, "other", "card", when=NOW)
    # "gone-1" and "gone-2" left the deck; three new cards came in
    now_keys = {"deck": ["kept", "new-1", "new-2", "new-3"], "empty": ["a"]}
    counts = store.deck_counts(profile.id, NOW, now_keys)
    assert counts == {"deck": (1, 1, 0), "empty": (0, 0, 0)}
    cards = len(now_keys["deck"])
    assert cards - counts["deck"][0] == 3  # new cards, as the home screen derives them
    # their history is kept: a card that comes back counts again
    assert store.deck_counts(profile.id, NOW, {"deck": ["kept", "gone-2"]}) == {"deck": (2, 2, 0)}
    # without keys, every card ever studied (the old call still works)
    assert store.deck_counts(profile.id, NOW) == {"deck": (3, 3, 0), "other": (1, 0, 0)}


def test_sessions(store: Store) -> None:
    profile = store.profile()
    session_id = store.start_session(profile.id, "drill", ["a", "b"], settings={"count": 10}, when=NOW)
    store.finish_session(session_id, questions=10, correct=8, best_streak=5, seconds=93.5, when=NOW)
    session = store.session(session_id)
    assert session["deck_ids"] == ["a", "b"]
    assert (session["questions"], session["correct"], session["best_streak"]) == (10, 8, 5)
    assert session["finished"] == NOW and session["settings"] == {"count": 10}


# ---------------------------------------------------------------- today


def test_new_cards_and_notes_seen_today(store: Store) -> None:
    profile = store.profile()
    today = day_start(NOW)
    answer(store, profile.id, "deck", "old:1", when=today - timedelta(minutes=1))
    answer(store, profile.id, "deck", "old:1", when=today + timedelta(minutes=1))
    answer(store, profile.id, "deck", "cap:1", when=today + timedelta(minutes=2))
    answer(store, profile.id, "deck", "cap:2", when=today + timedelta(minutes=3))
    undone = answer(store, profile.id, "deck", "gone", when=today + timedelta(minutes=4))
    store.undo(undone)
    answer(store, profile.id, "deck", "drilled", mode="drill", when=today + timedelta(minutes=5))
    assert store.new_introduced_today(profile.id, NOW) == 2
    assert store.notes_seen_today(profile.id, NOW) == {("deck", "old"), ("deck", "cap")}


# ---------------------------------------------------------------- durability


DURABLE_CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from otsquiz.core.scheduling import Grade, Scheduler
    from otsquiz.core.store import Store

    store = Store.open(sys.argv[1])
    profile_id = store.profile().id
    scheduler = Scheduler()
    index = 0
    while True:
        key = f"card-{index % 50}"
        now = datetime.now(UTC)
        new_state = scheduler.review(
            store.state(profile_id, "deck", key), "deck", key, Grade.GOOD, now
        )
        review_id = store.record(
            profile_id, session_id=None, mode="study", deck_id="deck", card_key=key,
            answer="x", verdict="correct", exact=True, rating=3, ms=10,
            new_state=new_state, when=now,
        )
        print(review_id, flush=True)
        index += 1
    """
)


def test_every_answer_reported_survives_a_kill(db_path: Path, otsquiz_home: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", DURABLE_CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(otsquiz_home),
    )
    assert child.stdout is not None
    try:
        printed = [int(child.stdout.readline()) for _ in range(300)]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    with Store.open(db_path) as store:
        assert store.check(full=True) == []
        logged = {row[0] for row in store.connection.execute("SELECT id FROM review_log")}
    assert set(printed) <= logged


# ---------------------------------------------------------------- concurrency


CONCURRENT_CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from otsquiz.core.scheduling import Grade, Scheduler
    from otsquiz.core.store import Store

    path, prefix, open_first = sys.argv[1], sys.argv[2], len(sys.argv) == 3
    if open_first:
        store = Store.open(path)
        print("ready", flush=True)
    sys.stdin.readline()
    if not open_first:
        store = Store.open(path)
    profile_id = store.profile().id
    scheduler = Scheduler()
    for index in range(200):
        key = f"{prefix}{index % 20}"
        now = datetime.now(UTC)
        new_state = scheduler.review(
            store.state(profile_id, "deck", key), "deck", key, Grade.GOOD, now
        )
        review_id = store.record(
            profile_id, session_id=None, mode="study", deck_id="deck", card_key=key,
            answer=prefix, verdict="correct", exact=True, rating=3, ms=10,
            new_state=new_state, when=now,
        )
        print(review_id, flush=True)
    store.close()
    """
)


@pytest.mark.parametrize("prefixes", [("a", "b"), ("same", "same")], ids=["different", "same"])
def test_two_processes_answering_at_once(
    db_path: Path, otsquiz_home: Path, prefixes: tuple[str, str]
) -> None:
    Store.open(db_path).close()
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_CHILD, str(db_path), prefix],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(otsquiz_home),
        )
        for prefix in prefixes
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
        for child in children:  # release both as close together as we can
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    for child, (_, errors) in zip(children, outputs, strict=True):
        assert child.returncode == 0, errors
    printed = [int(line) for output, _ in outputs for line in output.split()]
    assert len(printed) == len(set(printed)) == 400
    with Store.open(db_path) as store:
        assert store.check(full=True) == []
        rows = store.connection.execute("SELECT id, answer FROM review_log").fetchall()
        assert {row[0] for row in rows} == set(printed)
        assert sorted(row[1] for row in rows) == sorted([prefixes[0]] * 200 + [prefixes[1]] * 200)
        states = store.states(store.profile().id)
    assert sum(state.reps for state in states.values()) <= 400
    assert len(states) == len({f"{prefix}{index}" for prefix in prefixes for index in range(20)})


def test_processes_creating_the_database_at_once(db_path: Path, otsquiz_home: Path) -> None:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_CHILD, str(db_path), f"p{number}-", "open late"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(otsquiz_home),
        )
        for number in range(4)
    ]
    try:
        for child in children:  # nobody has opened the file yet: they all start together
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    for child, (_, errors) in zip(children, outputs, strict=True):
        assert child.returncode == 0, errors
    with Store.open(db_path) as store:
        assert store.connection.execute("SELECT count(*) FROM review_log").fetchone()[0] == 800
        assert len(store.profiles()) == 1


# ---------------------------------------------------------------- stats


def test_stats(store: Store) -> None:
    profile = store.profile()
    today = day_start(NOW)
    # card a: learnt 40 days ago, reviewed well since: mastered, due later
    when = today - timedelta(days=40)
    for _ in range(6):
        answer(store, profile.id, "geo", "a", Grade.EASY, when)
        when = store.state(profile.id, "geo", "a").due  # type: ignore[union-attr]
        if when > NOW:
            break
    # card b: studied yesterday, due today or soon
    answer(store, profile.id, "geo", "b", Grade.GOOD, today - timedelta(hours=3))
    # card c: answered and undone: never counts
    store.undo(answer(store, profile.id, "geo", "c", when=today + timedelta(minutes=1)))
    # card d in another deck: drilled only
    answer(store, profile.id, "hist", "d", mode="drill", when=today + timedelta(minutes=2))
    # a card that left its deck still counts towards reviews_total (the drill does not)
    answer(store, profile.id, "geo", "removed", when=today + timedelta(minutes=3))

    stats = store.stats(profile.id, {"geo": ["a", "b", "c", "x"], "hist": ["d"]}, now=NOW)
    assert json.loads(json.dumps(stats)) == stats  # JSON-ready as it is
    a_reviews = len(store.history(profile.id, "geo", "a"))
    assert stats["profile"] == "default"
    assert stats["reviews_total"] == a_reviews + 2
    assert stats["drill_answers"] == 1
    geo, hist = stats["decks"]
    assert {key: geo[key] for key in ("id", "cards", "reviewed")} == {
        "id": "geo",
        "cards": 4,
        "reviewed": 2,
    }
    state_b = store.state(profile.id, "geo", "b")
    assert state_b is not None
    assert geo["due"] == (1 if state_b.due <= NOW else 0)
    assert geo["mastered"] == 1 and geo["mastery"] == 0.25
    assert hist == {"id": "hist", "cards": 1, "reviewed": 0, "due": 0, "mastered": 0, "mastery": 0.0}

    per_day = stats["reviews_per_day"]
    assert len(per_day) == 30
    today_date = today.astimezone().date().isoformat()
    assert per_day[-1] == {"date": today_date, "reviews": 1}  # removed; the drill is no review
    assert stats["streak"]["current"] >= 2  # yesterday and today
    assert stats["streak"]["longest"] >= stats["streak"]["current"]
    forecast = stats["forecast"]
    assert len(forecast) == 30 and forecast[0]["date"] == today_date
    assert sum(day["due"] for day in forecast) <= 2
    assert stats["leeches"] == []
    retention = stats["retention"]
    assert retention["reviews"] == retention["passed"]
    assert retention["rate"] in (None, 1.0)


def test_stats_count_drill_answers_apart_from_reviews(store: Store) -> None:
    profile = store.profile()
    today = day_start(NOW)
    # studied two days ago; yesterday and today only drilled, one drill answer undone
    answer(store, profile.id, "deck", "a", when=today - timedelta(days=2))
    for offset, key in ((-1, "a"), (0, "a"), (0, "b")):
        answer(
            store, profile.id, "deck", key, Grade.AGAIN, today + timedelta(days=offset, hours=1), mode="drill"
        )
    store.undo(answer(store, profile.id, "deck", "c", when=today + timedelta(hours=2), mode="drill"))
    stats = store.stats(profile.id, {"deck": ["a", "b", "c"]}, now=NOW, days=3)
    assert stats["reviews_total"] == 1
    assert stats["drill_answers"] == 3
    assert [day["reviews"] for day in stats["reviews_per_day"]] == [1, 0, 0]
    assert stats["streak"] == {"current": 0, "longest": 1}
    assert stats["retention"] == {"reviews": 0, "passed": 0, "rate": None}
    assert stats["decks"][0]["reviewed"] == 1


def test_stats_retention_and_leeches(store: Store) -> None:
    profile = store.profile()
    scheduler = Scheduler(enable_fuzzing=False)
    when = NOW - timedelta(days=29)
    state = None
    grades = [Grade.EASY] + [Grade.AGAIN, Grade.GOOD, Grade.EASY] * 8
    for grade in grades:
        previous = state
        state = scheduler.review(previous, "deck", "leech", grade, when)
        store.record(
            profile.id,
            session_id=None,
            mode="study",
            deck_id="deck",
            card_key="leech",
            answer=None,
            verdict="rated",
            exact=None,
            rating=int(grade),
            ms=None,
            new_state=state,
            when=when,
        )
        when += timedelta(minutes=30)
    assert state is not None and state.leech and state.lapses == 8
    stats = store.stats(profile.id, {"deck": ["leech"]}, now=when)
    assert stats["leeches"] == [{"deck": "deck", "card": "leech"}]
    # every AGAIN came in the Review state; the EASY answers after it in Relearning
    retention = stats["retention"]
    review_state_answers = sum(
        1
        for record in store.history(profile.id, "deck", "leech")
        if record.previous is not None and record.previous.state == fsrs.State.Review
    )
    assert retention["reviews"] == review_state_answers
    assert retention["reviews"] - retention["passed"] == 8


def test_stats_days_turn_over_at_the_rollover(store: Store) -> None:
    profile = store.profile()
    today = day_start(NOW)
    answer(store, profile.id, "deck", "a", when=today - timedelta(microseconds=1))
    answer(store, profile.id, "deck", "b", when=today)
    answer(store, profile.id, "deck", "c", when=today + timedelta(hours=23, minutes=59))
    per_day = store.stats(profile.id, {}, now=NOW, days=2)["reviews_per_day"]
    assert [day["reviews"] for day in per_day] == [1, 2]
    assert per_day[-1]["date"] == today.astimezone().date().isoformat()


@pytest.fixture
def time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switch the process's local time zone (as otsquiz sees it) for one test."""

    def switch(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield switch
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("zone", "around"),
    [
        ("America/New_York", datetime(2025, 3, 9, 7, 0, tzinfo=UTC)),  # clocks go forward
        ("Europe/London", datetime(2025, 10, 26, 1, 0, tzinfo=UTC)),  # clocks go back
        ("Australia/Lord_Howe", datetime(2025, 4, 5, 15, 0, tzinfo=UTC)),  # half an hour back
        ("Asia/Kathmandu", datetime(2025, 6, 1, 0, 0, tzinfo=UTC)),  # +05:45
    ],
)
def test_study_days_follow_local_time(
    store: Store, time_zone: Callable[[str], None], zone: str, around: datetime
) -> None:
    time_zone(zone)
    dates = StudyDates()
    moment = around - timedelta(days=2)
    while moment < around + timedelta(days=2):
        start = day_start(moment)
        assert dates.of(to_us(moment)) == start.astimezone().date()
        assert dates.start(start.astimezone().date()) == to_us(start)
        moment += timedelta(minutes=15)
    # an answer a minute before and after each rollover: a streak of five days
    profile = store.profile()
    first = day_start(around - timedelta(days=2))
    for offset in range(5):
        rollover = day_start(first + timedelta(days=offset, hours=25))
        answer(store, profile.id, "deck", f"a{offset}", when=rollover - timedelta(minutes=1))
        answer(store, profile.id, "deck", f"b{offset}", when=rollover + timedelta(minutes=1))
    now = day_start(first + timedelta(days=4, hours=25)) + timedelta(hours=1)
    stats = store.stats(profile.id, {}, now=now, days=6)
    assert [day["reviews"] for day in stats["reviews_per_day"]] == [0, 1, 2, 2, 2, 2, 1][-6:]
    assert stats["streak"] == {"current": 6, "longest": 6}


def test_streaks() -> None:
    day = NOW.date()
    days = [day - timedelta(days=offset) for offset in (9, 8, 7, 6, 3, 1)]
    assert streaks(sorted(days), day) == (1, 4)
    assert streaks(sorted([*days, day]), day) == (2, 4)
    assert streaks([], day) == (0, 0)


def test_upcoming_lists_future_due_cards_soonest_first_across_batches(store: Store) -> None:
    profile = store.profile()
    for number in range(5):
        # Answered on different days, so each is due at a different time.
        answer(store, profile.id, "deck", f"card-{number}", Grade.GOOD, NOW - timedelta(days=number))
    answer(store, profile.id, "other", "card-x", Grade.GOOD, NOW)
    upcoming = list(store.upcoming(profile.id, ["deck"], NOW - timedelta(days=10), batch=2))
    assert [key for _, key, _ in upcoming] == [f"card-{n}" for n in (4, 3, 2, 1, 0)]
    dues = [due for _, _, due in upcoming]
    assert dues == sorted(dues) and all(due > NOW - timedelta(days=10) for due in dues)
    assert list(store.upcoming(profile.id, ["deck"], NOW + timedelta(days=3650))) == []
