"""The classroom's room in the core: codes, names, joining, questions, reveal, scoring, results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otsquiz.core.cards import Deck
from otsquiz.core.models import DeckFile
from otsquiz.core.questions import Question
from otsquiz.core.room import (
    ALPHABET,
    CODE_LENGTH,
    ROOM_TTL,
    Attempts,
    Room,
    RoomError,
    RoomOptions,
    find,
    normalise_code,
    scoring,
    team_names,
)
from otsquiz.core.room import names as room_names
from otsquiz.core.room.codes import new_code
from otsquiz.core.room.results import NEED_HELP_BELOW, results, rooms
from otsquiz.core.selection import SessionRequest
from otsquiz.core.store import Store, migrations

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

DOCUMENT: dict[str, Any] = {
    "format": 1,
    "deck": {"id": "class", "title": "Class"},
    "cards": [
        {"id": "capital", "type": "choice", "prompt": "Capital of Azerbaijan?", "answer": "Baku",
         "distractors": ["Ankara", "Astana", "Bishkek"], "explanation": "Baku is on the Caspian."},
        {"id": "members", "type": "multi", "prompt": "Members?", "answers": ["Turkey", "Kazakhstan"],
         "distractors": ["Hungary", "Iran"]},
        {"id": "observer", "type": "truefalse", "statement": "Hungary is an observer.", "answer": True},
        {"id": "city", "type": "typed", "prompt": "Where was the 2009 agreement signed?", "answer": "Nakhchivan"},
        {"id": "year", "type": "number", "prompt": "Founded in?", "answer": 2009},
        {"id": "flash", "type": "basic", "prompt": "Flashcard", "answer": "never asked in class"},
    ],
}  # fmt: skip


def room_deck() -> Deck:
    return DeckFile.model_validate(DOCUMENT).compile()


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


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_room(store: Store, clock: Clock, **options: Any) -> Room:
    return Room.open(store, [room_deck()], RoomOptions.build(count=5, **options), seed="7", clock=clock)


def position_of(room: Room, card_key: str) -> int:
    return next(n for n, question in enumerate(room.questions, 1) if question.study.key == card_key)


def right_response(question: Question) -> Any:
    card: Any = question.card
    if question.form == "choice":
        return question.options.index(card.answer)
    if question.form == "multi":
        return {question.options.index(answer) for answer in card.answers}
    if question.form == "truefalse":
        return card.answer
    return str(card.answer)


def wrong_response(question: Question) -> Any:
    card: Any = question.card
    if question.form == "choice":
        return next(i for i, option in enumerate(question.options) if option != card.answer)
    if question.form == "multi":
        return {next(i for i, option in enumerate(question.options) if option not in card.answers)}
    if question.form == "truefalse":
        return not card.answer
    return "nothing like it"


def run_question(
    room: Room, position: int, answers: dict[int, bool], clock: Clock, seconds: float = 1
) -> None:
    """Start ``position``, let each student answer right or wrong after ``seconds``, reveal."""
    question = room.start(position)
    clock.advance(seconds)
    for student_id, right in answers.items():
        room.answer(student_id, position, right_response(question) if right else wrong_response(question))
    room.reveal()


# ---------------------------------------------------------------- codes


def test_codes_are_long_enough_and_from_an_unambiguous_alphabet() -> None:
    assert not set("0O1IL") & set(ALPHABET)
    drawn = {new_code() for _ in range(500)}
    assert all(len(code) == CODE_LENGTH >= 6 and set(code) <= set(ALPHABET) for code in drawn)
    assert len(drawn) > 490  # random, not a sequence or a constant


@pytest.mark.parametrize("typed", ["abc-def", " ABC DEF ", "abcdef", "Abc_Def", "ab-cd-ef"])
def test_a_code_is_normalised_on_input(typed: str) -> None:
    assert normalise_code(typed) == "ABCDEF"


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDEFG", "ABCDE0", "ABCDEO", "ABCDE1", "ABCDEL", "ABC;DE"])
def test_what_cannot_be_a_code_is_none(typed: str) -> None:
    assert normalise_code(typed) is None


def test_a_code_is_unique_among_open_rooms(rstore: Store, clock: Clock) -> None:
    draws = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    first = Room.open(rstore, [room_deck()], seed="1", clock=clock, draw_code=lambda: next(draws))
    second = Room.open(rstore, [room_deck()], seed="1", clock=clock, draw_code=lambda: next(draws))
    assert (first.code, second.code) == ("AAAAAA", "BBBBBB")
    first.end()
    again = Room.open(rstore, [room_deck()], seed="1", clock=clock, draw_code=lambda: "AAAAAA")
    assert again.code == "AAAAAA"  # an ended room's code may come back
    found = find(rstore, "aaa-aaa", clock=clock)
    assert found is not None and found.id == again.id


def test_find_refuses_a_wrong_an_ended_and_an_expired_code(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    assert find(rstore, room.code.lower(), clock=clock) is not None
    assert find(rstore, "ZZZZZZ" if room.code != "ZZZZZZ" else "YYYYYY", clock=clock) is None
    assert find(rstore, "not a code", clock=clock) is None
    clock.advance(ROOM_TTL.total_seconds() - 60)
    assert find(rstore, room.code, clock=clock) is not None  # idle, but not for long enough
    room.join("Ali")  # activity keeps it open
    clock.advance(ROOM_TTL.total_seconds() - 60)
    assert find(rstore, room.code, clock=clock) is not None
    clock.advance(120)
    assert find(rstore, room.code, clock=clock) is None
    with pytest.raises(RoomError, match="ended"):
        room.join("Late")
    assert room.state().ended
    other = open_room(rstore, clock)
    other.end()
    assert find(rstore, other.code, clock=clock) is None


def test_attempts_are_limited_per_address_in_a_window() -> None:
    now = [0.0]
    attempts = Attempts(limit=3, window=60, clock=lambda: now[0])
    assert [attempts.allow("10.0.0.2") for _ in range(4)] == [True, True, True, False]
    assert attempts.allow("10.0.0.3")  # another device is not held back
    now[0] = 61
    assert attempts.allow("10.0.0.2")


# ---------------------------------------------------------------- the questions


def test_a_room_records_its_questions_as_shown_and_asks_no_flashcard(rstore: Store, clock: Clock) -> None:
    room = Room.open(rstore, [room_deck()], RoomOptions.build(count=10), seed="7", clock=clock)
    assert len(room.questions) == 5 and "flash" not in {q.study.key for q in room.questions}
    choice = room.questions[position_of(room, "capital") - 1]
    assert sorted(choice.options) == ["Ankara", "Astana", "Baku", "Bishkek"]
    # Another process (a student's) reads the same questions, options in the same order,
    # even if the deck's shuffling were to change: they come from the store.
    again = Room.load(rstore, room.id, [room_deck()], clock=clock)
    assert [(q.study.key, q.text, q.options) for q in again.questions] == [
        (q.study.key, q.text, q.options) for q in room.questions
    ]
    stored = rstore.connection.execute(
        "SELECT options FROM room_questions WHERE room_id = ? AND card_key = 'capital'", (room.id,)
    ).fetchone()[0]
    assert stored == '["' + '","'.join(choice.options) + '"]'


def test_a_room_opens_from_a_session_request(rstore: Store, clock: Clock) -> None:
    request = SessionRequest.build("drill", ["class"], count=2, types=["choice", "truefalse"], timer=15)
    options = RoomOptions.from_request(request, speed_points=True)
    room = Room.open(rstore, [room_deck()], options, seed="3", clock=clock)
    assert {q.type for q in room.questions} <= {"choice", "truefalse"} and len(room.questions) == 2
    assert room.options.seconds == 15 and room.options.speed_points and not room.options.streaks


def test_a_room_over_flashcards_only_is_refused(rstore: Store, clock: Clock) -> None:
    with pytest.raises(RoomError, match="no questions"):
        Room.open(rstore, [room_deck()], RoomOptions.build(types=["basic"]), clock=clock)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"count": 0}, "count"),
        ({"seconds": -1}, "time"),
        ({"scoreboard": "some"}, "scoreboard"),
        ({"names": "funny"}, "names"),
        ({"teams": 1}, "teams"),
        ({"teams": "Red,red"}, "teams"),
        ({"types": ["essay"]}, "essay"),
    ],
)
def test_bad_options_are_refused_with_a_message(options: dict[str, Any], message: str) -> None:
    with pytest.raises(RoomError, match=message):
        RoomOptions.build(**options)


def test_team_names_from_a_number_or_names() -> None:
    assert team_names(3) == ("Team 1", "Team 2", "Team 3")
    assert team_names("2") == ("Team 1", "Team 2")
    assert team_names("Red, Blue") == ("Red", "Blue")
    assert team_names(None) == ()


# ---------------------------------------------------------------- students


def test_joining_and_rejoining_with_the_token_keeps_answers_and_score(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    joined = room.join("Aygerim")
    position = position_of(room, "capital")
    question = room.start(position)
    room.answer(joined.student.id, position, right_response(question))
    room.reveal()
    # the device reloads: a new process, the same token
    later = Room.load(rstore, room.id, [room_deck()], clock=clock)
    student = later.rejoin(joined.token)
    assert student == joined.student
    answered = later.my_answer(student.id, position)
    assert answered is not None and answered.correct
    board = later.scoreboard(student.id)
    assert board.you is not None and (board.you.points, board.you.right) == (1, 1)
    assert later.rejoin("a-token-nobody-has") is None
    # the token itself is not in the database
    hashes = [row[0] for row in rstore.connection.execute("SELECT token_hash FROM room_students")]
    assert joined.token not in hashes and len(hashes[0]) == 64


def test_typed_names_clash_by_key_and_are_checked(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    room.join("  Ayşe   Kaya ")
    assert room.students()[0].name == "Ayşe Kaya"
    with pytest.raises(RoomError, match="already"):
        room.join("AYŞE KAYA")
    for bad in ("", "   ", "x" * (room_names.NAME_MAX + 1), "bell\x07", "right\u202eleft"):
        with pytest.raises(RoomError, match="name"):
            room.join(bad)
    assert len(room.students()) == 1


def test_a_name_that_looks_like_markup_is_kept_as_text(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    typed = "[bold red]Ali[/] $x <b>"
    joined = room.join(typed)
    assert joined.student.name == typed
    assert room.students()[0].name == typed
    assert room.scoreboard().top[0].name == typed


def test_generated_names_are_unique_in_the_room(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, names="generated")
    joined = [room.join("Typed names are ignored here") for _ in range(40)]
    generated = [j.student.name for j in joined]
    assert len({room_names.name_key(name) for name in generated}) == 40
    for name in generated:
        adjective, _, animal = name.partition(" ")
        assert adjective in room_names.ADJECTIVES and animal in room_names.ANIMALS


def test_generated_names_run_on_with_numbers_once_every_pair_is_taken() -> None:
    pairs = {room_names.name_key(f"{a} {b}") for a in room_names.ADJECTIVES for b in room_names.ANIMALS}
    name = room_names.generated_name(pairs)
    assert name.endswith(" 2") and room_names.name_key(name) not in pairs


def test_the_teacher_renames_removes_and_gives_extra_time(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, seconds=10)
    rude = room.join("Rude Name")
    other = room.join("Bora")
    with pytest.raises(RoomError, match="Another student"):
        room.rename(rude.student.id, "bora")
    renamed = room.rename(rude.student.id, "Student 1")
    assert renamed.name == "Student 1" and room.rejoin(rude.token) == renamed
    assert room.give_extra_time(other.student.id, 15).extra_seconds == 15
    room.start()
    position = room.state().position
    clock.advance(20)  # past the 10 s limit, within Bora's 25
    with pytest.raises(RoomError, match="Time is up"):
        room.answer(rude.student.id, position, right_response(room.question(position)))
    room.answer(other.student.id, position, right_response(room.question(position)))
    deadline = room.deadline(other.student.id)
    assert deadline is not None and deadline - room.deadline() == timedelta(seconds=15)  # type: ignore[operator]
    room.remove(rude.student.id)
    assert [s.name for s in room.students()] == ["Bora"]
    assert room.rejoin(rude.token) is None  # removed: the token no longer gets in
    again = room.join("Rude Name")  # the name is free again
    assert again.student.id != rude.student.id


# ---------------------------------------------------------------- running a question


def test_live_count_and_one_answer_per_student(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    students = [room.join(f"S{n}").student for n in range(3)]
    position = position_of(room, "capital")
    assert room.progress().answered == 0
    question = room.start(position)
    room.answer(students[0].id, position, right_response(question))
    room.answer(students[1].id, position, wrong_response(question))
    assert room.progress() == (position, 2, 3)
    with pytest.raises(RoomError, match="already"):
        room.answer(students[0].id, position, wrong_response(question))
    assert room.my_answer(students[0].id, position).correct  # type: ignore[union-attr]  # the first stands
    room.remove(students[1].id)
    assert room.progress() == (position, 1, 2)  # a removed student is counted nowhere
    room.reveal()
    with pytest.raises(RoomError, match="closed"):
        room.answer(students[2].id, position, right_response(question))
    with pytest.raises(RoomError, match="asked already"):
        room.start(position)


def test_a_question_must_be_revealed_before_the_next(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    student = room.join("Ali").student
    room.start(1)
    with pytest.raises(RoomError, match="reveal it first"):
        room.start(2)
    with pytest.raises(RoomError, match="closed"):
        room.answer(student.id, 2, 0)
    room.reveal()
    assert room.start().study == room.question(2).study  # next: question 2
    with pytest.raises(RoomError, match="no question"):
        room.start(99)


def test_a_malformed_response_is_refused_not_a_crash(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    student = room.join("Ali").student
    position = position_of(room, "members")
    room.start(position)
    for malformed in (None, {None, 1}, {"a": object()}, "text"):
        with pytest.raises(RoomError, match="no answer"):
            room.answer(student.id, position, malformed)
    assert room.progress().answered == 0


def test_reveal_counts_each_option_and_the_common_typed_answers(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    ids = [room.join(f"S{n}").student.id for n in range(5)]
    choice = position_of(room, "capital")
    question = room.start(choice)
    ankara = question.options.index("Ankara")
    for student_id, response in zip(ids, [right_response(question)] * 3 + [ankara, ankara], strict=True):
        room.answer(student_id, choice, response)
    reveal = room.reveal()
    assert (reveal.expected, reveal.explanation) == ("Baku", "Baku is on the Caspian.")
    counts = {option.option: (option.chosen, option.right) for option in reveal.options}
    assert counts == {"Baku": (3, True), "Ankara": (2, False), "Astana": (0, False), "Bishkek": (0, False)}
    assert [option.option for option in reveal.options] == list(question.options)  # in the order shown
    assert (reveal.answered, reveal.correct, reveal.students) == (5, 3, 5)

    members = position_of(room, "members")
    question = room.start(members)
    room.answer(ids[0], members, right_response(question))
    room.answer(ids[1], members, {question.options.index("Turkey"), question.options.index("Iran")})
    counts = {o.option: o.chosen for o in room.reveal().options}
    assert counts == {"Turkey": 2, "Kazakhstan": 1, "Iran": 1, "Hungary": 0}

    truefalse = position_of(room, "observer")
    room.start(truefalse)
    for student_id, said in zip(ids, [True, True, False, True, False], strict=True):
        room.answer(student_id, truefalse, said)
    assert [(o.option, o.chosen, o.right) for o in room.reveal().options] == [
        ("true", 3, True),
        ("false", 2, False),
    ]

    typed = position_of(room, "city")
    room.start(typed)
    for student_id, text in zip(ids, ["Nakhchivan", "baku", "Baku ", "nakhchivan", "BAKU"], strict=True):
        room.answer(student_id, typed, text)
    reveal = room.reveal()
    assert reveal.options == () and reveal.correct == 2
    assert reveal.common == (("baku", 3), ("Nakhchivan", 2))


# ---------------------------------------------------------------- scoring


def test_accuracy_only_by_default(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    fast, slow = room.join("Fast").student, room.join("Slow").student
    for position in (1, 2, 3):
        question = room.start(position)
        room.answer(fast.id, position, right_response(question))
        clock.advance(15)
        room.answer(slow.id, position, right_response(question) if position < 3 else wrong_response(question))
        room.reveal()
    board = room.scoreboard()
    assert [(s.name, s.points, s.right) for s in board.top] == [("Fast", 3, 3), ("Slow", 2, 2)]


def test_speed_points_reward_a_quick_right_answer(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, seconds=20, speed_points=True)
    fast, slow, wrong = (room.join(name).student for name in ("Fast", "Slow", "Wrong"))
    question = room.start(1)
    room.answer(fast.id, 1, right_response(question))  # at once: the whole bonus
    room.answer(wrong.id, 1, wrong_response(question))
    clock.advance(15)
    room.answer(slow.id, 1, right_response(question))  # a quarter of the time left
    room.reveal()
    points = {s.name: s.points for s in room.scoreboard().top}
    assert points == {"Fast": scoring.RIGHT + scoring.SPEED_BONUS, "Slow": scoring.RIGHT + 25, "Wrong": 0}


def test_streaks_reward_right_answers_in_a_row(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, streaks=True)
    steady, broken = room.join("Steady").student, room.join("Broken").student
    for position in (1, 2, 3, 4):
        run_question(room, position, {steady.id: True, broken.id: position != 2}, clock)
    points = {s.name: s.points for s in room.scoreboard().top}
    bonus = scoring.STREAK_BONUS
    assert points["Steady"] == 4 * scoring.RIGHT + bonus * (0 + 1 + 2 + 3)
    assert points["Broken"] == 3 * scoring.RIGHT + bonus * (0 + 0 + 1)
    # not answering breaks a streak too
    assert scoring.score([scoring.Facts(True, 0, None), None, scoring.Facts(True, 0, None)]).best_streak == 1


def test_the_scoreboard_shows_the_top_five_and_each_students_own_rank(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    students = [room.join(f"Student {n:02}").student for n in range(8)]
    # student n gets the first (8 - n) // 2 questions right (4, 3, 3, 2, 2, ...): ties share a rank
    for position in range(1, 5):
        run_question(room, position, {s.id: position <= (8 - n) // 2 for n, s in enumerate(students)}, clock)
    board = room.scoreboard(students[7].id)
    assert len(board.top) == 5 and board.students == 8
    assert [(s.rank, s.points) for s in board.top] == [(1, 4), (2, 3), (2, 3), (4, 2), (4, 2)]
    assert board.you is not None and (board.you.rank, board.you.points, board.you.name) == (
        8,
        0,
        "Student 07",
    )
    assert room.scoreboard(students[0].id).you.rank == 1  # type: ignore[union-attr]
    assert board.shown == "all"


def test_team_scores_are_averages_and_teams_stay_even(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, teams="Red,Blue")
    students = [room.join(f"S{n}").student for n in range(5)]
    sizes = sorted(sum(1 for s in students if s.team == team) for team in ("Red", "Blue"))
    assert sizes == [2, 3]
    run_question(room, 1, {s.id: s.team == "Red" or s.id == students[0].id for s in students}, clock)
    board = room.scoreboard()
    red = [s for s in students if s.team == "Red"]
    blue = [s for s in students if s.team == "Blue"]
    expected = {
        "Red": 1.0,
        "Blue": sum(1 for s in blue if s.id == students[0].id) / len(blue),
    }
    assert {t.name: t.points for t in board.teams} == expected
    assert {t.name: t.members for t in board.teams} == {"Red": len(red), "Blue": len(blue)}
    assert board.teams[0].rank == 1 and board.teams[0].name == "Red"


@given(st.lists(st.integers(0, 50), min_size=1, max_size=10), st.integers(1, 6))
def test_a_team_average_does_not_depend_on_team_size(points: list[int], copies: int) -> None:
    # a team of the same members repeated scores the same: size neither helps nor hurts
    small = scoring.team_scores({"t": points})["t"]
    large = scoring.team_scores({"t": points * copies})["t"]
    assert large == pytest.approx(small)
    assert min(points) <= small <= max(points)


facts = st.none() | st.builds(
    scoring.Facts, st.booleans(), st.integers(0, 60_000), st.none() | st.integers(1, 60_000)
)


@given(st.lists(facts, max_size=30), st.booleans(), st.booleans())
def test_points_count_right_answers_and_bonuses_only_add(
    answers: list[scoring.Facts | None], speed: bool, streaks: bool
) -> None:
    plain = scoring.score(answers)
    scored = scoring.score(answers, speed_points=speed, streaks=streaks)
    right = sum(1 for a in answers if a is not None and a.correct)
    assert plain.points == plain.right == scored.right == right  # accuracy only, by default
    assert scored.answered == sum(1 for a in answers if a is not None)
    if speed or streaks:
        most = (
            scoring.RIGHT + scoring.SPEED_BONUS * speed + scoring.STREAK_BONUS * scoring.STREAK_CAP * streaks
        )
        assert scoring.RIGHT * right <= scored.points <= most * right


def test_ranks_are_competition_ranks() -> None:
    assert scoring.ranks([5, 3, 5, 1, 3]) == [1, 3, 1, 5, 3]
    assert scoring.ranks([]) == []


# ---------------------------------------------------------------- after the bell


def test_results_per_room_question_and_student(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, teams=2)
    good, poor, _absent = (room.join(name).student for name in ("Good", "Poor", "Absent"))
    choice = position_of(room, "capital")
    question = room.start(choice)
    room.answer(good.id, choice, right_response(question))
    room.answer(poor.id, choice, question.options.index("Astana"))
    room.reveal()
    typed = position_of(room, "city")
    room.start(typed)
    room.answer(good.id, typed, "Nakhchivan")
    room.answer(poor.id, typed, "Baku")
    room.reveal()
    room.end()

    found = rooms(room.tables)
    assert [(r.id, r.students, r.questions, r.seed, r.deck_ids) for r in found] == [
        (room.id, 3, 2, "7", ("class",))
    ]
    assert found[0].created == START and found[0].ended is not None
    done = results(Room.load(rstore, room.id, [room_deck()], clock=clock))
    by_position = {q.position: q for q in done.questions}
    assert [q.position for q in done.questions] == sorted([choice, typed])  # in the order asked
    for position in (choice, typed):
        q = by_position[position]
        assert (q.answered, q.correct, q.share_correct) == (2, 1, pytest.approx(1 / 3))
    distractors = {o.option: o.chosen for o in by_position[choice].distractors}
    assert distractors == {"Ankara": 0, "Astana": 1, "Bishkek": 0}
    assert by_position[typed].common == (("Nakhchivan", 1), ("Baku", 1))
    assert [(s.name, s.right, s.asked) for s in done.students] == [
        ("Good", 2, 2),
        ("Absent", 0, 2),
        ("Poor", 0, 2),
    ]
    assert [s.name for s in done.need_help] == ["Absent", "Poor"]
    assert all(s.accuracy < NEED_HELP_BELOW for s in done.need_help)
    assert all(s.team in room.teams for s in done.students)


def test_rooms_lists_none_in_a_fresh_store(rstore: Store) -> None:
    from otsquiz.core.store.rooms import RoomTables

    assert rooms(RoomTables(rstore)) == []


def test_a_room_needs_its_decks(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    other = DeckFile.model_validate({**DOCUMENT, "deck": {"id": "other", "title": "Other"}}).compile()
    with pytest.raises(RoomError, match="class"):
        Room.load(rstore, room.id, [other], clock=clock)
    with pytest.raises(RoomError, match="no room"):
        Room.load(rstore, 999, [room_deck()], clock=clock)


def test_the_design_doc_states_the_rooms_numbers() -> None:
    from otsquiz.core.room.codes import ALPHABET as alphabet
    from otsquiz.core.store.rooms import LATE_GRACE_MS
    from tests.conftest import REPO
    from tests.test_docs import section

    text = " ".join(section(REPO / "docs" / "classroom.md", "## The room").split())
    pairs = len(room_names.ADJECTIVES) * len(room_names.ANIMALS)
    assert (6, timedelta(hours=4), 1000, 0.5) == (CODE_LENGTH, ROOM_TTL, LATE_GRACE_MS, NEED_HELP_BELOW)
    for fact in (
        f"Six characters from `{alphabet}`",
        "four hours after its last activity",
        "one second for the trip",
        f"1 to {room_names.NAME_MAX} printable characters",
        f"({pairs} pairs; then numbered)",
        f"a right answer is {scoring.RIGHT} points",
        f"adds up to {scoring.SPEED_BONUS} more",
        f"adds {scoring.STREAK_BONUS} for each right answer in a row before this one, up to {scoring.STREAK_CAP}",
        "fewer than half the questions",
        "gives the top 5",
    ):
        assert fact in text, fact
