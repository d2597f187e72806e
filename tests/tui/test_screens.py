"""The app around the quiz: quitting, home, settings, profiles, stats and the palette.

Driven with Textual's Pilot on the fixtures of tests/tui/conftest.py; each test
checks what the screen shows, where it shows it, or what the store recorded.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, SelectionList, Static
from textual.widgets._select import SelectOverlay
from textual_plotext import PlotextPlot

from otsquiz.core.problems import Problem
from otsquiz.core.store import Store
from otsquiz.tui.screens.help import HELP
from otsquiz.tui.screens.home import HomeScreen, broken_decks_notice, deck_rows
from otsquiz.tui.screens.quiz import QuizScreen
from otsquiz.tui.screens.settings import SettingsScreen
from otsquiz.tui.screens.stats import StatsScreen, count_ticks, headline
from otsquiz.tui.screens.summary import SummaryScreen
from tests.tui.conftest import (
    CARDS,
    AppFactory,
    all_types_deck,
    drill,
    figures_read,
    make_deck,
    press_answer,
    record_progress,
    study,
)

SIZE = (100, 34)


async def answer_one(pilot: Pilot[Any], right: bool = True) -> None:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen) and screen.session is not None
    assert screen.session.current is not None
    await press_answer(pilot, screen.session.current, right, keystrokes=False)
    await pilot.pause()


def sessions(store: Store) -> list[tuple[Any, ...]]:
    return list(store.connection.execute("SELECT finished, questions, correct FROM sessions"))


# ---------------------------------------------------------------- quitting


async def test_ctrl_q_during_a_session_records_its_end_and_totals(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], start=study(["all-types"]))
    async with app.run_test(size=SIZE) as pilot:
        await answer_one(pilot, right=True)
        await pilot.press("enter")
        await answer_one(pilot, right=False)
        await pilot.press("ctrl+q")
        await pilot.pause()
    with Store.open() as store:
        [(finished, questions, correct)] = sessions(store)
    assert finished is not None
    assert (questions, correct) == (2, 1)


# ---------------------------------------------------------------- settings


def inside(inner: Region, outer: Region) -> bool:
    return outer.contains_region(inner)


async def open_settings(pilot: Pilot[Any]) -> SettingsScreen:
    await pilot.pause()
    await pilot.press("comma")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


async def test_a_stored_theme_that_is_not_available_falls_back_to_the_default(make_app: AppFactory) -> None:
    with Store.open() as store:
        profile = store.profile("default")
        store.save_settings(profile, profile.settings._replace(theme="no-such-theme"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert screen.query_one("#theme", Select).value == "textual-dark"
        [note] = [note for note in app._notifications if note.title == "Settings"]
        assert "'no-such-theme' is not available" in note.message
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with Store.open() as store:
        assert store.profile("default").settings.theme == "textual-dark"


@pytest.mark.parametrize("size", [(80, 24), (100, 34)], ids=["80x24", "100x34"])
async def test_settings_show_their_labels_whole_and_the_theme_list_inside_the_dialog(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_settings(pilot)
        dialog = screen.query_one("#settings")
        assert inside(dialog.region, screen.region)
        for label in [child for child in dialog.children if type(child) is Static and child.id is None]:
            text = str(label.render())
            assert inside(label.region, dialog.content_region), text
            # Wrapped, not cut: the lines it has hold all of its text.
            assert label.region.width * label.region.height >= len(text), text
        select = screen.query_one("#theme", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = select.query_one(SelectOverlay)
        assert select.expanded and overlay.region.height > 2
        assert inside(overlay.region, dialog.region), (overlay.region, dialog.region)
        assert inside(overlay.region, screen.region)


# ---------------------------------------------------------------- home


EVIL_FILE = "decks/evil\x1b]0;owned\x07.toml"
EVIL_PROFILE = "Ali\x1b[2J"


def broken_decks() -> list[Problem]:
    return [
        Problem("decks/broken.toml", 11, 1, "error", "unknown key 'promt' (did you mean 'prompt'?)"),
        Problem(EVIL_FILE, 1, 5, "error", "TOML syntax: Expected '=' after a key"),
        Problem("decks/fine.toml", 3, 1, "warning", "card has no id"),
    ]


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_broken_decks_are_told_once_in_a_toast_and_home_keeps_a_notice(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], problems=broken_decks())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [note] = list(app._notifications)
        assert note.title == "Deck problems" and note.timeout < float("inf")  # it fades
        # The file name's escape sequence is spelled out, not sent to the terminal.
        assert "decks/evil\\x1b]0;owned\\x07.toml:1:5" in note.message
        assert "\x1b" not in note.message and "\x07" not in note.message
        notice = app.screen.query_one("#deck-problems", Static)
        assert notice.display and not notice.has_class("hidden")
        assert text_of(notice) == "2 decks could not be loaded: run `otsquiz validate decks`"

        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(list(app._notifications)) == 1  # told once
        assert text_of(app.screen.query_one("#deck-problems", Static)).startswith("2 decks could not")


async def test_on_a_narrow_terminal_the_broken_deck_toast_is_one_short_line(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], problems=broken_decks())
    async with app.run_test(size=(40, 16)) as pilot:
        await pilot.pause()
        [note] = list(app._notifications)
        assert (note.title, note.message) == ("Deck problems", "2 decks left out (see home)")
        notice = app.screen.query_one("#deck-problems", Static)
        assert text_of(notice) == "2 decks could not be loaded: run `otsquiz validate decks`"


def test_the_notice_names_the_one_broken_file_or_the_files_in_several_folders() -> None:
    assert broken_decks_notice([]) == ""
    assert broken_decks_notice(["/home/a/my deck.toml"]) == (
        "1 deck could not be loaded: run `otsquiz validate '/home/a/my deck.toml'`"
    )
    assert broken_decks_notice(["a/x.toml", "b/y.toml"]) == (
        "2 decks could not be loaded: run `otsquiz validate a/x.toml b/y.toml`"
    )
    assert "\x1b" not in broken_decks_notice([EVIL_FILE])


async def test_home_without_broken_decks_has_no_notice(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not list(app._notifications)
        assert app.screen.query_one("#deck-problems", Static).has_class("hidden")


def hold_profile(name: str) -> None:
    """A profile the store already holds under ``name`` (as an older otsquiz may have created it)."""
    with Store.open() as store:
        store.profile("default")
        store.connection.execute(
            "INSERT INTO profiles (name, created, settings) VALUES (?, 0, '{}')", (name,)
        )
        store.connection.commit()


async def test_a_profile_name_with_an_escape_sequence_is_shown_spelled_out(make_app: AppFactory) -> None:
    hold_profile(EVIL_PROFILE)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [evil] = [profile for profile in app.store.profiles() if profile.name == EVIL_PROFILE]
        app.profile = evil
        app._show_profile()
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.refresh_decks()
        assert app.sub_title == "profile: Ali\\x1b[2J"
        assert text_of(home.query_one("#profile-line", Static)).startswith("Profile: Ali\\x1b[2J ")

        await pilot.press("p")
        await pilot.pause()
        profiles = app.screen.query_one("#profile-list", OptionList)
        prompts = [str(profiles.get_option_at_index(i).prompt) for i in range(profiles.option_count)]
        assert prompts == ["● Ali\\x1b[2J", "  default"]
        await pilot.press("escape")
        await pilot.press("comma")
        await pilot.pause()
        title = app.screen.query_one("#settings .section-title", Static)
        assert text_of(title) == "Settings for profile Ali\\x1b[2J"
        assert not any("\x1b" in text_of(widget) for widget in app.screen.query(Static))


@pytest.mark.parametrize("field", ["#drill-count", "#drill-timer", "#drill-seed"])
async def test_letters_typed_in_a_drill_field_stay_there_and_enter_starts_the_drill(
    make_app: AppFactory, field: str
) -> None:
    app = make_app([all_types_deck()])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        home.query_one(field, Input).focus()
        await pilot.press("s", "d", "t", "p", "q", "comma")  # the screen's keys: none of them acts
        await pilot.pause()
        assert app.screen is home and app.is_running
        typed = home.query_one(field, Input).value
        assert typed == {"#drill-count": "10", "#drill-timer": "", "#drill-seed": "sdtpq,"}[field]
        if field != "#drill-seed":
            home.query_one("#drill-seed", Input).value = "class 7"
        home.query_one("#drill-count", Input).value = "3"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert (screen.request.mode, screen.request.count) == ("drill", 3)
        assert screen.request.seed == ("sdtpq," if field == "#drill-seed" else "class 7")


# ---------------------------------------------------------------- stats


def test_count_ticks_are_whole_numbers_from_zero_past_the_top() -> None:
    assert count_ticks(0) == [0, 1, 2]
    assert count_ticks(11) == [0, 6, 12]
    assert count_ticks(4) == [0, 2, 4]


async def test_the_charts_label_counts_as_whole_numbers(make_app: AppFactory) -> None:
    record_progress({1: 11, 0: 5})
    app = make_app([all_types_deck()])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await figures_read(pilot)
        for chart in ("#reviews-chart", "#forecast-chart"):
            drawn = Text.from_ansi(app.screen.query_one(chart, PlotextPlot).plt.build()).plain
            assert drawn.strip(), chart
            assert not re.search(r"\d\.\d", drawn), drawn
        # An odd top is where plotext's own ticks said 11.0 and 5.5.
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        screen._bars("#reviews-chart", "Answers", ["06-08", "06-09", "06-10"], [0, 11, 5])
        drawn = Text.from_ansi(screen.query_one("#reviews-chart", PlotextPlot).plt.build()).plain
        assert not re.search(r"\d\.\d", drawn), drawn
        assert re.search(r"^\s*12┤", drawn, re.MULTILINE) and re.search(r"^\s*6┤", drawn, re.MULTILINE), drawn


# ---------------------------------------------------------------- the palette's screenshot


def screenshot_notes(app: Any) -> list[Any]:
    return [note for note in app._notifications if note.title == "Screenshot"]


async def test_the_palettes_screenshot_says_where_it_was_saved(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    monkeypatch.setattr("otsquiz.tui.app.screenshot_folder", lambda: folder)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app, "set_timer", lambda delay, callback: callback())  # no waiting on a timer
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        command.callback()
        await pilot.pause()
        [saved] = list(folder.iterdir())
        assert saved.suffix == ".svg" and "<svg" in saved.read_text(encoding="utf-8")
        [note] = screenshot_notes(app)
        assert note.severity == "information" and str(saved) in note.message


async def test_a_screenshot_that_cannot_be_saved_says_why(make_app: AppFactory, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.take_screenshot(not_a_folder) is None
        await pilot.pause()
        [note] = screenshot_notes(app)
        assert note.severity == "error"
        assert str(not_a_folder) in note.message and "Not a directory" in note.message
        assert app.is_running


# ---------------------------------------------------------------- small terminals


@pytest.mark.parametrize("key, dialog", [("comma", "#settings"), ("p", "#profiles")])
async def test_a_dialog_on_a_small_terminal_fits_it_and_scrolls(
    make_app: AppFactory, key: str, dialog: str
) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        box = app.screen.query_one(dialog)
        assert inside(box.region, app.screen.region), box.region
        assert box.max_scroll_y > 0  # what does not fit is scrolled to, not cut off
        for label in [child for child in box.children if type(child) is Static and child.id is None]:
            assert label.region.width * label.region.height >= len(str(label.render())), label


async def test_help_at_80_columns_breaks_no_line(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("#help-text", Static)
        assert text.virtual_region.height == len(HELP.split("\n"))  # one row per line, none wrapped


async def test_home_counts_only_the_cards_a_deck_has_now(make_app: AppFactory) -> None:
    record_progress({0: 1})  # the first card, "capital", studied
    without_it = make_deck(
        "all-types", [card for kind, card in CARDS.items() if kind != "basic"], "Every card type"
    )
    app = make_app([without_it])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        [row] = deck_rows(app)
        assert row[2:] == (8, 9, 0, 9, 0.0)  # cards, questions, due, new, mastery: the removed card is gone


def row_texts(app: Any) -> list[str]:
    decks = app.screen.query_one("#decks", SelectionList)
    return [str(decks.get_option_at_index(i).prompt) for i in range(decks.option_count)]


@pytest.mark.parametrize("size", [(40, 12), (60, 16), (80, 24)], ids=["40x12", "60x16", "80x24"])
async def test_home_rows_fit_the_list_and_the_drill_fields_stay_on_a_small_terminal(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    decks = [all_types_deck(), make_deck("second", [CARDS["typed"]], "Founding, members and observers")]
    app = make_app(decks, problems=broken_decks())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        rows = home.query_one("#decks", SelectionList)
        room = rows.scrollable_content_region.width - 4  # the choice box before each row
        assert all(len(text) <= room for text in row_texts(app)), (room, row_texts(app))
        # Due, new and mastery on every row, whatever else it drops.
        assert all(re.search(r"\d+\s+\d+\s+(?:[█░]+\s+)?\d+%$", text) for text in row_texts(app))
        assert inside(home.query_one("#drill-count").region, home.region)
        assert rows.region.height >= 3  # a row or more of the list is on screen


async def test_home_lays_its_rows_out_again_when_the_terminal_narrows(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()])
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        [wide] = row_texts(app)
        assert re.fullmatch(r"Every card type\s+9\s+10\s+0\s+10\s+[█░]+\s+0%", wide), wide
        await pilot.resize_terminal(44, 14)
        await pilot.pause()
        [narrow] = row_texts(app)
        assert re.fullmatch(r"Every card ty…\s+0\s+10\s+0%", narrow), narrow
        assert app.screen.has_class("-short")


@pytest.mark.parametrize("size", [(40, 16), (80, 24)], ids=["40x16", "80x24"])
async def test_the_charts_fit_their_titles_and_stack_on_a_narrow_terminal(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    record_progress({2: 4, 0: 3})
    app = make_app([all_types_deck()])
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await figures_read(pilot)
        answers, forecast = (
            app.screen.query_one(chart, PlotextPlot) for chart in ("#reviews-chart", "#forecast-chart")
        )
        for chart, title in ((answers, "Reviews per day"), (forecast, "Reviews due")):
            assert title in Text.from_ansi(chart.plt.build()).plain
        stacked = forecast.region.y >= answers.region.bottom
        assert stacked == (size[0] < 70)
        assert "questions seen" in str(app.screen.query_one("#mastery", Static).render())  # not "cards"


# ---------------------------------------------------------------- profiles during a session


async def test_switching_profile_during_a_session_is_refused_and_answers_stay_with_its_profile(
    make_app: AppFactory,
) -> None:
    app = make_app([all_types_deck()], start=study(["all-types"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [switch] = [c for c in app.get_system_commands(app.screen) if c.title == "Switch profile"]
        switch.callback()  # as the command palette runs it
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)  # no profile dialog over the question
        [note] = [note for note in app._notifications if "session first" in note.message]
        assert note.message == "Finish or end this session first (escape), then switch profile."
        await answer_one(pilot)
        assert app.profile.name == "default"
        counts = list(
            app.store.connection.execute(
                "SELECT p.name, count(*) FROM review_log r JOIN profiles p ON p.id = r.profile_id GROUP BY 1"
            )
        )
        assert counts == [("default", 1)]


def _bound(bindings: Any) -> dict[str, str]:
    """Each key of a BINDINGS list and the action it runs."""
    keys: dict[str, str] = {}
    for binding in bindings:
        for key in binding.key.split(","):
            keys[key] = binding.action
    return keys


def test_every_key_the_help_names_is_bound_to_what_it_says() -> None:
    from otsquiz.tui.app import OtsquizApp
    from otsquiz.tui.widgets.answers.choice import ChoiceAnswer, MultiAnswer
    from otsquiz.tui.widgets.answers.order import OrderAnswer
    from otsquiz.tui.widgets.answers.truefalse import TrueFalseAnswer

    quiz = _bound(QuizScreen.BINDINGS)
    named = {
        "h  or ctrl+t    hint": (quiz, ["h", "ctrl+t"], "hint"),
        "x  or ctrl+n    I don't know": (quiz, ["x", "ctrl+n"], "give_up"),
        "o               overrule": (quiz, ["o"], "overrule"),
        "u               undo": (quiz, ["u"], "undo"),
        "escape          end the session": (quiz, ["escape"], "finish"),
        "?  or F1        this help": (_bound(OtsquizApp.BINDINGS), ["question_mark", "f1"], "help"),
        "Choose all      space or 1-9 toggles": (
            _bound(MultiAnswer.BINDINGS),
            ["space", *map(str, range(1, 10))],
            "toggle",
        ),
        "True or false   t or f": (_bound(TrueFalseAnswer.BINDINGS), ["t", "f"], "answer"),
        "Put in order    shift+↑ / shift+↓ (or k / j)": (
            _bound(OrderAnswer.BINDINGS),
            ["shift+up", "shift+down", "k", "j"],
            "move",
        ),
    }
    for line, (bindings, keys, action) in named.items():
        assert line in HELP
        for key in keys:
            assert bindings.get(key, "").startswith(action), (line, key)
    assert all(_bound(ChoiceAnswer.BINDINGS)[str(n)].startswith("pick") for n in range(1, 10))
    assert "(while typing an answer, letters type: ctrl+t, ctrl+n\n                  and F1 work)" in HELP


# ---------------------------------------------------------------- stats wording and width


def stats_report(reviews: int, drills: int, retained: int = 0, streak: int = 0) -> dict[str, Any]:
    rate = 1.0 if retained else None
    return {
        "profile": "Ali",
        "reviews_total": reviews,
        "drill_answers": drills,
        "streak": {"current": streak, "longest": streak},
        "retention": {"reviews": retained, "passed": retained, "rate": rate},
    }


def test_the_stats_headline_counts_reviews_and_drill_answers_apart_in_singular_or_plural() -> None:
    assert headline(stats_report(0, 30)) == (
        "Profile Ali · 0 reviews · 30 drill answers · streak 0 days, longest 0"
        " · true retention — (not enough reviews yet)"
    )
    assert headline(stats_report(1, 1, streak=1)).startswith(
        "Profile Ali · 1 review · 1 drill answer · streak 1 day, longest 1"
    )
    assert headline(stats_report(12, 0, retained=1)) == (
        "Profile Ali · 12 reviews · streak 0 days, longest 0 · true retention 100% of 1 review (30 days)"
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_each_mastery_row_fits_one_line_even_with_a_long_deck_title(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    long_title = "The Organization of Turkic States: summits, charters and declarations 2009-2024"
    decks = [all_types_deck(), all_types_deck("long-one", long_title), all_types_deck("short", "Short")]
    app = make_app(decks)
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await figures_read(pilot)
        mastery = app.screen.query_one("#mastery", Static)
        rows = str(mastery.render()).split("\n")
        assert len(rows) == 3
        assert mastery.virtual_region.height == 3, rows  # none wrapped
        assert any(row.startswith("The Organization") and "…" in row for row in rows), rows
        assert all(row.rstrip().endswith("0 due") for row in rows)


async def test_home_marks_chosen_decks_with_x_not_by_colour_alone(make_app: AppFactory) -> None:
    app = make_app([all_types_deck(), all_types_deck("second", "Second deck")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        decks = app.screen.query_one("#decks", SelectionList)
        await pilot.press("space")  # chooses the highlighted first row
        await pilot.pause()
        assert decks.selected == ["all-types"]
        rows = [decks.render_line(y).text for y in range(2)]
        assert rows[0].startswith("[x] Every card type")
        assert rows[1].startswith("[ ] Second deck")
        assert "▐" not in rows[0] + rows[1]


async def end_session(pilot: Pilot[Any]) -> None:
    """Escape, and yes if the quiz asks whether to end with questions left: the summary."""
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()
    if not isinstance(pilot.app.screen, SummaryScreen):
        await pilot.press("y")
        await pilot.pause()
    assert isinstance(pilot.app.screen, SummaryScreen)


async def test_back_to_decks_after_a_session_on_named_decks_lists_every_deck_with_those_chosen(
    make_app: AppFactory,
) -> None:
    # As `otsquiz study all-types`: the session has only the named deck; home lists the library.
    named = all_types_deck()
    library = [all_types_deck(), all_types_deck("second", "Second deck"), all_types_deck("third", "Third")]
    broken = [Problem("decks/broken.toml", 1, 1, "error", "TOML syntax: bad")]
    app = make_app([named], start=study(["all-types"]))
    app.library = lambda: (library, broken)
    async with app.run_test(size=SIZE) as pilot:
        await answer_one(pilot)
        await end_session(pilot)
        await pilot.press("enter")  # back to decks
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        decks = home.query_one("#decks", SelectionList)
        assert [decks.get_option_at_index(i).value for i in range(decks.option_count)] == [
            "all-types",
            "second",
            "third",
        ]
        assert decks.selected == ["all-types"]
        assert app.decks[0] is named  # the session's copy of the deck it was on
        assert text_of(home.query_one("#deck-problems", Static)).startswith("1 deck could not be loaded")
        await pilot.press("down", "space")  # the preselection is a choice like any other
        await pilot.pause()
        assert sorted(decks.selected) == ["all-types", "second"]


async def test_a_session_on_every_deck_chooses_none_on_home(make_app: AppFactory) -> None:
    library = [all_types_deck(), all_types_deck("second", "Second deck")]
    app = make_app(library, start=study(["all-types", "second"]))
    app.library = lambda: (library, [])
    async with app.run_test(size=SIZE) as pilot:
        await end_session(pilot)
        await pilot.press("enter")
        await pilot.pause()
        decks = app.screen.query_one("#decks", SelectionList)
        assert decks.option_count == 2 and decks.selected == []


# ---------------------------------------------------------------- the summary of a drill ended early


def summary_text(app: Any) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static) if widget.id)


async def test_a_drill_ended_early_scores_out_of_the_questions_it_set(make_app: AppFactory) -> None:
    app = make_app([all_types_deck()], start=drill(["all-types"], count=3))
    async with app.run_test(size=SIZE) as pilot:
        await answer_one(pilot, right=True)
        await end_session(pilot)
        shown = summary_text(app)
        assert "1 of 3 answered · 1 right" in shown
        assert "2 questions were not answered: the drill was ended early." in shown
        assert "Well done" not in shown and "100%" not in shown
        assert str(app.screen.query_one("#summary-score").value) == "1/3"


async def test_a_drill_summary_counts_overruled_answers_apart(make_app: AppFactory) -> None:
    from otsquiz.core.session import Summary
    from otsquiz.tui.screens.summary import SummaryScreen

    finished = Summary("drill", 4, 4, 4, 61.0, [], None, planned=4, overruled=2)
    app = make_app([all_types_deck()])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(SummaryScreen(finished, [], feedback=True))
        await pilot.pause()
        shown = summary_text(app)
        assert "Accuracy 100% · 2 overruled · best streak 4 · time 1 min 1 s" in shown
        assert "Nothing missed. Well done!" in shown and "not answered" not in shown
