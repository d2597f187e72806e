"""Shared fixtures: every test runs with its own OTSQUIZ_HOME, never the real user folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BUNDLED = REPO / "decks"


@pytest.fixture(autouse=True)
def otsquiz_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "otsquiz-home"
    monkeypatch.setenv("OTSQUIZ_HOME", str(home))
    monkeypatch.delenv("OTSQUIZ_NO_CACHE", raising=False)
    return home


def require_program(name: str) -> str:
    """The path of a system program; skip without it, unless CI said skips must fail."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("OTSQUIZ_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail(f"{name} is required here (OTSQUIZ_REQUIRE_SYSTEM_TOOLS is set) but not installed")
        pytest.skip(f"{name} is not installed")
    return path
