"""The ``otsquiz`` command: argparse subcommands over the core library.

Each command builds core objects, calls them and formats the result; it never
imports Textual, except the one path that opens the app. Errors a user can
cause end in a message and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from otsquiz import __version__, startup
from otsquiz.core.cards import CARD_TYPES

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    startup.begin()
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        handler = getattr(args, "handler", None) or _cmd_home
        return handler(args)
    except UsageError as error:
        print(f"otsquiz: {error}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as error:
        print(f"otsquiz: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `otsquiz decks | head`: the reader left; that's not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    finally:
        startup.done()


def _parser() -> argparse.ArgumentParser:
    # --profile works on every command, before or after its name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        metavar="NAME",
        help="whose progress to use (created on first use; default: 'default')",
    )
    parser = argparse.ArgumentParser(
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
        "--count", type=_positive, default=10, metavar="N", help="how many questions (default 10)"
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

    stats = command("stats", "show progress: reviews, due cards, retention, streaks")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=_cmd_stats)

    validate = command("validate", "check deck files and report every problem")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--no-cache", action="store_true", help="parse every deck afresh")
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


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _existing(paths: Sequence[str]) -> list[str]:
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return list(paths)


def _cmd_validate(args: argparse.Namespace) -> int:
    from otsquiz.core.library import find_deck_files, inspect_decks
    from otsquiz.core.problems import summary

    paths = _existing(args.paths)
    files = list(find_deck_files(paths))
    if not files:
        raise UsageError(f"no deck files (*.toml) in {', '.join(paths)}")
    results = inspect_decks(files, use_cache=not args.no_cache)
    problems = [problem for result in results for problem in result.problems]
    if args.format == "json":
        print(json.dumps([problem.to_json() for problem in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem.format())
        print(summary(problems, len(files)))
    return EXIT_PROBLEMS if any(p.severity == "error" for p in problems) else EXIT_OK


def _cmd_fix(args: argparse.Namespace) -> int:
    from otsquiz.core.authoring import fix_ids
    from otsquiz.core.library import find_deck_files
    from otsquiz.core.loader import toml

    changed = 0
    failed = False
    for path in find_deck_files(_existing(args.paths)):
        try:
            raw = path.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            text = raw.decode("utf-8-sig")
            result = fix_ids(text)
        except (OSError, UnicodeDecodeError, toml.TOMLDecodeError) as error:
            print(
                f"{path}: error: cannot fix this file ({error}); run `otsquiz validate` first",
                file=sys.stderr,
            )
            failed = True
            continue
        for reason in result.skipped:
            print(f"{path}: warning: {reason}")
        if not result.fixes:
            continue
        changed += 1
        for fix in result.fixes:
            verb = "would add" if args.check else "added"
            print(f'{path}:{fix.line}:1: {verb} id = "{fix.card_id}" to cards[{fix.card_index}]')
        if not args.check:
            data = result.text.encode()
            _write_atomically(path, b"\xef\xbb\xbf" + data if bom else data)
    if args.check and changed:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if failed else EXIT_OK


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.otsquiz-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _cmd_new(args: argparse.Namespace) -> int:
    from otsquiz.core.authoring import slugify, starter_deck
    from otsquiz.core.paths import bundled_decks_dir

    path = Path(args.path)
    if path.suffix != ".toml":
        path = path.with_suffix(".toml")
    if path.exists():
        raise UsageError(f"{path} exists already; choose another name")
    deck_id = slugify(path.stem, max_length=64)
    if len(deck_id) < 2:
        deck_id = "my-deck"
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "My deck"
    schema = (bundled_decks_dir() / SCHEMA_FILE).as_posix()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as file:
            file.write(starter_deck(deck_id, title, path.name, schema))
    except OSError as error:
        print(f"otsquiz: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {path}: a starter deck with one card of each type.")
    print(f"Edit it, then check it with: otsquiz validate {path}")
    return EXIT_OK


SCHEMA_FILE = "otsquiz-deck.schema.json"


def schema_text() -> str:
    from otsquiz.core.models import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return EXIT_OK


def _deck_sources(extra: Sequence[str]) -> list[Path]:
    from otsquiz.core.paths import bundled_decks_dir, user_decks_dir

    sources = [bundled_decks_dir()]
    user = user_decks_dir()
    if user.is_dir():
        sources.append(user)
    sources.extend(Path(path) for path in _existing(extra))
    return sources


def _cmd_decks(args: argparse.Namespace) -> int:
    from otsquiz.core.library import inspect_decks

    rows = []
    for deck in inspect_decks(_deck_sources(args.paths)):
        if not deck.ok:
            errors = sum(1 for p in deck.problems if p.severity == "error")
            problems = f"({errors} error{'s' if errors != 1 else ''}: otsquiz validate {deck.path})"
            rows.append(("-", problems, "", "", "", deck.path))
            continue
        counts = (str(deck.cards), str(deck.questions))
        rows.append((deck.deck_id or "", deck.title, *counts, ", ".join(deck.types), deck.path))
    if not rows:
        print("No decks found.")
        return EXIT_OK
    header = ("ID", "TITLE", "CARDS", "QUESTIONS", "TYPES", "PATH")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)) + "  " + row[5]
        )
    return EXIT_OK


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _cmd_home(args: argparse.Namespace) -> int:
    if not _interactive():
        # No terminal to draw in (a pipe, a script): say what there is to study instead.
        args.paths = []
        code = _cmd_decks(args)
        print("\nIn a terminal, `otsquiz` opens the app; `otsquiz study --plain` works anywhere.")
        return code
    from otsquiz.core.library import load_decks
    from otsquiz.tui.app import Launch, run_app  # deferred: only the app needs Textual

    results = load_decks(_deck_sources([]))
    decks = [result.deck for result in results if result.ok and result.deck is not None]
    problems = [problem for result in results if not result.ok for problem in result.problems]
    return run_app(Launch(_profile_name(args), decks, problems))


# ---------------------------------------------------------------- studying


def _profile_name(args: argparse.Namespace) -> str:
    return getattr(args, "profile", None) or "default"


@contextmanager
def _open_store() -> Iterator[Any]:
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


def _collection(selectors: Sequence[str]) -> list[Any]:
    """The decks to use: all of them, or those named by id or path; decks with problems are left out."""
    from otsquiz.core.library import find_deck_files, load_decks

    paths = [selector for selector in selectors if os.path.exists(selector)]
    ids = [selector for selector in selectors if selector not in paths]
    files = list(find_deck_files(_deck_sources(paths)))
    # A file named here that is also among the user's decks is loaded once (as named),
    # not twice, which would make it a duplicate of itself.
    named = {file.resolve(): file for file in files}
    results = load_decks([file for file in files if named[file.resolve()] is file])
    broken = [result for result in results if not result.ok]
    for result in broken:
        errors = [p for p in result.problems if p.severity == "error"]
        print(
            f"otsquiz: skipping {result.path} ({len(errors)} problem(s); see `otsquiz validate {result.path}`)",
            file=sys.stderr,
        )
    decks = [result.deck for result in results if result.ok and result.deck is not None]
    if ids:
        known = {deck.deck.id for deck in decks}
        unknown = [deck_id for deck_id in ids if deck_id not in known]
        if unknown:
            raise UsageError(f"no deck with id {', '.join(unknown)} (see `otsquiz decks`)")
    if ids or paths:
        # Ids and paths may be mixed; a folder holds the decks inside it, not those of
        # a folder whose name merely starts the same ("turkic" is not "turkic-extra").
        given = [Path(path).resolve() for path in paths]
        decks = [
            r.deck
            for r in results
            if r.ok
            and r.deck is not None
            and (r.deck.deck.id in ids or any(Path(r.path).resolve().is_relative_to(g) for g in given))
        ]
    if not decks:
        raise UsageError("no decks to study")
    return decks


def _run_session(args: argparse.Namespace, mode: str) -> int:
    from otsquiz.core.session import Session

    decks = _collection(args.decks)
    if not args.plain and _interactive():
        from otsquiz.tui.app import Launch, SessionRequest, run_app  # deferred: only the app needs Textual

        request = SessionRequest(
            mode,
            [deck.deck.id for deck in decks],
            count=args.count,
            types=getattr(args, "types", None),
            seed=getattr(args, "seed", None),
            feedback=not getattr(args, "no_feedback", False),
            timer=getattr(args, "timer", None),
        )
        return run_app(Launch(_profile_name(args), decks, start=request))
    from otsquiz.plain import PlainRunner

    with _open_store() as store:
        profile = store.profile(_profile_name(args))
        session = Session(
            store,
            profile,
            decks,
            mode=mode,  # type: ignore[arg-type]
            count=args.count,
            types=getattr(args, "types", None),
            seed=getattr(args, "seed", None),
            feedback=not getattr(args, "no_feedback", False),
        )
        startup.done()
        PlainRunner(session).run()
    return EXIT_OK


def _cmd_study(args: argparse.Namespace) -> int:
    return _run_session(args, "study")


def _cmd_drill(args: argparse.Namespace) -> int:
    return _run_session(args, "drill")


def _cmd_stats(args: argparse.Namespace) -> int:
    from otsquiz.core.library import load_decks

    decks = [r.deck for r in load_decks(_deck_sources([])) if r.ok and r.deck is not None]
    with _open_store() as store:
        profile = store.profile(_profile_name(args))
        report = store.stats(profile.id, {deck.deck.id: deck.keys for deck in decks})
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    print(format_stats(report))
    return EXIT_OK


def format_stats(report: dict[str, Any]) -> str:
    lines = [f"Profile: {report['profile']}    reviews: {report['reviews_total']}"]
    streak = report.get("streak") or {}
    if streak:
        lines.append(f"Study streak: {streak.get('current', 0)} day(s), longest {streak.get('longest', 0)}")
    retention = (report.get("retention") or {}).get("rate")
    if retention is not None:
        lines.append(f"True retention (30 days): {retention:.0%}")
    lines.append("")
    header = ("DECK", "CARDS", "REVIEWED", "DUE", "MASTERED")
    rows = [
        (d["id"], str(d["cards"]), str(d["reviewed"]), str(d["due"]), f"{d.get('mastery', 0):.0%}")
        for d in report["decks"]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    leeches = report.get("leeches") or []
    if leeches:
        lines.append("")
        lines.append(f"Leeches ({len(leeches)}): cards forgotten 8 times or more")
        for leech in leeches:
            lines.append(f"  {leech['deck']}/{leech['card']}")
    return "\n".join(lines)
