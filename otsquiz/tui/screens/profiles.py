"""Switch profile, or create one: a class can share one machine."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from otsquiz.core.store import PROFILE_NAME_MAX, StoreError
from otsquiz.core.text import visible
from otsquiz.tui.app import OtsquizApp
from otsquiz.tui.text import plain


class ProfileScreen(ModalScreen[str | None]):
    app: OtsquizApp

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        current = self.app.profile.name
        with VerticalScroll(id="profiles", classes="dialog") as dialog:
            dialog.can_focus = False  # it scrolls on a small terminal; the keys go to the list and the name
            yield Static("Profiles", classes="section-title")
            yield OptionList(
                *[
                    Option(Content(f"{'● ' if p.name == current else '  '}{visible(p.name)}"), id=p.name)
                    for p in self.app.store.profiles()
                ],
                id="profile-list",
            )
            yield Static("Or a new profile's name, then enter:")  # wraps on a narrow terminal
            yield Input(placeholder="e.g. Aygerim", id="new-profile", max_length=PROFILE_NAME_MAX)
            yield Static("", id="profile-error")

    def on_mount(self) -> None:
        self.query_one("#profile-list", OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted)
    def created(self, event: Input.Submitted) -> None:
        # The store's rule, the same as for --profile: it says what is wrong with a name it refuses.
        try:
            profile = self.app.store.profile(event.value)
        except StoreError as error:
            self.query_one("#profile-error", Static).update(plain(str(error)))
            return
        self.dismiss(profile.name)

    def action_cancel(self) -> None:
        self.dismiss(None)
