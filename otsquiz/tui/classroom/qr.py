"""The join address as a QR code, drawn as plain text with half blocks (two modules a cell).

segno (pure Python) encodes the address and is imported only when there is
an address to draw. The light modules are the ones drawn, in white on black
(see the presenter's CSS), so the code reads as a printed one, dark on light,
whatever the terminal's own colours.
"""

from __future__ import annotations

QUIET = 2  # modules of light border; scanners want some, and rows are scarce at 80x24

_CELLS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_lines(address: str) -> list[str]:
    """``address`` as a QR code: one line of text per two rows of modules."""
    import segno  # deferred: only a presenter with an address draws one

    rows = [[not dark for dark in row] for row in segno.make(address, error="m").matrix_iter(border=QUIET)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return [
        "".join(_CELLS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    ]
