"""The bridge from a class to spaced practice: class answers become reviews in each student's schedule.

A student who joined a room with a profile (``room_students.profile_id``) has
each of their class answers to a revealed question recorded as a study review
of that card, through the store's one review path (``Store.record_answer``,
scheduled by ``Scheduler.review``): a miss is rated Again, so the card comes
due at once in their own FSRS schedule; a hit is rated Good only with the
room's ``count_hits`` option, and is otherwise left out. A question not
answered is no review (nothing was recalled or forgotten); a student the
teacher removed is out of the room's results and of the bridge.

Carrying is idempotent: a room's reviews for one profile belong to one
session (``sessions.settings`` names the room), created inside a write so two
processes agree on it, and each review is checked against that session inside
its own write, so running the bridge again, or in two processes at once, adds
nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from otsquiz.core.room.codes import ROOM_TTL
from otsquiz.core.room.options import RoomOptions
from otsquiz.core.scheduling import CardState, Grade, Scheduler
from otsquiz.core.store import Store
from otsquiz.core.store.rooms import RoomError, RoomRow, RoomTables
from otsquiz.core.store.values import SessionTotals, dumps, from_us, to_us


class Carried(NamedTuple):
    """What one run of the bridge wrote for one room (zeros: it had been carried already)."""

    room_id: int
    profiles: int  # profiles given at least one new review
    reviews: int  # new reviews, all profiles
    missed: int  # of them rated Again


class _AlreadyCarried(Exception):
    """Raised inside a review's write to roll it back: that answer is in the schedule already."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def room_session(store: Store, room: RoomRow, profile_id: int) -> int:
    """The study session holding ``room``'s reviews for ``profile_id``: found, or made, in one write."""
    with store.transaction() as conn:
        found = conn.execute(
            "SELECT id FROM sessions WHERE profile_id = ? AND json_extract(settings, '$.room') = ?"
            " ORDER BY id LIMIT 1",
            (profile_id, room.id),
        ).fetchone()
        if found is not None:
            return int(found[0])
        # Store.start_session's row, written here so the lookup and the insert are one transaction.
        session_id = conn.execute(
            "INSERT INTO sessions (profile_id, mode, deck_ids, started, settings) VALUES (?, 'study', ?, ?, ?)",
            (
                profile_id,
                dumps(list(room.deck_ids)),
                room.created,
                dumps({"room": room.id, "code": room.code, "seed": room.seed}),
            ),
        ).lastrowid
    assert session_id is not None
    return session_id


def carry(store: Store, room_id: int) -> Carried:
    """Record ``room_id``'s class answers in its students' own schedules (see the module's rules).

    Safe to call at any time and any number of times: only revealed questions
    count, and an answer carried once is never carried again. The presenter
    calls it when the room ends; ``carry_ended`` catches rooms that expired.
    """
    tables = RoomTables(store)
    room = tables.room(room_id)
    if room is None:
        raise RoomError(f"There is no room #{room_id}.")
    count_hits = RoomOptions.from_dict(room.options).count_hits
    questions = {row.position: row for row in tables.questions(room_id) if row.revealed is not None}
    students = {row.id: row.profile_id for row in tables.students(room_id) if row.profile_id is not None}
    retention = {profile.id: profile.settings.desired_retention for profile in store.profiles()}
    by_profile: dict[int, list[tuple[int, int]]] = {}  # profile -> (position, student) answered
    answers = sorted(tables.answers(room_id), key=lambda answer: (answer.ts, answer.position))
    for answer in answers:  # in the order answered, as reviews are
        profile_id = students.get(answer.student_id)
        if profile_id in retention and answer.position in questions and (count_hits or not answer.correct):
            by_profile.setdefault(profile_id, []).append((answer.position, answer.student_id))
    given = {(answer.position, answer.student_id): answer for answer in answers}
    profiles = reviews = missed = 0
    for profile_id, carried in by_profile.items():
        scheduler = Scheduler(retention[profile_id])
        scheduler.fsrs  # noqa: B018 -- import fsrs now, not while holding the write lock
        session_id = room_session(store, room, profile_id)
        tally = _session_tally(store, session_id)
        new = 0
        for position, student_id in carried:
            answer, question = given[position, student_id], questions[position]
            grade = Grade.GOOD if answer.correct else Grade.AGAIN
            when = from_us(answer.ts)
            schedule = _schedule(
                store, scheduler, session_id, question.deck_id, question.card_key, grade, when
            )
            right = tally.correct + answer.correct
            tally = SessionTotals(tally.questions + 1, right, 0, tally.seconds + answer.ms / 1000)
            try:
                store.record_answer(
                    profile_id,
                    session_id=session_id,
                    mode="study",
                    deck_id=question.deck_id,
                    card_key=question.card_key,
                    answer=answer.given,
                    verdict="correct" if answer.correct else "wrong",
                    exact=answer.exact,
                    rating=int(grade),
                    ms=answer.ms,
                    new_state=schedule,
                    when=when,
                    totals=tally,
                )
            except _AlreadyCarried:
                tally = _session_tally(store, session_id)
                continue
            new += 1
            missed += not answer.correct
        profiles += new > 0
        reviews += new
        if new and room.ended is not None:
            store.finish_session(
                session_id,
                questions=tally.questions,
                correct=tally.correct,
                best_streak=0,
                seconds=tally.seconds,
                when=from_us(room.ended),
            )
    return Carried(room_id, profiles, reviews, missed)


def carry_ended(store: Store, *, now: datetime | None = None) -> list[Carried]:
    """``carry`` for every room that has ended or expired (a presenter that never ended its room)."""
    cutoff = to_us(now or _utc_now())
    ttl = ROOM_TTL // timedelta(microseconds=1)
    return [
        carry(store, room.id)
        for room in RoomTables(store).rooms()
        if room.ended is not None or room.active + ttl <= cutoff
    ]


def _session_tally(store: Store, session_id: int) -> SessionTotals:
    found = store.session(session_id)
    return SessionTotals(found["questions"], found["correct"], 0, found["seconds"])


def _schedule(
    store: Store,
    scheduler: Scheduler,
    session_id: int,
    deck_id: str,
    card_key: str,
    grade: Grade,
    when: datetime,
) -> Callable[[CardState | None], CardState]:
    """The card's new state, computed inside ``record_answer``'s write; refused if carried already."""

    def schedule(previous: CardState | None) -> CardState:
        # This runs inside the review's transaction on the store's connection, so the check and
        # the insert are atomic: a second bridge in another process cannot carry it twice.
        if store.connection.execute(
            "SELECT 1 FROM review_log WHERE session_id = ? AND deck_id = ? AND card_key = ? AND kind = 'answer'",
            (session_id, deck_id, card_key),
        ).fetchone():
            raise _AlreadyCarried
        # The card may have been studied after class, before the bridge ran: never schedule backwards.
        at = when if previous is None or previous.last_review is None else max(when, previous.last_review)
        return scheduler.review(previous, deck_id, card_key, grade, at)

    return schedule
