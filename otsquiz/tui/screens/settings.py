"""Settings of the profile in use: desired retention, new cards per day, theme."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from otsquiz.tui.app import OtsquizApp


class SettingsScreen(ModalScreen[bool]):
    app: OtsquizApp

    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #settings Input, #settings Select {
        width: 1fr;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def compose(self) -> ComposeResult:
        settings = self.app.profile.settings
        themes = sorted(self.app.available_themes)
        with Vertical(id="settings", classes="dialog"):
            yield Static(
                f"Settings for profile {self.app.profile.name}", classes="section-title", markup=False
            )
            yield Label("Desired retention: the chance of remembering a card when it is due (0.70-0.99)")
            yield Input(f"{settings.desired_retention:.2f}", id="retention", type="number")
            yield Label("New cards per day")
            yield Input(str(settings.new_per_day), id="new-per-day", type="integer")
            yield Label("Theme (light ones included)")
            yield Select(
                [(name, name) for name in themes],
                value=settings.theme if settings.theme in themes else Select.BLANK,
                id="theme",
                allow_blank=False,
            )
            yield Static("", id="settings-error")
            with Horizontal():
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    @on(Select.Changed, "#theme")
    def preview_theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.app.theme = event.value

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        app = self.app
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
        settings = app.profile.settings._replace(desired_retention=retention, new_per_day=new_per_day)
        if isinstance(theme, str):
            settings = settings._replace(theme=theme)
        app.profile = app.store.save_settings(app.profile, settings)
        app.use_profile(app.profile.name)
        app.refresh_home()
        self.notify("Settings saved.")
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.use_profile(self.app.profile.name)  # undo a theme preview
        self.dismiss(False)
