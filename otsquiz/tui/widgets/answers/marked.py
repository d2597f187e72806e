"""Option lists whose highlighted row is marked by a glyph, not by colour alone.

Under NO_COLOR, on a projector or a monochrome screen a highlight drawn only
in colour disappears: the row under the cursor starts with ``>`` as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from otsquiz.tui.text import plain

CURSOR = "> "
NO_CURSOR = "  "
CHECKED = "[x] "
UNCHECKED = "[ ] "


class MarkedList(OptionList):
    """An option list of plain-text rows; the highlighted row starts with ``> ``."""

    def __init__(self, rows: Sequence[str], *, id: str | None = None, classes: str | None = None) -> None:
        self._rows = list(rows)
        super().__init__(
            *[Option(plain(NO_CURSOR + row), id=str(index)) for index, row in enumerate(self._rows)],
            id=id,
            classes=classes,
            markup=False,
        )
        self._mark()

    def set_rows(self, rows: Sequence[str]) -> None:
        """New text for every row; the highlight stays where it is (on the last row, if that went)."""
        if len(rows) == len(self._rows):
            self._rows = list(rows)
            self._mark()
            return
        highlighted = self.highlighted
        self._rows = list(rows)
        self.clear_options()
        self.add_options([Option(plain(NO_CURSOR + row), id=str(index)) for index, row in enumerate(rows)])
        if highlighted is not None and rows:
            self.highlighted = min(highlighted, len(rows) - 1)
        self._mark()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self._mark()

    def _mark(self) -> None:
        # While the rows are being replaced the list may hold fewer options than rows.
        for index, row in enumerate(self._rows[: self.option_count]):
            prefix = CURSOR if index == self.highlighted else NO_CURSOR
            self.replace_option_prompt_at_index(index, plain(prefix + row))
