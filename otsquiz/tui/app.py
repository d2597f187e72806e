"""The otsquiz app: home, study and drill sessions, stats, settings and help.

The app owns the progress store and the decks. Screens never import it: they
are given what they read (an ``AppState``, which the app is) and send
messages nested on their own classes (``HomeScreen.SessionRequested``,
``QuizScreen.SessionFinished``...), which the app handles; the quiz drives
``otsquiz.core.session.Session`` for every answer, exactly as the plain mode
does. Screens are imported when they are first opened, so the first card
shows as soon as Textual is up; their messages are handled by name
(``on_home_screen_session_requested``) for the same reason.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from otsquiz.core.problems import Problem
from otsquiz.core.selection import Mode, SessionRequest, library_decks
from otsquiz.core.store import StoreError
from otsquiz.core.text import visible
from otsquiz.tui.failures import ends_app_on_store_error
from otsquiz.tui.state import broken_paths

if TYPE_CHECKING:
    from otsquiz.core.cards import Deck
    from otsquiz.core.store import Profile, Store
    from otsquiz.tui.screens.home import HomeScreen
    from otsquiz.tui.screens.profiles import ProfileScreen
    from otsquiz.tui.screens.quiz import QuizScreen
    from otsquiz.tui.screens.settings import SettingsScreen
    from otsquiz.tui.screens.summary import SummaryScreen


# The signals that end the app with the terminal given back (ctrl+c reaches the app as a key).
CAUGHT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT") if hasattr(signal, name)
)

NARROW_TOAST = 80  # below this width, the broken-deck toast is one line pointing at home's notice


class Launch(NamedTuple):
    """How the app was started (from ``otsquiz`` or ``otsquiz study``/``drill``)."""

    profile: str = "default"
    decks: Sequence[Any] = ()
    problems: Sequence[Problem] = ()
    start: SessionRequest | None = None


Library = Callable[[], tuple[list["Deck"], list[Problem]]]


def screenshot_folder() -> Path:
    """Where screenshots go: the Downloads folder, as in Textual, or the current one without it."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


def _now() -> datetime:
    return datetime.now(UTC)


class OtsquizApp(App[int]):
    """The app; it satisfies ``AppState`` (store, profile, decks, clock), which is what its screens read."""

    CSS_PATH = "otsquiz.tcss"
    TITLE = "otsquiz"
    # The first screen's stack, under a name of ours: when that screen is replaced it goes
    # with its mode (see show_instead), which Textual's own "_default" could not.
    DEFAULT_MODE = "first"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        launch: Launch,
        *,
        store: Store,
        clock: Callable[[], datetime] = _now,
        catch_signals: bool = False,
        library: Library | None = None,
    ) -> None:
        super().__init__()
        self.launch = launch
        self.clock = clock
        self.store = store
        self.catch_signals = catch_signals  # run_app: a real terminal to give back on SIGTERM
        self.decks: list[Deck] = list(launch.decks)
        # Started on named decks, the app reads the others when home is first built.
        self.library = library
        self.chosen_at_start: list[str] = []  # the decks named at the start, chosen on home
        self.profile: Profile = store.profile(launch.profile)
        self._modes_made = 0  # modes made by show_instead, each named after this count

    # ------------------------------------------------------------ lifecycle

    def get_default_screen(self) -> Screen[Any]:
        # The first screen is the one the user asked for: building only it is what
        # makes the first card show quickly (pushing it over Textual's empty default
        # screen would cost ~27 M instructions). Home is built when a session ends.
        start = self.launch.start
        return self._quiz(start) if start is not None else self._home()

    def on_mount(self) -> None:
        from otsquiz import startup

        self.call_after_refresh(startup.done)
        if self.catch_signals:
            self._catch_signals()
        self._show_profile()
        if self.launch.problems:
            self.notify_problems(self.launch.problems)

    def show_home(self) -> None:
        """Back to the home screen, building it if the app started in a session."""
        from otsquiz.tui.screens.home import HomeScreen

        homes = [screen for screen in self.screen_stack if isinstance(screen, HomeScreen)]
        if not homes:
            self._read_library()
            self.show_instead(self._home())
            return
        while self.screen is not homes[0]:
            self.pop_screen()

    def show_instead(self, screen: Screen[Any]) -> None:
        """``screen`` in place of the current screen.

        switch_screen replaces a screen that was pushed. The bottom screen of a
        stack (the first screen, or one that replaced it) was not: Textual gives
        a result callback only to a pushed screen, and switch_screen pops one.
        A bottom screen is replaced by a new mode whose base is ``screen``; the
        old mode is removed, and its screen with it.
        """
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
            return
        left = self.current_mode
        self._modes_made += 1
        mode = f"page-{self._modes_made}"
        self.add_mode(mode, lambda: screen)
        self.switch_mode(mode)
        if left == self.DEFAULT_MODE:
            # The first stack was built by get_default_screen, not from a mode: named
            # now (its base stays as it is), so that remove_mode can drop it.
            self.add_mode(left, lambda: screen)
        self.remove_mode(left)

    def _home(self) -> HomeScreen:
        from otsquiz.tui.screens.home import HomeScreen

        return HomeScreen(self, problems=self.launch.problems, chosen=self.chosen_at_start)

    def _read_library(self) -> None:
        """All the decks for home, once: a session started on some decks had only those loaded."""
        if self.library is None:
            return
        library, problems = self.library()
        self.library = None
        named = {deck.info.id: deck for deck in self.decks}  # the session's copies stand
        ids = list(named)
        decks = [named.pop(deck.info.id, deck) for deck in library] + list(named.values())
        if set(ids) != {deck.info.id for deck in decks}:
            self.chosen_at_start = ids
        self.decks = decks
        self.launch = self.launch._replace(problems=[*self.launch.problems, *problems])

    def _catch_signals(self) -> None:
        """End the app as ctrl+q does on the signals that would kill it, with exit code 128+signal.

        Killed outright, the app would leave the terminal in the alternate screen with
        mouse reporting on and the cursor hidden; exiting restores it (every answer is
        committed already, and the session's end is recorded).
        """
        import asyncio

        loop = asyncio.get_running_loop()
        for number in CAUGHT_SIGNALS:
            with contextlib.suppress(ValueError, OSError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(number, self.exit, None, 128 + number)

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        # Textual clears the screen stack before the app unmounts: record the end of any
        # session still open now, while its screen is there to ask.
        if message is None:  # an error ends the app with a message: the store may be what failed
            self.finish_sessions()
        super().exit(result, return_code, message)

    def finish_sessions(self) -> None:
        """Record the end (time, totals) of every session still open; every answer is saved already."""
        from otsquiz.tui.screens.quiz import QuizScreen

        for screen in self.screen_stack:
            if isinstance(screen, QuizScreen) and screen.session is not None:
                with contextlib.suppress(StoreError):
                    screen.session.close()

    def on_unmount(self) -> None:
        self.store.close()

    def use_profile(self, name: str) -> None:
        """Use the profile ``name`` (created if new) and show it on home."""
        self.profile = self.store.profile(name)
        self._show_profile()
        self.refresh_home()

    def _show_profile(self) -> None:
        theme = self.profile.settings.theme
        if theme in self.available_themes:
            self.theme = theme
        self.sub_title = f"profile: {visible(self.profile.name)}"

    def notify_problems(self, problems: Sequence[Problem]) -> None:
        """Say once, in a toast that fades, which decks were left out; home keeps a notice."""
        errors = [p for p in problems if p.severity == "error"]
        paths = broken_paths(problems)
        if not paths:
            return
        if self.size.width < NARROW_TOAST:  # the full toast would cover most of a narrow terminal
            decks = "1 deck" if len(paths) == 1 else f"{len(paths)} decks"
            self.notify(
                f"{decks} left out (see home)", title="Deck problems", severity="warning", markup=False
            )
            return
        shown = 3
        lines = [visible(p.format()) for p in errors[:shown]]  # file names may hold escape sequences
        more = f"\n… and {len(errors) - shown} more (otsquiz validate)" if len(errors) > shown else ""
        self.notify(
            f"{len(paths)} deck(s) left out because of problems:\n" + "\n".join(lines) + more,
            title="Deck problems",
            severity="warning",
            timeout=10,
            markup=False,
        )

    # ------------------------------------------------------------ navigation

    def start_session(self, request: SessionRequest) -> None:
        self.push_screen(self._quiz(request))

    def _quiz(self, request: SessionRequest) -> QuizScreen:
        """The quiz for ``request``, over the decks it names (all of them if it names none of ours)."""
        from otsquiz.tui.screens.quiz import QuizScreen

        wanted = set(request.deck_ids)
        decks = [deck for deck in self.decks if deck.info.id in wanted] or self.decks
        return QuizScreen(request, decks, self)

    # ------------------------------------------------------------ what screens ask for

    def on_home_screen_session_requested(self, message: HomeScreen.SessionRequested) -> None:
        self.start_session(message.request)

    def on_quiz_screen_session_finished(self, message: QuizScreen.SessionFinished) -> None:
        """The summary in place of the quiz; home, if the session never started."""
        if message.summary is None:
            self.show_home()
            return
        from otsquiz.tui.screens.summary import SummaryScreen

        self.show_instead(SummaryScreen(message.summary, message.outcomes, message.feedback))

    def on_summary_screen_closed(self, message: SummaryScreen.Closed) -> None:
        self.show_home()

    @ends_app_on_store_error
    def on_profile_screen_profile_chosen(self, message: ProfileScreen.ProfileChosen) -> None:
        self.use_profile(message.name)

    @ends_app_on_store_error
    def on_settings_screen_settings_saved(self, message: SettingsScreen.SettingsSaved) -> None:
        self.profile = self.store.save_settings(self.profile, message.settings)
        self.use_profile(self.profile.name)
        self.notify("Settings saved.")

    def action_help(self) -> None:
        from otsquiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_stats(self) -> None:
        from otsquiz.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self))

    def action_settings(self) -> None:
        from otsquiz.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen(self.profile))

    def in_session(self) -> bool:
        """Whether a study or drill session is open (its screen is on the stack)."""
        from otsquiz.tui.screens.quiz import QuizScreen

        return any(isinstance(screen, QuizScreen) for screen in self.screen_stack)

    @ends_app_on_store_error
    def action_profiles(self) -> None:
        from otsquiz.tui.screens.profiles import ProfileScreen

        if self.in_session():  # the session writes to the profile it started with
            self.notify("Finish or end this session first (escape), then switch profile.", severity="warning")
            return
        names = [profile.name for profile in self.store.profiles()]
        self.push_screen(ProfileScreen(self.profile.name, names))

    def refresh_home(self) -> None:
        from otsquiz.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_decks()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # Textual's says neither where it saved nor why it failed
                command = command._replace(
                    help="Save an SVG picture of the screen (the notice says where)",
                    callback=lambda: self.set_timer(0.1, self.take_screenshot),  # once the palette is gone
                )
            yield command
        yield SystemCommand("Study", "Study the chosen decks with spaced repetition", self._palette("study"))
        yield SystemCommand("Drill", "A quick scored quiz on the chosen decks", self._palette("drill"))
        yield SystemCommand("Statistics", "Reviews, streak, retention, forecast", self.action_stats)
        yield SystemCommand("Settings", "Desired retention, new cards per day, theme", self.action_settings)
        yield SystemCommand("Switch profile", "Use or create another profile", self.action_profiles)
        yield SystemCommand("Help", "Every key", self.action_help)

    def take_screenshot(self, folder: Path | None = None) -> Path | None:
        """Save an SVG of the screen in ``folder`` (see ``screenshot_folder``); a notice says where, or why not."""
        folder = folder if folder is not None else screenshot_folder()
        try:
            path = Path(self.save_screenshot(path=str(folder)))
        except OSError as error:
            reason = error.strerror or str(error)
            self.notify(
                f"Could not save a screenshot in {visible(folder)}: {visible(reason)}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"Saved to {visible(path.resolve())}", title="Screenshot", markup=False)
        return path

    def _palette(self, mode: Mode) -> Callable[[], None]:
        def start() -> None:
            from otsquiz.tui.screens.home import HomeScreen

            if self.in_session():
                self.notify("Finish this session first (escape).", severity="warning")
                return
            home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
            self.show_home()
            if home is not None:  # a home built just now starts nothing until it is shown
                home.start(mode)

        return start


def run_app(launch: Launch) -> int:
    """Run the app until it exits; its exit code.

    The store opens before the terminal is taken over, so a database that
    cannot be used is reported as a plain message, with nothing drawn.
    """
    from otsquiz.core.store import Store

    store: Store | None = None
    try:
        store = Store.open()
        # Started on a session, home later lists every deck, not only those named.
        library = library_decks if launch.start is not None else None
        # The app reads (or creates) the profile as it is built.
        app = OtsquizApp(launch, store=store, catch_signals=True, library=library)
    except StoreError as error:
        if store is not None:
            store.close()
        print(f"otsquiz: {error}", file=sys.stderr)
        return 1
    result = app.run()
    if isinstance(result, int):
        return result
    return app.return_code or 0  # 1 when the app ended on an error (see otsquiz.tui.failures)
