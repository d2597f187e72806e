"""The docs state facts of the code: bundled cards, messages, limits, commands. These keep them true."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import pytest

from otsquiz.cli import main
from otsquiz.core import deck_cache, limits, paths
from otsquiz.core.answers import parse_number
from otsquiz.core.library import inspect_decks, load_file_bytes
from otsquiz.core.models import json_schema
from otsquiz.core.selection import deck_sources
from otsquiz.core.store.damage import CHECKED_SUFFIX
from otsquiz.core.store.profiles import PROFILE_NAME_MAX, profile_key, profile_name_problem
from otsquiz.plain import HELP
from tests.conftest import BUNDLED, REPO

GUIDE = REPO / "docs" / "authoring.md"
README = REPO / "README.md"


def text_of(path: Path) -> str:
    """The file with its line breaks as spaces: a fact may wrap anywhere."""
    return " ".join(path.read_text(encoding="utf-8").split())


def section(path: Path, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    text = path.read_text(encoding="utf-8")
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n")
    end = re.compile(rf"\n#{{1,{len(level)}}} ").search(text, start + 1)
    return text[start : end.start() if end else len(text)]


def bundled_cards() -> dict[str, dict[str, object]]:
    cards: dict[str, dict[str, object]] = {}
    for path in BUNDLED.glob("*.toml"):
        for card in tomllib.loads(path.read_text(encoding="utf-8"))["cards"]:
            cards[card["id"]] = card
    return cards


def test_every_card_quoted_in_the_guide_is_a_bundled_card_as_written() -> None:
    cards = bundled_cards()
    quoted = 0
    for block in re.findall(r"```toml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S):
        for card in tomllib.loads(block).get("cards", []):
            quoted += 1
            assert card["id"] in cards, f"the guide quotes {card['id']}, which no bundled deck has"
            for key, value in card.items():
                assert cards[card["id"]].get(key) == value, f"{card['id']}.{key} differs from the deck"
    assert quoted >= 9  # one example of each card type


def validate_examples() -> list[tuple[list[str], list[str]]]:
    """Each ``$ otsquiz validate`` of the guide's console blocks on files of the source tree, with its output."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S):
        for command, output in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", block, re.M):
            argv = shlex.split(command)
            files = [arg for arg in argv[2:] if not arg.startswith("-") and arg != "json"]
            if argv[:2] == ["otsquiz", "validate"] and all((REPO / file).exists() for file in files):
                examples.append((argv[1:], output.splitlines()))
    return examples


def test_the_guide_shows_validate_as_it_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    examples = validate_examples()
    assert len(examples) >= 3  # the problems, the JSON, the rejected texts
    for argv, expected in examples:
        main(argv)
        assert capsys.readouterr().out.splitlines() == expected, " ".join(argv)


def deck(cards: str) -> bytes:
    return f'format = 1\n[deck]\nid = "docs-deck"\ntitle = "Docs"\n{cards}'.encode()


def typed(prompt: str = "p", answer: str = "a", more: str = "") -> str:
    return f'[[cards]]\nid = "c"\ntype = "typed"\nprompt = "{prompt}"\nanswer = "{answer}"\n{more}'


def cloze(text: str) -> str:
    return f'[[cards]]\nid = "c"\ntype = "cloze"\ntext = "{text}"\n'


# A deck showing each row of the guide's "What is rejected" table.
REJECTED = {
    "blank": typed(prompt="   "),
    "newline": typed(answer="two\\nlines"),
    "gap newline": cloze("A {{two\\nlines}} gap"),
    "unclosed": cloze("The capital is {{Baku"),
    "closes none": cloze("The capital is Baku}}"),
    "nested": cloze("{{a {{b}}"),
    "stray brace": cloze("{{a} b}}"),
    "empty gap": cloze("The {{}} gap"),
    "no gap": cloze("No gap here"),
    "control": typed(prompt="Red \\u001b[31m"),
    "too long": typed(prompt="x" * (limits.MAX_TEXT + 1)),
}


def test_the_guide_quotes_what_otsquiz_says_of_each_rejected_text() -> None:
    table = section(GUIDE, "### What is rejected")
    quoted = set(re.findall(r"^\|[^|]*\| `([^`]*)`", table, re.M)) - {"the message"}
    said = {}
    for what, cards in REJECTED.items():
        problems = load_file_bytes(deck(cards), "t.toml", use_cache=False).problems
        assert [p.severity for p in problems] == ["error"], (what, problems)
        assert problems[0].line is not None, what  # pointed at, not left at the file's start
        said[what] = problems[0].message
    assert quoted == set(said.values())
    tab = load_file_bytes(deck(typed(answer="a\\tb")), "t.toml", use_cache=False).problems
    assert [p.message for p in tab] == [said["newline"].replace("a newline", "a tab")]


def test_limits_the_docs_state_are_the_codes() -> None:
    guide, readme = text_of(GUIDE), text_of(README)
    assert f"**{limits.MAX_FILE_BYTES // 2**20} MiB**" in guide
    assert f"**{limits.MAX_CARDS:,} cards**" in guide
    assert f"**{limits.MAX_TEXT:,} characters**" in guide
    cards = json_schema()["$defs"]
    for kind, field, phrase in [
        ("ChoiceCard", "distractors", "`distractors` (1 to 7)"),
        ("MultiCard", "answers", "`answers` (1 to 20)"),
        ("MultiCard", "distractors", "`distractors` (1 to 20)"),
        ("OrderCard", "items", "`items` (2 to 10)"),
        ("MatchCard", "pairs", "`pairs` (2 to 10)"),
    ]:
        schema = cards[kind]["properties"][field]
        assert phrase in guide
        assert phrase.endswith(f"({schema['minItems']} to {schema['maxItems']})"), (kind, field)
    assert cards["NumberCard"]["properties"]["unit"]["maxLength"] == 64
    assert cards["DeckTable"]["properties"]["tags"]["items"]["maxLength"] == 64
    assert "(64 in a tag or a `unit`)" in guide
    assert f"1 to {PROFILE_NAME_MAX} printable characters" in readme
    assert f"at most {deck_cache.MAX_BYTES // 2**20} MiB" in readme
    assert f"unused for {deck_cache.UNUSED_DAYS} days" in readme
    assert f"`{paths.DATABASE_NAME}{CHECKED_SUFFIX}`" in readme


def test_profile_names_the_readme_calls_one_learner_are_one() -> None:
    readme = text_of(README)
    names = ["İsmail", "ISMAIL", "Ismail", "ısmaıl"]
    assert f"`{names[0]}`, `{names[1]}`, `{names[2]}` and `{names[3]}` are one learner" in readme
    assert len({profile_key(name) for name in names}) == 1
    assert profile_key(unicodedata.normalize("NFD", "Ayşe")) == profile_key("ayşe")
    assert profile_key("Ann  Lee") == profile_key("ann lee")
    assert profile_name_problem("x" * PROFILE_NAME_MAX) is None
    assert profile_name_problem("x" * (PROFILE_NAME_MAX + 1)) is not None
    assert profile_name_problem("a\tb") is not None
    assert profile_name_problem("  ") is not None


def test_number_answers_read_as_the_docs_say() -> None:
    assert "`450 km` and `450KM` answer a card whose unit is `km`" in text_of(README)
    for given, unit, value in [
        ("1,768", "", 1768),
        ("1 768", "", 1768),
        ("1768.0", "", 1768),
        ("3,5", "", 3.5),
        ("450 km", "km", 450),
        ("450KM", "km", 450),
        ("1768 km", "km", 1768),
        ("25%", "%", 25),
        ("$3", "$", 3),
        ("US$ 3", "US$", 3),
    ]:
        assert parse_number(given, unit) == value, (given, unit)
    assert parse_number("450 mi", "km") is None
    assert parse_number("450 km km", "km") is None


def test_deck_id_clashes_say_what_the_guide_quotes(otsquiz_home: Path, tmp_path: Path) -> None:
    guide = text_of(GUIDE)
    yours = otsquiz_home / "decks"
    yours.mkdir(parents=True)
    founding = BUNDLED / "ots-founding.toml"
    shutil.copy(founding, yours / "my-founding.toml")
    copy, bundled = inspect_decks([yours / "my-founding.toml", founding])
    assert copy.deck_id == "ots-founding" and bundled.deck_id is None  # yours is used
    for summary in (copy, bundled):
        [problem] = summary.problems
        assert problem.severity == "warning" and problem.key == "deck.id"
        assert re.sub(r"\S*/\S*\.toml", "…", problem.message) in guide
    clashing = founding.read_text(encoding="utf-8").replace('id = "ots-founding"', 'id = "my-deck"', 1)
    (yours / "my-founding.toml").write_text(clashing, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(clashing, encoding="utf-8")
    # validate FILE checks it against the decks otsquiz would load beside it, reporting FILE only
    [summary] = inspect_decks([elsewhere], context=deck_sources())
    [problem] = summary.problems
    assert summary.deck_id is None and problem.severity == "error"
    assert re.sub(r"\S*/\S*\.toml", "…", problem.message) in guide


CONTRACT_KEYS = {"profile", "reviews_total", "decks"}
CONTRACT_DECK_KEYS = {"id", "cards", "reviewed", "due"}


def test_every_stats_json_key_beyond_the_contract_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    extensions = section(GUIDE, "## Where otsquiz extends the format contract")
    [stats] = [item for item in extensions.split("\n- ") if item.startswith("**`otsquiz stats --json`**")]
    named = set(re.findall(r"`(\w+)`", stats))
    assert set(report) - CONTRACT_KEYS <= named
    assert report["decks"] and set(report["decks"][0]) - CONTRACT_DECK_KEYS <= named
    assert "drill_answers" in named and "questions" in named


def plain_study(*lines: str) -> str:
    process = subprocess.run(
        [sys.executable, "-m", "otsquiz", "study", "--plain", "ots-founding"],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,  # only a hung process waits this long
        check=False,
    )
    assert process.returncode == 0, process.stderr
    return process.stdout


def test_the_plain_modes_commands_are_the_readmes() -> None:
    table = section(README, "## Using otsquiz").split("**The plain mode**")[1].split("\n\n")[1]
    documented = re.findall(r"`(:\w+)`", table)
    assert set(re.findall(r":\w+", HELP)) <= set(documented)
    quits = [word for word in documented if word in (":quit", ":q")]
    others = [word for word in documented if word not in quits]
    assert len(quits) == 2 and len(others) >= 8
    for quit in quits:
        # Every other command is run (none falls through to the list of commands), then quit ends
        # the session: the :idk after it is never read.
        out = plain_study(*others, ":nope", quit, ":idk")
        assert out.count("Commands:") == 2  # the first line, and the answer to :nope
        assert out.count("Not known: it counts as a miss.") == others.count(":idk") + others.count(":i")
