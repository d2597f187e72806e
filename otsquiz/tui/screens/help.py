"""Every key of the app, on one screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
otsquiz — keys

Everywhere
  ?  or F1        this help
  ctrl+p          command palette: study, drill, stats, settings, profile
  ctrl+q          quit (every answer is already saved)

Decks (home)
  ↑ ↓, space      move, choose decks (none chosen: all of them)
  s               study with spaced repetition
  d               drill: a quick scored quiz; below the list, its
                  questions, seconds each and seed (enter there starts it)
  t               statistics          ,  settings          p  profile

Answering
  Flashcard       space shows the answer,
                  then 1 Again · 2 Hard · 3 Good · 4 Easy
  Typed, number,
  fill the gap    type, then enter
  Choose one      1-9, or arrows and enter
  Choose all      space or 1-9 toggles ([x] chosen, [ ] not), enter checks
  True or false   t or f
  Put in order    shift+↑ / shift+↓ (or k / j) move the highlighted item,
                  enter checks
  Match           enter on a left item, then enter on its right item;
                  choosing a left item again changes its pair;
                  enter on "✓ Check these pairs" checks
  h  or ctrl+t    hint, on cards that have one
                  (a right answer then counts as Hard)
  x  or ctrl+n    I don't know
                  (while typing an answer, letters type: ctrl+t, ctrl+n
                  and F1 work)

After the verdict
  enter / space   next question
  o               overrule: "I was right" / "count it wrong"
                  (not for flashcards, nor in a drill without feedback)
  u               undo the last answer and answer it again (study only:
                  a drill's answers stand)
  escape          end the session and see the summary (asks y/n first)

The footer shows the keys that apply at each moment. A drill's timer
runs on while this help is open: the clock is the same for everyone.

Press escape to close this help.
"""


class HelpScreen(ModalScreen[None]):
    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #help {
        width: 90;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP, id="help-text", markup=False)

    def action_close(self) -> None:
        self.dismiss()
