"""The card kinds: one module each, holding what is true of that kind everywhere.

A kind module (``basic``, ``choice``, ...) holds the kind's name and label,
its answer form, its compiled record (a NamedTuple), its Pydantic model
(built lazily by ``model()``: Pydantic is never imported on the way to the
first card), how a question is asked from a study card, its exact answer,
how a response is judged, and its example in the starter deck.

To add a kind:
1. write ``otsquiz/core/kinds/<name>.py`` with a ``KIND`` (see ``base.Kind``)
   and add ``<name>`` to ``CARD_TYPES`` below, where the documentation lists it;
2. register its input in the front ends, by the kind's name: a widget in
   ``otsquiz/tui/widgets/answers/__init__.py`` (``_WIDGETS``) and a line
   reader in ``otsquiz/plain.py`` (``_READERS``).
``tests/test_front_ends_complete.py`` fails until every front end knows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import Any

from otsquiz.core.kinds.base import AnswerForm, Kind

# The nine kinds, in the order the documentation gives them: each the name of its module.
CARD_TYPES = ("basic", "typed", "choice", "multi", "truefalse", "number", "cloze", "order", "match")

__all__ = ["CARD_TYPES", "KINDS", "AnswerForm", "Kind", "kind", "label"]


class _Kinds(Mapping[str, Kind[Any]]):
    """The kinds by name, in ``CARD_TYPES`` order, each module imported when its kind is first used.

    The first card needs one kind, not nine: importing all of them costs about
    20 M instructions, 2 % of the start-up (docs/benchmarks.md).
    """

    def __init__(self) -> None:
        self._loaded: dict[str, Kind[Any]] = {}

    def __getitem__(self, name: str) -> Kind[Any]:
        found = self._loaded.get(name)
        if found is None:
            if name not in CARD_TYPES:
                raise KeyError(name)
            found = self._loaded[name] = import_module(f"{__name__}.{name}").KIND
        return found

    def __contains__(self, name: object) -> bool:
        return name in CARD_TYPES

    def __iter__(self) -> Iterator[str]:
        return iter(CARD_TYPES)

    def __len__(self) -> int:
        return len(CARD_TYPES)


KINDS: Mapping[str, Kind[Any]] = _Kinds()


def kind(name: str) -> Kind[Any]:
    """The kind named ``name`` (KeyError for a name that is none)."""
    return KINDS[name]


def label(type_name: str) -> str:
    """What the quiz calls a card of this type ("Choose one"); an unknown name as it is."""
    return KINDS[type_name].label if type_name in KINDS else type_name
