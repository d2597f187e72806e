"""The presenter of ``otsquiz class``: lobby, question, reveal, scoreboard and final, driven by keys.

Students join and answer through the core (``Room``) from the test, as their
processes would through the store; the app's poll is called directly (its
timer is off), and the room's clock is the test's, so nothing waits.

The snapshots (at the end) have a fixed room code, seed, clock and team draw;
accept a deliberate change with ``pytest tests/tui/test_presenter.py --snapshot-update``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from otsquiz.core.room import Room, RoomOptions
from otsquiz.core.room import room as room_module
from otsquiz.core.scheduling import Grade
from otsquiz.core.store import Store
from otsquiz.tui.classroom import bigtext
from otsquiz.tui.classroom.presenter import EXTRA_SECONDS, PresenterApp, RosterScreen, bar, bar_width
from otsquiz.tui.classroom.qr import qr_lines
from tests.core.test_room import Clock, right_response, room_deck, wrong_response

CODE = "KTR9WX"


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open() as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_room(store: Store, clock: Clock, **options: Any) -> Room:
    options.setdefault("count", 5)
    return Room.open(
        store, [room_deck()], RoomOptions.build(**options), seed="7", clock=clock, draw_code=lambda: CODE
    )


def presenter(room: Room, **options: Any) -> PresenterApp:
    app = PresenterApp(room, poll_seconds=None, **options)
    app.animation_level = "none"
    return app


def text_of(app: PresenterApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


# ---------------------------------------------------------------- pure helpers


def test_every_code_character_has_a_glyph_and_the_glyphs_differ() -> None:
    from otsquiz.core.room import ALPHABET

    assert set(ALPHABET) | {"-"} <= set(bigtext.FONT)
    assert len(set(bigtext.FONT.values())) == len(bigtext.FONT)
    assert all(
        len(glyph) == bigtext.HEIGHT and {len(row) for row in glyph} == {5} for glyph in bigtext.FONT.values()
    )


def test_block_letters_fit_the_width_they_are_given() -> None:
    code = "KTR-9WX"
    assert bigtext.fitting_pixel(code, 45) == (1, 1)  # 80 columns beside a QR code
    assert bigtext.fitting_pixel(code, 78) == (2, 1)
    assert bigtext.fitting_pixel(code, 150) == (4, 2)
    assert bigtext.fitting_pixel(code, 150, rows=5) == (2, 1)
    assert bigtext.fitting_pixel(code, 30) is None
    lines = bigtext.block_letters(code, (2, 1)).split("\n")
    assert len(lines) == 5 and max(map(len, lines)) == bigtext.width(code, (2, 1))


def test_a_qr_code_is_two_module_rows_a_line_of_half_blocks() -> None:
    import segno

    lines = qr_lines("http://10.0.0.5:8000")
    size = segno.make("http://10.0.0.5:8000", error="m").symbol_size(border=2)[0]
    assert len(lines) == (size + 1) // 2 and {len(line) for line in lines} == {size}
    assert set("".join(lines)) <= set("█▀▄ ")
    assert lines[0] == "█" * size  # the quiet zone is light: drawn


def test_bars_are_proportional_and_a_vote_is_never_invisible() -> None:
    assert bar_width(80) < bar_width(160) <= 60 and bar_width(20) == 10
    assert bar(10, 10, 30) == "█" * 30
    assert bar(1, 100, 30) == "█"
    assert bar(0, 10) == "" and bar(3, 0) == ""


# ---------------------------------------------------------------- the lobby


async def test_the_lobby_shows_the_code_and_the_students_as_they_join(store: Store, clock: Clock) -> None:
    room = open_room(store, clock)
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.view == "lobby"
        assert "KTR-9WX" in text_of(app, "#join")
        assert bigtext.block_letters("KTR-9WX", (2, 1)).split("\n")[0] in text_of(app, "#code")
        assert text_of(app, "#joined") == "No one has joined yet"
        room.join("Ayşe")
        room.join("[bold]Ali[/]")
        app.poll()
        await pilot.pause()
        assert text_of(app, "#joined") == "2 students joined"
        assert text_of(app, "#students") == "Ayşe   [bold]Ali[/]"  # as typed, never markup


async def test_the_lobby_with_an_address_shows_it_and_its_qr_code(store: Store, clock: Clock) -> None:
    room = open_room(store, clock)
    app = presenter(room, address="http://10.0.0.5:8000")
    async with app.run_test(size=(80, 24)):
        assert "In a browser: http://10.0.0.5:8000" in text_of(app, "#join")
        assert text_of(app, "#qr").split("\n") == qr_lines("http://10.0.0.5:8000")


# ---------------------------------------------------------------- a question and its reveal


async def test_a_question_counts_answers_then_reveals_a_bar_per_option(store: Store, clock: Clock) -> None:
    room = open_room(store, clock, types=["choice"], count=1)
    ayse, ali, can = (room.join(name).student for name in ("Ayşe", "Ali", "Can"))
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert app.view == "question" and room.state().phase == "question"
        question = room.question(1)
        assert text_of(app, "#heading") == "Question 1 of 1"
        assert text_of(app, "#question-text") == question.text
        assert text_of(app, "#options").split("\n") == [
            f"{letter}  {option}" for letter, option in zip("ABCD", question.options, strict=True)
        ]
        assert text_of(app, "#progress") == "0 of 3 answered"
        assert text_of(app, "#countdown") == "20 s"
        clock.advance(5)
        room.answer(ayse.id, 1, right_response(question))
        room.answer(ali.id, 1, right_response(question))
        app.poll()
        assert text_of(app, "#progress") == "2 of 3 answered"
        assert text_of(app, "#countdown") == "15 s"
        room.answer(can.id, 1, wrong_response(question))
        app.poll()
        assert text_of(app, "#progress") == "3 of 3 answered"

        await pilot.press("enter")
        assert app.view == "revealed" and room.state().phase == "revealed"
        assert text_of(app, "#answer") == "Answer: Baku"
        assert text_of(app, "#explanation") == "Baku is on the Caspian."
        bars = dict(zip(question.options, text_of(app, "#bars").split("\n"), strict=True))
        longest = bar_width(80)
        assert bars["Baku"].startswith("✓") and bars["Baku"].endswith("█" * longest + " 2")
        wrong = question.options[wrong_response(question)]
        assert bars[wrong].startswith(" ") and bars[wrong].endswith("█" * round(longest / 2) + " 1")
        styles = {str(span.style) for span in app.query_one("#bars", Static).render().spans}
        assert styles == {"bold green"}  # the right option's row, and no markup from the deck
        assert text_of(app, "#share") == "2 of 3 students right"


async def test_on_a_big_screen_the_countdown_and_the_count_are_in_block_letters(
    store: Store, clock: Clock
) -> None:
    room = open_room(store, clock)
    room.join("Ayşe")
    app = presenter(room)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        assert text_of(app, "#progress") == bigtext.block_letters("0/1", (2, 1)) + "\nanswered"
        assert text_of(app, "#countdown") == bigtext.block_letters("20", (2, 1)) + "\nseconds"


async def test_a_typed_question_reveals_the_most_common_answers(store: Store, clock: Clock) -> None:
    room = open_room(store, clock, types=["typed"], count=1)
    students = [room.join(name).student for name in ("Ayşe", "Ali", "Can")]
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert text_of(app, "#options") == "Type the answer."
        for student, given in zip(students, ("Nakhchivan", "nakhchivan", "Baku"), strict=True):
            room.answer(student.id, 1, given)
        await pilot.press("enter")
        lines = text_of(app, "#bars").split("\n")
        assert lines[0] == "Most common answers:"
        assert lines[1].split() == ["Nakhchivan", "█" * bar_width(80), "2"]
        assert lines[2].split() == ["Baku", "█" * round(bar_width(80) / 2), "1"]


async def test_when_time_runs_out_the_question_is_revealed_after_the_longest_extra_time(
    store: Store, clock: Clock
) -> None:
    room = open_room(store, clock, count=2, seconds=10)
    slow = room.join("Ayşe").student
    room.give_extra_time(slow.id, 5)
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        clock.advance(11)
        app.poll()
        await pilot.pause()
        assert app.view == "question" and text_of(app, "#countdown") == "extra time: 4 s"
        clock.advance(4)
        app.poll()
        await pilot.pause()
        assert app.view == "revealed" and room.state().phase == "revealed"


async def test_no_time_limit_shows_no_countdown_and_never_reveals_by_itself(
    store: Store, clock: Clock
) -> None:
    room = open_room(store, clock, seconds=0)
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        clock.advance(3600)
        app.poll()
        await pilot.pause()
        assert app.view == "question" and text_of(app, "#countdown") == ""


# ---------------------------------------------------------------- scoreboard and end


async def test_scoreboard_then_next_questions_then_the_final_ranking_and_summary(
    store: Store, clock: Clock
) -> None:
    room = open_room(store, clock, count=2, teams="Red,Blue")
    ayse, ali = room.join("Ayşe").student, room.join("Ali", profile_id=store.profile("Ali").id).student
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        for position in (1, 2):
            await pilot.press("enter")
            question = room.question(position)
            room.answer(ayse.id, position, right_response(question))
            if position == 1:
                room.answer(ali.id, position, wrong_response(question))
            await pilot.press("enter", "enter")
            assert app.view == "scoreboard"
            ranking = text_of(app, "#ranking").split("\n")
            assert ranking[0].split()[:4] == ["1.", "Ayşe", str(position), "point" + "s" * (position > 1)]
            assert ranking[1].split()[:4] == ["2.", "Ali", "0", "points"]
            teams = text_of(app, "#teams").split("\n")
            assert teams[0] == "Teams (average points):" and len(teams) == 3
        await pilot.press("enter")
        assert app.view == "final" and room.state().ended
        # The end carries Ali's miss into his own schedule (the bridge), as an Again.
        logged = store.connection.execute("SELECT profile_id, rating FROM review_log").fetchall()
        assert [tuple(row) for row in logged] == [(store.profile("Ali").id, int(Grade.AGAIN))]
        assert text_of(app, "#ranking").split("\n")[0].split()[:3] == ["1.", "Ayşe", "2"]
        summary = text_of(app, "#summary").split("\n")
        assert [line.split()[:3] for line in summary] == [["1.", "50", "%"], ["2.", "50", "%"]]
        await pilot.press("enter")  # nothing after the end
        assert app.view == "final"


async def test_with_no_scoreboard_the_reveal_goes_to_the_next_question(store: Store, clock: Clock) -> None:
    room = open_room(store, clock, count=2, scoreboard="none")
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        assert text_of(app, ".keys") == "enter: the next question"
        await pilot.press("enter")
        assert app.view == "question" and app.position == 2
        await pilot.press("enter", "enter")
        assert app.view == "final" and not app.query("#ranking")


# ---------------------------------------------------------------- the teacher's actions


async def test_the_roster_gives_extra_time_renames_and_removes(store: Store, clock: Clock) -> None:
    room = open_room(store, clock)
    ayse = room.join("Ayşe").student
    room.join("Ali")
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("plus")
        assert room.students()[0].extra_seconds == EXTRA_SECONDS
        assert str(app.screen.query_one(OptionList).get_option_at_index(0).prompt) == "Ayşe  +10 s"
        await pilot.press("r", "ctrl+u", *"Aysel", "enter")
        assert [s.name for s in room.students()] == ["Aysel", "Ali"]
        await pilot.press("down", "x", "y")
        assert [s.name for s in room.students()] == ["Aysel"]
        await pilot.press("r", "ctrl+u", *"Aysel", "enter")  # no change: nothing to do
        await pilot.press("escape")
        assert not isinstance(app.screen, RosterScreen)
        assert text_of(app, "#students") == "Aysel"
        assert room.students()[0].id == ayse.id


async def test_a_taken_name_is_refused_with_its_message(store: Store, clock: Clock) -> None:
    room = open_room(store, clock)
    room.join("Ayşe")
    room.join("Ali")
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "r", "ctrl+u", *"ali", "enter")
        await pilot.pause()
        assert [s.name for s in room.students()] == ["Ayşe", "Ali"]
        assert [n.message for n in app._notifications] == ["Another student in the room has that name."]


# ---------------------------------------------------------------- resuming


@pytest.mark.parametrize("phase", ["question", "revealed", "ended"])
async def test_a_resumed_presenter_shows_where_the_room_is(store: Store, clock: Clock, phase: str) -> None:
    room = open_room(store, clock, count=3)
    student = room.join("Ayşe").student
    room.start(1)
    room.answer(student.id, 1, right_response(room.question(1)))
    room.reveal()
    room.start(2)
    if phase != "question":
        room.reveal()
    if phase == "ended":
        room.end()
    app = presenter(Room.load(store, room.id, [room_deck()], clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        expected = {"question": "question", "revealed": "revealed", "ended": "final"}[phase]
        assert app.view == expected
        if phase == "question":
            assert text_of(app, "#heading") == "Question 2 of 3"
            assert text_of(app, "#progress") == "0 of 1 answered"
            await pilot.press("enter")
            assert app.view == "revealed"
        if phase == "revealed":
            await pilot.press("enter", "enter")
            assert app.view == "question" and app.position == 3


async def test_a_database_that_fails_ends_the_presenter_with_its_message(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otsquiz.core.store import StoreError

    room = open_room(store, clock)
    app = presenter(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")

        def failing() -> None:
            raise StoreError("Progress database error (disk I/O error).")

        monkeypatch.setattr(room, "progress", failing)
        app.poll()
        await pilot.pause()
    assert app.return_code == 1


# ---------------------------------------------------------------- snapshots

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]
VIEWS = ["lobby", "question", "revealed", "scoreboard", "final"]

SnapCompare = Any


@pytest.fixture(autouse=True)
def teams_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """A student joins a smallest team at random (secrets); take the first, so screens do not vary."""
    fixed = SimpleNamespace(
        choice=lambda items: items[0], randbelow=secrets.randbelow, token_urlsafe=secrets.token_urlsafe
    )
    monkeypatch.setattr(room_module, "secrets", fixed)


def classroom(store: Store, clock: Clock) -> Room:
    room = open_room(store, clock, count=2, types=["choice", "multi"], teams="Red,Blue")
    for name in ("Ayşe", "[bold]Ali[/]", "Can", "Deniz"):
        room.join(name)
    return room


def answer(room: Room, position: int, students: int) -> None:
    """The first ``students`` answer, three seconds in: every other one wrong on question 1."""
    question = room.question(position)
    room.clock.advance(3)  # type: ignore[attr-defined]  # the test's Clock
    for number, student in enumerate(room.students()[:students]):
        right = number % 2 == 0 or position == 2
        room.answer(student.id, position, right_response(question) if right else wrong_response(question))


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("size", SIZES)
def test_presenter(
    snap_compare: SnapCompare,
    store: Store,
    clock: Clock,
    view: str,
    size: tuple[int, int],
) -> None:
    room = classroom(store, clock)
    app = presenter(room, address="http://10.0.0.5:8000")
    steps = VIEWS.index(view)

    async def run_before(pilot: Pilot[Any]) -> None:
        if steps >= 1:
            await pilot.press("enter")
            answer(room, 1, 3)
            app.poll()  # as its timer would
        if steps >= 2:
            await pilot.press("enter")
        if steps >= 3:
            await pilot.press("enter")
        if steps >= 4:
            await pilot.press("enter")
            answer(room, 2, 4)
            await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert app.view == view

    assert snap_compare(app, terminal_size=size, run_before=run_before)
