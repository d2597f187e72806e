"""Deck selection and the session request: what every front end (the CLI, the app, a room) chooses with."""

from __future__ import annotations

from pathlib import Path

import pytest

from otsquiz.core.cards import CARD_TYPES, Deck
from otsquiz.core.paths import bundled_decks_dir
from otsquiz.core.selection import (
    DRILL_COUNT,
    SelectionError,
    SessionRequest,
    check_types,
    choose_decks,
    deck_sources,
    existing_paths,
    library_decks,
)
from tests.conftest import BUNDLED

BUNDLED_IDS = sorted(path.stem for path in BUNDLED.glob("*.toml"))


def deck_text(deck_id: str) -> str:
    return (
        f'format = 1\n[deck]\nid = "{deck_id}"\ntitle = "{deck_id.title()}"\n\n'
        '[[cards]]\nid = "c"\ntype = "typed"\nprompt = "Capital of Kyrgyzstan?"\nanswer = "Bishkek"\n'
    )


def write_deck(folder: Path, name: str, deck_id: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(deck_text(deck_id))
    return path


def ids(decks: list[Deck]) -> list[str]:
    return sorted(deck.info.id for deck in decks)


# ---------------------------------------------------------------- where decks are


def test_the_sources_are_the_bundled_decks_then_the_users_folder_once_it_exists(otsquiz_home: Path) -> None:
    assert deck_sources() == [bundled_decks_dir()]
    (otsquiz_home / "decks").mkdir(parents=True)
    assert deck_sources() == [bundled_decks_dir(), otsquiz_home / "decks"]


def test_extra_sources_come_last_and_must_exist(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine.toml", "mine")
    assert deck_sources([str(deck)]) == [bundled_decks_dir(), deck]
    with pytest.raises(SelectionError, match=r"^no such file or folder: nope, gone/x\.toml$"):
        deck_sources([str(deck), "nope", "gone/x.toml"])


def test_existing_paths_gives_the_paths_back_in_order(tmp_path: Path) -> None:
    assert existing_paths([str(tmp_path), str(BUNDLED)]) == [str(tmp_path), str(BUNDLED)]


def test_the_library_is_every_deck_that_loads_and_the_problems_of_the_rest(otsquiz_home: Path) -> None:
    user = otsquiz_home / "decks"
    write_deck(user, "mine.toml", "mine")
    (user / "broken.toml").write_text("format = 1\n")
    decks, problems = library_decks()
    assert ids(decks) == sorted([*BUNDLED_IDS, "mine"])
    assert problems and {Path(problem.path).name for problem in problems} == {"broken.toml"}


# ---------------------------------------------------------------- DECK... selectors


def test_no_selector_chooses_every_deck_and_notes_the_broken_ones(otsquiz_home: Path) -> None:
    user = otsquiz_home / "decks"
    write_deck(user, "mine.toml", "mine")
    (user / "broken.toml").write_text("format = 1\n")
    chosen = choose_decks([])
    assert ids(chosen.decks) == sorted([*BUNDLED_IDS, "mine"])
    [skipped] = chosen.skipped
    assert Path(skipped.path).name == "broken.toml" and skipped.errors >= 1


def test_ids_and_paths_mix_and_a_folder_holds_only_what_is_inside_it(tmp_path: Path) -> None:
    write_deck(tmp_path / "turkic", "a.toml", "inside")
    write_deck(tmp_path / "turkic-extra", "b.toml", "beside")  # its name starts the same
    chosen = choose_decks([str(tmp_path / "turkic"), "ots-members"])
    assert ids(chosen.decks) == ["inside", "ots-members"]
    assert chosen.skipped == []


def test_a_file_of_the_users_folder_named_as_a_path_is_loaded_once(otsquiz_home: Path) -> None:
    deck = write_deck(otsquiz_home / "decks", "mine.toml", "mine")
    chosen = choose_decks([str(deck)])
    assert ids(chosen.decks) == ["mine"]  # not a duplicate of itself
    assert chosen.skipped == []


@pytest.mark.parametrize("selector", ["./missing.toml", "missing.toml", "decks/nowhere"])
def test_a_selector_that_reads_as_a_path_is_no_such_file(selector: str) -> None:
    with pytest.raises(SelectionError) as raised:
        choose_decks(["ots-members", selector])
    assert str(raised.value) == f"no such file or folder: {selector}"


def test_an_unknown_id_names_itself_and_carries_the_broken_decks_met(otsquiz_home: Path) -> None:
    (otsquiz_home / "decks").mkdir(parents=True)
    (otsquiz_home / "decks" / "broken.toml").write_text("format = 1\n")
    with pytest.raises(SelectionError) as raised:
        choose_decks(["ots-members", "nope", "nada"])
    assert str(raised.value) == "no deck with id nope, nada (see `otsquiz decks`)"
    assert [Path(skipped.path).name for skipped in raised.value.skipped] == ["broken.toml"]


def test_a_folder_of_broken_decks_is_no_decks_to_study(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("format = 1\n")
    with pytest.raises(SelectionError, match=r"^no decks to study$") as raised:
        choose_decks([str(tmp_path)])
    [skipped] = raised.value.skipped
    assert skipped.path == str(tmp_path / "broken.toml") and skipped.errors >= 1


# ---------------------------------------------------------------- the rest of the choice


def test_a_drill_without_a_count_asks_drill_count_questions_and_study_all_due() -> None:
    assert SessionRequest.build("drill", ["a"]).count == DRILL_COUNT
    assert SessionRequest.build("study", ["a"]).count is None
    assert SessionRequest.build("drill", ["a"], count=3).count == 3


def test_a_built_request_keeps_every_choice() -> None:
    request = SessionRequest.build(
        "drill", iter(["a", "b"]), count=5, types=("typed", "cloze"), seed="7", feedback=False, timer=30
    )
    assert request == SessionRequest("drill", ["a", "b"], 5, ["typed", "cloze"], "7", False, 30)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "exam"}, "no session mode exam (the modes are study, drill)"),
        ({"count": 0}, "the count must be at least 1, not 0"),
        ({"timer": -5}, "the timer must be at least 1, not -5"),
        ({"types": ["typed", "essay"]}, f"no card type essay (the types are {', '.join(CARD_TYPES)})"),
    ],
)
def test_a_request_that_cannot_be_run_is_a_selection_error(options: dict[str, object], message: str) -> None:
    mode = options.pop("mode", "drill")
    with pytest.raises(SelectionError) as raised:
        SessionRequest.build(mode, ["a"], **options)  # type: ignore[arg-type]  # each option of its own type
    assert str(raised.value) == message


def test_card_types_are_checked_in_the_order_given_and_none_means_every_type() -> None:
    assert check_types(None) is None
    assert check_types(iter(["match", "order"])) == ["match", "order"]
    assert check_types(list(CARD_TYPES)) == list(CARD_TYPES)
