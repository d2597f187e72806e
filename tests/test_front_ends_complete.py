"""Every card kind is complete in every front end, and nothing is registered for a kind that does not exist.

A new kind is one core module (otsquiz/core/kinds) plus its lines here: its
widget in the app and its reader in the plain mode.
"""

from __future__ import annotations

import pytest
from textual.widget import Widget

from otsquiz import plain
from otsquiz.core.kinds import CARD_TYPES, KINDS
from otsquiz.core.kinds.base import Kind
from otsquiz.core.models import CARD_MODELS, CardModel
from otsquiz.core.questions import Questions
from otsquiz.tui.widgets import answers


def test_the_app_has_a_widget_for_each_kind_and_no_other() -> None:
    assert set(answers._WIDGETS) == set(CARD_TYPES)


@pytest.mark.parametrize("name", CARD_TYPES)
def test_each_kinds_widget_is_a_widget(name: str) -> None:
    widget = answers.widget_class(name)
    assert isinstance(widget, type) and issubclass(widget, Widget)


def test_the_plain_mode_has_a_reader_for_each_kind_and_no_other() -> None:
    assert set(plain._READERS) == set(CARD_TYPES)


@pytest.mark.parametrize("name", CARD_TYPES)
def test_each_kind_is_complete_in_the_core(name: str) -> None:
    kind = KINDS[name]
    assert isinstance(kind, Kind) and kind.name == name
    assert kind.label and kind.label != name
    assert kind.starter.startswith("[[cards]]") and f'type = "{name}"' in kind.starter
    model = kind.model()
    assert issubclass(model, CardModel) and CARD_MODELS[name] is model
    assert set(kind.record._fields) == set(model.model_fields)
    for method in ("ask", "expected", "judge"):
        assert getattr(type(kind), method) is not getattr(Kind, method), f"{name} has no {method}"


def test_the_kinds_labels_are_told_apart() -> None:
    labels = [kind.label for kind in KINDS.values()]
    assert len(set(labels)) == len(labels)


def test_each_kinds_question_has_a_plain_reader_that_takes_a_line() -> None:
    from otsquiz.core.authoring import starter_deck
    from otsquiz.core.loader import load_text

    deck = load_text(starter_deck("starter", "Starter", "starter.toml", "")).deck
    assert deck is not None
    questions = Questions([deck], seed=1)
    seen = set()
    for study in deck.expand():
        question = questions.ask(study)
        printed: list[str] = []
        reader = plain._reader_for(question, printed.append)
        assert reader.prompt.endswith("> ")
        numbers = " ".join(str(n) for n in range(1, len(question.options) + 1))
        line = {"text": "Baku", "number": "1", "choice": "1", "multi": "1", "truefalse": "t"}.get(
            question.form, numbers
        )
        assert reader.parse(line) is not None, question.type
        seen.add(question.type)
    assert seen == set(CARD_TYPES)
