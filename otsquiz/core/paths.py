"""Where otsquiz keeps its files: progress, the deck cache, the user's decks.

Everything lives under the platform's per-user directories (platformdirs),
or under ``$OTSQUIZ_HOME`` when that is set, so that tests, a classroom
machine or a USB stick can keep one self-contained folder.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "otsquiz"
DATABASE_NAME = "progress.sqlite3"


def _home() -> Path | None:
    home = os.environ.get("OTSQUIZ_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """The folder of the progress database and the user's own decks."""
    home = _home()
    if home is not None:
        return home
    import platformdirs  # deferred: only commands that touch the disk need it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The folder of compiled decks; safe to delete at any time."""
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def database_path() -> Path:
    return data_dir() / DATABASE_NAME


def user_decks_dir() -> Path:
    return data_dir() / "decks"


def bundled_decks_dir() -> Path:
    """The decks shipped inside the package (``otsquiz/decks`` when installed)."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "decks"
    if installed.is_dir():
        return installed
    return here.parent / "decks"  # running from a source checkout
