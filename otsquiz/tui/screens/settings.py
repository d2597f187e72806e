"""Settings of the profile in use: desired retention, new cards per day, theme."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from otsquiz.core.store import Profile, Settings
from otsquiz.core.text import visible
from otsquiz.tui.text import plain


class SettingsScreen(ModalScreen[bool]):
    """The settings of ``profile``; dismissed with True once saved, False when cancelled."""

    class SettingsSaved(Message):
        """The learner saved ``settings`` for the profile the screen was opened on (the app stores them)."""

        def __init__(self, settings: Settings) -> None:
            super().__init__()
            self.settings = settings

    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #settings Input, #settings Select {
        width: 1fr;
    }

    #settings Static {
        width: 1fr;  /* a long label wraps instead of being cut */
    }

    /* The theme list opens over the dialog from the choice down: no taller than what follows
       the choice (the error line, the buttons, the padding), it stays inside the dialog. */
    #theme > SelectOverlay {
        max-height: 6;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self._theme_before = ""  # the app's theme when opened, for a cancel to put back after a preview

    def compose(self) -> ComposeResult:
        settings = self.profile.settings
        themes = sorted(self.app.available_themes)
        self._theme_before = self.app.theme
        with VerticalScroll(id="settings", classes="dialog") as dialog:
            dialog.can_focus = False  # it scrolls on a small terminal; the keys go to the fields
            yield Static(plain(f"Settings for profile {visible(self.profile.name)}"), classes="section-title")
            yield Static("Desired retention: the chance of remembering a card when it is due (0.70-0.99)")
            yield Input(f"{settings.desired_retention:.2f}", id="retention", type="number")
            yield Static("New cards per day")
            yield Input(str(settings.new_per_day), id="new-per-day", type="integer")
            yield Static("Theme (light ones included)")
            yield Select(
                [(name, name) for name in themes],
                value=self._theme(settings.theme, themes),
                id="theme",
                allow_blank=False,
            )
            yield Static("", id="settings-error")
            with Horizontal():
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _theme(self, stored: str, themes: list[str]) -> str | object:
        """The stored theme, or the default one (with a notice) if this Textual has no such theme."""
        if stored in themes:
            return stored
        default = Settings().theme
        self.notify(
            f"The theme {visible(stored)!r} is not available here: showing {default!r}.",
            title="Settings",
            severity="warning",
            markup=False,
        )
        return default if default in themes else Select.NULL

    @on(Select.Changed, "#theme")
    def preview_theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.app.theme = event.value

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        try:
            retention = float(self.query_one("#retention", Input).value)
            new_per_day = int(self.query_one("#new-per-day", Input).value)
        except ValueError:
            error.update("Please enter numbers.")
            return
        if not 0.7 <= retention <= 0.99:
            error.update("Desired retention must be between 0.70 and 0.99.")
            return
        if not 0 <= new_per_day <= 9999:
            error.update("New cards per day must be between 0 and 9999.")
            return
        theme = self.query_one("#theme", Select).value
        settings = self.profile.settings._replace(desired_retention=retention, new_per_day=new_per_day)
        if isinstance(theme, str):
            settings = settings._replace(theme=theme)
        self.post_message(self.SettingsSaved(settings))  # before dismissing: messages are handled in order
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.theme = self._theme_before  # undo a theme preview
        self.dismiss(False)
