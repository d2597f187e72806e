"""The progress database: profiles, card schedules, the review log and sessions.

One SQLite file (``paths.database_path()`` unless told otherwise), shared
safely by several otsquiz processes:

* WAL journal, ``synchronous=NORMAL``: every committed answer survives the
  process being killed at any moment (the contract's requirement); only a
  power cut or OS crash can lose the last few commits. Pass
  ``synchronous="FULL"`` to ``Store.open`` to survive those too, at the cost
  of an fsync per answer.
* Every write is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken
  up front, so two processes answering at once queue for up to
  ``BUSY_TIMEOUT_MS`` instead of failing with "database is locked".
* ``review_log`` is append-only (triggers refuse UPDATE and DELETE). An undo
  or an overrule is a new row whose ``undoes`` names the row it cancels; a
  cancelled row never counts anywhere.
* A damaged database, or one written by a newer otsquiz, is never migrated,
  overwritten or deleted: it raises ``CorruptDatabaseError`` or
  ``NewerDatabaseError`` before anything is written. Opening reads the file
  header (random bytes, truncation); before its first write a store runs
  SQLite's ``quick_check`` over the whole file (0.7 s for 100,000 cards and
  a year of history), unless the file is as it was when last checked: its
  device, inode, size, modification and change times are kept beside it, in
  ``<database>-checked``, after a check and when a store that checked it
  closes. Damage met while reading raises ``CorruptDatabaseError`` too, and
  the store then writes nothing.

History is keyed on ``(deck_id, card_key)`` and nothing here deletes it when
a card disappears from a deck: put the card back and its schedule returns.

The modules, one responsibility each (``Store`` is their methods over one
connection):

* ``errors``: ``StoreError`` and its kinds; SQLite's errors worded for the learner.
* ``values``: what the store hands out (``Settings``, ``Profile``, ``Recorded``,
  ``SessionTotals``, ``ReviewRecord``), times as µs, rows and snapshots.
* ``connection``: opening, the damage check, migrating; the read and write helpers.
* ``damage``: the header check and the ``<database>-checked`` record.
* ``migrations``: the schema, as named, ordered migrations.
* ``profiles``: profiles, their settings, the rule for their names.
* ``recording``: answers, undo and overrule; ``sessions``: a session's totals.
* ``renaming``: moving history to new card keys (``otsquiz fix``).
* ``queries``: what the queue is built from (states, due cards, today's reviews).
* ``statistics``: ``stats()``, ``deck_counts()``, streaks and study days.
"""

from __future__ import annotations

from otsquiz.core.store.connection import CHECK_BUDGET_SECONDS
from otsquiz.core.store.damage import CHECKED_SUFFIX
from otsquiz.core.store.errors import (
    BUSY_TIMEOUT_MS,
    DISK_FULL_BYTES,
    CorruptDatabaseError,
    NewerDatabaseError,
    StoreError,
    UnknownProfileError,
)
from otsquiz.core.store.migrations import MIGRATIONS, Migration
from otsquiz.core.store.profiles import PROFILE_NAME_MAX, Profiles, profile_key, profile_name_problem
from otsquiz.core.store.queries import Queries
from otsquiz.core.store.recording import Recording
from otsquiz.core.store.renaming import Renaming
from otsquiz.core.store.sessions import Sessions
from otsquiz.core.store.statistics import MASTERED_STABILITY_DAYS, Statistics
from otsquiz.core.store.values import (
    MODES,
    VERDICTS,
    Mode,
    Profile,
    Recorded,
    ReviewRecord,
    Schedule,
    SessionTotals,
    Settings,
    Verdict,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "CHECKED_SUFFIX",
    "CHECK_BUDGET_SECONDS",
    "DISK_FULL_BYTES",
    "MASTERED_STABILITY_DAYS",
    "MIGRATIONS",
    "MODES",
    "PROFILE_NAME_MAX",
    "VERDICTS",
    "CorruptDatabaseError",
    "Migration",
    "Mode",
    "NewerDatabaseError",
    "Profile",
    "Recorded",
    "ReviewRecord",
    "Schedule",
    "SessionTotals",
    "Settings",
    "Store",
    "StoreError",
    "UnknownProfileError",
    "Verdict",
    "profile_key",
    "profile_name_problem",
]


class Store(Profiles, Recording, Sessions, Renaming, Queries, Statistics):
    """The progress database. Open with ``Store.open()``; use as a context manager.

    The methods may be called from any one thread at a time or from several
    (a lock serialises them), so a Textual worker thread can use the store.
    """
