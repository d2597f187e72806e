"""After the bell: a room's results as text and CSV, finding a room, and the warnings to deck authors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from otsquiz.core.models import DeckFile
from otsquiz.core.room import Room, RoomError, RoomOptions
from otsquiz.core.room.report import CSV_COLUMNS, format_results, format_rooms, results_csv
from otsquiz.core.room.results import (
    HARD_MIN_ANSWERS,
    TYPED_MIN_STUDENTS,
    UNPICKED_MIN_ANSWERS,
    author_problems,
    find_room,
    results,
    room_results,
    rooms,
)
from otsquiz.core.store import Store, migrations
from otsquiz.core.store.rooms import RoomTables
from tests.core.test_room import DOCUMENT, Clock, position_of, right_response, room_deck, wrong_response


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


def open_room(store: Store, clock: Clock, code: str = "ABCDEF", **options: Any) -> Room:
    return Room.open(
        store,
        [room_deck()],
        RoomOptions.build(count=5, **options),
        seed="7",
        clock=clock,
        draw_code=lambda: code,
    )


def ask(room: Room, clock: Clock, card_key: str, answers: dict[int, Any], seconds: float = 2) -> int:
    """Ask ``card_key``'s question; each student gives their response (True/False: right/wrong); reveal."""
    position = position_of(room, card_key)
    question = room.start(position)
    clock.advance(seconds)
    for student_id, response in answers.items():
        if response is True or response is False:
            response = right_response(question) if response else wrong_response(question)
        room.answer(student_id, position, response)
    room.reveal()
    return position


@pytest.fixture
def lesson(rstore: Store, clock: Clock) -> Room:
    """A finished room: a choice and a typed question revealed, one never asked, a student removed."""
    room = open_room(rstore, clock)
    good, poor, absent, gone = (
        room.join(name).student for name in ("Good", "[bold]Poor[/]", "=Absent", "Gone")
    )
    capital = room.question(position_of(room, "capital"))
    ask(room, clock, "capital", {good.id: True, poor.id: capital.options.index("Astana"), gone.id: False})
    room.remove(gone.id)
    ask(room, clock, "city", {good.id: "Nakhchivan", poor.id: " baku", absent.id: "Baku"}, seconds=3)
    room.end()
    return room


# ---------------------------------------------------------------- the text


def test_rooms_are_listed_newest_first(rstore: Store, clock: Clock, lesson: Room) -> None:
    clock.advance(3600)
    later = open_room(rstore, clock, code="XYZ234")
    assert format_rooms(rooms(later.tables), UTC) == "\n".join(
        [
            "ROOM  DATE              CODE     DECKS  STUDENTS  QUESTIONS",
            "#2    2026-12-04 10:00  XYZ-234  class  0         0          open",
            "#1    2026-12-04 09:00  ABC-DEF  class  4         2",
        ]
    )
    assert format_rooms([]) == "No rooms yet."


def test_a_rooms_results_as_text(lesson: Room) -> None:
    capital, city = position_of(lesson, "capital"), position_of(lesson, "city")
    assert city < capital  # the seed's order: listed by position
    assert format_results(room_results(lesson.tables, lesson.id), UTC) == "\n".join(
        [
            "Room ABC-DEF (#1), 2026-12-04 09:00, decks: class, seed 7",
            "4 students, 2 questions revealed",
            "",
            f"{city}. Where was the 2009 agreement signed? (typed, class/city)",
            "   answer: Nakhchivan",
            "   right: 1 of 3 (33%), 3 answered",
            "   wrong answers: baku 2",
            "",
            f"{capital}. Capital of Azerbaijan? (choice, class/capital)",
            "   answer: Baku",
            "   right: 1 of 3 (33%), 2 answered",  # the student removed no longer counts
            "   distractors chosen: Astana 1, Ankara 0, Bishkek 0",
            "",
            "STUDENT         POINTS  RIGHT   ANSWERED",
            "Good            2       2 of 2  2",
            "=Absent         0       0 of 2  1",
            "Gone (removed)  0       0 of 2  1",
            "[bold]Poor[/]   0       0 of 2  2",
            "",
            "Need help (right on fewer than 50% of the questions): =Absent (0 of 2), [bold]Poor[/] (0 of 2)",
        ]
    )


def test_text_from_outside_is_shown_as_written_and_teams_get_a_column(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock, teams="Red,Blue")
    student = room.join("Ali").student
    ask(room, clock, "city", {student.id: "Nak\x1b[2Jchivan\nx"})
    text = format_results(results(room), UTC)
    assert "wrong answers: Nak\\x1b[2Jchivan\\nx 1" in text and "\x1b" not in text
    lines = text.splitlines()
    assert lines[-4].split() == ["STUDENT", "TEAM", "POINTS", "RIGHT", "ANSWERED"]
    assert lines[-3].split()[:2] in (["Ali", "Red"], ["Ali", "Blue"])  # teams are drawn at random
    assert lines[-1] == "Need help (right on fewer than 50% of the questions): Ali (0 of 1)"


def test_no_one_needs_help_when_all_did_well(rstore: Store, clock: Clock) -> None:
    room = open_room(rstore, clock)
    student = room.join("Ali").student
    ask(room, clock, "capital", {student.id: True})
    assert format_results(results(room), UTC).endswith("\n\nNeed help: no one")


# ---------------------------------------------------------------- the CSV


def test_the_csv_has_a_row_per_student_per_question(lesson: Room) -> None:
    capital, city = position_of(lesson, "capital"), position_of(lesson, "city")
    text = results_csv(lesson.tables, [lesson.id], UTC)
    assert text == (
        "room,date,student,question,deck,card,given,correct,ms\n"
        f"ABCDEF,2026-12-04 09:00,Good,{city},class,city,Nakhchivan,1,3000\n"
        f"ABCDEF,2026-12-04 09:00,[bold]Poor[/],{city},class,city, baku,0,3000\n"
        f"ABCDEF,2026-12-04 09:00,'=Absent,{city},class,city,Baku,0,3000\n"
        f"ABCDEF,2026-12-04 09:00,Good,{capital},class,capital,Baku,1,2000\n"
        f"ABCDEF,2026-12-04 09:00,[bold]Poor[/],{capital},class,capital,Astana,0,2000\n"
        f"ABCDEF,2026-12-04 09:00,'=Absent,{capital},class,capital,,0,\n"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS


def test_the_csv_keeps_commas_quotes_and_numbers_and_quotes_away_formulas(
    rstore: Store, clock: Clock
) -> None:
    room = open_room(rstore, clock)
    names = ['Ayşe, "the" best', "+cmd", "@SUM(A1)", "-3", "=1+1"]
    ids = [room.join(name).student.id for name in names]
    ask(room, clock, "year", dict.fromkeys(ids, "-5"))
    rows = list(csv.reader(io.StringIO(results_csv(room.tables, [room.id], UTC))))[1:]
    assert [row[2] for row in rows] == ['Ayşe, "the" best', "'+cmd", "'@SUM(A1)", "-3", "'=1+1"]
    assert {row[6] for row in rows} == {"-5"}  # a number stays a number
    with pytest.raises(RoomError, match="no room #9"):
        results_csv(room.tables, [9])


# ---------------------------------------------------------------- finding a room


def test_a_room_is_found_by_code_or_id(rstore: Store, clock: Clock) -> None:
    first = open_room(rstore, clock, code="234567")
    first.end()
    clock.advance(60)
    second = open_room(rstore, clock, code="234567")  # an ended room's code came back
    tables = RoomTables(rstore)
    found = {
        text: getattr(find_room(tables, text), "id", None)
        for text in ("234-567", "#1", "1", " 2 ", "#7", "ZZZ")
    }
    assert found == {
        "234-567": second.id,
        "#1": first.id,
        "1": first.id,
        " 2 ": second.id,
        "#7": None,
        "ZZZ": None,
    }


# ---------------------------------------------------------------- warnings to authors


def class_of(store: Store, clock: Clock, size: int, code: str) -> tuple[Room, list[int]]:
    room = open_room(store, clock, code=code)
    return room, [room.join(f"S{n:02}").student.id for n in range(size)]


@pytest.mark.parametrize(
    ("answers", "right", "warned"),
    [(HARD_MIN_ANSWERS, 0, True), (HARD_MIN_ANSWERS - 1, 0, False), (5, 1, False), (6, 1, True)],
)
def test_a_question_almost_everyone_missed(
    rstore: Store, clock: Clock, answers: int, right: int, warned: bool
) -> None:
    # Over two rooms: the warning counts a card's answers in every room named.
    first, students = class_of(rstore, clock, 3, "AAAAAA")
    ask(first, clock, "capital", {s: n < right for n, s in enumerate(students[: min(3, answers)])})
    first.end()
    second, students = class_of(rstore, clock, 3, "BBBBBB")
    ask(second, clock, "capital", dict.fromkeys(students[: answers - 3], False))
    problems = author_problems(first.tables, [first.id, second.id], {"class": "decks/class.toml"})
    hard = [p for p in problems if "almost everyone missed" in p.message]
    assert bool(hard) == warned
    if warned:
        assert hard[0].format() == (
            f"decks/class.toml:1:1: warning: card capital: almost everyone missed it in class ({right} of"
            f" {answers} answers right): is the question unclear, or its answer wrong?"
        )


@pytest.mark.parametrize("answers", [UNPICKED_MIN_ANSWERS, UNPICKED_MIN_ANSWERS - 1])
def test_a_distractor_no_one_chose(rstore: Store, clock: Clock, answers: int) -> None:
    room, students = class_of(rstore, clock, answers, "AAAAAA")
    question = room.question(position_of(room, "capital"))
    astana = question.options.index("Astana")
    ask(room, clock, "capital", {s: astana if n == 0 else True for n, s in enumerate(students)})
    messages = [p.message for p in author_problems(room.tables, [room.id])]
    if answers < UNPICKED_MIN_ANSWERS:
        assert messages == []
    else:
        assert messages == [
            f"card capital: no one chose the distractor '{option}' in {answers} answers: a likelier one would test more"
            for option in ("Ankara", "Bishkek")
        ]
    assert all(
        p.path == "class" for p in author_problems(room.tables, [room.id])
    )  # no file known: the deck id


def test_a_wrong_typed_answer_several_students_gave(rstore: Store, clock: Clock) -> None:
    room, students = class_of(rstore, clock, 10, "AAAAAA")
    typed = ["Ordubad", "ordubad ", "ORDUBAD", "Julfa", "julfa", *["Nakhchivan"] * 5]
    assert typed.count("Nakhchivan") == 5 and TYPED_MIN_STUDENTS == 3
    ask(room, clock, "city", dict(zip(students, typed, strict=True)))
    ask(room, clock, "year", dict(zip(students, ["2008"] * 3 + ["2009"] * 7, strict=True)))
    assert [p.format() for p in author_problems(room.tables, [room.id, room.id])] == [
        "class:1:1: warning: card city: 3 students answered 'Ordubad', which the card does not accept:"
        " if it is right, add it to accept",
        "class:1:1: warning: card year: 3 students answered '2008', which the card does not accept:"
        " if it is right, add it to accept",
    ]  # a room named twice counts once
    fixed = dict(
        DOCUMENT,
        cards=[
            dict(card, accept=["Ordubad"]) if card["id"] == "city" else card for card in DOCUMENT["cards"]
        ],
    )
    now = DeckFile.model_validate(fixed).compile()
    messages = [p.message for p in author_problems(room.tables, [room.id], decks=[now])]
    assert [m.split(":")[0] for m in messages] == ["card year"]  # the author added it: no longer named
    assert len(author_problems(room.tables, [room.id], decks=[room_deck()])) == 2  # the deck as it was
    choice = {
        "id": "city",
        "type": "choice",
        "prompt": "Where?",
        "answer": "Ordubad",
        "distractors": ["Baku"],
    }
    changed = dict(DOCUMENT, cards=[choice if card["id"] == "city" else card for card in DOCUMENT["cards"]])
    retyped = DeckFile.model_validate(changed).compile()
    assert len(author_problems(room.tables, [room.id], decks=[retyped])) == 2  # another kind now: not judged


def test_warnings_need_a_room_that_exists(rstore: Store) -> None:
    with pytest.raises(RoomError, match="no room #3"):
        author_problems(RoomTables(rstore), [3])
    assert author_problems(RoomTables(rstore), []) == []
