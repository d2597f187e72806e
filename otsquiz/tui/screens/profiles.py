"""Switch profile, or create one: a class can share one machine."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from otsquiz.core.store import PROFILE_NAME_MAX, profile_key, profile_name_problem
from otsquiz.core.text import visible
from otsquiz.tui.text import plain


class ProfileScreen(ModalScreen[str | None]):
    """The profiles ``names``, ``current`` marked; dismissed with the name chosen or typed, or None."""

    class ProfileChosen(Message):
        """The learner chose the profile ``name``, or typed it (the app creates it if it is new)."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str, names: Sequence[str]) -> None:
        super().__init__()
        self.current = current
        self.names = list(names)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="profiles", classes="dialog") as dialog:
            dialog.can_focus = False  # it scrolls on a small terminal; the keys go to the list and the name
            yield Static("Profiles", classes="section-title")
            yield OptionList(
                *[
                    Option(Content(f"{'● ' if name == self.current else '  '}{visible(name)}"), id=name)
                    for name in self.names
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
        if event.option.id is not None:
            self._choose(event.option.id)

    @on(Input.Submitted)
    def created(self, event: Input.Submitted) -> None:
        # The store's rule, the same as for --profile: a name that finds a profile (as the
        # store matches names) is that profile; a new one must be a name the store takes.
        known = {profile_key(name) for name in self.names}
        problem = None if profile_key(event.value) in known else profile_name_problem(event.value)
        if problem is not None:
            self.query_one("#profile-error", Static).update(plain(problem))
            return
        self._choose(event.value)

    def _choose(self, name: str) -> None:
        self.post_message(self.ProfileChosen(name))  # before dismissing: messages are handled in order
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
