"""The session engine: study and drill on small decks built here, with a clock the tests move.

Nothing here sleeps: every ``Session`` gets a ``Clock`` that a test advances
by hand, and every assertion about the database reads what is committed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import pytest

from otsquiz.core.models import DeckFile
from otsquiz.core.scheduling import CardState, Grade, Scheduler, State, day_start
from otsquiz.core.selection import DRILL_COUNT
from otsquiz.core.session import LEARN_AHEAD_SECONDS, Outcome, Question, Remaining, Session, SessionError
from otsquiz.core.store import Profile, Settings, Store
from tests.factories import synthetic_document

DECK_ID = "test"
# Six hours into a study day of whatever time zone runs the tests, in June (no DST change near).
T0 = day_start(datetime(2026, 6, 10, 12, tzinfo=UTC)) + timedelta(hours=6)

CARDS: dict[str, dict[str, Any]] = {
    "basic": {"id": "capital", "type": "basic", "prompt": "Capital of Azerbaijan?", "answer": "Baku"},
    "typed": {
        "id": "secretariat",
        "type": "typed",
        "prompt": "Which member hosts the OTS secretariat?",
        "answer": "Türkiye",
        "hint": "It joined in 2009 and spans two continents.",
    },
    "choice": {
        "id": "seat",
        "type": "choice",
        "prompt": "In which city is the OTS secretariat?",
        "answer": "Istanbul",
        "distractors": ["Ankara", "Baku", "Astana"],
    },
    "multi": {
        "id": "founders",
        "type": "multi",
        "prompt": "Which states signed the Nakhchivan Agreement?",
        "answers": ["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Turkey"],
        "distractors": ["Uzbekistan", "Hungary"],
    },
    "truefalse": {
        "id": "hungary",
        "type": "truefalse",
        "statement": "Hungary is a full member of the OTS.",
        "answer": False,
    },
    "number": {
        "id": "founded",
        "type": "number",
        "prompt": "In which year was the Nakhchivan Agreement signed?",
        "answer": 2009,
    },
    "cloze": {
        "id": "renamed",
        "type": "cloze",
        "text": "The Turkic Council became the {{Organization of Turkic States}} in {{2021::a year}}.",
    },
    "order": {
        "id": "joined",
        "type": "order",
        "prompt": "Put the events in order, earliest first.",
        "items": ["Nakhchivan Agreement", "Uzbekistan joins", "Renamed the OTS"],
    },
    "match": {
        "id": "capitals",
        "type": "match",
        "prompt": "Match each country to its capital.",
        "pairs": [["Kazakhstan", "Astana"], ["Kyrgyzstan", "Bishkek"], ["Uzbekistan", "Tashkent"]],
    },
}
AUTO_GRADED = ["typed", "choice", "multi", "truefalse", "number", "cloze", "order", "match"]


def make_deck(*cards: dict[str, Any], deck_id: str = DECK_ID, **info: Any) -> DeckFile:
    return DeckFile.model_validate(
        {"format": 1, "deck": {"id": deck_id, "title": "A test deck", **info}, "cards": list(cards)}
    )


def typed(card_id: str, answer: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": card_id,
        "type": "typed",
        "prompt": f"What is {card_id}?",
        "answer": answer or card_id.capitalize(),
        **extra,
    }


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def profile(store: Store) -> Profile:
    return store.profile("default")


def right(question: Question) -> Any:
    """The response ``Session.submit`` takes for the right answer."""
    card = question.card
    if question.form == "text":
        return question.study.gap.answer if question.study.gap else card.answer
    if question.form == "number":
        return str(card.answer)
    if question.form == "truefalse":
        return card.answer
    if question.form == "choice":
        return question.options.index(card.answer)
    if question.form == "multi":
        return {question.options.index(answer) for answer in card.answers}
    if question.form == "order":
        return [question.options.index(item) for item in card.items]
    if question.form == "match":
        return [question.options.index(right) for _, right in card.pairs]
    raise AssertionError(question.form)


def wrong(question: Question) -> Any:
    """A plausible wrong response of the right shape."""
    card = question.card
    if question.form == "text":
        return "Samarkand"
    if question.form == "number":
        return str(card.answer + 1)
    if question.form == "truefalse":
        return not card.answer
    if question.form == "choice":
        return question.options.index(card.distractors[0])
    if question.form == "multi":
        return {question.options.index(answer) for answer in card.answers[1:]}  # one missing
    if question.form == "order":
        return list(reversed(right(question)))
    if question.form == "match":
        indexes = right(question)
        return indexes[1:] + indexes[:1]
    raise AssertionError(question.form)


def answer(session: Session, correct: bool = True) -> Outcome:
    question = session.current
    assert question is not None
    if question.form == "self":
        return session.rate(Grade.GOOD if correct else Grade.AGAIN)
    return session.submit(right(question) if correct else wrong(question))


def finish(session: Session, clock: Clock | None = None) -> list[str]:
    """Answer everything right until the session is over; the keys asked, in order."""
    asked = []
    while session.current is not None:
        asked.append(session.current.study.key)
        answer(session)
        if clock is not None:
            clock.advance(seconds=30)
        assert len(asked) < 100, "the session never ends"
    return asked


def expected_state(
    profile: Profile, previous: CardState | None, key: str, grade: Grade, when: datetime
) -> CardState:
    return Scheduler(profile.settings.desired_retention).review(previous, DECK_ID, key, grade, when)


# ---------------------------------------------------------------- every card type


@pytest.mark.parametrize("kind", AUTO_GRADED)
def test_a_right_answer_is_correct_exact_graded_good_and_committed(
    kind: str, store: Store, db_path: Path, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS[kind])], clock=clock)
    question = session.current
    assert question is not None and question.study.type == kind
    key = question.study.key
    assert store.state(profile.id, DECK_ID, key) is None

    outcome = session.submit(right(question))

    assert (outcome.verdict, outcome.correct, outcome.exact, outcome.grade) == (
        "correct",
        True,
        True,
        Grade.GOOD,
    )
    assert outcome.forgiven == () and not outcome.hinted
    # Committed before submit returned: another connection to the file sees it.
    with Store.open(db_path) as other:
        [row] = other.history(profile.id, DECK_ID, key)
        state = other.state(profile.id, DECK_ID, key)
    assert row.id == outcome.review_id
    assert (row.kind, row.mode, row.verdict, row.exact, row.rating) == ("answer", "study", "correct", True, 3)
    assert row.session_id == session.session_id and row.when == clock.now and row.previous is None
    assert row.answer == outcome.given
    assert state == expected_state(profile, None, key, Grade.GOOD, clock.now)
    assert session.score == 1 and session.streak == 1 and session.done == 1


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("typed", "Türkiye"),
        ("choice", "Istanbul"),
        ("multi", "Azerbaijan, Kazakhstan, Kyrgyzstan, Turkey"),
        ("truefalse", "false"),
        ("number", "2009"),
        ("cloze", "Organization of Turkic States"),
        ("order", "Nakhchivan Agreement → Uzbekistan joins → Renamed the OTS"),
        ("match", "Kazakhstan → Astana; Kyrgyzstan → Bishkek; Uzbekistan → Tashkent"),
    ],
)
def test_a_wrong_answer_is_graded_again_and_shows_the_exact_answer(
    kind: str, expected: str, store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS[kind])], clock=clock)
    question = session.current
    assert question is not None
    key = question.study.key

    outcome = session.submit(wrong(question))

    assert (outcome.verdict, outcome.correct, outcome.exact, outcome.grade) == (
        "wrong",
        False,
        False,
        Grade.AGAIN,
    )
    assert outcome.expected == expected
    [row] = store.history(profile.id, DECK_ID, key)
    assert (row.verdict, row.exact, row.rating) == ("wrong", False, 1)
    assert store.state(profile.id, DECK_ID, key) == expected_state(profile, None, key, Grade.AGAIN, clock.now)
    assert session.score == 0 and session.streak == 0 and session.done == 1


def test_the_given_answer_is_recorded_in_words(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(CARDS["choice"], CARDS["multi"], CARDS["order"], CARDS["match"], CARDS["truefalse"])
    session = Session(store, profile, [deck], mode="drill", count=5, seed=3, clock=clock)
    given = {}
    while session.current is not None:
        question = session.current
        given[question.study.type] = session.submit(right(question)).given
    assert given["choice"] == "Istanbul"
    assert set(given["multi"].split(", ")) == {"Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Turkey"}
    assert given["order"] == "Nakhchivan Agreement → Uzbekistan joins → Renamed the OTS"
    assert given["match"] == "Kazakhstan → Astana; Kyrgyzstan → Bishkek; Uzbekistan → Tashkent"
    assert given["truefalse"] == "false"


def test_options_are_shuffled_and_never_shown_solved(store: Store, profile: Profile, clock: Clock) -> None:
    for seed in range(30):
        session = Session(
            store, profile, [make_deck(CARDS["order"], CARDS["match"])], mode="drill", seed=seed, clock=clock
        )
        while session.current is not None:
            question = session.current
            if question.form == "order":
                assert sorted(question.options) == sorted(question.card.items)
                assert list(question.options) != question.card.items
            else:
                assert question.lefts == ("Kazakhstan", "Kyrgyzstan", "Uzbekistan")
                assert list(question.options) != [pair[1] for pair in question.card.pairs]
            session.submit(right(question))


def test_a_basic_card_is_rated_by_the_learner(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck({**CARDS["basic"], "reverse": True})], clock=clock)
    question = session.current
    assert question is not None
    assert (question.form, question.text, question.study.key) == ("self", "Capital of Azerbaijan?", "capital")
    with pytest.raises(SessionError):
        session.submit("Baku")

    outcome = session.rate(Grade.EASY)

    assert (outcome.verdict, outcome.correct, outcome.grade, outcome.expected) == (
        "rated",
        True,
        Grade.EASY,
        "Baku",
    )
    [row] = store.history(profile.id, DECK_ID, "capital")
    assert (row.verdict, row.rating) == ("rated", 4)
    assert store.state(profile.id, DECK_ID, "capital") == expected_state(
        profile, None, "capital", Grade.EASY, clock.now
    )
    # Easy graduates the card for days, and its reverse is a sibling: not on the same day.
    assert session.current is None

    clock.advance(days=1)
    reverse = Session(store, profile, [make_deck({**CARDS["basic"], "reverse": True})], clock=clock)
    question = reverse.current
    assert question is not None
    assert (question.study.key, question.text) == ("capital:reverse", "Baku")
    outcome = reverse.rate(Grade.AGAIN)
    assert (outcome.verdict, outcome.correct, outcome.expected) == ("rated", False, "Capital of Azerbaijan?")
    assert reverse.summary().missed == [outcome]


def test_only_self_rated_cards_are_rated(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(CARDS["typed"])], clock=clock)
    with pytest.raises(SessionError):
        session.rate(Grade.GOOD)
    assert store.history(profile.id, DECK_ID, "secretariat") == []


@pytest.mark.parametrize(
    ("given", "forgiven"),
    [
        ("Turkiye", ("diacritics",)),  # a missing diacritic
        ("Türkyie", ("typo",)),  # a transposition
        ("Turkyie", ("diacritics", "typo")),
    ],
)
def test_a_forgiven_answer_is_correct_not_exact_and_graded_hard(
    given: str, forgiven: tuple[str, ...], store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS["typed"])], clock=clock)

    outcome = session.submit(given)

    assert (outcome.correct, outcome.exact, outcome.grade, outcome.forgiven) == (
        True,
        False,
        Grade.HARD,
        forgiven,
    )
    assert outcome.expected == "Türkiye"
    [row] = store.history(profile.id, DECK_ID, "secretariat")
    assert (row.verdict, row.exact, row.rating) == ("correct", False, 2)
    assert store.state(profile.id, DECK_ID, "secretariat") == expected_state(
        profile, None, "secretariat", Grade.HARD, clock.now
    )
    assert session.score == 1


def test_case_and_the_turkish_i_never_matter(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(typed("city", "İstanbul"), typed("capital", "Bakı"), deck_id="test")
    turkic = make_deck(typed("capital", "Bakı"), deck_id="turkic", language="az")
    session = Session(store, profile, [deck], mode="drill", seed=1, clock=clock)
    outcomes = {}
    while session.current is not None:
        key = session.current.study.key
        outcomes[key] = session.submit({"city": "ISTANBUL", "capital": "BAKI"}[key])
    assert (outcomes["city"].correct, outcomes["city"].exact) == (True, True)
    # In English "BAKI" lowers to "baki": right, with the diacritic forgiven.
    assert (outcomes["capital"].correct, outcomes["capital"].exact) == (True, False)
    session = Session(store, profile, [turkic], mode="drill", clock=clock)
    outcome = session.submit("BAKI")  # in Azerbaijani "I" lowers to "ı": exact
    assert (outcome.correct, outcome.exact, outcome.grade) == (True, True, Grade.GOOD)


def test_strict_diacritics_makes_a_missing_diacritic_wrong(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(CARDS["typed"], strict_diacritics=True)
    session = Session(store, profile, [deck], mode="drill", clock=clock)
    outcome = session.submit("Turkiye")
    assert (outcome.verdict, outcome.correct, outcome.exact, outcome.grade) == (
        "wrong",
        False,
        False,
        Grade.AGAIN,
    )
    assert outcome.forgiven == ()

    # Only diacritics are strict there: a typo is still forgiven, and the exact text is exact.
    session = Session(store, profile, [deck], mode="drill", clock=clock)
    assert (session.submit("Türkyie").grade, session.last and session.last.correct) == (Grade.HARD, True)
    session = Session(store, profile, [deck], mode="drill", clock=clock)
    assert session.submit("türkiye").grade == Grade.GOOD


def test_a_strict_card_forgives_nothing(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck({**CARDS["typed"], "strict": True, "accept": ["Turkey"]})
    for given, correct in [("Türkyie", False), ("Turkiye", False), ("turkey", True), ("TÜRKIYE", True)]:
        session = Session(store, profile, [deck], mode="drill", clock=clock)
        assert session.submit(given).correct is correct, given


def test_a_hint_makes_a_right_answer_hard(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(CARDS["typed"])], clock=clock)
    assert not session.hinted
    assert session.take_hint() == "It joined in 2009 and spans two continents."
    assert session.hinted

    outcome = session.submit("Türkiye")

    assert (outcome.correct, outcome.exact, outcome.hinted, outcome.grade) == (True, True, True, Grade.HARD)
    assert store.history(profile.id, DECK_ID, "secretariat")[0].rating == 2
    assert store.state(profile.id, DECK_ID, "secretariat") == expected_state(
        profile, None, "secretariat", Grade.HARD, clock.now
    )
    # The hint belongs to that question only: the card, asked again, starts without it.
    assert session.current is not None and not session.hinted


def test_a_card_without_a_hint_gives_none_and_costs_nothing(
    store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS["number"])], clock=clock)
    assert session.take_hint() == ""
    assert not session.hinted
    assert session.submit("2009").grade == Grade.GOOD


def test_a_cloze_asks_each_gap_on_its_own_with_the_other_gaps_filled(
    store: Store, profile: Profile, clock: Clock
) -> None:
    card = {**CARDS["cloze"], "accept": {"Organization of Turkic States": ["OTS"]}}
    session = Session(store, profile, [make_deck(card)], mode="drill", seed=2, clock=clock)
    questions = {}
    while session.current is not None:
        question = session.current
        questions[question.study.key] = question
        session.submit("the OTS" if question.study.key == "renamed:1" else "2021")
    assert questions["renamed:1"].text == "The Turkic Council became the [...] in 2021."
    assert (
        questions["renamed:2"].text
        == "The Turkic Council became the Organization of Turkic States in [a year]."
    )
    assert session.score == 2  # "the OTS" is an accepted answer, with the article ignored


def test_numbers_are_read_as_people_type_them(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(
        CARDS["number"],
        {
            "id": "area",
            "type": "number",
            "prompt": "Area?",
            "answer": 2724900,
            "tolerance": 100,
            "unit": "km²",
        },
    )
    cases = {
        ("founded", "2,009"): (True, True),
        ("founded", "2009.0"): (True, True),
        ("founded", "2010"): (False, False),
        ("founded", "two thousand nine"): (False, False),
        ("area", "2 724 950"): (True, False),  # within the tolerance, not exact: Hard
        ("area", "2724900"): (True, True),
        ("area", "2724900 km²"): (True, True),  # the card's own unit typed with it
        ("area", "2724900KM²"): (True, True),
        ("area", "2724900 mi²"): (False, False),
        ("founded", "2009 km²"): (False, False),  # not this card's unit
    }
    for (key, given), verdict in cases.items():
        session = Session(store, profile, [deck], mode="drill", types=["number"], seed=0, clock=clock)
        while session.current is not None and session.current.study.key != key:
            session.submit("0")
        assert session.current is not None
        assert session.current.unit == ("km²" if key == "area" else "")
        outcome = session.submit(given)
        assert (outcome.correct, outcome.exact) == verdict, given
        if key == "area":
            assert outcome.expected == "2724900 km²"
            grades = {(True, True): Grade.GOOD, (True, False): Grade.HARD, (False, False): Grade.AGAIN}
            assert outcome.grade == grades[verdict]


def test_a_float_answer_is_shown_with_all_its_digits(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(
        {"id": "pi", "type": "number", "prompt": "Pi to eight places?", "answer": 3.14159265},
        {"id": "gdp", "type": "number", "prompt": "GDP in dollars?", "answer": 1234567.5},
        {"id": "rate", "type": "number", "prompt": "Growth, %?", "answer": 2.0},
    )
    session = Session(store, profile, [deck], mode="drill", seed=0, clock=clock)
    expected = {}
    while session.current is not None:
        outcome = session.submit("1")
        expected[outcome.question.study.key] = outcome.expected
    assert expected == {"pi": "3.14159265", "gdp": "1234567.5", "rate": "2"}


def test_a_response_out_of_range_is_wrong_not_an_error(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(CARDS["choice"], CARDS["multi"], CARDS["order"], CARDS["match"])
    session = Session(store, profile, [deck], mode="drill", seed=5, clock=clock)
    responses = {"choice": 9, "multi": {0, 99}, "order": [5, 6, 7], "match": [0, 9, None]}
    while session.current is not None:
        outcome = session.submit(responses[session.current.study.type])
        assert not outcome.correct
    assert session.done == 4


def test_nothing_is_asked_once_the_session_is_over(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(CARDS["truefalse"])], mode="drill", clock=clock)
    session.submit(False)
    assert session.current is None and session.remaining == 0
    with pytest.raises(SessionError):
        session.submit(True)
    with pytest.raises(SessionError):
        session.take_hint()


# ---------------------------------------------------------------- study vs drill


def test_drill_records_answers_but_never_changes_a_card_state(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), typed("baku"), CARDS["choice"])
    study = Session(store, profile, [deck], count=1, clock=clock)
    assert study.current is not None and study.current.study.key == "ankara"
    study.submit("Ankara")
    before = store.states(profile.id)
    assert set(before) == {(DECK_ID, "ankara")}

    clock.advance(minutes=5)
    drill = Session(store, profile, [deck], mode="drill", count=3, seed=1, clock=clock)
    assert drill.total == 3
    for correct in (True, False, True):
        outcome = answer(drill, correct)
        [*_, row] = store.history(profile.id, DECK_ID, outcome.question.study.key)
        assert (row.mode, row.session_id, row.rating) == ("drill", drill.session_id, int(outcome.grade))
        assert store.states(profile.id) == before
    drill.overrule()
    assert store.states(profile.id) == before
    with pytest.raises(SessionError, match="undo is for study"):
        drill.undo()
    assert store.states(profile.id) == before
    assert drill.current is None and drill.done == 3


def test_study_changes_the_state_of_a_card_already_learnt(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"))
    finish(Session(store, profile, [deck], clock=clock), clock)
    learnt = store.state(profile.id, DECK_ID, "ankara")
    assert learnt is not None and learnt.state == fsrs.State.Review

    clock.now = learnt.due + timedelta(hours=1)
    session = Session(store, profile, [deck], clock=clock)
    assert session.current is not None and session.current.study.key == "ankara"
    session.submit("Izmir")
    after = store.state(profile.id, DECK_ID, "ankara")
    assert after == expected_state(profile, learnt, "ankara", Grade.AGAIN, clock.now)
    assert after is not None and after.lapses == 1 and after.state == fsrs.State.Relearning


# ---------------------------------------------------------------- overrule


def test_overrule_flips_the_verdict_the_rating_the_state_and_the_tally(
    store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(typed("ankara"), typed("baku"))], clock=clock)
    session.submit("Ankara")
    answered_at = clock.now
    clock.advance(seconds=20)
    original = session.submit("Bakoo")  # close, but the checker says no
    answered_at = clock.now
    assert (original.correct, session.score, session.streak) == (False, 1, 0)
    clock.advance(seconds=15)

    revised = session.overrule()

    assert (revised.verdict, revised.correct, revised.grade, revised.overruled) == (
        "correct",
        True,
        Grade.GOOD,
        True,
    )
    assert revised.given == "Bakoo" and session.last is revised
    [row] = store.history(profile.id, DECK_ID, "baku")
    assert (row.kind, row.undoes, row.verdict, row.rating) == ("overrule", original.review_id, "correct", 3)
    assert row.id == revised.review_id
    # The new state is the one the right grade gives from the state before the answer.
    assert store.state(profile.id, DECK_ID, "baku") == expected_state(
        profile, None, "baku", Grade.GOOD, answered_at
    )
    assert (session.score, session.streak, session.best_streak) == (2, 2, 2)

    again = session.overrule()  # changed one's mind again: wrong after all

    assert (again.verdict, again.correct, again.grade, again.overruled) == (
        "wrong",
        False,
        Grade.AGAIN,
        False,
    )
    [row] = store.history(profile.id, DECK_ID, "baku")
    assert (row.undoes, row.rating, row.verdict) == (revised.review_id, 1, "wrong")
    assert store.state(profile.id, DECK_ID, "baku") == expected_state(
        profile, None, "baku", Grade.AGAIN, answered_at
    )
    assert (session.score, session.streak, session.best_streak) == (1, 0, 1)


def test_overruling_twice_brings_back_the_first_verdict_and_its_grade(
    store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS["typed"])], clock=clock)
    answered_at = clock.now
    first = session.submit("Turkiye")  # right, with a diacritic forgiven: Hard
    assert (first.correct, first.grade, first.forgiven) == (True, Grade.HARD, ("diacritics",))
    assert session.overrule().grade == Grade.AGAIN  # "count it wrong"

    back = session.overrule()  # changed one's mind again

    assert (back.correct, back.exact, back.grade, back.forgiven, back.overruled) == (
        True,
        False,
        Grade.HARD,
        ("diacritics",),
        False,
    )
    [row] = store.history(profile.id, DECK_ID, "secretariat")
    assert (row.kind, row.verdict, row.rating) == ("overrule", "correct", 2)
    assert store.state(profile.id, DECK_ID, "secretariat") == expected_state(
        profile, None, "secretariat", Grade.HARD, answered_at
    )
    assert (session.score, session.streak) == (1, 1)


def test_overrule_on_a_card_in_review_starts_from_its_previous_state(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"))
    finish(Session(store, profile, [deck], clock=clock), clock)
    learnt = store.state(profile.id, DECK_ID, "ankara")
    assert learnt is not None
    clock.now = learnt.due + timedelta(days=1)
    session = Session(store, profile, [deck], clock=clock)
    answered_at = clock.now
    outcome = session.submit("Ankra")  # forgiven: Hard
    assert outcome.grade == Grade.HARD

    clock.advance(minutes=1)
    revised = session.overrule()

    assert (revised.correct, revised.grade) == (False, Grade.AGAIN)
    state = store.state(profile.id, DECK_ID, "ankara")
    assert state == expected_state(profile, learnt, "ankara", Grade.AGAIN, answered_at)
    assert state is not None and state.lapses == 1
    assert store.history(profile.id, DECK_ID, "ankara")[-1].previous == learnt
    session.overrule()  # back to the first verdict: a forgiven typo, Hard
    assert store.state(profile.id, DECK_ID, "ankara") == expected_state(
        profile, learnt, "ankara", Grade.HARD, answered_at
    )


def test_overruling_a_hinted_answer_to_right_counts_it_hard(
    store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS["typed"])], clock=clock)
    session.take_hint()
    session.submit("Greece")
    revised = session.overrule()
    assert (revised.correct, revised.hinted, revised.grade) == (True, True, Grade.HARD)
    assert store.history(profile.id, DECK_ID, "secretariat")[0].rating == 2


def test_overrule_keeps_the_question_on_screen_and_its_hint(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), CARDS["typed"])
    session = Session(store, profile, [deck], clock=clock)
    session.submit("Izmir")
    question = session.current
    assert question is not None and question.study.key == "secretariat"
    session.take_hint()

    session.overrule()  # about the answer before: the question now showing stays as it is

    assert session.current is question
    assert session.hinted
    assert session.submit("Türkiye").grade == Grade.HARD


def test_overrule_after_the_last_question_brings_a_wrong_card_back(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"))
    session = Session(store, profile, [deck], clock=clock)
    session.submit("Ankara")
    session.submit("Ankara")  # graduated: the session is over
    assert session.current is None
    session.overrule()  # that second answer was wrong after all: relearn it now
    assert session.current is not None and session.current.study.key == "ankara"


def test_what_cannot_be_overruled(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(CARDS["basic"], typed("ankara"))], clock=clock)
    with pytest.raises(SessionError):
        session.overrule()
    session.rate(Grade.HARD)
    with pytest.raises(SessionError):
        session.overrule()  # a self-rated card: undo it and rate it again


# ---------------------------------------------------------------- undo


def test_undo_makes_a_new_card_new_again_and_asks_it_again(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), typed("baku"), typed("astana"))
    session = Session(store, profile, [deck], clock=clock)
    first = session.current
    assert first is not None and first.study.key == "ankara"
    session.submit("Izmir")
    assert session.remaining == 3  # baku, astana, and ankara again

    clock.advance(seconds=10)
    question = session.undo()

    assert question is session.current and question.study is first.study
    assert store.state(profile.id, DECK_ID, "ankara") is None
    assert store.history(profile.id, DECK_ID, "ankara") == []
    assert session.remaining == 3 and session.done == 0 and session.last is None
    assert [*finish(session)][:3] == ["ankara", "baku", "astana"]
    assert [row.rating for row in store.history(profile.id, DECK_ID, "ankara")] == [3, 3]
    with pytest.raises(SessionError):
        Session(store, profile, [deck], clock=clock).undo()


def test_undo_restores_the_state_before_the_answer_exactly(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"))
    finish(Session(store, profile, [deck], clock=clock), clock)
    learnt = store.state(profile.id, DECK_ID, "ankara")
    assert learnt is not None
    clock.now = learnt.due + timedelta(hours=3)
    session = Session(store, profile, [deck], clock=clock)
    session.submit("Izmir")
    session.overrule()
    assert store.state(profile.id, DECK_ID, "ankara") != learnt

    session.undo()

    assert store.state(profile.id, DECK_ID, "ankara") == learnt
    assert session.current is not None and session.current.study.key == "ankara"
    assert len(store.history(profile.id, DECK_ID, "ankara")) == 2  # the two answers of the first session


def test_undo_restores_the_tally(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana", "bishkek")))
    session = Session(store, profile, [deck], count=4, clock=clock)
    for correct in (True, True, False):
        answer(session, correct)
    assert (session.score, session.streak, session.best_streak, session.done) == (2, 0, 2, 3)
    session.undo()
    assert (session.score, session.streak, session.best_streak, session.done) == (2, 2, 2, 2)
    session.undo()
    assert (session.score, session.streak, session.best_streak, session.done) == (1, 1, 1, 1)
    assert session.remaining == 3


def test_a_refused_undo_keeps_the_answer_in_the_session(store: Store, profile: Profile, clock: Clock) -> None:
    """Two sessions at once (the app and a plain run): one answers a card after the other did."""
    deck = make_deck(typed("ankara"))
    first = Session(store, profile, [deck], clock=clock)
    first.submit("Izmir")
    clock.advance(minutes=2)
    second = Session(store, profile, [deck], clock=clock)
    assert second.current is not None and second.current.study.key == "ankara"
    second.submit("Ankara")

    with pytest.raises(SessionError):
        first.undo()  # only the latest answer to a card can be undone
    with pytest.raises(SessionError):
        first.overrule()
    assert first.done == 1 and first.last is not None and not first.last.correct
    assert len(store.history(profile.id, DECK_ID, "ankara")) == 2
    second.undo()
    first.undo()  # now it is the latest again
    assert store.state(profile.id, DECK_ID, "ankara") is None


# ---------------------------------------------------------------- the queue


def test_due_reviews_come_before_new_cards(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana", "bishkek", "tashkent")))
    assert finish(Session(store, profile, [deck], count=2, clock=clock), clock) == ["ankara", "baku"]
    clock.advance(days=5)

    session = Session(store, profile, [deck], clock=clock)

    asked = finish(session, clock)
    assert sorted(asked[:2]) == ["ankara", "baku"]
    assert asked[2:5] == ["astana", "bishkek", "tashkent"]


def test_new_per_day_is_respected_across_sessions(store: Store, profile: Profile, clock: Clock) -> None:
    profile = store.save_settings(profile, Settings(new_per_day=2))
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana", "bishkek", "tashkent")))
    session = Session(store, profile, [deck], clock=clock)
    assert session.total == 2
    assert finish(session, clock) == ["ankara", "baku", "ankara", "baku"]

    clock.advance(hours=1)
    later = Session(store, profile, [deck], clock=clock)
    assert later.current is None and later.total == 0  # today's new cards are used up

    clock.advance(days=1)
    tomorrow = Session(store, profile, [deck], clock=clock)
    assert tomorrow.current is not None
    assert finish(tomorrow, clock)[:2] == ["astana", "bishkek"]


def test_siblings_are_not_asked_on_the_same_day(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck({**CARDS["basic"], "reverse": True}, CARDS["cloze"], typed("ankara"))
    session = Session(store, profile, [deck], clock=clock)
    assert set(finish(session, clock)) == {"capital", "renamed:1", "ankara"}

    clock.advance(hours=2)
    assert Session(store, profile, [deck], clock=clock).current is None

    clock.advance(days=1)
    tomorrow = Session(store, profile, [deck], clock=clock)
    assert set(finish(tomorrow, clock)) == {"capital:reverse", "renamed:2"}


def test_a_card_learnt_wrong_comes_back_in_the_same_session(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), typed("baku"), typed("astana"))
    session = Session(store, profile, [deck], clock=clock)
    assert session.total == 3
    session.submit("Izmir")
    state = store.state(profile.id, DECK_ID, "ankara")
    assert state is not None and (state.due - clock.now).total_seconds() <= LEARN_AHEAD_SECONDS
    assert session.remaining == 3

    asked = []
    while session.current is not None and session.current.study.key != "ankara":
        asked.append(session.current.study.key)
        session.submit(right(session.current))
    assert asked == ["baku", "astana"]
    assert session.current is not None and session.current.study.key == "ankara"


def test_a_card_due_beyond_the_learn_ahead_does_not_come_back(
    store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(CARDS["basic"], typed("ankara"))], clock=clock)
    session.rate(Grade.EASY)  # a week away
    assert session.remaining == 1
    state = store.state(profile.id, DECK_ID, "capital")
    assert state is not None and (state.due - clock.now).total_seconds() > LEARN_AHEAD_SECONDS
    session.submit("Ankara")  # ten minutes away: comes back
    assert session.remaining == 1 and session.current is not None
    assert session.current.study.key == "ankara"


def test_study_count_limits_the_queue(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana")))
    assert Session(store, profile, [deck], count=2, clock=clock).total == 2
    assert Session(store, profile, [deck], clock=clock).total == 3


def test_study_count_is_the_most_questions_asked_repeats_included(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana")))
    session = Session(store, profile, [deck], count=2, clock=clock)
    answer(session, correct=False)  # a card in its learning steps would come back...
    assert session.remaining == 1
    answer(session, correct=True)
    assert session.current is None and session.done == 2  # ...but two questions were asked for
    unlimited = Session(store, profile, [make_deck(typed("bishkek"), deck_id="other")], clock=clock)
    answer(unlimited, correct=False)
    assert unlimited.current is not None  # without a count, it does come back


def test_study_types_limit_the_cards(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(CARDS["basic"], CARDS["typed"], CARDS["choice"], CARDS["number"])
    session = Session(store, profile, [deck], types=["choice", "number"], clock=clock)
    assert {study for study in finish(session)} == {"seat", "founded"}


# ---------------------------------------------------------------- the summary


def test_summary_reports_the_session_and_records_it_once(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana", "bishkek")))
    session = Session(store, profile, [deck], clock=clock)
    started = clock.now
    outcomes = []
    for correct in (True, True, False, True):
        outcomes.append(answer(session, correct))
        clock.advance(seconds=20)

    summary = session.summary()

    assert (summary.mode, summary.questions, summary.correct, summary.best_streak) == ("study", 4, 3, 2)
    assert summary.accuracy == 0.75
    assert summary.missed == [outcomes[2]]
    assert summary.missed[0].question.study.key == "astana" and summary.missed[0].expected == "Astana"
    states = store.states(profile.id)
    assert summary.next_due == min(state.due for state in states.values())
    assert summary.next_due == states[(DECK_ID, "astana")].due  # wrong: a minute after its answer
    recorded = store.session(session.session_id)
    assert recorded["mode"] == "study" and recorded["deck_ids"] == [DECK_ID]
    assert recorded["started"] == started and recorded["finished"] == clock.now
    assert (recorded["questions"], recorded["correct"], recorded["best_streak"]) == (4, 3, 2)

    finished = clock.now
    clock.advance(minutes=5)
    again = session.summary()
    assert store.session(session.session_id)["finished"] == finished
    assert (again.questions, again.correct) == (4, 3)


def test_the_totals_are_saved_with_every_answer_and_close_finishes_once(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana", "bishkek")))
    session = Session(store, profile, [deck], clock=clock)

    def totals() -> tuple[Any, ...]:
        recorded = store.session(session.session_id)
        return (recorded["finished"], recorded["questions"], recorded["correct"], recorded["best_streak"])

    answer(session, True)
    answer(session, True)
    assert totals() == (None, 2, 2, 2)  # never closed (ctrl+q, a kill): still adds up
    answer(session, False)
    assert totals() == (None, 3, 2, 2)
    session.overrule()  # "I was right"
    assert totals() == (None, 3, 3, 3)
    session.undo()
    assert totals() == (None, 2, 2, 2)
    assert store.session(session.session_id)["seconds"] >= 0
    assert not session.closed
    session.close()
    assert session.closed and totals() == (clock.now, 2, 2, 2)
    finished = clock.now
    clock.advance(minutes=1)
    session.close()
    session.summary()
    assert totals() == (finished, 2, 2, 2)


def test_a_session_is_recorded_from_its_start(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(
        store,
        profile,
        [make_deck(CARDS["choice"])],
        mode="drill",
        count=1,
        seed="x",
        feedback=False,
        clock=clock,
    )
    recorded = store.session(session.session_id)
    assert recorded["finished"] is None and recorded["mode"] == "drill"
    assert recorded["settings"] == {"count": 1, "types": [], "seed": "x", "feedback": False, "planned": 1}
    assert session.feedback is False


def test_an_empty_session_summary(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck()], clock=clock)
    assert session.current is None and session.total == 0
    summary = session.summary()
    assert (summary.questions, summary.correct, summary.accuracy, summary.missed) == (0, 0, 0.0, [])
    assert summary.next_due is None
    assert store.session(session.session_id)["finished"] == clock.now


def test_a_card_missed_twice_is_listed_once(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(typed("ankara"))], clock=clock)
    first = session.submit("Izmir")
    clock.advance(minutes=1)
    session.submit("Izmir")
    clock.advance(minutes=1)
    session.submit("Ankara")
    summary = session.summary()
    assert (summary.questions, summary.correct) == (3, 1)
    assert summary.missed == [first]


def test_summary_next_due_counts_only_cards_of_the_decks(
    store: Store, profile: Profile, clock: Clock
) -> None:
    session = Session(store, profile, [make_deck(typed("ankara"), typed("baku"))], count=1, clock=clock)
    session.submit("Izmir")  # ankara: due in a minute
    clock.advance(seconds=30)
    session = Session(store, profile, [make_deck(typed("baku"))], clock=clock)  # ankara was removed
    session.submit("Baku")
    summary = session.summary()
    assert summary.next_due == store.state(profile.id, DECK_ID, "baku").due  # type: ignore[union-attr]


# ---------------------------------------------------------------- drill


def drill_sequence(session: Session) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """What a drill asks, in order, with the options as shown; answers alternate right and wrong."""
    asked = []
    correct = True
    while session.current is not None:
        question = session.current
        asked.append((question.study.key, question.options, question.lefts))
        answer(session, correct)
        correct = not correct
    return asked


def test_drill_asks_count_questions(store: Store, profile: Profile, clock: Clock) -> None:
    deck = DeckFile.model_validate(synthetic_document(30))
    session = Session(store, profile, [deck], mode="drill", count=7, clock=clock)
    assert session.total == 7
    asked = drill_sequence(session)
    assert len(asked) == 7 and len(set(asked)) == 7
    summary = session.summary()
    assert (summary.questions, summary.correct) == (7, 4)
    assert Session(store, profile, [deck], mode="drill", clock=clock).total == DRILL_COUNT == 10
    small = make_deck(typed("ankara"), typed("baku"))
    assert Session(store, profile, [small], mode="drill", count=10, clock=clock).total == 2


def test_drill_types_filter(store: Store, profile: Profile, clock: Clock) -> None:
    deck = DeckFile.model_validate(synthetic_document(45))
    session = Session(store, profile, [deck], mode="drill", count=100, types=["choice", "cloze"], clock=clock)
    expected = [study.key for study in deck.expand() if study.type in ("choice", "cloze")]
    assert session.total == len(expected) == 15  # 5 choice cards, and 5 clozes of 2 gaps
    asked = [key for key, _, _ in drill_sequence(session)]
    assert sorted(asked) == sorted(expected)


def test_a_seed_gives_the_same_drill_everywhere(
    store: Store, profile: Profile, clock: Clock, tmp_path: Path
) -> None:
    decks = [
        DeckFile.model_validate(synthetic_document(40, seed=1, deck_id="one")),
        DeckFile.model_validate(synthetic_document(40, seed=2, deck_id="two")),
    ]
    first = drill_sequence(Session(store, profile, decks, mode="drill", count=15, seed=42, clock=clock))
    second = drill_sequence(Session(store, profile, decks, mode="drill", count=15, seed=42, clock=clock))
    with Store.open(tmp_path / "elsewhere.sqlite3") as other:
        elsewhere = drill_sequence(
            Session(
                other, other.profile("someone"), decks[::-1], mode="drill", count=15, seed=42, clock=Clock()
            )
        )
    assert first == second == elsewhere
    assert any(options for _, options, _ in first)  # options were compared too
    different = drill_sequence(Session(store, profile, decks, mode="drill", count=15, seed=43, clock=clock))
    assert different != first
    assert store.states(profile.id) == {}


def test_a_drill_without_a_seed_varies(store: Store, profile: Profile, clock: Clock) -> None:
    deck = DeckFile.model_validate(synthetic_document(60))
    orders = {
        tuple(key for key, _, _ in drill_sequence(Session(store, profile, [deck], mode="drill", clock=clock)))
        for _ in range(3)
    }
    assert len(orders) > 1


# ---------------------------------------------------------------- editing decks


def test_editing_a_deck_never_loses_progress(store: Store, profile: Profile, clock: Clock) -> None:
    card = typed("nakhchivan", "2009", prompt="In which year was the agreement signed?")
    other = typed("baku")
    session = Session(store, profile, [make_deck(card, other)], count=1, clock=clock)
    session.submit("2008")
    state = store.state(profile.id, DECK_ID, "nakhchivan")
    assert state is not None
    clock.advance(minutes=5)

    # The prompt is reworded; the id is the same: the card keeps its state and is not new.
    reworded = {**card, "prompt": "The Nakhchivan Agreement was signed in which year?"}
    session = Session(store, profile, [make_deck(reworded, other)], clock=clock)
    assert store.state(profile.id, DECK_ID, "nakhchivan") == state
    question = session.current
    assert question is not None and question.study.key == "nakhchivan"
    assert question.text == "The Nakhchivan Agreement was signed in which year?"
    session.summary()

    # The card is removed: it is not asked, and its history stays.
    without = Session(store, profile, [make_deck(other)], clock=clock)
    assert without.total == 1 and without.current is not None and without.current.study.key == "baku"
    finish(without, clock)
    assert len(store.history(profile.id, DECK_ID, "nakhchivan")) == 1
    assert store.state(profile.id, DECK_ID, "nakhchivan") == state

    # It comes back: with its state, as a card in learning rather than a new one.
    clock.advance(days=1)
    back = Session(store, profile, [make_deck(other, reworded)], clock=clock)
    assert store.state(profile.id, DECK_ID, "nakhchivan") == state
    assert back.current is not None and back.current.study.key == "nakhchivan"
    back.submit("2009")
    assert store.state(profile.id, DECK_ID, "nakhchivan") == expected_state(
        profile, state, "nakhchivan", Grade.GOOD, clock.now
    )


def test_profiles_keep_progress_apart(store: Store, clock: Clock) -> None:
    deck = make_deck(typed("ankara"))
    alice, bob = store.profile("alice"), store.profile("bob")
    Session(store, alice, [deck], clock=clock).submit("Ankara")
    assert store.state(bob.id, DECK_ID, "ankara") is None
    session = Session(store, bob, [deck], clock=clock)
    assert session.current is not None  # still new for bob
    assert store.history(bob.id, DECK_ID, "ankara") == []


def test_new_cards_are_found_past_many_studied_ones(store: Store, profile: Profile, clock: Clock) -> None:
    # The first 900 cards studied long ago and not due: the new ones lie several stretches in.
    deck = make_deck(*(typed(f"card-{n}") for n in range(1_000)))
    scheduler = Scheduler()
    far = clock.now - timedelta(days=1)
    for n in range(900):
        state = scheduler.review(None, DECK_ID, f"card-{n}", Grade.EASY, far)
        state = state._replace(due=clock.now + timedelta(days=30))
        store.record(
            profile.id,
            session_id=None,
            mode="study",
            deck_id=DECK_ID,
            card_key=f"card-{n}",
            answer="x",
            verdict="correct",
            exact=True,
            rating=4,
            ms=1,
            new_state=state,
            when=far,
        )
    session = Session(store, profile, [deck], clock=clock)
    assert session.total == 20
    keys = []
    while session.current is not None:
        keys.append(session.current.study.key)
        session.submit(session.current.card.answer)
        clock.advance(days=1)  # answered right: not asked again today
    assert keys[:20] == [f"card-{n}" for n in range(900, 920)]


def test_a_due_card_no_longer_in_its_deck_is_not_asked(store: Store, profile: Profile, clock: Clock) -> None:
    scheduler = Scheduler()
    past = clock.now - timedelta(days=40)
    for key in ("gone", "kept"):
        store.record(
            profile.id,
            session_id=None,
            mode="study",
            deck_id=DECK_ID,
            card_key=key,
            answer="x",
            verdict="correct",
            exact=True,
            rating=3,
            ms=1,
            new_state=scheduler.review(None, DECK_ID, key, Grade.GOOD, past),
            when=past,
        )
    session = Session(store, profile, [make_deck(typed("kept"))], clock=clock)
    assert session.current is not None and session.current.study.key == "kept"
    assert session.total == 1
    assert store.state(profile.id, DECK_ID, "gone") is not None  # its history is kept


def test_remaining_by_state_counts_the_queue_by_the_cards_states(
    store: Store, profile: Profile, clock: Clock
) -> None:
    past = clock.now - timedelta(days=3)
    studied = {
        "relearn": CardState(DECK_ID, "relearn", State.Relearning, 0, 2.0, 6.0, past, past, 4, 1),
        "review": CardState(
            DECK_ID, "review", State.Review, None, 30.0, 5.0, past, past - timedelta(days=30), 3
        ),
    }
    for key, state in studied.items():
        store.record(
            profile.id,
            session_id=None,
            mode="study",
            deck_id=DECK_ID,
            card_key=key,
            answer="x",
            verdict="correct",
            exact=True,
            rating=3,
            ms=1,
            new_state=state,
            when=past,
        )
    deck = make_deck(*(typed(name) for name in ("relearn", "review", "ankara", "baku", "astana")))
    session = Session(store, profile, [deck], clock=clock)
    assert session.remaining_by_state() == Remaining(new=3, learning=1, review=1)
    assert session.current is not None and session.current.study.key == "relearn"  # steps first
    answer(session, False)  # still relearning, due in minutes: asked again in this session
    assert session.remaining_by_state() == Remaining(3, 1, 1)
    assert session.current is not None and session.current.study.key == "review"
    answer(session, True)  # back in weeks: done for this session
    assert session.remaining_by_state() == Remaining(3, 1, 0)
    assert session.current is not None and session.current.study.key == "ankara"
    answer(session, False)  # a new card in its learning steps
    assert session.remaining_by_state() == Remaining(2, 2, 0)
    session.undo()  # new again, and asked again
    assert session.remaining_by_state() == Remaining(3, 1, 0)
    assert sum(session.remaining_by_state()) == session.remaining
    finish(session, clock)
    assert session.remaining_by_state() == Remaining(0, 0, 0)

    drill = Session(store, profile, [deck], mode="drill", count=5, seed=3, clock=clock)
    expected = Remaining(0, 0, 0)
    for key in ("relearn", "review", "ankara", "baku", "astana"):
        state = store.state(profile.id, DECK_ID, key)
        field = "new" if state is None else "review" if state.state == State.Review else "learning"
        expected = expected._replace(**{field: getattr(expected, field) + 1})
    assert drill.remaining_by_state() == expected
    assert drill.current is not None
    first = store.state(profile.id, DECK_ID, drill.current.study.key)
    answer(drill, False)  # a drill changes no state: only the count goes down
    field = "new" if first is None else "review" if first.state == State.Review else "learning"
    assert drill.remaining_by_state() == expected._replace(**{field: getattr(expected, field) - 1})


# ---------------------------------------------------------------- the rules of a scored drill


def test_a_drill_refuses_undo_and_keeps_its_answer(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(typed("ankara"), typed("baku"))
    drill = Session(store, profile, [deck], mode="drill", count=2, seed=1, clock=clock)
    answer(drill, False)
    asked = drill.current
    assert not drill.can_undo
    with pytest.raises(SessionError, match="a drill's answers stand; undo is for study sessions"):
        drill.undo()
    assert (drill.done, drill.score, drill.current) == (1, 0, asked)
    assert drill.summary().questions == 1


def test_study_still_offers_undo(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(typed("ankara"))], clock=clock)
    assert not session.can_undo  # nothing answered yet
    answer(session, False)
    assert session.can_undo
    session.undo()
    assert session.done == 0


def test_a_no_feedback_drill_refuses_overrule_without_telling_the_verdict(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), typed("baku"))
    drill = Session(store, profile, [deck], mode="drill", count=2, seed=1, feedback=False, clock=clock)
    answer(drill, False)
    assert not drill.can_overrule
    with pytest.raises(SessionError) as refused:
        drill.overrule()
    message = str(refused.value)
    assert "feedback" in message and "right" not in message and "wrong" not in message
    assert drill.score == 0
    answer(drill, True)
    with pytest.raises(SessionError):
        drill.overrule()  # nor a right one: the message is the same whatever the verdict
    assert drill.summary().correct == 1


def test_a_drill_with_feedback_overrules_and_the_summary_counts_it_apart(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), typed("baku"), typed("astana"))
    drill = Session(store, profile, [deck], mode="drill", count=3, seed=1, clock=clock)
    answer(drill, False)
    assert drill.can_overrule
    assert drill.overrule().correct
    answer(drill, True)
    summary = drill.summary()
    assert (summary.questions, summary.correct, summary.overruled) == (2, 2, 1)


@pytest.mark.parametrize("mode", ["study", "drill"])
def test_nothing_given_is_never_overruled_to_right(
    mode: str, store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("ankara"), typed("baku"), CARDS["multi"])
    session = Session(store, profile, [deck], mode=mode, count=3, seed=2, clock=clock)  # type: ignore[arg-type]
    for give_nothing in (
        session.give_up,
        lambda: session.submit("" if session.current.form == "text" else set()),  # type: ignore[union-attr]
        lambda: session.submit("   " if session.current.form == "text" else set()),  # type: ignore[union-attr]
    ):
        outcome = give_nothing()
        assert outcome.blank and not outcome.correct
        assert not session.can_overrule
        with pytest.raises(SessionError, match="nothing was answered"):
            session.overrule()
    assert session.summary().correct == 0


def test_a_wrong_answer_given_is_not_blank(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(typed("ankara"))], clock=clock)
    assert not session.submit("Izmir").blank


def test_a_match_with_nothing_paired_is_blank(store: Store, profile: Profile, clock: Clock) -> None:
    session = Session(store, profile, [make_deck(CARDS["match"])], clock=clock)
    outcome = session.submit([None, None, None])
    assert outcome.blank and not outcome.correct and not session.can_overrule
    half = Session(store, profile, [make_deck(CARDS["match"], deck_id="other")], clock=clock)
    assert not half.submit([0, None, None]).blank  # something was paired: overrule stays possible
    assert half.can_overrule


def test_a_no_feedback_drill_asks_no_flashcards(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(CARDS["basic"], typed("ankara"), CARDS["choice"])
    drill = Session(store, profile, [deck], mode="drill", count=10, seed=3, feedback=False, clock=clock)
    assert drill.total == 2 and drill.flashcards_left_out == 1 and drill.empty_reason is None
    kinds = []
    while drill.current is not None:
        kinds.append(drill.current.form)
        answer(drill)
    assert "self" not in kinds and len(kinds) == 2
    # With feedback, a drill still asks them.
    with_feedback = Session(store, profile, [deck], mode="drill", count=10, seed=3, clock=clock)
    assert with_feedback.total == 3 and with_feedback.flashcards_left_out == 0


def test_a_no_feedback_drill_of_only_flashcards_says_why_it_is_empty(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(CARDS["basic"], typed("ankara"))
    drill = Session(
        store, profile, [deck], mode="drill", types=["basic"], feedback=False, seed=1, clock=clock
    )
    assert drill.current is None and drill.total == 0
    assert drill.empty_reason == "no questions: flashcards are not asked in a no-feedback drill"
    assert Session(store, profile, [make_deck()], mode="drill", clock=clock).empty_reason is None


def test_a_drill_ended_early_reports_what_was_answered_of_what_was_planned(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(*(typed(name) for name in ("ankara", "baku", "astana", "bishkek", "tashkent")))
    drill = Session(store, profile, [deck], mode="drill", count=4, seed=5, clock=clock)
    answer(drill, True)
    summary = drill.summary()
    assert (summary.questions, summary.correct, summary.planned, summary.unanswered) == (1, 1, 4, 3)
    assert summary.accuracy == 1.0 and summary.planned_accuracy == 0.25
    assert store.session(drill.session_id)["settings"]["planned"] == 4


def test_a_finished_session_has_nothing_unanswered(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(typed("ankara"), typed("baku"))
    drill = Session(store, profile, [deck], mode="drill", count=2, seed=5, clock=clock)
    finish(drill)
    summary = drill.summary()
    assert (summary.planned, summary.unanswered, summary.overruled) == (2, 0, 0)


# ---------------------------------------------------------------- the spelling that matched


def test_a_near_miss_of_an_accepted_spelling_is_shown_that_spelling(
    store: Store, profile: Profile, clock: Clock
) -> None:
    card = typed("nakhchivan", "Nakhchivan", accept=["Naxçıvan", "Nakhichevan"])
    deck = make_deck(card, language="az")
    outcome = Session(store, profile, [deck], clock=clock).submit("Naxcivan")
    assert outcome.correct and not outcome.exact and outcome.forgiven == ("diacritics",)
    assert (outcome.expected, outcome.main_answer) == ("Naxçıvan", "Nakhchivan")


def test_the_main_answer_matched_needs_no_also(store: Store, profile: Profile, clock: Clock) -> None:
    deck = make_deck(typed("nakhchivan", "Nakhchivan", accept=["Naxçıvan"]))
    outcome = Session(store, profile, [deck], clock=clock).submit("Nakhchivn")
    assert outcome.correct and (outcome.expected, outcome.main_answer) == ("Nakhchivan", "")
    wrong_answer = Session(store, profile, [make_deck(typed("baku"))], clock=clock).submit("Izmir")
    assert (wrong_answer.expected, wrong_answer.main_answer) == ("Baku", "")


def test_a_cloze_gap_shows_the_accepted_spelling_it_matched(
    store: Store, profile: Profile, clock: Clock
) -> None:
    cloze = {
        "id": "seat",
        "type": "cloze",
        "text": "It is {{Istanbul}}.",
        "accept": {"Istanbul": ["Constantinople"]},
    }
    outcome = Session(store, profile, [make_deck(cloze)], clock=clock).submit("Constantinopel")
    assert outcome.correct and outcome.forgiven == ("typo",)
    assert (outcome.expected, outcome.main_answer) == ("Constantinople", "Istanbul")


def test_overruling_an_accepted_spelling_to_wrong_shows_the_main_answer(
    store: Store, profile: Profile, clock: Clock
) -> None:
    deck = make_deck(typed("nakhchivan", "Nakhchivan", accept=["Naxçıvan"]), language="az")
    session = Session(store, profile, [deck], clock=clock)
    session.submit("Naxcivan")
    wrong_now = session.overrule()
    assert not wrong_now.correct and (wrong_now.expected, wrong_now.main_answer) == ("Nakhchivan", "")
    back = session.overrule()
    assert back.correct and (back.expected, back.main_answer) == ("Naxçıvan", "Nakhchivan")
