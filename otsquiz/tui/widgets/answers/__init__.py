"""One input widget per card kind, registered by the kind's name; each posts ``Answered``
with the session's response.

The response shapes are those of ``Session.submit``: text for typed, number
and cloze cards, an option index for choice, a set of indexes for multi, a
bool for true/false, the option indexes in the learner's order for order,
and one right-option index per left item for match.

Each kind lives in a module of its own, imported when a question of that kind
is first shown: building a widget class costs Textual's subclass set-up, and
the first card needs only one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from textual.message import Message
from textual.widget import Widget

from otsquiz.core.session import Question

# card kind (otsquiz.core.kinds) -> (module in this package, widget class)
_WIDGETS = {
    "basic": ("self_rated", "SelfRated"),  # built by the quiz: it shows the answer and the intervals
    "typed": ("text", "TextAnswer"),
    "choice": ("choice", "ChoiceAnswer"),
    "multi": ("choice", "MultiAnswer"),
    "truefalse": ("truefalse", "TrueFalseAnswer"),
    "number": ("text", "TextAnswer"),
    "cloze": ("text", "TextAnswer"),
    "order": ("order", "OrderAnswer"),
    "match": ("match", "MatchAnswer"),
}


class Answered(Message):
    """The learner answered the question shown."""

    def __init__(self, response: Any) -> None:
        super().__init__()
        self.response = response


def pending_response(widget: Widget) -> Any | None:
    """What the learner has entered in ``widget`` but not sent (typed, chosen, moved), or None.

    When a drill's time runs out, this is the answer judged.
    """
    pending = getattr(widget, "pending", None)
    return pending() if callable(pending) else None


def widget_class(type_name: str) -> Callable[..., Widget]:
    """The widget class that takes answers to cards of this kind (its module imported now)."""
    module, name = _WIDGETS[type_name]
    widget: Callable[..., Widget] = getattr(import_module(f"{__name__}.{module}"), name)
    return widget


def answer_widget(question: Question) -> Widget:
    """The widget that takes an answer to ``question`` (a flashcard's SelfRated is built by the quiz)."""
    return widget_class(question.type)(question)
