"""A room across processes: students answering at once, a presenter killed and resumed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from otsquiz.core.room import Room
from otsquiz.core.store import Store, migrations
from tests.core.test_room import add_room_tables, right_response, room_deck, wrong_response
from tests.core.test_store import child_env

# Each child opens the store as a student's or the presenter's app would, with the room's tables.
PRELUDE = textwrap.dedent(
    """
    import sys
    from otsquiz.core.room import Room
    from otsquiz.core.store import Store
    from tests.core.test_room import add_room_tables, right_response, room_deck, wrong_response

    add_room_tables()
    store = Store.open(sys.argv[1])
    """
)

STUDENT = PRELUDE + textwrap.dedent(
    """
    room = Room.load(store, int(sys.argv[2]), [room_deck()])
    joined = room.join(sys.argv[3])
    print(joined.student.id, flush=True)
    position = int(sys.stdin.readline())  # "go": the question is running
    question = room.question(position)
    right = int(sys.argv[4])
    answered = room.answer(joined.student.id, position, right_response(question) if right else wrong_response(question))
    print(int(answered.correct), flush=True)
    store.close()
    """
)

PRESENTER = PRELUDE + textwrap.dedent(
    """
    room = Room.open(store, [room_deck()], seed="7")
    student = room.join("Early")
    question = room.start(1)
    room.answer(student.student.id, 1, right_response(question))
    room.reveal()
    room.start(2)
    print(room.id, student.token, flush=True)
    sys.stdin.readline()  # holds the room mid-question until killed
    """
)


@pytest.fixture(autouse=True)
def room_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", list(migrations.MIGRATIONS))
    add_room_tables()


def spawn(script: str, *args: str, home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(home),
    )


def test_students_in_separate_processes_answering_at_once_are_all_recorded(
    db_path: Path, otsquiz_home: Path
) -> None:
    with Store.open(db_path) as store:
        room = Room.open(store, [room_deck()], seed="7")
        students = 8
        children = [
            spawn(STUDENT, str(db_path), str(room.id), f"Student {n}", str(n % 2), home=otsquiz_home)
            for n in range(students)
        ]
        try:
            ids = []
            for child in children:
                assert child.stdout is not None
                ids.append(int(child.stdout.readline()))
            assert room.progress() == (0, 0, students)
            room.start(1)
            for child in children:  # release them as close together as we can
                assert child.stdin is not None
                child.stdin.write("1\n")
                child.stdin.flush()
            outputs = [child.communicate(timeout=120) for child in children]
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        for child, (_, errors) in zip(children, outputs, strict=True):
            assert child.returncode == 0, errors
        assert [int(out) for out, _ in outputs] == [n % 2 for n in range(students)]
        assert room.progress() == (1, students, students)
        reveal = room.reveal()
        assert (reveal.answered, reveal.correct) == (students, students // 2)
        assert sorted(row.student_id for row in room.tables.answers(room.id, 1)) == sorted(ids)
        assert store.check(full=True) == []


def test_a_presenter_killed_mid_room_is_resumed_from_the_database(db_path: Path, otsquiz_home: Path) -> None:
    presenter = spawn(PRESENTER, str(db_path), home=otsquiz_home)
    assert presenter.stdout is not None
    try:
        line = presenter.stdout.readline()
        assert line, presenter.stderr.read() if presenter.stderr else ""
        room_id, token = line.split()
    finally:
        presenter.kill()  # SIGKILL, mid-question: nothing gets to close the room
        presenter.wait(timeout=30)
        for stream in (presenter.stdin, presenter.stdout, presenter.stderr):
            if stream is not None:
                stream.close()
    with Store.open(db_path) as store:
        room = Room.load(store, int(room_id), [room_deck()])
        state = room.state()
        assert (state.phase, state.position, state.ended) == ("question", 2, False)
        early = room.rejoin(token)
        assert early is not None and early.name == "Early"
        late = room.join("Late").student
        room.answer(early.id, 2, wrong_response(room.question(2)))
        room.answer(late.id, 2, right_response(room.question(2)))
        assert room.progress() == (2, 2, 2)
        room.reveal()
        assert room.start().study == room.question(3).study
        board = room.scoreboard(early.id)
        assert board.you is not None and (board.you.right, board.you.answered) == (1, 2)
        assert {s.name: s.points for s in board.top} == {"Early": 1, "Late": 1}


def test_a_student_process_killed_mid_question_keeps_earlier_answers(
    db_path: Path, otsquiz_home: Path
) -> None:
    with Store.open(db_path) as store:
        room = Room.open(store, [room_deck()], seed="7")
        child = spawn(STUDENT, str(db_path), str(room.id), "Dropped", "1", home=otsquiz_home)
        assert child.stdout is not None and child.stdin is not None
        student_id = int(child.stdout.readline())
        room.start(1)
        child.stdin.write("1\n")
        child.stdin.flush()
        assert child.stdout.readline() == "1\n"  # answered and committed...
        child.kill()  # ...then the device drops
        child.wait(timeout=30)
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()
        room.reveal()
        room.start(2)  # the room goes on without them
        assert room.progress() == (2, 0, 1)
        room.reveal()
        board = room.scoreboard(student_id)
        assert board.you is not None and (board.you.right, board.you.answered) == (1, 1)
