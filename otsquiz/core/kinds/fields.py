"""The validated field types and rules every kind's Pydantic model uses.

This module imports Pydantic: only ``Kind.model()`` and ``models`` import it, so
that studying from the deck cache never loads it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from otsquiz.core.answers import normalize
from otsquiz.core.limits import MAX_TEXT
from otsquiz.core.text import UNSAFE

# Terminal escape sequences, other control characters and the format characters that
# reorder or hide text never reach the screen from a deck: the characters ``visible``
# spells out, but newlines and tabs, which are ordinary deck text. The zero-width
# joiners (emoji, Persian spelling) are text too.
_CONTROL = re.compile(rf"(?![\n\t]){UNSAFE.pattern}")


def plain_text(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise PydanticCustomError(
            "control_character",
            "text contains the control character U+{code} (terminal escape sequences and "
            "control characters are not allowed in deck text)",
            {"code": f"{ord(match.group()):04X}"},
        )
    return value


def not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank: it holds only spaces")
    return value


def one_line(value: str) -> str:
    # Options, answers, items and pairs are listed one per line (the plain mode numbers them).
    if "\n" in value or "\t" in value:
        which = "newline" if "\n" in value else "tab"
        raise PydanticCustomError(
            "not_one_line",
            "must be one line: a {which} is not allowed here (answers, options, items, pairs, "
            "accept entries and tags are shown one per line)",
            {"which": which},
        )
    return value


# The schema says what the validators check: some character that is not a space, and
# for one-line text no newline or tab.
_NOT_BLANK = r"\S"
_ONE_LINE = r"^[^\n\t]*\S[^\n\t]*$"

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(plain_text)]
NonEmptyText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(plain_text),
    AfterValidator(not_blank),
    Field(json_schema_extra={"pattern": _NOT_BLANK}),
]
OneLineText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(plain_text),
    AfterValidator(not_blank),
    AfterValidator(one_line),
    Field(json_schema_extra={"pattern": _ONE_LINE}),
]
DeckId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")]
CardId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,127}$")]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(plain_text),
    AfterValidator(not_blank),
    AfterValidator(one_line),
    Field(json_schema_extra={"pattern": _ONE_LINE}),
]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2_000)]
Language = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
# A list the format does not bound stops at its first bad item (fail_fast): a hostile deck
# of millions of bad tags costs one error, not millions. The schema is unchanged.
Tags = Annotated[list[Tag], Field(fail_fast=True)]
Texts = Annotated[list[OneLineText], Field(fail_fast=True)]


def located(kind: str, message: str, *loc: str | int) -> PydanticCustomError:
    """An error whose position is ``loc`` below the model that raised it."""
    return PydanticCustomError(kind, message, {"loc": loc})


def option_key(text: str) -> str:
    """What a learner tells options apart by: the answer rules' exact form (case, spacing, a
    leading article and surrounding punctuation ignored; "İ" folded as in every non-Turkic text)."""
    return normalize(text)


def first_repeat(values: list[str]) -> int | None:
    """Index of the first value that repeats an earlier one, as a learner would see it."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        key = option_key(value)
        if key in seen:
            return index
        seen.add(key)
    return None


def same(a: str, b: str) -> bool:
    return option_key(a) == option_key(b)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CardModel(Strict):
    """What every card has; each kind's model adds its own fields (after these: error messages list them so)."""

    id: CardId | None = Field(
        None,
        description="Stable slug, unique in the deck; progress is keyed on it. `otsquiz fix` writes one in.",
    )
    explanation: Text = ""
    hint: Text = ""
    source: Annotated[str, StringConstraints(max_length=2_000)] = Field(
        "", description="The id of one of the deck's sources, or a URL."
    )
    tags: Tags = []

    if TYPE_CHECKING:  # each kind's model declares its own Literal `type`
        type: str
