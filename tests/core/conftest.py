"""Fixtures shared by the core tests (tests/conftest.py already points $OTSQUIZ_HOME at a temporary folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from otsquiz.core.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A fresh, migrated progress database in a temporary folder."""
    with Store.open(db_path) as opened:
        yield opened
