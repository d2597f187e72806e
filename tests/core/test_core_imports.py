"""What importing the core loads, in a fresh interpreter: never a front end, and on the way to
the first card nothing that only parsing or judging a deck needs."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

import otsquiz.core
from otsquiz.core.paths import bundled_decks_dir

REPO = Path(__file__).resolve().parents[2]
CORE = Path(otsquiz.core.__file__).parent
FRONT_ENDS = frozenset({"textual", "rich"})
# What only a cache miss (parsing, validating) or a typed answer (typo tolerance) needs.
HEAVY = frozenset({"pydantic", "pydantic_core", "tomli", "tomllib", "rapidfuzz"})
# The modules `otsquiz study` imports on the way to its first card, decks read from the cache.
FIRST_CARD = [
    f"otsquiz.core.{name}" for name in ("cards", "session", "library", "deck_cache", "store", "scheduling")
]


def modules_under(folder: Path, prefix: str) -> list[str]:
    """Every module of the package in ``folder``, subpackages included: found by walking it,
    so that a module added later is covered without being named here."""
    return sorted(info.name for info in pkgutil.walk_packages([str(folder)], prefix, onerror=_raise))


def _raise(name: str) -> None:
    raise ImportError(f"cannot import {name} to look inside it")  # never skip a subpackage unseen


def loaded_by(modules: Iterable[str], *, code: str = "", path: Iterable[Path] = ()) -> set[str]:
    """The top-level packages in ``sys.modules`` of a fresh interpreter once it has imported
    ``modules`` (and run ``code``)."""
    script = (
        "import importlib, json, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        f"{code}\n"
        "print(json.dumps(sorted({name.partition('.')[0] for name in sys.modules})))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, path), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", script, *modules],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def import_graph(folder: Path, package: str) -> dict[str, set[str]]:
    """Which modules of the package each of its modules imports, lazily (inside a function) too;
    imports only for the type checker (``if TYPE_CHECKING:``) never run and are left out."""
    files = {
        ".".join((package, *path.relative_to(folder).with_suffix("").parts)): path
        for path in folder.rglob("*.py")
    }
    modules = {name.removesuffix(".__init__"): path for name, path in files.items()}
    graph: dict[str, set[str]] = {}
    for module, source in modules.items():
        # The package a relative import starts from: the module's own, or itself for an __init__.
        here = module if source.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(source.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        imported: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *filter(None, [base])])
                submodules = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
                # `from package import submodule` needs the submodule (its package runs anyway, first)
                imported |= submodules if len(submodules) == len(node.names) else {*submodules, base}
        graph[module] = (imported & modules.keys()) - {module}
    return graph


def in_circles(graph: dict[str, set[str]]) -> list[str]:
    """The modules that import, through any chain of imports, themselves."""
    circular = []
    for module in sorted(graph):
        seen: set[str] = set()
        todo = [module]
        while todo:
            for imported in graph.get(todo.pop(), ()):
                if imported not in seen:
                    seen.add(imported)
                    todo.append(imported)
        if module in seen:
            circular.append(module)
    return circular


def test_no_core_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph(CORE, "otsquiz.core")
    assert "otsquiz.core.loader" in graph["otsquiz.core.library"]  # lazy imports are seen
    assert in_circles(graph) == []


def test_every_core_module_is_found() -> None:
    modules = modules_under(CORE, "otsquiz.core.")
    files = {path.relative_to(CORE).with_suffix("").as_posix() for path in CORE.rglob("*.py")}
    names = {name.removeprefix("otsquiz.core.").replace(".", "/") for name in modules}
    assert {file.removesuffix("/__init__") for file in files} - {"__init__"} == names


def test_no_core_module_imports_textual_or_rich() -> None:
    loaded = loaded_by(modules_under(CORE, "otsquiz.core."))
    assert "otsquiz" in loaded and "pydantic" in loaded  # the models were imported too
    assert not loaded & FRONT_ENDS


def test_the_way_to_the_first_card_loads_no_parser_no_validator_no_fuzzy_matching() -> None:
    loaded = loaded_by(FIRST_CARD)
    assert not loaded & (HEAVY | FRONT_ENDS)


def test_a_deck_read_from_the_cache_needs_no_parser_and_no_validator(tmp_path: Path) -> None:
    deck = sorted(bundled_decks_dir().glob("*.toml"))[0]
    load = (
        "import os\n"
        f"os.environ['OTSQUIZ_HOME'] = {str(tmp_path)!r}\n"
        "os.environ.pop('OTSQUIZ_NO_CACHE', None)\n"
        "from otsquiz.core.library import load_deck\n"
        f"assert load_deck({str(deck)!r}).ok\n"
    )
    assert "pydantic" in loaded_by([], code=load)  # the first load parses, and fills the cache...
    assert not loaded_by([], code=load) & HEAVY  # ...the next is read back compiled


# The checks above could pass by checking nothing: they find what they look for.


def test_the_checks_find_a_front_end_or_a_parser_in_a_module_deep_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "fakecore"
    for name, source in {
        "__init__.py": "",
        "clean.py": "import json\n",
        "kinds/__init__.py": "",
        "kinds/widget.py": "import textual\n",
        "store/__init__.py": "",
        "store/parse.py": "import tomllib\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))  # walking a package imports its subpackages
    modules = modules_under(package, "fakecore.")
    assert "fakecore.kinds.widget" in modules and "fakecore.store.parse" in modules
    assert "textual" in loaded_by(modules, path=[tmp_path]) & FRONT_ENDS
    assert "tomllib" in loaded_by(["fakecore.store.parse"], path=[tmp_path]) & HEAVY
    assert not loaded_by(["fakecore.clean"], path=[tmp_path]) & (FRONT_ENDS | HEAVY)


def test_the_circle_check_finds_a_lazy_circle_and_not_a_typing_one(tmp_path: Path) -> None:
    package = tmp_path / "circles"
    for name, source in {
        "__init__.py": "",
        "library.py": "from circles.records import Result\n",
        "records.py": "def load():\n    from circles import library\n",
        "typed.py": "from typing import TYPE_CHECKING\nfrom circles import hints\n",
        "hints.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from circles.typed import T\n",
        "kinds/__init__.py": "from .choice import Choice\n",
        "kinds/choice.py": "from circles.kinds import base\n",
        "kinds/base.py": "",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source)
    graph = import_graph(package, "circles")
    assert graph["circles.kinds"] == {"circles.kinds.choice"}  # a relative import is resolved
    assert in_circles(graph) == ["circles.library", "circles.records"]
