"""Home: the decks with their counts and mastery, and where study and drills start."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Button, Footer, Header, Input, Label, SelectionList, Static

from otsquiz.core.problems import Problem
from otsquiz.core.selection import DRILL_COUNT, Mode, SessionRequest
from otsquiz.core.text import visible
from otsquiz.tui.failures import ends_app_on_store_error
from otsquiz.tui.state import AppState, broken_paths
from otsquiz.tui.widgets.answers.marked import CHECKED, UNCHECKED

BAR_WIDTH = 6
TITLE_WIDTH = 30  # keeps a row within 80 columns
ROW_MARGIN = 12  # columns of a screen's width a row cannot use: padding, border, the choice box, a scrollbar
COUNTS_WIDTH = 39  # a full row after its title: cards, questions, due, new and the mastery bar
NARROW_TITLE = 12  # a title any shorter, and the row drops the cards, questions and bar


def mastery_bar(share: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "░" * (width - filled)


DeckRow = tuple[str, str, int, int, int, int, float]  # title, id, cards, questions, due, new, mastery


class DeckList(SelectionList[str]):
    """A selection list whose chosen rows read ``[x]`` and the others ``[ ]``: not told apart by colour alone.

    Textual's own box (``▐X▌``) differs only in colour, which is lost under NO_COLOR and on a projector.
    """

    def _get_left_gutter_width(self) -> int:
        return len(CHECKED)

    def render_line(self, y: int) -> Strip:
        line = super(SelectionList, self).render_line(y)  # the option's row, without Textual's box
        index = self.scroll_offset.y + y
        if index >= self.option_count:
            return line
        selection = self.get_option_at_index(index)
        chosen = selection.value in self._selected
        component = "selection-list--button" + ("-selected" if chosen else "")
        if self.highlighted == index:
            component += "-highlighted"
        # The colours stay as a second cue; the meta lets a click on the box toggle the row.
        style = self.get_component_rich_style(component) + Style(meta={"option": index})
        return Strip([Segment(CHECKED if chosen else UNCHECKED, style), *line])


class DrillField(Input):
    """A drill option: enter in it starts the drill (the footer says so)."""

    BINDINGS = [Binding("enter", "submit", "Start the drill")]


class HomeScreen(Screen[None]):
    """The decks of ``state`` for its profile; ``problems`` name the deck files left out, ``chosen`` the decks to choose."""

    class SessionRequested(Message):
        """The learner asked for a study session or a drill (``request``)."""

        def __init__(self, request: SessionRequest) -> None:
            super().__init__()
            self.request = request

    # A short terminal keeps the list and the drill fields; the header, the list's title
    # and the buttons go (the footer has the same keys).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]

    _rows: list[DeckRow] | None = None  # the counts last read, laid out again on a resize

    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #home {
        padding: 0 1;
    }

    #profile-line, #decks-title {
        height: 1;
        margin: 1 0 0 0;
    }

    #deck-problems {
        color: $text-warning;
        height: auto;
    }

    #decks-title {
        margin: 0;
    }

    #decks {
        height: 1fr;
        min-height: 4;
        border: round $primary;
    }

    #drill-options {
        height: auto;
        overflow-x: auto;  /* a narrow terminal scrolls to the field in use */
        scrollbar-size-horizontal: 0;
    }

    HomeScreen.-short {
        Header, #decks-title, #actions {
            display: none;
        }

        #profile-line {
            margin: 0;
        }
    }

    #actions {
        height: 3;
    }

    #drill-options Label {
        padding: 1 1 0 1;
    }

    #drill-options Input {
        width: 10;
    }

    #drill-options #drill-seed {
        width: 12;  /* room for its placeholder */
    }

    #actions Button {
        width: auto;
        min-width: 14;
        height: 3;
        margin: 0 1 0 0;
    }

    #decks-header {
        color: $text-muted;
        height: 1;
        padding: 0 0 0 7;
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("s", "start('study')", "Study"),
        Binding("d", "start('drill')", "Drill"),
        Binding("t", "app.stats", "Stats"),
        Binding("comma", "app.settings", "Settings", key_display=","),
        Binding("p", "app.profiles", "Profile"),
        Binding("q", "app.quit", "Quit", show=False),  # the footer already shows ctrl+q
    ]

    def __init__(
        self, state: AppState, *, problems: Sequence[Problem] = (), chosen: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.state = state
        self.problems = problems
        self._chosen_at_start = set(chosen)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("", id="profile-line")
            yield Static("", id="deck-problems", classes="hidden")
            yield Label("Decks — space chooses; with none chosen, all are used", id="decks-title")
            yield Static("", id="decks-header")
            yield DeckList(id="decks")
            with Horizontal(id="drill-options"):
                yield Label("Drill: questions")
                yield DrillField(str(DRILL_COUNT), id="drill-count", type="integer", max_length=4)
                yield Label("seconds each")
                yield DrillField("", id="drill-timer", type="integer", max_length=4, placeholder="none")
                yield Label("seed")
                yield DrillField("", id="drill-seed", max_length=20, placeholder="random")
            with Horizontal(id="actions"):
                yield Button("Study (s)", id="go-study", variant="primary")
                yield Button("Drill (d)", id="go-drill", variant="warning")
                yield Button("Stats (t)", id="go-stats")
                yield Button("Settings (,)", id="go-settings")
        yield Footer()

    def on_mount(self) -> None:
        notice = broken_decks_notice(broken_paths(self.problems))
        if notice:
            self.query_one("#deck-problems", Static).update(Content(notice))
            self.query_one("#deck-problems", Static).remove_class("hidden")
        self.refresh_decks()
        self.query_one("#decks", SelectionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_decks()
        self.query_one("#decks", SelectionList).focus()

    def on_resize(self) -> None:
        if self._rows:
            self._show_rows(self._rows)  # the same counts, laid out for the new width

    @ends_app_on_store_error
    def refresh_decks(self) -> None:
        """The profile line and the deck rows, counted again (the app calls this when the profile changes)."""
        self.query_one("#profile-line", Static).update(
            Content(f"Profile: {visible(self.state.profile.name)}    (p switches profile or creates one)")
        )
        self._rows = deck_rows(self.state)
        self._show_rows(self._rows)

    def _show_rows(self, rows: list[DeckRow]) -> None:
        decks = self.query_one("#decks", SelectionList)
        chosen = set(decks.selected) | self._chosen_at_start
        self._chosen_at_start = set()
        highlighted = decks.highlighted
        decks.clear_options()
        if not rows:
            decks.add_option((Content("No decks found. Add .toml decks to your decks folder."), ""))
            return
        room = self.app.size.width - ROW_MARGIN
        full = room - COUNTS_WIDTH >= NARROW_TITLE
        longest = max(len(title) for title, *_ in rows)
        width = min(TITLE_WIDTH, longest, room - COUNTS_WIDTH) if full else max(6, min(longest, room - 18))
        # Cards are the deck's entries; questions what is asked (each cloze gap and reverse
        # counts): due, new and mastery count questions.
        header = f"{'Deck':<{width}} {'Cards':>5} {'Questions':>9} {'Due':>4} {'New':>4}  Mastery"
        if not full:
            header = f"{'Deck':<{width}} {'Due':>4} {'New':>4} Mastery"
        self.query_one("#decks-header", Static).update(Content(header))
        for title, deck_id, cards, questions, due, new, mastery in rows:
            shown = title if len(title) <= width else title[: width - 1] + "…"
            if full:
                line = (
                    f"{shown:<{width}} {cards:>5} {questions:>9} {due:>4} {new:>4}"
                    f"  {mastery_bar(mastery)} {mastery:>4.0%}"
                )
            else:
                line = f"{shown:<{width}} {due:>4} {new:>4} {mastery:>7.0%}"
            decks.add_option((Content(line), deck_id, deck_id in chosen))
        # Without a highlighted row, space would choose nothing until an arrow was pressed.
        decks.highlighted = min(highlighted or 0, decks.option_count - 1)

    def chosen_decks(self) -> list[str]:
        return [deck_id for deck_id in self.query_one("#decks", SelectionList).selected if deck_id]

    def action_start(self, mode: Mode) -> None:
        self.start(mode)

    def start(self, mode: Mode) -> None:
        deck_ids = self.chosen_decks() or [deck.info.id for deck in self.state.decks]
        if not deck_ids:
            self.notify("There are no decks to study.", severity="warning")
            return
        if mode == "study":
            self.post_message(self.SessionRequested(SessionRequest(mode, deck_ids)))
            return
        count = _number(self.query_one("#drill-count", Input).value)
        timer = _number(self.query_one("#drill-timer", Input).value)
        seed = self.query_one("#drill-seed", Input).value.strip() or None
        request = SessionRequest(mode, deck_ids, count=count or DRILL_COUNT, timer=timer, seed=seed)
        self.post_message(self.SessionRequested(request))

    @on(Input.Submitted, "DrillField")
    def drill_from_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.start("drill")

    @on(Button.Pressed)
    async def pressed(self, event: Button.Pressed) -> None:
        # The buttons do what the keys of the footer do.
        actions = {
            "go-study": "start('study')",
            "go-drill": "start('drill')",
            "go-stats": "app.stats",
            "go-settings": "app.settings",
        }
        if event.button.id in actions:
            await self.run_action(actions[event.button.id])


def _number(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value > 0 else None


def broken_decks_notice(paths: list[str]) -> str:
    """What home says while some deck files cannot be loaded, and the command that says why."""
    if not paths:
        return ""
    folders = {os.path.dirname(path) or "." for path in paths}
    where = [paths[0]] if len(paths) == 1 else sorted(folders) if len(folders) == 1 else paths
    command = "otsquiz validate " + " ".join(shlex.quote(path) for path in where)
    decks = "1 deck" if len(paths) == 1 else f"{len(paths)} decks"
    return visible(f"{decks} could not be loaded: run `{command}`")


def deck_rows(state: AppState) -> list[DeckRow]:
    """(title, id, cards, questions, due, new, mastery) for each deck, for the profile in use.

    Counted by the database, so that a large collection opens as fast as a small one.
    """
    # Only the cards a deck has now count: one removed from its file is not "studied" any more.
    decks = {deck.info.id: deck.keys for deck in state.decks}
    counts = state.store.deck_counts(state.profile.id, state.clock(), decks)
    rows = []
    for deck in state.decks:
        questions = len(deck.keys)
        studied, due, mastered = counts.get(deck.info.id, (0, 0, 0))
        rows.append(
            (
                visible(deck.info.title),
                deck.info.id,
                len(deck),
                questions,
                due,
                max(0, questions - studied),
                mastered / questions if questions else 0.0,
            )
        )
    return rows
