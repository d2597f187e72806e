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
from collections.abc import Sequence
from pathlib import Path

from otsquiz import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None) or _cmd_home
    try:
        return handler(args)
    except UsageError as error:
        print(f"otsquiz: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `otsquiz decks | head`: the reader left; that's not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otsquiz",
        description="Study decks of facts in the terminal, with spaced repetition.",
    )
    parser.add_argument("--version", action="version", version=f"otsquiz {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check deck files and report every problem")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--no-cache", action="store_true", help="parse every deck afresh")
    validate.set_defaults(handler=_cmd_validate)

    fix = commands.add_parser("fix", help="write missing card ids into deck files")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="deck files or folders")
    fix.add_argument(
        "--check", action="store_true", help="report what would change; exit 1 if anything would"
    )
    fix.set_defaults(handler=_cmd_fix)

    new = commands.add_parser("new", help="write a starter deck that shows every card type")
    new.add_argument("path", metavar="PATH", help="the deck file to create")
    new.set_defaults(handler=_cmd_new)

    schema = commands.add_parser("schema", help="print the JSON Schema of a deck file")
    schema.set_defaults(handler=_cmd_schema)

    decks = commands.add_parser("decks", help="list the decks found")
    decks.add_argument("paths", nargs="*", metavar="PATH", help="more deck files or folders")
    decks.set_defaults(handler=_cmd_decks)
    return parser


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
            rows.append(("-", problems, "", "", deck.path))
            continue
        rows.append((deck.deck_id or "", deck.title, str(deck.cards), ", ".join(deck.types), deck.path))
    if not rows:
        print("No decks found.")
        return EXIT_OK
    header = ("ID", "TITLE", "CARDS", "TYPES", "PATH")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4]
        )
    return EXIT_OK


def _cmd_home(args: argparse.Namespace) -> int:
    # Until the terminal app lands, `otsquiz` alone shows what there is to study.
    args.paths = []
    return _cmd_decks(args)
