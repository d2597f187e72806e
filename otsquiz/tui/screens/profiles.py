"""Switch profile, or create one: a class can share one machine."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from otsquiz.core.text import visible
from otsquiz.tui.app import OtsquizApp

NAME = re.compile(r"^[\w .'-]{1,40}$")


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
            yield Input(placeholder="e.g. Aygerim", id="new-profile", max_length=40)
            yield Static("", id="profile-error")

    def on_mount(self) -> None:
        self.query_one("#profile-list", OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted)
    def created(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not NAME.match(name):
            self.query_one("#profile-error", Static).update(
                "A name has 1-40 letters, digits, spaces, dots, dashes or apostrophes."
            )
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
