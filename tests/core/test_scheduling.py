"""Tests for otsquiz.core.scheduling: grades, FSRS reviews, previews and the queue."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otsquiz.core.scheduling import (
    LEECH_LAPSES,
    CardState,
    Grade,
    Scheduler,
    State,
    card_number,
    day_start,
    grade_for,
    note_of,
    plan_queue,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler(enable_fuzzing=False)


def review_state(
    deck_id: str,
    card_key: str,
    *,
    due: datetime,
    stability: float,
    last_review: datetime | None = None,
    state: fsrs.State = fsrs.State.Review,
) -> CardState:
    return CardState(
        deck_id=deck_id,
        card_key=card_key,
        state=state,
        step=None if state == fsrs.State.Review else 0,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last_review if last_review is not None else due - timedelta(days=stability),
        reps=3,
    )


def graduate(scheduler: Scheduler, state: CardState | None, now: datetime) -> CardState:
    """Answer GOOD until the card is in the Review state."""
    while state is None or state.state != fsrs.State.Review:
        state = scheduler.review(state, "d", "c", Grade.GOOD, now)
        now = state.due
    return state


# ---------------------------------------------------------------- grades


@pytest.mark.parametrize(
    ("correct", "exact", "hinted", "grade"),
    [
        (False, False, False, Grade.AGAIN),
        (False, True, False, Grade.AGAIN),
        (False, True, True, Grade.AGAIN),
        (True, True, False, Grade.GOOD),
        (True, False, False, Grade.HARD),
        (True, True, True, Grade.HARD),
        (True, False, True, Grade.HARD),
    ],
)
def test_grade_for(correct: bool, exact: bool, hinted: bool, grade: Grade) -> None:
    assert grade_for(correct, exact, hinted) is grade


def test_grades_are_fsrs_ratings() -> None:
    assert [int(grade) for grade in Grade] == [int(rating) for rating in fsrs.Rating]


def test_note_of() -> None:
    assert note_of("capital") == "capital"
    assert note_of("capital:reverse") == "capital"
    assert note_of("founding:2") == "founding"


# ---------------------------------------------------------------- reviews


@pytest.mark.parametrize(
    ("grade", "state", "interval"),
    [
        (Grade.AGAIN, fsrs.State.Learning, timedelta(minutes=1)),
        (Grade.HARD, fsrs.State.Learning, timedelta(minutes=5, seconds=30)),
        (Grade.GOOD, fsrs.State.Learning, timedelta(minutes=10)),
        (Grade.EASY, fsrs.State.Review, timedelta(days=8)),
    ],
)
def test_review_new_card(scheduler: Scheduler, grade: Grade, state: fsrs.State, interval: timedelta) -> None:
    after = scheduler.review(None, "deck", "card", grade, NOW)
    assert (after.deck_id, after.card_key) == ("deck", "card")
    assert after.state == state
    assert after.due - NOW == interval
    assert after.last_review == NOW
    assert after.stability == pytest.approx(fsrs.Scheduler().parameters[grade - 1])
    assert (after.reps, after.lapses, after.leech) == (1, 0, False)


def test_review_agrees_with_fsrs(scheduler: Scheduler) -> None:
    reference = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=NOW)
    state: CardState | None = None
    now = NOW
    rng = random.Random(7)
    for _ in range(40):
        grade = rng.choice(list(Grade))
        card, _ = reference.review_card(card, fsrs.Rating(grade), review_datetime=now)
        state = scheduler.review(state, "d", "c", grade, now)
        assert (state.state, state.step, state.due) == (card.state, card.step, card.due)
        assert state.stability == pytest.approx(card.stability)
        assert state.difficulty == pytest.approx(card.difficulty)
        now = card.due + timedelta(hours=rng.randint(0, 72))
    assert state is not None
    assert state.reps == 40


def test_review_takes_any_timezone_and_stores_utc(scheduler: Scheduler) -> None:
    local = NOW.astimezone(timezone(timedelta(hours=3)))
    after = scheduler.review(None, "d", "c", Grade.GOOD, local)
    assert after.due.tzinfo is UTC
    assert after.due == NOW + timedelta(minutes=10)
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.review(None, "d", "c", Grade.GOOD, NOW.replace(tzinfo=None))


def test_lapses_count_only_again_in_review_and_leech_at_eight(scheduler: Scheduler) -> None:
    now = NOW
    state = graduate(scheduler, None, now)
    for lapse in range(1, LEECH_LAPSES + 1):
        now = state.due
        state = scheduler.review(state, "d", "c", Grade.AGAIN, now)
        assert state.state == fsrs.State.Relearning
        assert state.lapses == lapse
        # AGAIN while relearning is not another lapse
        state = scheduler.review(state, "d", "c", Grade.AGAIN, state.due)
        assert state.lapses == lapse
        assert state.leech is (lapse >= LEECH_LAPSES)
        state = graduate(scheduler, state, state.due)
    # a leech stays a leech however well it goes afterwards
    state = scheduler.review(state, "d", "c", Grade.EASY, state.due)
    assert state.leech


def test_again_on_a_learning_card_is_no_lapse(scheduler: Scheduler) -> None:
    state = scheduler.review(None, "d", "c", Grade.AGAIN, NOW)
    state = scheduler.review(state, "d", "c", Grade.AGAIN, state.due)
    assert state.lapses == 0


def test_preview_intervals_increase_for_a_review_card(scheduler: Scheduler) -> None:
    state = graduate(scheduler, None, NOW)
    intervals = scheduler.preview(state, state.due)
    assert list(intervals) == list(Grade)
    assert intervals[Grade.AGAIN] < intervals[Grade.HARD] < intervals[Grade.GOOD]
    assert intervals[Grade.GOOD] < intervals[Grade.EASY]
    assert intervals[Grade.HARD] >= timedelta(days=1)


def test_fuzzed_preview_is_exactly_what_review_gives() -> None:
    scheduler = Scheduler(enable_fuzzing=True)
    for index in range(30):
        key = f"card-{index}"
        state = scheduler.review(None, "d", key, Grade.EASY, NOW)
        now = state.due + timedelta(days=index)
        preview = scheduler.preview(state, now)
        for grade in Grade:
            assert scheduler.review(state, "d", key, grade, now).due - now == preview[grade]
        # new cards too, given their identity
        new_preview = scheduler.preview(None, NOW, deck_id="d", card_key=key)
        assert new_preview[Grade.EASY] == scheduler.review(None, "d", key, Grade.EASY, NOW).due - NOW


def test_fuzz_spreads_cards_within_fsrs_range() -> None:
    fuzzed = Scheduler(enable_fuzzing=True)
    plain = Scheduler(enable_fuzzing=False)
    intervals = set()
    for index in range(60):
        key = f"card-{index}"
        state = plain.review(None, "d", key, Grade.EASY, NOW)
        later = state.due
        base = plain.review(state, "d", key, Grade.GOOD, later).due - later
        spread = fuzzed.review(state, "d", key, Grade.GOOD, later).due - later
        assert abs(spread.days - base.days) <= 0.1 * base.days + 2
        intervals.add(spread)
    assert len(intervals) > 2


def test_retrievability_matches_fsrs(scheduler: Scheduler) -> None:
    reference = fsrs.Scheduler()
    for stability in (0.5, 3.0, 27.4, 400.0):
        for elapsed in (
            timedelta(0),
            timedelta(hours=20),
            timedelta(days=1, hours=3),
            timedelta(days=9),
            timedelta(days=365),
        ):
            state = review_state("d", "c", due=NOW, stability=stability, last_review=NOW)
            now = NOW + elapsed
            expected = reference.get_card_retrievability(state.to_fsrs(), now)
            assert scheduler.retrievability(state, now) == pytest.approx(expected, rel=1e-12)
    new_like = review_state("d", "c", due=NOW, stability=1.0)
    new_like = new_like._replace(last_review=None)
    assert scheduler.retrievability(new_like, NOW) == 0.0


def test_card_state_round_trips(scheduler: Scheduler) -> None:
    state = scheduler.review(None, "deck", "card:reverse", Grade.HARD, NOW)
    assert CardState.from_dict(state.to_dict()) == state
    again = CardState.from_fsrs(
        state.to_fsrs(), "deck", "card:reverse", reps=state.reps, lapses=0, leech=False
    )
    assert again == state
    assert state.to_fsrs().card_id == card_number("deck", "card:reverse")


def test_fsrs_cards_are_always_given_an_id(scheduler: Scheduler, monkeypatch: pytest.MonkeyPatch) -> None:
    # fsrs sleeps 1 ms to invent an id; that would cost 100 s over 100,000 cards
    def no_sleep(_: float) -> None:
        raise AssertionError("fsrs.Card was built without card_id")

    monkeypatch.setattr("fsrs.card.time.sleep", no_sleep)
    state = scheduler.review(None, "d", "c", Grade.GOOD, NOW)
    state = scheduler.review(state, "d", "c", Grade.GOOD, state.due)
    scheduler.preview(state, state.due)


def test_day_start_is_the_local_rollover_before_now() -> None:
    for hours in range(0, 48, 5):
        now = NOW + timedelta(hours=hours)
        start = day_start(now)
        assert start <= now < start + timedelta(days=1)
        assert start.astimezone().hour == 4
        assert start.tzinfo is UTC


# ---------------------------------------------------------------- the queue


class QueueCard(NamedTuple):
    """A card as the queue sees it (the session's items carry the deck and index too)."""

    deck_id: str
    card_key: str
    note: str


def cards(*keys: str, deck: str = "d") -> list[QueueCard]:
    return [QueueCard(deck, key, note_of(key)) for key in keys]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def plan(
    deck: Iterable[Any], states: Mapping[tuple[str, str], CardState], now: datetime, **options: Any
) -> list[Any]:
    """``plan_queue`` fed as the session feeds it: the studied cards as database rows (here in deck
    order, and those due later too: they are left out), the others as new cards in deck order."""
    deck = list(deck)
    due = [
        (card, int(s.state), us(s.due), None if s.last_review is None else us(s.last_review), s.stability)
        for card in deck
        if (s := states.get((card[0], card[1]))) is not None
    ]
    new = (card for card in deck if (card[0], card[1]) not in states)
    return plan_queue(due, new, now, **options)


def test_queue_due_before_new_and_future_cards_left_out() -> None:
    deck = cards("new1", "due", "later", "new2")
    states = {
        ("d", "due"): review_state("d", "due", due=NOW - timedelta(hours=1), stability=5),
        ("d", "later"): review_state("d", "later", due=NOW + timedelta(hours=1), stability=5),
    }
    queue = plan(deck, states, NOW)
    assert [card.card_key for card in queue] == ["due", "new1", "new2"]
    assert queue[0] is deck[1]  # the caller's own items come back


def test_queue_most_overdue_first() -> None:
    deck = cards("a", "b", "c", "d")
    states = {
        # same elapsed time, so the lower stability has the lower retrievability
        ("d", "a"): review_state("d", "a", due=NOW, stability=50, last_review=NOW - timedelta(days=60)),
        ("d", "b"): review_state("d", "b", due=NOW, stability=5, last_review=NOW - timedelta(days=60)),
        ("d", "c"): review_state("d", "c", due=NOW, stability=20, last_review=NOW - timedelta(days=60)),
        ("d", "d"): review_state("d", "d", due=NOW, stability=20, last_review=NOW - timedelta(days=20)),
    }
    scheduler = Scheduler()
    queue = plan(deck, states, NOW, scheduler=scheduler)
    assert [card.card_key for card in queue] == ["b", "c", "a", "d"]
    recalls = [scheduler.retrievability(states[card[:2]], NOW) for card in queue]
    assert recalls == sorted(recalls)


def test_queue_learning_steps_come_first_earliest_first() -> None:
    deck = cards("review", "learn-late", "learn-early", "fresh")
    states = {
        ("d", "review"): review_state("d", "review", due=NOW - timedelta(days=3), stability=2),
        ("d", "learn-late"): review_state(
            "d",
            "learn-late",
            due=NOW - timedelta(minutes=1),
            stability=1,
            state=fsrs.State.Learning,
            last_review=NOW - timedelta(minutes=11),
        ),
        ("d", "learn-early"): review_state(
            "d",
            "learn-early",
            due=NOW - timedelta(minutes=5),
            stability=1,
            state=fsrs.State.Relearning,
            last_review=NOW - timedelta(minutes=15),
        ),
    }
    queue = plan(deck, states, NOW)
    assert [card.card_key for card in queue] == ["learn-early", "learn-late", "review", "fresh"]


def test_queue_new_cards_in_deck_order_up_to_the_daily_limit() -> None:
    deck = cards(*(f"n{index}" for index in range(30)))
    queue = plan(deck, {}, NOW, new_per_day=20, new_done_today=15)
    assert [card.card_key for card in queue] == ["n0", "n1", "n2", "n3", "n4"]
    assert plan(deck, {}, NOW, new_per_day=20, new_done_today=25) == []
    assert len(plan(deck, {}, NOW)) == 20


def test_queue_limit() -> None:
    deck = cards("due1", "due2", "n1", "n2")
    states = {
        key: review_state("d", key[1], due=NOW - timedelta(days=1), stability=3)
        for key in (("d", "due1"), ("d", "due2"))
    }
    assert [card.card_key for card in plan(deck, states, NOW, limit=3)] == [
        "due1",
        "due2",
        "n1",
    ]
    assert len(plan(deck, states, NOW, limit=1)) == 1
    assert plan(deck, states, NOW, limit=0) == []


def test_queue_buries_siblings() -> None:
    deck = cards("cap:1", "cap:2", "flag", "flag:reverse", "year", "year:reverse")
    states = {
        ("d", "cap:2"): review_state("d", "cap:2", due=NOW - timedelta(days=1), stability=3),
    }
    queue = plan(deck, states, NOW)
    # cap:1 is new but its sibling is due; each note appears once
    assert [card.card_key for card in queue] == ["cap:2", "flag", "year"]
    # a note answered today waits for tomorrow
    queue = plan(deck, states, NOW, notes_seen_today={("d", "cap"), ("d", "flag")})
    assert [card.card_key for card in queue] == ["year"]
    # the same note id in another deck is no sibling
    other = cards("cap:1", deck="e")
    queue = plan(deck + other, states, NOW, notes_seen_today={("d", "cap")})
    assert ("e", "cap:1") in [card[:2] for card in queue]


def test_queue_learning_card_returns_the_same_day() -> None:
    deck = cards("cap:1", "cap:2")
    states = {
        ("d", "cap:1"): review_state(
            "d",
            "cap:1",
            due=NOW - timedelta(minutes=1),
            stability=1,
            state=fsrs.State.Learning,
            last_review=NOW - timedelta(minutes=2),
        ),
    }
    queue = plan(deck, states, NOW, notes_seen_today={("d", "cap")})
    assert [card.card_key for card in queue] == ["cap:1"]


def test_queue_accepts_plain_tuples() -> None:
    assert plan([("d", "a", "a"), ("d", "a:reverse", "a")], {}, NOW) == [("d", "a", "a")]


def test_queue_ties_keep_the_order_given() -> None:
    # The session gives the due rows in the database's order (due, deck, key): ties keep it.
    deck = cards("b", "a", "c")
    states = {
        ("d", key): review_state("d", key, due=NOW, stability=10, last_review=NOW - timedelta(days=10))
        for key in ("a", "b", "c")
    }
    assert [card.card_key for card in plan(deck, states, NOW)] == ["b", "a", "c"]


# ---------------------------------------------------------------- properties

_STATES = [fsrs.State.Learning, fsrs.State.Review, fsrs.State.Relearning]


@st.composite
def queue_inputs(draw: st.DrawFn) -> tuple[list[QueueCard], dict, frozenset, int, int, int | None]:
    specs = draw(st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 6)), max_size=40))
    deck = [QueueCard(d, f"n{note}:{index}", f"n{note}") for index, (d, note) in enumerate(specs)]
    states = {}
    for card in deck:
        if draw(st.booleans()):
            due = NOW + timedelta(hours=draw(st.integers(-24 * 30, 24 * 30)))
            states[card.deck_id, card.card_key] = review_state(
                card.deck_id,
                card.card_key,
                due=due,
                stability=draw(st.floats(0.01, 500)),
                last_review=due - timedelta(hours=draw(st.integers(0, 24 * 400))),
                state=draw(st.sampled_from(_STATES)),
            )
    seen = frozenset(
        draw(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from([f"n{n}" for n in range(7)]))))
    )
    limit = draw(st.none() | st.integers(0, 30))
    return deck, states, seen, draw(st.integers(0, 15)), draw(st.integers(0, 15)), limit


@settings(max_examples=300, deadline=None)
@given(queue_inputs())
def test_queue_never_repeats_a_card_or_a_note(
    inputs: tuple[list[QueueCard], dict, frozenset, int, int, int | None],
) -> None:
    deck, states, seen, per_day, done, limit = inputs
    queue = plan(
        deck,
        states,
        NOW,
        new_per_day=per_day,
        new_done_today=done,
        notes_seen_today=seen,
        limit=limit,
    )
    keys = [card[:2] for card in queue]
    notes = [(card.deck_id, card.note) for card in queue]
    assert len(set(keys)) == len(keys)
    assert len(set(notes)) == len(notes)
    if limit is not None:
        assert len(queue) <= limit
    new = [card for card in queue if card[:2] not in states]
    assert len(new) <= max(0, per_day - done)
    # new cards come last, in deck order
    assert queue[len(queue) - len(new) :] == new
    assert new == sorted(new, key=deck.index)
    for card in queue:
        state = states.get(card[:2])
        assert state is None or state.due <= NOW
        learning = state is not None and state.state != fsrs.State.Review
        assert learning or (card.deck_id, card.note) not in seen


def test_our_states_are_fsrs_states() -> None:
    assert {state.name: int(state) for state in State} == {state.name: int(state) for state in fsrs.State}


def test_planning_a_queue_of_new_cards_does_not_import_fsrs() -> None:
    # The first question of a new learner needs no scheduling: fsrs loads with the first answer.
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from otsquiz.core.scheduling import Scheduler, plan_queue\n"
        "new = [('d', f'c{n}', f'c{n}') for n in range(5)]\n"
        "queue = plan_queue([], iter(new), datetime.now(UTC), scheduler=Scheduler())\n"
        "assert len(queue) == 5, queue\n"
        "print('fsrs' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
