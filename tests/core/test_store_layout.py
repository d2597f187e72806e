"""The store package: what it imports, and the names and methods callers rely on."""

from __future__ import annotations

import inspect
import pkgutil
import subprocess
import sys
import textwrap

import otsquiz.core.store as store_package
from otsquiz.core.store import Store, StoreError

# Neither a front end's libraries nor the slow-loading ones (start-up: nothing on the
# way to the first card loads them).
FORBIDDEN = ("textual", "rich", "pydantic", "tomllib", "tomli", "rapidfuzz")


def test_no_store_module_imports_a_front_end_or_a_slow_library() -> None:
    modules = [info.name for info in pkgutil.walk_packages(store_package.__path__, "otsquiz.core.store.")]
    assert len(modules) >= 10  # the walk found the modules, not nothing
    script = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {["otsquiz.core.store", *modules]!r}:
            importlib.import_module(name)
        print(" ".join(sorted(
            name for name in sys.modules if name.split(".")[0] in {FORBIDDEN!r}
        )))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_store_error_is_a_plain_exception() -> None:
    error = StoreError("The progress database is busy.")
    assert str(error) == "The progress database is busy."
    assert not hasattr(error, "__rich__")  # showing it is the front end's business


def test_every_exported_name_is_there() -> None:
    missing = [name for name in store_package.__all__ if not hasattr(store_package, name)]
    assert missing == []


def test_store_keeps_every_public_method() -> None:
    methods = {
        name
        for name, value in inspect.getmembers(Store)
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }
    assert methods == {
        "check",
        "close",
        "connection",
        "deck_counts",
        "due_rows",
        "finish_session",
        "history",
        "keys_with_history",
        "new_introduced_today",
        "notes_seen_today",
        "open",
        "overrule",
        "profile",
        "profiles",
        "record",
        "record_answer",
        "rename_card_keys",
        "review",
        "save_settings",
        "session",
        "start_session",
        "state",
        "states",
        "states_among",
        "stats",
        "studied_among",
        "transaction",
        "undo",
        "upcoming",
    }
