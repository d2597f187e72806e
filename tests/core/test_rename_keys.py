"""Store.rename_card_keys: `otsquiz fix` gives id-less cards an id, and their history follows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from otsquiz.core.scheduling import Grade, Scheduler
from otsquiz.core.store import Store, StoreError

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
SCHEDULER = Scheduler(enable_fuzzing=False)


def answer(store: Store, profile_id: int, deck_id: str, key: str, when: datetime = NOW) -> int:
    previous = store.state(profile_id, deck_id, key)
    return store.record(
        profile_id,
        session_id=None,
        mode="study",
        deck_id=deck_id,
        card_key=key,
        answer="x",
        verdict="correct",
        exact=True,
        rating=int(Grade.GOOD),
        ms=100,
        new_state=SCHEDULER.review(previous, deck_id, key, Grade.GOOD, when),
        when=when,
    )


def keys(store: Store, table: str) -> list[tuple[int, str, str]]:
    return sorted(store.connection.execute(f"SELECT profile_id, deck_id, card_key FROM {table}").fetchall())


def test_every_profile_s_history_moves_to_the_new_key_with_the_card_s_gaps_and_reverse(store: Store) -> None:
    ann, bob = store.profile("Ann"), store.profile("Bob")
    for profile in (ann, bob):
        answer(store, profile.id, "deck", "h-aaa")
    answer(store, ann.id, "deck", "h-ccc:1")
    answer(store, ann.id, "deck", "h-ccc:reverse")
    answer(store, ann.id, "other", "h-aaa")  # another deck's card of the same hash stays
    answer(store, ann.id, "deck", "h-aaab")  # a key that only starts like it stays
    state_before = store.state(ann.id, "deck", "h-aaa")
    history_before = store.history(ann.id, "deck", "h-aaa")

    moved = store.rename_card_keys("deck", {"h-aaa": "capital", "h-ccc": "gap_50%", "h-none": "unseen"})

    assert moved == 2
    assert keys(store, "card_state") == [
        (ann.id, "deck", "capital"),
        (ann.id, "deck", "gap_50%:1"),
        (ann.id, "deck", "gap_50%:reverse"),
        (ann.id, "deck", "h-aaab"),
        (ann.id, "other", "h-aaa"),
        (bob.id, "deck", "capital"),
    ]
    state = store.state(ann.id, "deck", "capital")
    assert state is not None and state_before is not None
    assert state._replace(card_key="h-aaa") == state_before
    assert [row.id for row in store.history(ann.id, "deck", "capital")] == [row.id for row in history_before]
    assert store.history(ann.id, "deck", "h-aaa") == []
    assert store.keys_with_history("deck", ["h-aaa", "h-ccc", "capital"]) == {"capital"}


def test_a_new_key_that_already_has_history_is_left_alone(store: Store) -> None:
    ann = store.profile("Ann")
    answer(store, ann.id, "deck", "h-aaa")
    answer(store, ann.id, "deck", "h-bbb")
    answer(store, ann.id, "deck", "taken", NOW + timedelta(days=1))

    moved = store.rename_card_keys("deck", {"h-aaa": "taken", "h-bbb": "free"})

    assert moved == 1
    assert store.keys_with_history("deck", ["h-aaa", "h-bbb"]) == {"h-aaa"}  # the pair left alone
    assert len(store.history(ann.id, "deck", "taken")) == 1
    assert [key for _, _, key in keys(store, "card_state")] == ["free", "h-aaa", "taken"]


def test_renaming_nothing_changes_nothing(store: Store) -> None:
    assert store.rename_card_keys("deck", {}) == 0
    assert store.rename_card_keys("deck", {"same": "same"}) == 0


def test_the_log_stays_append_only_after_a_rename(store: Store) -> None:
    ann = store.profile("Ann")
    answer(store, ann.id, "deck", "h-aaa")
    store.rename_card_keys("deck", {"h-aaa": "capital"})
    with pytest.raises(StoreError, match="append-only"), store.transaction() as conn:
        conn.execute("UPDATE review_log SET answer = 'changed'")
    assert store.check(full=True) == []


def test_a_failed_rename_moves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ann = store.profile("Ann")
    answer(store, ann.id, "deck", "h-aaa")
    answer(store, ann.id, "deck", "h-bbb")
    calls = 0
    real = Store._has_history.__func__  # type: ignore[attr-defined]

    def failing(cls: type[Store], conn: sqlite3.Connection, deck_id: str, key: str) -> bool:
        nonlocal calls
        calls += 1
        if key == "h-bbb":  # after h-aaa has moved, inside the same transaction
            raise sqlite3.OperationalError("disk I/O error")
        return real(cls, conn, deck_id, key)

    monkeypatch.setattr(Store, "_has_history", classmethod(failing))
    with pytest.raises(StoreError):
        store.rename_card_keys("deck", {"h-aaa": "capital", "h-bbb": "second"})
    monkeypatch.undo()
    assert calls >= 3
    assert [key for _, _, key in keys(store, "card_state")] == ["h-aaa", "h-bbb"]
    with pytest.raises(StoreError, match="append-only"), store.transaction() as conn:
        conn.execute("UPDATE review_log SET answer = 'changed'")
