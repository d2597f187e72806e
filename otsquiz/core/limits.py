"""The limits of the deck format, so that a hostile file cannot hang or exhaust otsquiz."""

MAX_TEXT = 4_000  # characters in one text field
MAX_CARDS = 200_000  # cards in one deck
MAX_FILE_BYTES = 32 * 1024 * 1024  # bytes in one deck file
MAX_PROBLEMS = 1_000  # problems reported for one deck; checking stops there
