"""otsquiz: study decks of facts in the terminal, with spaced repetition.

This module only carries the version, so that importing the package (and
every CLI command) stays fast; the TUI is imported only when it opens.
"""

__version__ = "0.1.0"
