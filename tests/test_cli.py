"""The authoring commands, run in-process and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from otsquiz.cli import main, schema_text
from otsquiz.core.library import load_deck
from tests.conftest import BUNDLED, DATA, REPO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otsquiz", *args], capture_output=True, text=True, cwd=REPO, check=False
    )


def test_validate_prints_located_problems_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(DATA / "unknown_key.toml"), str(DATA / "missing_id.toml")])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert f"{DATA / 'unknown_key.toml'}:11:1: error: unknown key 'promt' (did you mean 'prompt'?)" in out
    assert out[-1] == "2 deck files checked: 2 errors, 1 warning"


def test_validate_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "missing_id.toml")]) == 0  # warnings only
    assert main(["validate", str(DATA / "bom.toml")]) == 0
    assert main(["validate", str(DATA / "empty.toml")]) == 1
    assert main(["validate", str(DATA / "no-such-deck.toml")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["validate"])
    assert raised.value.code == 2


def test_validate_json_has_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(DATA / "distractor_repeats_answer.toml")]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert findings == [
        {
            "path": str(DATA / "distractor_repeats_answer.toml"),
            "line": 13,
            "column": 26,
            "severity": "error",
            "message": "a distractor repeats the answer",
        }
    ]


def test_validate_a_folder_checks_every_deck_in_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "duplicate_ids")]) == 1
    assert "already used by" in capsys.readouterr().out


def test_bundled_decks_validate_without_textual() -> None:
    """The domain core never imports Textual: `validate` runs in a fresh interpreter without it."""
    code = (
        "import sys\n"
        "from otsquiz.cli import main\n"
        f"rc = main(['validate', {str(BUNDLED)!r}])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
        "assert 'rich' not in sys.modules, 'rich was imported'\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_the_command_imports_light_until_a_command_needs_more() -> None:
    """``otsquiz --help`` pays for argparse and the card types, not for decks, Pydantic, TOML or Textual."""
    code = (
        "import sys\n"
        "import otsquiz.cli\n"
        "heavy = ('otsquiz.core.library', 'pydantic', 'tomli', 'tomllib', 'rapidfuzz', 'textual', 'rich')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


def test_fix_writes_missing_ids_and_touches_nothing_else(tmp_path: Path) -> None:
    original = (
        "\ufeff# my deck, with comments   \r\n"
        'format = 1\r\n[deck]\r\nid = "mine"\r\ntitle = "Mine"\r\n\r\n'
        '[[cards]]   # the first card\r\ntype = "typed"\r\nprompt = "What is the capital of Kazakhstan?"\r\n'
        'answer   =   "Astana"\r\n\r\n'
        '[[cards]]\r\nid = "capital-kazakhstan"\r\ntype = "truefalse"\r\nstatement = "x"\r\nanswer = true\r\n\r\n'
        '[[cards]]\r\ntype = "cloze"\r\ntext = "Capital of {{Kazakhstan}}"\r\n'
    )
    deck = tmp_path / "mine.toml"
    deck.write_bytes(original.encode())
    result = run("fix", "--check", str(deck))
    assert result.returncode == 1
    assert 'would add id = "capital-kazakhstan-2" to cards[0]' in result.stdout
    assert deck.read_bytes() == original.encode()

    assert run("fix", str(deck)).returncode == 0
    fixed = deck.read_bytes().decode()
    expected = original.replace(
        "[[cards]]   # the first card\r\n", '[[cards]]   # the first card\r\nid = "capital-kazakhstan-2"\r\n'
    ).replace('[[cards]]\r\ntype = "cloze"', '[[cards]]\r\nid = "capital-kazakhstan-3"\r\ntype = "cloze"')
    assert fixed == expected
    assert load_deck(deck, use_cache=False).problems == []
    # A second run has nothing left to do.
    assert run("fix", "--check", str(deck)).returncode == 0


def test_fix_refuses_a_file_that_is_not_toml(tmp_path: Path) -> None:
    deck = tmp_path / "broken.toml"
    deck.write_text("format = \n")
    result = run("fix", str(deck))
    assert result.returncode == 1
    assert "cannot fix" in result.stderr
    assert deck.read_text() == "format = \n"


def test_new_writes_a_starter_deck_with_every_type_that_validates(tmp_path: Path) -> None:
    path = tmp_path / "world-capitals.toml"
    assert run("new", str(path)).returncode == 0
    result = load_deck(path, use_cache=False)
    assert result.problems == []
    assert result.deck is not None and result.deck.info.id == "world-capitals"
    assert {card.type for card in result.deck.cards} == {
        "basic",
        "typed",
        "choice",
        "multi",
        "truefalse",
        "number",
        "cloze",
        "order",
        "match",
    }
    first_line = path.read_text().splitlines()[0]
    assert first_line.startswith("#:schema ") and first_line.endswith("otsquiz-deck.schema.json")
    again = run("new", str(path))
    assert again.returncode == 2 and "exists" in again.stderr


def test_schema_is_printed_and_the_repository_copy_is_in_sync() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == {"format", "deck", "cards"}
    assert schema["additionalProperties"] is False
    assert (BUNDLED / "otsquiz-deck.schema.json").read_text() == schema_text(), (
        "run: python -m otsquiz schema > decks/otsquiz-deck.schema.json"
    )


def test_bundled_decks_point_editors_at_the_schema() -> None:
    for deck in sorted(BUNDLED.glob("*.toml")):
        assert deck.read_text().splitlines()[0] == "#:schema ./otsquiz-deck.schema.json", deck.name


def test_decks_lists_bundled_user_and_given_decks(otsquiz_home: Path) -> None:
    user_decks = otsquiz_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "mine.toml").write_bytes((DATA / "bom.toml").read_bytes())
    result = run("decks", str(DATA / "empty.toml"))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["ID", "TITLE", "CARDS", "QUESTIONS", "TYPES"]
    assert any(line.startswith("ots-founding ") for line in lines)
    assert any(line.startswith("with-bom ") and "typed" in line for line in lines)
    assert any("1 error" in line and "empty.toml" in line for line in lines)


def test_the_installed_command_finds_the_bundled_decks_from_anywhere(tmp_path: Path) -> None:
    from tests.conftest import require_program

    command = require_program("otsquiz")
    result = subprocess.run([command, "decks"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()}
    assert {"ots-founding", "ots-members", "ots-summits", "ots-alphabet"} <= listed
    module = subprocess.run(
        [sys.executable, "-m", "otsquiz", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert module.returncode == 0 and module.stdout.startswith("otsquiz ")


def run_in(home: Path, *args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "otsquiz", *args],
        capture_output=True,
        text=True,
        input=input,
        cwd=REPO,
        env={**os.environ, "OTSQUIZ_HOME": str(home)},
        check=False,
    )


def test_listing_decks_creates_the_user_deck_folder(otsquiz_home: Path) -> None:
    assert not (otsquiz_home / "decks").exists()
    assert run("decks").returncode == 0
    assert (otsquiz_home / "decks").is_dir()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["study", "--plain"], 1),
        (["drill", "--plain"], 1),
        (["stats"], 1),
        (["stats", "--json"], 1),
        (["decks"], 0),
        (["validate", str(BUNDLED)], 0),
        (["schema"], 0),
        ([], 0),
    ],
)
def test_a_data_folder_that_cannot_be_created_is_a_message(
    tmp_path: Path, args: list[str], code: int
) -> None:
    """OTSQUIZ_HOME under a regular file: not even root can create it."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_in(blocker / "home", *args, input="1\n")
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    if code:
        assert result.stderr.startswith("otsquiz: ") and str(blocker / "home") in result.stderr
    else:
        assert result.stderr == ""


def test_a_skipped_deck_with_escapes_in_its_name_is_shown_harmless(otsquiz_home: Path) -> None:
    decks = otsquiz_home / "decks"
    decks.mkdir(parents=True)
    (decks / "bad\x1b]0;owned\x07.toml").write_text("format = 1\n")
    result = run("drill", "--plain", "ots-founding", "--count", "1")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "otsquiz: skipping " in result.stderr and "bad\\x1b]0;owned\\x07.toml" in result.stderr


def test_unknown_deck_ids_and_paths_are_shown_harmless() -> None:
    result = run("drill", "--plain", "no-such\x1b[2J")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "no-such\\x1b[2J" in result.stderr
    result = run("validate", "/nowhere/\x1bc.toml")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "/nowhere/\\x1bc.toml" in result.stderr
    result = run("drill", "--type", "\x1b[31mx")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "'\\x1b[31mx'" in result.stderr


def test_stats_names_cards_and_questions_as_decks_does(otsquiz_home: Path) -> None:
    decks = otsquiz_home / "decks"
    decks.mkdir(parents=True)
    (decks / "gaps.toml").write_text(
        'format = 1\n[deck]\nid = "gaps"\ntitle = "Gaps"\n\n[[cards]]\nid = "two-gaps"\ntype = "cloze"\n'
        'text = "The {{Turkic Council}} was founded in {{2009}}."\n'
    )
    report = json.loads(run("stats", "--json").stdout)
    [gaps] = [deck for deck in report["decks"] if deck["id"] == "gaps"]
    assert (gaps["cards"], gaps["questions"]) == (1, 2)
    text = run("stats").stdout.splitlines()
    header = next(line for line in text if line.startswith("DECK "))
    assert header.split() == ["DECK", "CARDS", "QUESTIONS", "REVIEWED", "DUE", "MASTERED"]
    assert next(line for line in text if line.startswith("gaps ")).split()[:3] == ["gaps", "1", "2"]
    listed = next(line for line in run("decks").stdout.splitlines() if line.startswith("gaps "))
    assert listed.split()[2:4] == ["1", "2"]  # the same two numbers as `otsquiz decks`


def test_a_profile_name_with_escapes_is_shown_harmless() -> None:
    for args in (["stats"], ["stats", "--json"], ["study", "--plain", "ots-founding"]):
        result = run(*args, "--profile", "ev\x1b[2Jil")
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("otsquiz: ") and "\x1b" not in result.stderr
        assert "ev\\x1b[2Jil" in result.stderr


def test_stats_of_an_unknown_profile_is_an_error_and_creates_nothing() -> None:
    assert run("study", "--plain", "--profile", "ayse", "ots-founding").returncode == 0
    for args in (["stats"], ["stats", "--json"]):
        result = run(*args, "--profile", "typoo")
        assert result.returncode == 1
        assert result.stderr == "otsquiz: no profile named 'typoo'; profiles: ayse\n"
        assert result.stdout == ""
    from otsquiz.core.store import Store

    with Store.open() as store:
        assert [profile.name for profile in store.profiles()] == ["ayse"]
    assert run("stats").returncode == 0  # the default profile: zeros on a fresh install


def test_validate_json_escapes_c1_controls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "c1\x9b31m.toml"  # U+009B is a one-character CSI on some terminals
    deck.write_text("format = \n")
    assert main(["validate", "--format", "json", str(deck)]) == 1
    out = capsys.readouterr().out
    assert "\x9b" not in out
    [finding] = json.loads(out)
    assert "\\x9b31m.toml" in finding["path"]


@pytest.mark.parametrize("selector", ["./missing.toml", "missing.toml", "decks/nowhere"])
def test_a_mistyped_deck_path_is_no_such_file(selector: str) -> None:
    result = run("drill", "--plain", selector)
    assert result.returncode == 2
    assert result.stderr == f"otsquiz: no such file or folder: {selector}\n"


def test_a_drill_with_nothing_to_ask_says_so_and_exits_1(tmp_path: Path) -> None:
    deck = tmp_path / "one.toml"
    deck.write_text(
        'format = 1\n[deck]\nid = "one"\ntitle = "One"\n\n[[cards]]\nid = "c"\ntype = "typed"\n'
        'prompt = "Capital of Kyrgyzstan?"\nanswer = "Bishkek"\n'
    )
    result = run("drill", "--plain", str(deck), "--type", "match", "--type", "order")
    assert result.returncode == 1
    assert result.stdout.startswith("No match or order cards in the chosen decks (one).")
    assert "Nothing to study right now" not in result.stdout


def test_the_app_drill_names_its_decks_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import otsquiz.cli as cli
    import otsquiz.tui.app as app

    started: list[object] = []
    monkeypatch.setattr(cli, "_use_app", lambda args: True)
    monkeypatch.setattr(app, "run_app", lambda launch: started.append(launch.start) or 0)
    assert main(["drill", "ots-members", "ots-founding", "--seed", "7"]) == 0
    assert capsys.readouterr().err == "otsquiz: drill from ots-founding, ots-members, seed 7\n"
    assert len(started) == 1


def test_decks_at_a_terminal_fit_80_columns_and_piped_rows_stay_whole(
    otsquiz_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import otsquiz.cli as cli

    decks = otsquiz_home / "decks"
    decks.mkdir(parents=True)
    (decks / "a-rather-long-file-name-for-a-deck.toml").write_text(
        'format = 1\n[deck]\nid = "long"\ntitle = "A title far longer than any column could hold at eighty"\n\n'
        '[[cards]]\nid = "c"\ntype = "typed"\nprompt = "Capital of Kyrgyzstan?"\nanswer = "Bishkek"\n'
    )
    (decks / "broken.toml").write_text("format = 1\n")
    assert main(["decks"]) == 0
    piped = capsys.readouterr().out.splitlines()
    assert any("A title far longer than any column could hold at eighty" in line for line in piped)
    assert any(line.startswith("ots-founding ") and "truefalse, typed" in line for line in piped)

    monkeypatch.setattr(cli, "_is_tty", lambda stream: True)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["decks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[: lines.index("")]
    assert max(len(line) for line in table) <= 80
    [row] = [line for line in table if line.startswith("long ")]
    assert "A title far" in row and "…" in row and row.endswith("-for-a-deck.toml")
    assert lines[0].split() == ["ID", "TITLE", "CARDS", "QUESTIONS", "TYPES", "PATH"]
    # A deck that is not loaded is named below the table, not in its TITLE column.
    assert lines[-1] == f"{decks / 'broken.toml'}: 1 error (otsquiz validate {decks / 'broken.toml'})"
