"""A room's results as ``otsquiz results`` prints them: text for the teacher, CSV for a spreadsheet.

Formatting only: the figures come from ``otsquiz.core.room.results``. Text from
outside (deck text, students' names and answers) is shown as written, through
``visible``, never as markup; the front end prints these strings as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from otsquiz.core.room.codes import spaced
from otsquiz.core.room.results import NEED_HELP_BELOW, RoomResults, RoomSummary
from otsquiz.core.store.rooms import RoomError, RoomTables
from otsquiz.core.store.values import from_us
from otsquiz.core.text import visible

CSV_COLUMNS = ("room", "date", "student", "question", "deck", "card", "given", "correct", "ms")
"""One row per student per question (``results_csv``)."""

# A spreadsheet runs a cell starting with one of these as a formula: a student's name is no formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def when(moment: datetime, tz: tzinfo | None = None) -> str:
    """A room's date as the teacher reads it, in local time (or ``tz``), to the minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def format_rooms(summaries: Sequence[RoomSummary], tz: tzinfo | None = None) -> str:
    """``otsquiz results``: every room, newest first, one line each."""
    if not summaries:
        return "No rooms yet."
    rows = [
        (
            f"#{room.id}",
            when(room.created, tz),
            spaced(room.code),
            ", ".join(visible(deck) for deck in room.deck_ids),
            str(room.students),
            str(room.questions),
            "" if room.ended is not None else "open",
        )
        for room in summaries
    ]
    return "\n".join(_table(("ROOM", "DATE", "CODE", "DECKS", "STUDENTS", "QUESTIONS", ""), rows))


def _counts(pairs: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{visible(text)} {count}" for text, count in pairs)


def format_results(results: RoomResults, tz: tzinfo | None = None) -> str:
    """``otsquiz results ROOM``: per question how the class did, then the students, then who needs help."""
    room = results.room
    lines = [
        f"Room {spaced(room.code)} (#{room.id}), {when(room.created, tz)}, "
        f"decks: {', '.join(visible(deck) for deck in room.deck_ids)}, seed {visible(room.seed)}",
        f"{room.students} student{'s' if room.students != 1 else ''}, "
        f"{len(results.questions)} question{'s' if len(results.questions) != 1 else ''} revealed",
    ]
    for question in results.questions:
        lines += [
            "",
            f"{question.position}. {visible(question.text)} ({visible(question.type)},"
            f" {visible(question.deck_id)}/{visible(question.card_key)})",
            f"   answer: {visible(question.expected)}",
            f"   right: {question.correct} of {question.students} ({question.share_correct:.0%}),"
            f" {question.answered} answered",
        ]
        if question.distractors:
            lines.append(
                f"   distractors chosen: {_counts((o.option, o.chosen) for o in question.distractors)}"
            )
        if question.wrong:
            lines.append(f"   wrong answers: {_counts(question.wrong)}")
    if results.students:
        teams = any(student.team is not None for student in results.students)
        header = ("STUDENT", *(("TEAM",) if teams else ()), "POINTS", "RIGHT", "ANSWERED")
        rows = [
            (
                visible(student.name) + (" (removed)" if student.removed else ""),
                *((visible(student.team or ""),) if teams else ()),
                str(student.points),
                f"{student.right} of {student.asked}",
                str(student.answered),
            )
            for student in results.students
        ]
        lines += ["", *_table(header, rows)]
    lines.append("")
    if results.need_help:
        helped = ", ".join(f"{visible(s.name)} ({s.right} of {s.asked})" for s in results.need_help)
        lines.append(f"Need help (right on fewer than {NEED_HELP_BELOW:.0%} of the questions): {helped}")
    else:
        lines.append("Need help: no one")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character is quoted away."""
    if text.startswith(_FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def results_csv(tables: RoomTables, room_ids: Iterable[int], tz: tzinfo | None = None) -> str:
    """``otsquiz results [ROOM] --csv``: a header, then per room, per revealed question, per student
    still in the room, what they gave (empty, with no ms, when they did not answer)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for room_id in room_ids:
        room = tables.room(room_id)
        if room is None:
            raise RoomError(f"There is no room #{room_id}.")
        date = when(from_us(room.created), tz)
        students = tables.students(room_id)
        given = {(a.position, a.student_id): a for a in tables.answers(room_id)}
        for question in tables.questions(room_id):
            if question.revealed is None:
                continue
            for student in students:
                answer = given.get((question.position, student.id))
                writer.writerow(
                    (
                        room.code,
                        date,
                        _cell(student.name),
                        question.position,
                        _cell(question.deck_id),
                        _cell(question.card_key),
                        "" if answer is None else _cell(answer.given),
                        int(answer is not None and answer.correct),
                        "" if answer is None else answer.ms,
                    )
                )
    return out.getvalue()
