"""Moving cards' history to new keys: ``otsquiz fix`` gives id-less cards an id.

History is keyed on ``(deck_id, card_key)``; an id-less card's key is a hash of
its content (``h-<hash>``), so once ``fix`` writes an id the history must follow.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from otsquiz.core.store.connection import StoreBase


class Renaming(StoreBase):
    """Finding and moving the history of notes by key, every profile's at once."""

    # A note's key and its cards' keys ("key", "key:1", "key:reverse"); no LIKE: ids may hold "_" or "%".
    _NOTE_KEYS = "(card_key = ?1 OR substr(card_key, 1, length(?1) + 1) = ?1 || ':')"

    def keys_with_history(self, deck_id: str, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` (note keys) that any profile has a state or a review of, in ``deck_id``."""
        found: set[str] = set()
        with self._lock, self._errors():
            for key in dict.fromkeys(keys):
                if self._has_history(self._conn, deck_id, key):
                    found.add(key)
        return found

    @classmethod
    def _has_history(cls, conn: sqlite3.Connection, deck_id: str, key: str) -> bool:
        return any(
            conn.execute(
                f"SELECT 1 FROM {table} WHERE deck_id = ?2 AND {cls._NOTE_KEYS} LIMIT 1", (key, deck_id)
            ).fetchone()
            for table in ("card_state", "review_log")
        )

    def rename_card_keys(self, deck_id: str, mapping: Mapping[str, str]) -> int:
        """Move every profile's history of ``deck_id``'s cards from old keys to new keys; how many moved.

        ``mapping`` maps a note's old key to its new one (an id-less card's ``h-<hash>``
        to the id ``otsquiz fix`` wrote); its cards' keys move with it, so
        ``h-<hash>:1`` and ``h-<hash>:reverse`` become ``<id>:1`` and ``<id>:reverse``.
        A pair whose new key already has history is left alone (merging two
        histories would make both wrong): its old key keeps its rows, and
        ``keys_with_history(deck_id, mapping)`` names it afterwards. All pairs move
        in one transaction, card states and review log alike.
        """
        pairs = [(old, new) for old, new in mapping.items() if old != new]
        if not pairs:
            return 0
        moved = 0
        with self._write() as conn:
            # The log is append-only by trigger; renaming a card is the one change it allows,
            # made with the trigger lifted inside this transaction (so never seen lifted).
            row = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'review_log_no_update'"
            ).fetchone()
            if row is not None:
                conn.execute("DROP TRIGGER review_log_no_update")
            for old, new in pairs:
                if not self._has_history(conn, deck_id, old) or self._has_history(conn, deck_id, new):
                    continue
                for table in ("card_state", "review_log"):
                    conn.execute(
                        f"UPDATE {table} SET card_key = ?3 || substr(card_key, length(?1) + 1)"
                        f" WHERE deck_id = ?2 AND {self._NOTE_KEYS}",
                        (old, deck_id, new),
                    )
                moved += 1
            if row is not None:
                conn.execute(row[0])
        return moved
