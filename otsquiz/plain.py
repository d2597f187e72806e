"""The plain line mode: a session on stdin and stdout, for screen readers, scripts and pipes.

Each question is printed as text (numbered options where there are any),
one line of input answers it, and the verdict follows with the exact answer,
the explanation and the source. Lines starting with ':' are commands
(:hint, :idk, :undo, :overrule, :quit). The end of input ends the session
cleanly; every answer was already saved when its verdict was printed.

At a terminal a line that does not fit the question (letters for a number,
"7" for four options) is asked again. From a pipe or a file it counts as a
miss, with a note: asking again would feed it the answers meant for the
questions after it.
"""

from __future__ import annotations

import signal
import string
import sys
from collections.abc import Callable
from typing import TextIO

from otsquiz.core.scheduling import Grade
from otsquiz.core.session import Outcome, Question, Session, SessionError, Summary
from otsquiz.core.store import StoreError
from otsquiz.core.text import visible

HELP = (
    "Commands: :hint shows the hint, :idk counts the question as not known and shows the answer, "
    ":undo takes back the last answer, "
    ":overrule reverses the last verdict, :quit ends the session (all answers are saved)."
)
UNDO_HELP = ":undo takes back the last answer, "
OVERRULE_HELP = ":overrule reverses the last verdict, "
LETTERS = string.ascii_uppercase


class _Quit(Exception):
    """The learner ended the session (":quit" or the end of input)."""


class PlainRunner:
    def __init__(
        self,
        session: Session,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.session = session
        if stdin is None:
            stdin = sys.stdin
            reconfigure = getattr(stdin, "reconfigure", None)
            if reconfigure is not None:
                # A stray byte that is not UTF-8 must be an odd answer, not the end of the session.
                reconfigure(errors="replace")
        self.stdin = stdin
        self.stdout = stdout or sys.stdout
        self.verdicts: list[Outcome] = []
        self._interactive = _is_tty(self.stdin)

    def say(self, text: str = "") -> None:
        # Deck text is checked when loaded; an echoed piped line is not: both go out harmless.
        self.stdout.write("\n".join(visible(line) for line in text.split("\n")) + "\n")
        self.stdout.flush()

    def read(self, prompt: str) -> str:
        if getattr(self.stdout, "reader_left", False):
            raise _Quit  # the output's reader has gone (`| head`): nobody sees the questions
        self.stdout.write(visible(prompt))
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise _Quit
        line = line.rstrip("\r\n")
        if not self._interactive:
            self.say(line)  # piped input is not echoed: show it, so the transcript reads right
        return line

    @property
    def help(self) -> str:
        """The commands, without those this session refuses (undo in a drill, overrule without feedback)."""
        text = HELP
        if self.session.mode == "drill":
            text = text.replace(UNDO_HELP, "")
            if not self.session.feedback:
                text = text.replace(OVERRULE_HELP, "")
        return text

    def run(self) -> Summary:
        session = self.session
        if session.current is None:
            self.say(self._nothing_to_ask())
        elif session.mode == "drill":
            # Which decks were drawn from: the same seed gives the same questions only from the same decks.
            seed = f", seed {session.seed}" if session.seed is not None else ""
            self.say(
                f"Drill: {_plural(session.total, 'question')} from {', '.join(sorted(session.decks))}"
                f"{seed}. {self.help}"
            )
        else:
            self.say(f"Study: {_plural(session.total, 'question')}. {self.help}")
        try:
            while session.current is not None:
                self.ask(session.current)
                if session.current is None:
                    self._last_chance()  # an undo there puts the question back: the loop goes on
        except _Quit:
            pass
        except BaseException as stop:
            if not _interrupted(stop):
                raise
            # Ctrl+C ends the session as :quit does: the score of what was answered, the end recorded.
            try:
                self.say()
                self.report(session.summary())
            except (OSError, StoreError):
                pass  # the caller still reports the interrupt; every answer was saved already
            raise
        summary = session.summary()
        self.report(summary)
        return summary

    def _nothing_to_ask(self) -> str:
        session = self.session
        if session.mode == "study":
            return "Nothing to study right now: no question is due and no new one is left for today."
        reason = getattr(session, "empty_reason", None)
        if reason:
            return f"{reason[0].upper()}{reason[1:]}."
        types = session.types
        kinds = f"{' or '.join(sorted(types))} cards" if types else "questions"
        return f"No {kinds} in the chosen decks ({', '.join(sorted(session.decks))})."

    # ---------------------------------------------------------------- one question

    def ask(self, question: Question) -> None:
        session = self.session
        self.say()
        self.say(f"Question {session.done + 1} · {question.study.deck_id}")
        self.say(question.text)
        reader = _reader_for(question, self.say)
        while True:
            line = self.read(reader.prompt)
            if self.command(line):
                if session.current is not question:
                    return  # an undo put another question up
                continue
            if question.form == "self":
                self.say(f"Answer: {session.expected(question)}")
                grade = self._rate(question)
                if grade is not None:
                    self.show(session.rate(grade))
                return
            response = reader.parse(line)
            if response is None:
                if self._interactive:
                    self.say(reader.help)
                    continue
                self.say(f"That line does not answer the question, so it counts as a miss. ({reader.help})")
                self.show(session.give_up())
                return
            self.show(session.submit(response))
            return

    def _last_chance(self) -> None:
        """At a terminal, the last answer can still be undone or overruled before the summary."""
        commands = [
            word
            for word, allowed in ((":undo", "can_undo"), (":overrule", "can_overrule"))
            if getattr(self.session, allowed, True)
        ]
        if not self._interactive or not self.verdicts or not commands:
            return
        while self.session.current is None:
            line = self.read(f"Enter for the summary, or {' / '.join(commands)} the last answer> ")
            if not self.command(line):
                return

    def _rate(self, question: Question) -> Grade | None:
        """The learner's grade; None when a command (an undo) put another question up."""
        while True:
            line = self.read("How well did you know it? 1 again, 2 hard, 3 good, 4 easy> ").strip()
            if line in ("1", "2", "3", "4"):
                return Grade(int(line))
            if not self.command(line):
                if not self._interactive:
                    self.say("That line is not a rating (1, 2, 3 or 4), so it counts as Again.")
                    return Grade.AGAIN
                self.say("Please answer 1, 2, 3 or 4.")
            elif self.session.current is not question:
                return None

    def command(self, line: str) -> bool:
        """Run a ':' command; True if the line was one."""
        word = line.strip().lower()
        if not word.startswith(":"):
            return False
        session = self.session
        try:
            if word in (":quit", ":q"):
                raise _Quit
            if word in (":hint", ":h"):
                hint = session.take_hint()
                self.say(f"Hint: {hint}" if hint else "This card has no hint.")
            elif word in (":idk", ":i"):
                outcome = session.give_up()
                self.say("Not known: it counts as a miss.")
                if outcome.question.form == "self":
                    self.say(f"Answer: {outcome.expected}")
                self.show(outcome)
            elif word in (":undo", ":u"):
                session.undo()
                if self.verdicts:
                    self.verdicts.pop()
                self.say("Undone: the last answer no longer counts. Here it is again.")
            elif word in (":overrule", ":o"):
                outcome = session.overrule()
                if self.verdicts:
                    self.verdicts[-1] = outcome
                self.say(
                    f"Overruled: the last answer now counts as {'right' if outcome.correct else 'wrong'}."
                )
            else:
                self.say(self.help)
        except SessionError as error:
            self.say(f"Can't do that: {str(error).rstrip('.')}.")
        return True

    def show(self, outcome: Outcome) -> None:
        self.verdicts.append(outcome)
        if not self.session.feedback:
            self.say("Answer recorded.")
            return
        self.say(_verdict_line(outcome))
        self._details(outcome)

    def _details(self, outcome: Outcome) -> None:
        card = outcome.question.card
        if card.explanation:
            self.say(card.explanation)
        source = self.session.source(outcome.question.study)
        if source is not None:
            self.say(
                f"Source: {source.title}"
                + (f" <{source.url}>" if source.url and source.url != source.title else "")
            )

    # ---------------------------------------------------------------- the end

    def report(self, summary: Summary) -> None:
        self.say()
        if not self.session.feedback and self.verdicts:
            self.say("Your answers:")
            for number, outcome in enumerate(self.verdicts, start=1):
                self.say(f"{number}. {outcome.question.text}")
                self.say(f"   {_verdict_line(outcome)}")
        if summary.questions == 0:
            self.say("No answers this time.")
            return
        left = getattr(summary, "unanswered", 0) if summary.mode == "drill" else 0
        if left:  # ended early: out of the questions the drill set, never "1 of 1 (100%)"
            score = f"{summary.questions} of {summary.planned} answered · {summary.correct} right"
        else:
            score = f"{summary.correct} of {summary.questions} ({summary.accuracy:.0%})"
        overruled = getattr(summary, "overruled", 0)
        if overruled and summary.mode == "drill":
            score += f" · {overruled} overruled"
        self.say(f"Score: {score} · best streak {summary.best_streak} · {_duration(summary.seconds)}")
        if summary.missed:
            self.say("To review:")
            for outcome in summary.missed:
                self.say(f"- {outcome.question.text} → {outcome.expected}")
        if summary.mode == "study" and summary.next_due is not None:
            self.say(f"Next review due: {summary.next_due.astimezone():%Y-%m-%d %H:%M}")


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _verdict_line(outcome: Outcome) -> str:
    if outcome.question.form == "self":
        return f"Rated {outcome.grade.name.capitalize()}."
    if not outcome.correct:
        return f"Wrong. The answer: {outcome.expected}"
    if outcome.exact:
        return "Correct." if outcome.given.strip() == outcome.expected else f"Correct: {outcome.expected}"
    if not outcome.forgiven:  # a number within the card's tolerance
        return f"Correct (close enough). Exactly: {outcome.expected}"
    return f"Correct ({' and '.join(outcome.forgiven)} forgiven). Exactly: {outcome.expected}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _interrupted(stop: BaseException) -> bool:
    """Ctrl+C: a KeyboardInterrupt, or the SIGINT the command's signal guard turned into Signalled."""
    return isinstance(stop, KeyboardInterrupt) or getattr(stop, "signum", None) == signal.SIGINT


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


class _Reader:
    """How one kind of question is answered on a line."""

    def __init__(self, prompt: str, help: str, parse: Callable[[str], object | None]) -> None:
        self.prompt = prompt
        self.help = help
        self.parse = parse


def _numbers(line: str, count: int) -> list[int] | None:
    words = line.replace(",", " ").split()
    # isdecimal, not isdigit: int() refuses "²"; and no option number has more than a few digits
    if not words or not all(word.isdecimal() and len(word) <= 6 for word in words):
        return None
    numbers = [int(word) - 1 for word in words]
    return numbers if all(0 <= n < count for n in numbers) else None


def _reader_for(question: Question, say: Callable[[str], None]) -> _Reader:
    """Print the options of ``question`` and say how a line answers it."""
    return _READERS[question.type](question, say)


def _flip(question: Question, say: Callable[[str], None]) -> _Reader:
    return _Reader("Press Enter to show the answer> ", "", lambda line: line)


def _number(question: Question, say: Callable[[str], None]) -> _Reader:
    from otsquiz.core.answers import parse_number

    unit = f" ({question.unit})" if question.unit else ""
    return _Reader(
        f"Your answer{unit}> ",
        "Please type a number, in digits (like 2009 or 1.5).",
        lambda line: line if parse_number(line, question.unit) is not None else None,
    )


def _text(question: Question, say: Callable[[str], None]) -> _Reader:
    return _Reader("Your answer> ", "Please type an answer.", lambda line: line if line.strip() else None)


def _true_or_false(question: Question, say: Callable[[str], None]) -> _Reader:
    values = {"t": True, "true": True, "f": False, "false": False}
    return _Reader(
        "True or false (t/f)> ", "Please answer t or f.", lambda line: values.get(line.strip().lower())
    )


def _options(question: Question, say: Callable[[str], None]) -> int:
    """Print the numbered options; their count."""
    for number, option in enumerate(question.options, start=1):
        say(f"  {number}. {option}")
    return len(question.options)


def _choose_one(question: Question, say: Callable[[str], None]) -> _Reader:
    count = _options(question, say)

    def choose(line: str) -> int | None:
        numbers = _numbers(line, count)
        return numbers[0] if numbers and len(numbers) == 1 else None

    return _Reader(f"Your choice (1-{count})> ", f"Please answer with one number from 1 to {count}.", choose)


def _choose_all(question: Question, say: Callable[[str], None]) -> _Reader:
    count = _options(question, say)

    def select(line: str) -> set[int] | None:
        numbers = _numbers(line, count)
        return set(numbers) if numbers is not None and len(set(numbers)) == len(numbers) else None

    return _Reader(
        "All that apply, e.g. 1 3> ",
        f"Please give the numbers (1-{count}) of every right option, once each.",
        select,
    )


def _arrange(question: Question, say: Callable[[str], None]) -> _Reader:
    count = _options(question, say)

    def arrange(line: str) -> list[int] | None:
        numbers = _numbers(line, count)
        return numbers if numbers is not None and sorted(numbers) == list(range(count)) else None

    return _Reader(
        f"Their order, first to last, e.g. {' '.join(str(n) for n in range(count, 0, -1))}> ",
        f"Please give each number from 1 to {count} once, in the right order.",
        arrange,
    )


def _pair(question: Question, say: Callable[[str], None]) -> _Reader:
    count = _options(question, say)
    say("Match each of:")
    for letter, left in zip(LETTERS, question.lefts, strict=False):
        say(f"  {letter}. {left}")
    lefts = len(question.lefts)
    letters = " ".join(LETTERS[:lefts])

    def pair(line: str) -> list[int] | None:
        numbers = _numbers(line, count)
        return numbers if numbers is not None and len(numbers) == lefts else None

    return _Reader(
        f"The number for each of {letters}, in order> ",
        f"Please give {lefts} numbers (1-{count}): the right item for {letters}, in that order.",
        pair,
    )


# How a line answers a card of each kind, by the kind's name (see otsquiz.core.kinds).
_READERS: dict[str, Callable[[Question, Callable[[str], None]], _Reader]] = {
    "basic": _flip,
    "typed": _text,
    "choice": _choose_one,
    "multi": _choose_all,
    "truefalse": _true_or_false,
    "number": _number,
    "cloze": _text,
    "order": _arrange,
    "match": _pair,
}
