"""Profiles (one per learner) and their settings, and the rule for profile names."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from otsquiz.core.store.connection import StoreBase
from otsquiz.core.store.errors import StoreError, UnknownProfileError
from otsquiz.core.store.values import Profile, Settings, dumps, from_us, to_us, utc_now
from otsquiz.core.text import is_printable_name, visible

PROFILE_NAME_MAX = 64


def profile_key(name: str) -> str:
    """The form in which two profile names are the same learner's.

    NFC, case folded, spaces collapsed; dotted and dotless i are one letter
    ("İ", "I", "ı", "i"), since a name has no language to say whether "I"
    lowers to "ı" (Turkish, Azerbaijani, Kazakh ...) or to "i".
    """
    text = unicodedata.normalize("NFC", name).replace("İ", "i").replace("ı", "i")
    return " ".join(unicodedata.normalize("NFC", text.casefold()).split())


def profile_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a new profile (a sentence for the learner), or None when it can.

    The one rule for profile names, for the command line and the app alike.
    """
    name = name.strip()
    if not name or len(name) > PROFILE_NAME_MAX:
        return f"A profile name must be 1 to {PROFILE_NAME_MAX} characters long."
    if not is_printable_name(name):
        return f"A profile name must be printable characters only, not '{visible(name)}'."
    return None


def _profile_id_for(rows: Sequence[tuple[int, str]], name: str) -> int | None:
    """The id of the profile ``name`` means: its exact spelling (as typed, then NFC) first,
    else the oldest of the same ``profile_key``."""
    nfc, key = unicodedata.normalize("NFC", name), profile_key(name)
    for matches in (
        lambda stored: stored == name,
        lambda stored: stored == nfc,
        lambda stored: profile_key(stored) == key,
    ):
        for profile_id, stored in rows:
            if matches(stored):
                return profile_id
    return None


def _profile_from_row(row: tuple[Any, ...]) -> Profile:
    try:
        raw = json.loads(row[3])
    except ValueError:
        raw = {}
    return Profile(
        row[0],
        row[1],
        from_us(row[2]),
        Settings.from_dict(raw if isinstance(raw, dict) else {}),
    )


class Profiles(StoreBase):
    """Finding, creating and listing profiles; saving their settings."""

    def profile(self, name: str = "default", *, create: bool = True) -> Profile:
        """The profile called ``name``, created if it does not exist.

        Names are matched as people mean them (``profile_key``): "aygerim" finds
        "Aygerim", an NFD "Ayşe" the NFC one, and the profile keeps the spelling
        it was created with. (Two profiles already stored whose names differ only
        so are each found by their own exact spelling; other spellings find the
        older.) With ``create=False`` (read-only commands) an unknown name raises
        ``UnknownProfileError``, naming the profiles there are. A new name must
        be 1 to 64 printable characters, and is stored NFC-normalised.
        """
        typed = name.strip()
        name = unicodedata.normalize("NFC", typed)
        rows = self._read("SELECT id, name FROM profiles ORDER BY id")
        found_id = _profile_id_for(rows, typed)
        if found_id is not None:
            return self._profile_by_id(found_id)
        if not create:
            raise UnknownProfileError(name, [row[1] for row in rows])
        problem = profile_name_problem(name)
        if problem is not None:
            raise StoreError(problem)
        with self._write() as conn:
            # Looked for again inside the write lock: "Ann" and "ann" created at once are one profile.
            found_id = _profile_id_for(
                conn.execute("SELECT id, name FROM profiles ORDER BY id").fetchall(), name
            )
            if found_id is None:
                found_id = conn.execute(
                    "INSERT INTO profiles (name, created, settings) VALUES (?, ?, ?)",
                    (name, to_us(utc_now()), dumps(Settings().to_dict())),
                ).lastrowid
        assert found_id is not None
        return self._profile_by_id(found_id)

    def profiles(self) -> list[Profile]:
        rows = self._read("SELECT id, name, created, settings FROM profiles ORDER BY name")
        return [_profile_from_row(row) for row in rows]

    def save_settings(self, profile: Profile | int, settings: Settings) -> Profile:
        """Store ``settings`` for the profile; returns the updated profile."""
        profile_id = profile if isinstance(profile, int) else profile.id
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE profiles SET settings = ? WHERE id = ?",
                (dumps(settings.to_dict()), profile_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"There is no profile #{profile_id}.")
        return self._profile_by_id(profile_id)

    def _profile_by_id(self, profile_id: int) -> Profile:
        """A profile known to exist (just found or written)."""
        rows = self._read("SELECT id, name, created, settings FROM profiles WHERE id = ?", (profile_id,))
        assert rows, f"profile #{profile_id} vanished"  # profiles are never deleted
        return _profile_from_row(rows[0])
