"""The bridge from a class to spaced practice: class answers as reviews in each student's own schedule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from otsquiz.core.room import ROOM_TTL, Room, RoomError, RoomOptions
from otsquiz.core.room.bridge import Carried, carry, carry_ended
from otsquiz.core.scheduling import Grade, Scheduler, State
from otsquiz.core.store import Store, migrations
from tests.core.test_room import Clock, position_of, right_response, room_deck, wrong_response


def add_room_tables() -> None:
    """The room's migration, until it is one of ``MIGRATIONS`` (see ``migrations.ROOMS``)."""
    if migrations.ROOMS not in migrations.MIGRATIONS:
        migrations.MIGRATIONS.append(migrations.ROOMS)


@pytest.fixture(autouse=True)
def room_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", list(migrations.MIGRATIONS))
    add_room_tables()


@pytest.fixture
def rstore(db_path: Path, room_tables: None) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_room(store: Store, clock: Clock, **options: Any) -> Room:
    return Room.open(store, [room_deck()], RoomOptions.build(count=5, **options), seed="7", clock=clock)


def ask(room: Room, clock: Clock, card_key: str, answers: dict[int, bool]) -> int:
    """Ask the question of ``card_key``; each student answers right or wrong; reveal. Its position."""
    position = position_of(room, card_key)
    question = room.start(position)
    clock.advance(3)
    for student_id, right in answers.items():
        room.answer(student_id, position, right_response(question) if right else wrong_response(question))
    room.reveal()
    return position


def reviews(store: Store) -> list[tuple[int, str, str, int, str]]:
    rows = store.connection.execute(
        "SELECT profile_id, card_key, mode, rating, verdict FROM review_log ORDER BY id"
    ).fetchall()
    return [tuple(row) for row in rows]


def test_a_miss_comes_due_in_the_students_schedule_and_a_hit_is_left_alone(
    rstore: Store, clock: Clock
) -> None:
    ayse = rstore.profile("Ayşe")
    room = open_room(rstore, clock)
    student = room.join("Ayşe", profile_id=ayse.id).student
    ask(room, clock, "capital", {student.id: False})
    answered_at = clock.now
    ask(room, clock, "city", {student.id: True})
    room.end()

    assert carry(rstore, room.id) == Carried(room.id, profiles=1, reviews=1, missed=1)
    [review] = rstore.history(ayse.id, "class", "capital")
    assert (review.mode, review.rating, review.verdict, review.when) == (
        "study",
        Grade.AGAIN,
        "wrong",
        answered_at,
    )
    assert review.answer in room.question(position_of(room, "capital")).options  # the option chosen, in words
    state = rstore.state(ayse.id, "class", "capital")
    assert state is not None and state.state == State.Learning
    assert state.due <= answered_at + timedelta(minutes=10)  # due again within the learning step
    assert rstore.history(ayse.id, "class", "city") == [] and rstore.state(ayse.id, "class", "city") is None
    session = rstore.session(review.session_id or 0)
    assert session["settings"]["room"] == room.id and session["mode"] == "study"
    assert (session["questions"], session["correct"], session["finished"]) == (1, 0, clock.now)


def test_a_hit_counts_as_good_only_with_count_hits(rstore: Store, clock: Clock) -> None:
    ayse = rstore.profile("Ayşe")
    room = open_room(rstore, clock, count_hits=True)
    student = room.join("Ayşe", profile_id=ayse.id).student
    ask(room, clock, "city", {student.id: True})
    ask(room, clock, "year", {student.id: False})
    assert carry(rstore, room.id) == Carried(room.id, 1, 2, 1)
    assert [(key, rating, verdict) for _, key, _, rating, verdict in reviews(rstore)] == [
        ("city", Grade.GOOD, "correct"),
        ("year", Grade.AGAIN, "wrong"),
    ]
    city = rstore.state(ayse.id, "class", "city")
    assert city is not None and city.reps == 1


def test_the_bridge_is_idempotent_and_carries_only_what_is_new(rstore: Store, clock: Clock) -> None:
    ayse = rstore.profile("Ayşe")
    room = open_room(rstore, clock)
    student = room.join("Ayşe", profile_id=ayse.id).student
    ask(room, clock, "capital", {student.id: False})
    assert carry(rstore, room.id) == Carried(room.id, 1, 1, 1)  # per answer, while the room runs
    ask(room, clock, "observer", {student.id: False})
    room.end()
    assert carry(rstore, room.id) == Carried(room.id, 1, 1, 1)  # only the new miss
    assert carry(rstore, room.id) == Carried(room.id, 0, 0, 0)
    assert carry_ended(rstore, now=clock.now) == [Carried(room.id, 0, 0, 0)]
    assert [key for _, key, *_ in reviews(rstore)] == ["capital", "observer"]
    sessions = rstore.connection.execute("SELECT count(*) FROM sessions WHERE profile_id = ?", (ayse.id,))
    assert sessions.fetchone()[0] == 1  # one session per room and profile


def test_a_bridge_racing_another_adds_nothing_twice(rstore: Store, db_path: Path, clock: Clock) -> None:
    ayse = rstore.profile("Ayşe")
    room = open_room(rstore, clock)
    student = room.join("Ayşe", profile_id=ayse.id).student
    ask(room, clock, "capital", {student.id: False})
    ask(room, clock, "year", {student.id: False})
    room.end()
    record = rstore.record_answer
    other: list[Carried] = []

    def other_process_first(*args: Any, **kwargs: Any) -> Any:
        # Another process carries the whole room after this one read what was carried, before it writes.
        if not other:
            with Store.open(db_path) as second:
                other.append(carry(second, room.id))
        return record(*args, **kwargs)

    rstore.record_answer = other_process_first  # type: ignore[method-assign]  # the race, made certain
    assert carry(rstore, room.id) == Carried(room.id, 0, 0, 0)
    assert other == [Carried(room.id, 1, 2, 2)]
    assert [key for _, key, *_ in reviews(rstore)] == ["capital", "year"]


def test_students_without_a_profile_and_unasked_or_unanswered_questions_are_untouched(
    rstore: Store, clock: Clock
) -> None:
    ayse, bystander = rstore.profile("Ayşe"), rstore.profile("Bystander")
    room = open_room(rstore, clock)
    anonymous = room.join("Anon").student
    student = room.join("Ayşe", profile_id=ayse.id).student
    removed = room.join("Gone", profile_id=bystander.id).student
    ask(room, clock, "capital", {anonymous.id: False, removed.id: False})  # Ayşe does not answer
    room.remove(removed.id)
    position = position_of(room, "year")
    question = room.start(position)
    room.answer(student.id, position, wrong_response(question))  # never revealed: the room ends first
    room.end()
    assert carry(rstore, room.id) == Carried(room.id, 0, 0, 0)
    assert reviews(rstore) == [] and rstore.states(ayse.id) == {} and rstore.states(bystander.id) == {}


def test_a_card_already_known_lapses_when_missed_in_class(rstore: Store, clock: Clock) -> None:
    ayse = rstore.profile("Ayşe")
    scheduler = Scheduler(enable_fuzzing=False)
    before = clock.now - timedelta(days=3)
    known = scheduler.review(None, "class", "capital", Grade.GOOD, before)
    known = scheduler.review(known, "class", "capital", Grade.GOOD, before + timedelta(days=1))
    assert known.state == State.Review and known.due > clock.now + timedelta(days=1)
    rstore.record_answer(
        ayse.id, session_id=None, mode="study", deck_id="class", card_key="capital", answer="Baku",
        verdict="correct", exact=True, rating=3, ms=900, new_state=known, when=before,
    )  # fmt: skip
    room = open_room(rstore, clock)
    student = room.join("Ayşe", profile_id=ayse.id).student
    ask(room, clock, "capital", {student.id: False})
    carry(rstore, room.id)
    state = rstore.state(ayse.id, "class", "capital")
    assert state is not None and state.state == State.Relearning and state.lapses == 1
    assert state.due < known.due  # made due well before its review would have come


def test_carry_ended_carries_rooms_that_ended_or_expired_and_leaves_open_ones(
    rstore: Store, clock: Clock
) -> None:
    ayse = rstore.profile("Ayşe")
    forgotten = open_room(rstore, clock)  # a presenter that never ended it
    student = forgotten.join("Ayşe", profile_id=ayse.id).student
    ask(forgotten, clock, "capital", {student.id: False})
    assert carry_ended(rstore, now=clock.now) == []  # still open
    clock.advance(ROOM_TTL.total_seconds() + 1)
    running = open_room(rstore, clock)
    assert carry_ended(rstore, now=clock.now) == [Carried(forgotten.id, 1, 1, 1)]
    assert running.id not in {c.room_id for c in carry_ended(rstore, now=clock.now)}


def test_carrying_a_room_that_does_not_exist_is_a_room_error(rstore: Store) -> None:
    with pytest.raises(RoomError, match="no room #99"):
        carry(rstore, 99)
