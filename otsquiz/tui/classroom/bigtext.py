"""Room codes in block letters, big enough to read from the back of a classroom.

Textual's ``Digits`` draws digits only, and a room code has letters: this is a
5x5 font of the codes' alphabet (``otsquiz.core.room.ALPHABET``), the dash
``spaced`` puts in the middle, and what a countdown and a count need (0, 1,
"/" and a space), drawn as plain text.
"""

from __future__ import annotations

GLYPH_WIDTH = 5
GAP = 1  # columns between two letters

_FONT_ROWS = """
A .###. #...# ##### #...# #...#
B ####. #...# ####. #...# ####.
C .#### #.... #.... #.... .####
D ####. #...# #...# #...# ####.
E ##### #.... ####. #.... #####
F ##### #.... ####. #.... #....
G .#### #.... #..## #...# .####
H #...# #...# ##### #...# #...#
J ..### ....# ....# #...# .###.
K #...# #..#. ###.. #..#. #...#
M #...# ##.## #.#.# #...# #...#
N #...# ##..# #.#.# #..## #...#
P ####. #...# ####. #.... #....
Q .###. #...# #.#.# #..#. .##.#
R ####. #...# ####. #..#. #...#
S .#### #.... .###. ....# ####.
T ##### ..#.. ..#.. ..#.. ..#..
U #...# #...# #...# #...# .###.
V #...# #...# #...# .#.#. ..#..
W #...# #...# #.#.# ##.## #...#
X #...# .#.#. ..#.. .#.#. #...#
Y #...# .#.#. ..#.. ..#.. ..#..
Z ##### ...#. ..#.. .#... #####
2 .###. #...# ..##. .#... #####
3 ####. ....# .###. ....# ####.
4 #...# #...# ##### ....# ....#
5 ##### #.... ####. ....# ####.
6 .###. #.... ####. #...# .###.
7 ##### ....# ...#. ..#.. ..#..
8 .###. #...# .###. #...# .###.
9 .###. #...# .#### ....# .###.
- ..... ..... .###. ..... .....
0 .###. #..## #.#.# ##..# .###.
1 ..#.. .##.. ..#.. ..#.. .###.
/ ....# ...#. ..#.. .#... #....
_ ..... ..... ..... ..... .....
"""

FONT: dict[str, tuple[str, ...]] = {
    line[0].replace("_", " "): tuple(line[2:].split()) for line in _FONT_ROWS.strip().splitlines()
}
HEIGHT = 5


# The sizes of a pixel (columns, rows), largest first. A cell is about twice as tall as it
# is wide, so two columns by one row is square; one column by one row, narrow but readable.
PIXELS = ((4, 2), (3, 2), (2, 1), (1, 1))


def width(text: str, pixel: tuple[int, int] = (1, 1)) -> int:
    """The columns ``text`` takes in block letters with pixels of ``pixel`` (columns, rows)."""
    return len(text) * (GLYPH_WIDTH * pixel[0] + GAP) - GAP if text else 0


def drawable(text: str) -> bool:
    return bool(text) and all(char in FONT for char in text)


def block_letters(text: str, pixel: tuple[int, int] = (1, 1)) -> str:
    """``text`` (characters of ``FONT``) as ``HEIGHT * pixel[1]`` lines of full blocks."""
    across, down = pixel
    lines = []
    for row in range(HEIGHT):
        cells = ["".join(("█" if bit == "#" else " ") * across for bit in FONT[char][row]) for char in text]
        lines.extend([(" " * GAP).join(cells).rstrip()] * down)
    return "\n".join(lines)


def fitting_pixel(text: str, columns: int, rows: int | None = None) -> tuple[int, int] | None:
    """The largest pixel at which ``text`` fits in ``columns`` (and ``rows``); None if none does."""
    for pixel in PIXELS:
        if width(text, pixel) <= columns and (rows is None or HEIGHT * pixel[1] <= rows):
            return pixel
    return None
