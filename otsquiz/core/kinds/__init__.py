"""The card kinds: one module each, holding what is true of that kind everywhere.

A kind module (``basic``, ``choice``, ...) holds the kind's name and label,
its answer form, its compiled record (a NamedTuple), its Pydantic model
(built lazily by ``model()``: Pydantic is never imported on the way to the
first card), how a question is asked from a study card, its exact answer,
how a response is judged, and its example in the starter deck.

To add a kind:
1. write ``otsquiz/core/kinds/<name>.py`` with a ``KIND`` (see ``base.Kind``)
   and add it to ``KINDS`` below, where the documentation lists it;
2. register its input in the front ends, by the kind's name: a widget in
   ``otsquiz/tui/widgets/answers/__init__.py`` (``_WIDGETS``) and a line
   reader in ``otsquiz/plain.py`` (``_READERS``).
``tests/test_front_ends_complete.py`` fails until every front end knows it.
"""

from __future__ import annotations

from typing import Any

from otsquiz.core.kinds import basic, choice, cloze, match, multi, number, order, truefalse, typed
from otsquiz.core.kinds.base import AnswerForm, Kind

# The nine kinds, in the order the documentation gives them.
KINDS: dict[str, Kind[Any]] = {
    kind.name: kind
    for kind in (
        basic.KIND,
        typed.KIND,
        choice.KIND,
        multi.KIND,
        truefalse.KIND,
        number.KIND,
        cloze.KIND,
        order.KIND,
        match.KIND,
    )
}
CARD_TYPES = tuple(KINDS)

__all__ = ["CARD_TYPES", "KINDS", "AnswerForm", "Kind", "kind", "label"]


def kind(name: str) -> Kind[Any]:
    """The kind named ``name`` (KeyError for a name that is none)."""
    return KINDS[name]


def label(type_name: str) -> str:
    """What the quiz calls a card of this type ("Choose one"); an unknown name as it is."""
    found = KINDS.get(type_name)
    return found.label if found is not None else type_name
