"""The ``otsquiz`` command: argparse subcommands over the core library.

Each command builds core objects, calls them and formats the result; it never
imports Textual, except the one path that opens the app. Errors a user can
cause end in a message and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from otsquiz import __version__, startup, streams
from otsquiz.core.cards import CARD_TYPES
from otsquiz.core.selection import DRILL_COUNT, Mode, SelectionError, Skipped, existing_paths

if TYPE_CHECKING:
    from otsquiz.core.cards import Deck
    from otsquiz.core.library import DeckSummary
    from otsquiz.core.problems import Problem
    from otsquiz.core.store import Store

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    startup.begin()
    guard = streams.Guard()
    stopped = False
    handler = None
    try:
        if guard.stdout_closed:
            _error("standard output is closed; nothing was done (redirect it to a file or /dev/null)")
            return EXIT_USAGE
        parser = _parser()
        args = parser.parse_args(argv)
        args.guard = guard
        handler = getattr(args, "handler", None) or _cmd_home
        if handler in (_cmd_home, _cmd_decks):
            _ensure_user_decks_dir()
        return handler(args)
    except (UsageError, SelectionError) as error:
        _error(str(error))
        return EXIT_USAGE
    except (CommandError, streams.OutputError) as error:
        _error(str(error))
        return EXIT_PROBLEMS
    except streams.Signalled as signalled:
        stopped = True
        saved = "; every answer given is saved" if handler in (_cmd_study, _cmd_drill) else ""
        if sys.stderr.isatty():
            print(file=sys.stderr)  # off the line of the prompt (and of a ^C)
        _error(f"stopped by {signalled.name}{saved}")
        return signalled.exit_code
    except KeyboardInterrupt:  # a SIGINT before the handlers were set, or in the app
        stopped = True
        return 130
    except OSError as error:  # the last line of defence: a file or stream that failed
        _error(f"{error.strerror or error}" + (f": {error.filename}" if error.filename else ""))
        return EXIT_PROBLEMS
    finally:
        guard.finish(stopped)
        startup.done()


def _error(message: str) -> None:
    """``otsquiz: message`` on stderr, with anything from outside in it made harmless."""
    print(f"otsquiz: {_visible_lines(message)}", file=sys.stderr)


def _visible_lines(text: str) -> str:
    from otsquiz.core.text import visible

    return "\n".join(visible(line) for line in text.split("\n"))


def _ensure_user_decks_dir() -> None:
    """The folder the README names for the user's own decks exists once otsquiz has run."""
    from otsquiz.core.paths import user_decks_dir

    with suppress(OSError):  # a read-only data folder: the decks shipped with otsquiz still work
        user_decks_dir().mkdir(parents=True, exist_ok=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # The message quotes what was typed (an unknown choice, a bad number): shown harmless.
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_visible_lines(message)}\n")


def _parser() -> argparse.ArgumentParser:
    # --profile works on every command, before or after its name.
    common = _Parser(add_help=False)
    common.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        metavar="NAME",
        help="whose progress to use (created when first used to study or drill; default: 'default')",
    )
    parser = _Parser(
        prog="otsquiz",
        description="Study decks of facts in the terminal, with spaced repetition.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"otsquiz {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, parents=[common])

    study = command("study", "study with spaced repetition: due reviews, then new cards")
    study.add_argument(
        "decks", nargs="*", metavar="DECK", help="deck ids or deck files/folders (default: all)"
    )
    study.add_argument("--plain", action="store_true", help="line by line on stdin/stdout, without the app")
    study.add_argument("--count", type=_positive, metavar="N", help="at most N questions")
    study.set_defaults(handler=_cmd_study)

    drill = command("drill", "a quick quiz: N questions, scored; the schedule is not changed")
    drill.add_argument(
        "decks", nargs="*", metavar="DECK", help="deck ids or deck files/folders (default: all)"
    )
    drill.add_argument("--plain", action="store_true", help="line by line on stdin/stdout, without the app")
    drill.add_argument(
        "--count",
        type=_positive,
        default=DRILL_COUNT,
        metavar="N",
        help=f"how many questions (default {DRILL_COUNT})",
    )
    drill.add_argument(
        "--type",
        action="append",
        choices=CARD_TYPES,
        metavar="TYPE",
        dest="types",
        help=f"only cards of this type; repeat for more ({', '.join(CARD_TYPES)})",
    )
    drill.add_argument("--seed", metavar="SEED", help="the same questions in the same order on every machine")
    drill.add_argument("--no-feedback", action="store_true", help="verdicts only at the end, as in a test")
    drill.add_argument("--timer", type=_positive, metavar="SECONDS", help="seconds per question (in the app)")
    drill.set_defaults(handler=_cmd_drill)

    klass = command("class", "run a live class: questions on this screen, students answering on their own")
    klass.add_argument(
        "decks", nargs="*", metavar="DECK", help="deck ids or deck files/folders (default: all)"
    )
    klass.add_argument(
        "--count",
        type=_positive,
        default=DRILL_COUNT,
        metavar="N",
        help=f"how many questions (default {DRILL_COUNT})",
    )
    klass.add_argument(
        "--type",
        action="append",
        choices=CARD_TYPES,
        metavar="TYPE",
        dest="types",
        help=f"only cards of this type; repeat for more ({', '.join(CARD_TYPES)})",
    )
    klass.add_argument("--seed", metavar="SEED", help="the same questions in the same order as another room")
    klass.add_argument(
        "--time", type=_not_negative, metavar="SECONDS", help="seconds per question (default 20; 0: no limit)"
    )
    klass.add_argument(
        "--scoreboard",
        choices=("all", "top", "none"),
        default="all",
        help="all: the top 5 here and each student's rank on their screen; top: the top 5 only; none",
    )
    klass.add_argument("--speed-points", action="store_true", help="a bonus for answering fast")
    klass.add_argument("--streaks", action="store_true", help="a bonus for right answers in a row")
    klass.add_argument("--teams", metavar="N|NAMES", help='N teams at random, or named: "Red,Blue"')
    klass.add_argument(
        "--names",
        choices=("typed", "generated"),
        default="typed",
        help="students type a name, or each gets one made up (default typed)",
    )
    klass.add_argument(
        "--count-hits",
        action="store_true",
        help="a right answer counts as a Good review in the student's schedule (a miss is always Again)",
    )
    klass.add_argument("--address", metavar="URL", help="the address students open (shown with its QR code)")
    klass.add_argument(
        "--resume", metavar="ROOM", help="go on with a room (its number, or its code while it is open)"
    )
    klass.set_defaults(handler=_cmd_class)

    join = command("join", "join a live class as a student: the room's code from the teacher")
    join.add_argument(
        "code",
        nargs="?",
        metavar="CODE",
        help="the room's code (default: $OTSQUIZ_ROOM, set by otsquiz serve)",
    )
    join.add_argument("--name", metavar="NAME", help="the name the class sees (asked if not given)")
    join.add_argument("--plain", action="store_true", help="line by line on stdin/stdout, without the app")
    join.set_defaults(handler=_cmd_join)

    serve = command("serve", "let students join a class from a browser (a door in front of the app)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (0.0.0.0: every network)"
    )
    serve.add_argument("--port", type=_port, default=8000, help="the port to listen on (default 8000)")
    serve.add_argument(
        "--max-students",
        type=_positive,
        default=40,
        metavar="N",
        help="at most N students at once (default 40)",
    )
    serve.set_defaults(handler=_cmd_serve)

    results = command("results", "what stays of a class: every room, or one room's students and questions")
    results.add_argument(
        "room", nargs="?", metavar="ROOM", help="a room's number or code (default: list the rooms)"
    )
    results.add_argument("--csv", action="store_true", help="one row per student and question, as CSV")
    results.set_defaults(handler=_cmd_results)

    stats = command("stats", "show progress: reviews, due cards, retention, streaks")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=_cmd_stats)

    validate = command("validate", "check deck files and report every problem")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--no-cache", action="store_true", help="parse every deck afresh")
    validate.add_argument(
        "--results",
        action="append",
        metavar="ROOM",
        help="also warn of cards that classes found hard in room ROOM (number or code); repeat for more",
    )
    validate.set_defaults(handler=_cmd_validate)

    fix = command("fix", "write missing card ids into deck files")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders")
    fix.add_argument(
        "--check", action="store_true", help="report what would change; exit 1 if anything would"
    )
    fix.set_defaults(handler=_cmd_fix)

    new = command("new", "write a starter deck that shows every card type")
    new.add_argument("path", metavar="PATH", help="the deck file to create")
    new.set_defaults(handler=_cmd_new)

    schema = command("schema", "print the JSON Schema of a deck file")
    schema.set_defaults(handler=_cmd_schema)

    decks = command("decks", "list the decks found")
    decks.add_argument("paths", nargs="*", metavar="PATH", help="more deck files or folders")
    decks.set_defaults(handler=_cmd_decks)
    return parser


def _whole_number(low: int, high: int | None, noun: str, out_of_range: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, its errors worded for the option."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {noun}, not {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(out_of_range)
        return value

    return parse


_positive = _whole_number(1, None, "a whole number", "must be at least 1")
_port = _whole_number(0, 65535, "a port number", "a port is 0 to 65535")
_not_negative = _whole_number(0, None, "a whole number", "must be 0 or more")


def _cmd_validate(args: argparse.Namespace) -> int:
    from otsquiz.core.library import find_deck_files, inspect_decks
    from otsquiz.core.problems import summary
    from otsquiz.core.report import json_text
    from otsquiz.core.selection import deck_sources
    from otsquiz.core.text import visible

    paths = existing_paths(args.paths)
    files = list(find_deck_files(paths))
    if not files:
        raise UsageError(f"no deck files (*.toml) in {', '.join(visible(path) for path in paths)}")
    # A deck id clashes with the decks otsquiz would load beside this one, not only with those given.
    results = inspect_decks(files, use_cache=not args.no_cache, context=deck_sources())
    problems = [problem for result in results for problem in result.problems]
    if args.results:
        problems += _class_problems(args.results, results, use_cache=not args.no_cache)
    if args.format == "json":
        print(json_text([problem.to_json() for problem in problems]))
    else:
        for problem in problems:
            print(problem.format())
        print(summary(problems, len(files)))
    return EXIT_PROBLEMS if any(p.severity == "error" for p in problems) else EXIT_OK


def _class_problems(
    rooms: Sequence[str], checked: Sequence[DeckSummary], *, use_cache: bool
) -> list[Problem]:
    """Warnings from how the classes of ``rooms`` answered the decks checked (``validate --results``)."""
    from otsquiz.core.library import load_decks
    from otsquiz.core.room.results import author_problems, find_room
    from otsquiz.core.store.rooms import RoomTables

    with _open_store() as store:
        tables = RoomTables(store)
        room_ids = []
        for text in rooms:
            row = find_room(tables, text)
            if row is None:
                raise UsageError(f"no room {text}: `otsquiz results` lists them")
            room_ids.append(row.id)
        paths = {deck.deck_id: deck.path for deck in checked if deck.deck_id is not None}
        # The decks as they are now: an answer accepted since the class is not named.
        loaded = load_decks([deck.path for deck in checked if deck.ok], use_cache=use_cache)
        decks = [result.deck for result in loaded if result.deck is not None]
        found = author_problems(tables, room_ids, paths, decks)
    # Only the decks checked here: a room may have asked from others as well.
    return [problem for problem in found if problem.path in paths.values()]


def _cmd_fix(args: argparse.Namespace) -> int:
    from otsquiz.core.authoring import fix_ids, replace_file
    from otsquiz.core.library import find_deck_files, read_deck_file
    from otsquiz.core.loader import toml
    from otsquiz.core.store import StoreError
    from otsquiz.core.text import visible

    changed = 0
    failed = False
    progress = _Progress()
    try:
        for path in find_deck_files(existing_paths(args.paths)):
            shown = visible(path)
            raw = read_deck_file(path)  # never blocks on a FIFO, refuses devices and huge files
            if not isinstance(raw, bytes):
                print(raw.format(), file=sys.stderr)
                failed = True
                continue
            try:
                bom = raw.startswith(b"\xef\xbb\xbf")
                text = raw.decode("utf-8-sig")
                result = fix_ids(text)
            except (OSError, UnicodeDecodeError, toml.TOMLDecodeError) as error:
                detail = error.strerror or error if isinstance(error, OSError) else error
                print(
                    f"{shown}: error: cannot fix this file ({_visible_lines(str(detail))}); "
                    "run `otsquiz validate` first",
                    file=sys.stderr,
                )
                failed = True
                continue
            for reason in result.skipped:
                print(f"{shown}: warning: {visible(reason)}")
            if not result.fixes:
                continue
            changed += 1
            moved = 0
            if not args.check:
                # Studied id-less cards are keyed on a hash of their content: their history moves
                # to the ids written, or fix would make them new cards again.
                ids = {fix.card_index: fix.card_id for fix in result.fixes}
                deck_id, renames = _renamed_keys(raw, str(path), ids)
                try:
                    store = progress.store() if renames else None
                except StoreError as error:
                    _progress_not_kept(shown, error)
                    failed = True
                    continue
                data = result.text.encode()
                try:
                    replace_file(path, b"\xef\xbb\xbf" + data if bom else data)
                except OSError as error:
                    print(
                        f"{shown}: error: cannot write the ids in ({error.strerror or error}); "
                        "the file is unchanged",
                        file=sys.stderr,
                    )
                    failed = True
                    continue
                if store is not None:
                    try:
                        moved = store.rename_card_keys(deck_id, renames)
                        stuck = len(store.keys_with_history(deck_id, renames))
                    except StoreError as error:
                        # The ids are in; the history stays under the old keys. Put the old text back.
                        with suppress(OSError):
                            replace_file(path, raw)
                        _progress_not_kept(shown, error)
                        failed = True
                        continue
                    if stuck:
                        print(
                            f"{shown}: warning: the progress of {_plural(stuck, 'card')} stays under the old "
                            "key, as the new id has progress of its own"
                        )
            for fix in result.fixes:
                verb = "would add" if args.check else "added"
                added = f'{verb} id = "{visible(fix.card_id)}" to cards[{fix.card_index}]'
                print(f"{shown}:{fix.line}:1: {added}")
            if moved:
                print(f"{shown}: kept the progress of {_plural(moved, 'card')}")
    finally:
        progress.close()
    if args.check and changed:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if failed else EXIT_OK


def _progress_not_kept(shown: str, error: Exception) -> None:
    detail = _visible_lines(str(error))
    message = f"cannot keep the progress of its cards ({detail}); the file is unchanged"
    print(f"{shown}: error: {message}", file=sys.stderr)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _renamed_keys(raw: bytes, path: str, ids: dict[int, str]) -> tuple[str, dict[str, str]]:
    """The deck's id and, for each card given an id, its old note key (a content hash) -> the id."""
    from otsquiz.core.library import load_file_bytes

    deck = load_file_bytes(raw, path).deck
    if deck is None:  # a deck with errors was never studied as it is
        return "", {}
    old: dict[int, str] = {}
    for position, note in zip(deck.positions, deck.notes, strict=True):
        old.setdefault(position, note)
    renames: dict[str, str] = {}
    for index, card_id in ids.items():
        if index in old:
            renames.setdefault(old[index], card_id)
    return deck.info.id, renames


class _Progress:
    """The progress database, opened the first time it is needed; never created by ``fix``."""

    def __init__(self) -> None:
        self._store: Store | None = None
        self._missing = False

    def store(self) -> Store | None:
        """The open store, or None when there is no progress database (nothing to keep)."""
        from otsquiz.core.paths import database_path
        from otsquiz.core.store import Store

        if self._store is None and not self._missing:
            path = database_path()
            if not path.exists():
                self._missing = True
                return None
            self._store = Store.open(path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _cmd_new(args: argparse.Namespace) -> int:
    from otsquiz.core.authoring import create_file, slugify, starter_deck
    from otsquiz.core.text import visible

    path = _new_deck_path(args.path)
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} exists already; choose another name")
    deck_id = slugify(path.stem, max_length=64)
    if len(deck_id) < 2:
        deck_id = "my-deck"
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "My deck"
    # The schema goes beside the deck and the deck points at it relatively, so that the
    # pair still works when the virtual environment is rebuilt or the folder is shared.
    schema_path = path.parent / SCHEMA_FILE
    schema = schema_text()
    wrote_schema = False
    try:
        if not path.parent.is_dir():  # mkdir says "exists" when a file is in the way
            path.parent.mkdir(parents=True)
        if not schema_path.exists() and not schema_path.is_symlink():
            create_file(schema_path, schema.encode())
            wrote_schema = True
        elif not _same_text(schema_path, schema):
            _error(
                f"{schema_path} is not the schema of this otsquiz; it is left as it is "
                f"(`otsquiz schema > {schema_path}` brings it up to date)"
            )
        deck = starter_deck(deck_id, title, path.name, f"./{SCHEMA_FILE}")
        create_file(path, deck.encode())
    except FileExistsError as error:
        if str(path) in (error.filename, error.filename2):  # the deck appeared meanwhile
            raise UsageError(f"{path} exists already; choose another name") from None
        _error(f"cannot write {path}: {error.strerror or error}")
        return EXIT_PROBLEMS
    except OSError as error:
        if wrote_schema:
            schema_path.unlink(missing_ok=True)
        _error(f"cannot write {path}: {error.strerror or error}")
        return EXIT_PROBLEMS
    print(f"Wrote {visible(path)}: a starter deck with one card of each type.")
    if wrote_schema:
        print(f"Wrote {visible(schema_path)}: the deck format, for completion and checking in your editor.")
    print(f"Edit it, then check it with: otsquiz validate {visible(shlex.quote(str(path)))}")
    return EXIT_OK


def _new_deck_path(text: str) -> Path:
    """The file ``otsquiz new`` writes: PATH, with ".toml" added unless it ends so ("a.b" is a.b.toml).

    A PATH that names no file ("", ".", "..", "/", "folder/", an existing folder) is a usage error.
    """
    path = Path(text)
    if not text or text.endswith(("/", os.sep)) or path.name in ("", ".", "..") or path.is_dir():
        raise UsageError(f"PATH must name a file, e.g. my-deck.toml (not {text!r})")
    return path if path.suffix == ".toml" else path.with_name(path.name + ".toml")


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


SCHEMA_FILE = "otsquiz-deck.schema.json"


def schema_text() -> str:
    from otsquiz.core.models import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return EXIT_OK


def _cmd_decks(args: argparse.Namespace) -> int:
    from otsquiz.core.library import inspect_decks
    from otsquiz.core.selection import deck_sources
    from otsquiz.core.text import visible

    rows: list[tuple[str, ...]] = []
    notes = []  # decks that are not loaded, below the table so that they do not widen it
    for deck in inspect_decks(deck_sources(args.paths)):
        path = visible(deck.path)
        errors = sum(1 for p in deck.problems if p.severity == "error")
        if not deck.ok and errors:
            notes.append(f"{path}: {errors} error{'s' if errors != 1 else ''} (otsquiz validate {path})")
            continue
        if not deck.ok:  # hidden by one of your decks with its id
            why = deck.problems[-1].message if deck.problems else "not loaded"
            notes.append(f"{path}: not loaded ({visible(why)})")
            continue
        counts = (str(deck.cards), str(deck.questions))
        rows.append((visible(deck.deck_id or ""), visible(deck.title), *counts, ", ".join(deck.types), path))
    if not rows and not notes:
        print("No decks found.")
        return EXIT_OK
    header = ("ID", "TITLE", "CARDS", "QUESTIONS", "TYPES", "PATH")
    table = [header, *rows]
    if _is_tty(sys.stdout):  # piped, rows stay whole for grep and scripts
        table = _fit_table(table, shutil.get_terminal_size().columns)
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        print("  ".join([*cells, row[-1]]))
    if notes:
        print()
        for note in notes:
            print(note)
    return EXIT_OK


def _fit_table(table: list[tuple[str, ...]], columns: int) -> list[tuple[str, ...]]:
    """The deck table shortened to ``columns``: TYPES as a count, then TITLE and PATH cut with "…"."""
    columns = max(columns, 60)

    def width(rows: list[tuple[str, ...]]) -> int:
        return sum(max(len(row[i]) for row in rows) for i in range(len(rows[0]))) + 2 * (len(rows[0]) - 1)

    if width(table) <= columns:
        return table
    header, *rows = table
    table = [header, *((*row[:4], str(row[4].count(",") + 1 if row[4] else 0), row[5]) for row in rows)]
    if width(table) <= columns:
        return table
    title = max(len(row[1]) for row in table)
    path = max(len(row[5]) for row in table)
    # TITLE and PATH share what the other columns leave, at least 12 each; a path keeps its end.
    room = columns - (width(table) - title - path)
    new_title = min(title, max(12, room // 2))
    new_path = min(path, max(12, room - new_title))
    new_title = min(title, max(new_title, room - new_path))
    return [(row[0], _cut_end(row[1], new_title), *row[2:5], _cut_start(row[5], new_path)) for row in table]


def _cut_end(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cut_start(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


def _use_app(args: argparse.Namespace) -> bool:
    """Whether to open the full-screen app rather than the plain mode; decided from explicit signals.

    A Textual driver named in the environment (textual-serve and textual-web run the
    app over pipes and set TEXTUAL_DRIVER) means the app; ``--plain``, no terminal at
    all, a terminal on one side only, or ``TERM=dumb`` mean the plain mode, with a note
    on stderr unless there is no terminal at all (a script, a pipe).
    """
    if getattr(args, "plain", False):
        return False
    if os.environ.get("TEXTUAL_DRIVER"):
        return True
    stdin_tty, stdout_tty = _is_tty(sys.stdin), _is_tty(sys.stdout)
    if not stdin_tty and not stdout_tty:
        return False
    if not (stdin_tty and stdout_tty):
        side = "input" if not stdin_tty else "output"
        _error(f"standard {side} is not a terminal: using the plain mode (--plain)")
        return False
    if os.environ.get("TERM", "") == "dumb":
        _error("TERM=dumb cannot show the full-screen app: using the plain mode (--plain)")
        return False
    return True


_is_tty = streams.is_tty  # a name of its own here: tests put a terminal in its place


def _cmd_home(args: argparse.Namespace) -> int:
    if not _use_app(args):
        # No terminal to draw in (a pipe, a script): say what there is to study instead.
        args.paths = []
        code = _cmd_decks(args)
        print("\nIn a terminal, `otsquiz` opens the app; `otsquiz study --plain` works anywhere.")
        return code
    from otsquiz.core.selection import library_decks
    from otsquiz.tui.app import Launch, run_app  # deferred: only the app needs Textual

    decks, problems = library_decks()
    _hand_over_to_app(args)
    return run_app(Launch(_profile_name(args), decks, problems))


def _hand_over_to_app(args: argparse.Namespace) -> None:
    """The app handles its own keys, signals and terminal: give it the real ones."""
    guard = getattr(args, "guard", None)
    if guard is not None:
        guard.release_signals()
        guard.release_streams()


# ---------------------------------------------------------------- studying


def _profile_name(args: argparse.Namespace) -> str:
    return getattr(args, "profile", None) or "default"


@contextmanager
def _open_store() -> Iterator[Store]:
    """The progress store, closed at the end.

    A database error while it is open (damaged, newer, busy, a bad profile
    name) ends the command with its message, never a traceback.
    """
    from otsquiz.core.store import Store, StoreError

    try:
        with Store.open() as store:
            yield store
    except StoreError as error:
        raise CommandError(str(error)) from error


class CommandError(Exception):
    """A failure the user can act on (exit code 1), e.g. a damaged progress database."""


def _collection(selectors: Sequence[str]) -> list[Deck]:
    """The decks ``selectors`` name (all of them if none), each broken deck met on the way noted on stderr."""
    from otsquiz.core.selection import choose_decks

    try:
        chosen = choose_decks(selectors)
    except SelectionError as error:
        _note_skipped(error.skipped)
        raise
    _note_skipped(chosen.skipped)
    return chosen.decks


def _note_skipped(skipped: Sequence[Skipped]) -> None:
    for deck in skipped:
        _error(f"skipping {deck.path} ({deck.errors} problem(s); see `otsquiz validate {deck.path}`)")


def _run_session(args: argparse.Namespace, mode: Mode) -> int:
    from otsquiz.core.selection import SessionRequest
    from otsquiz.core.session import Session
    from otsquiz.core.store import StoreError

    decks = _collection(args.decks)
    request = SessionRequest.build(
        mode,
        [deck.info.id for deck in decks],
        count=args.count,
        types=getattr(args, "types", None),
        seed=getattr(args, "seed", None),
        feedback=not getattr(args, "no_feedback", False),
        timer=getattr(args, "timer", None),
    )
    if _use_app(args):
        from otsquiz.tui.app import Launch, run_app  # deferred: only the app needs Textual

        if mode == "drill":  # the same seed gives the same questions only from the same decks
            seed = f", seed {request.seed}" if request.seed is not None else ""
            _error(f"drill from {', '.join(sorted(request.deck_ids))}{seed}")
        _hand_over_to_app(args)
        return run_app(Launch(_profile_name(args), decks, start=request))
    if sys.stdin is None or getattr(getattr(args, "guard", None), "stdin_closed", False):
        raise UsageError("standard input is closed: the plain mode reads the answers from it")
    from otsquiz.plain import PlainRunner

    with _open_store() as store:
        profile = store.profile(_profile_name(args))
        session = Session(
            store,
            profile,
            decks,
            mode=request.mode,
            count=request.count,
            types=request.types,
            seed=request.seed,
            feedback=request.feedback,
        )
        startup.done()
        try:
            PlainRunner(session).run()
            if mode == "drill" and session.total == 0:
                return EXIT_PROBLEMS  # nothing matched what was asked for (the runner said why)
        except OSError as error:  # stdin is a folder, or its terminal went away
            raise CommandError(f"cannot read the answers: {error.strerror or error}") from None
        finally:
            if not session.closed:  # stopped by a signal or an error: still record when it ended
                with suppress(StoreError):
                    session.close()
    return EXIT_OK


def _cmd_study(args: argparse.Namespace) -> int:
    return _run_session(args, "study")


def _cmd_drill(args: argparse.Namespace) -> int:
    return _run_session(args, "drill")


def _cmd_stats(args: argparse.Namespace) -> int:
    from otsquiz.core.report import format_stats, json_text, stats_report
    from otsquiz.core.selection import library_decks

    decks, _ = library_decks()
    name = _profile_name(args)
    with _open_store() as store:
        # Reading must not create: a typo in --profile is an error, not a new empty profile.
        # The default profile is the one exception, so that a fresh install shows zeros.
        profile = store.profile(name, create=name == "default")
        report = stats_report(store, profile.id, decks)
    print(json_text(report) if args.json else format_stats(report))
    return EXIT_OK


# ---------------------------------------------------------------- the classroom


def _cmd_class(args: argparse.Namespace) -> int:
    from otsquiz.core.room import Room, RoomError, RoomOptions, find, normalise_code
    from otsquiz.core.store import StoreError

    options = None
    if args.resume is None:
        try:
            options = RoomOptions.build(
                count=args.count,
                seconds=args.time,
                types=args.types,
                speed_points=args.speed_points,
                streaks=args.streaks,
                scoreboard=args.scoreboard,
                teams=args.teams,
                names=args.names,
                count_hits=args.count_hits,
            )
        except RoomError as error:
            raise UsageError(str(error)) from None
    elif not args.resume.strip().isdigit() and normalise_code(args.resume) is None:
        raise UsageError(f"--resume takes a room's number or its code, not {args.resume!r}")
    decks = _collection(args.decks)
    if not _use_app(args):
        raise UsageError("otsquiz class shows the room full screen: run it in a terminal")
    with _open_store() as store:
        try:
            if options is not None:
                room = Room.open(store, decks, options, seed=args.seed)
            else:
                room_id = int(args.resume) if args.resume.strip().isdigit() else None
                if room_id is None:
                    found = find(store, args.resume)
                    if found is None:
                        raise CommandError(f"no open room has the code {args.resume}")
                    room_id = found.id
                room = Room.load(store, room_id, decks)
        except RoomError as error:
            raise CommandError(str(error)) from None
        from otsquiz.tui.classroom.presenter import PresenterApp  # deferred: only the room needs Textual

        _hand_over_to_app(args)
        app = PresenterApp(room, address=args.address, catch_signals=True)
        result = app.run()
        code = result if isinstance(result, int) else app.return_code or 0
        if code != EXIT_PROBLEMS:  # not after a failing database: the app has said why already
            with suppress(StoreError):
                if not room.state().ended:
                    _error(f"room {room.id} is still open: otsquiz class --resume {room.id} goes on with it")
    return code


def _cmd_join(args: argparse.Namespace) -> int:
    # A browser student's process gets its room and name from otsquiz serve, never on its command line.
    code = args.code if args.code is not None else os.environ.get("OTSQUIZ_ROOM", "")
    if not code.strip():
        raise UsageError("otsquiz join needs the room's code: otsquiz join ABC-DEF")
    name = args.name if args.name is not None else os.environ.get("OTSQUIZ_STUDENT_NAME") or None
    profile = getattr(args, "profile", None)
    if not _use_app(args):
        from otsquiz.plain_room import join_plain  # no Textual on this path

        if getattr(getattr(args, "guard", None), "stdin_closed", False):
            raise UsageError("standard input is closed: the plain mode reads the answers from it")
        startup.done()
        return join_plain(code, name=name, profile=profile)
    from otsquiz.tui.classroom.student import run_join  # deferred: only the app needs Textual

    _hand_over_to_app(args)
    return run_join(code, name=name, profile=profile, plain=False)


def _cmd_serve(args: argparse.Namespace) -> int:
    from otsquiz.core.room import find
    from otsquiz.core.store import StoreError
    from otsquiz.serve import ClassServer, serve  # deferred: aiohttp and textual-serve are for serving only

    with _open_store() as store:

        def admit(code: str) -> bool:
            try:
                return find(store, code) is not None
            except StoreError as error:  # a failing database lets nobody in, and says why
                _error(str(error))
                return False

        # The door asks every student for a name: it serves every room, and a room that makes
        # up names (--names generated) ignores the one typed.
        server = ClassServer(
            admit,
            [sys.executable, "-m", "otsquiz", "join"],
            host=args.host,
            port=args.port,
            max_students=args.max_students,
        )
        _hand_over_to_app(args)  # serve() handles SIGINT and SIGTERM itself
        return serve(server)


def _cmd_results(args: argparse.Namespace) -> int:
    from otsquiz.core.room import RoomError
    from otsquiz.core.room.bridge import carry_ended
    from otsquiz.core.room.report import format_results, format_rooms, results_csv
    from otsquiz.core.room.results import find_room, room_results, rooms
    from otsquiz.core.store.rooms import RoomTables

    with _open_store() as store:
        carry_ended(store)  # rooms whose presenter never ended them reach the schedules now
        tables = RoomTables(store)
        if args.room is None:
            found = rooms(tables)
            if args.csv:
                print(results_csv(tables, [room.id for room in found]), end="")
            else:
                print(format_rooms(found))
            return EXIT_OK
        row = find_room(tables, args.room)
        if row is None:
            raise UsageError(f"no room {args.room}: `otsquiz results` lists them")
        try:
            text = results_csv(tables, [row.id]) if args.csv else format_results(room_results(tables, row.id))
        except RoomError as error:
            raise CommandError(str(error)) from None
    print(text, end="" if args.csv else "\n")
    return EXIT_OK
