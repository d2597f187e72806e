"""Grade typed answers (typed and cloze cards, and number cards) against a deck's answers.

This implements "Answer matching (typed, cloze)" of the deck format contract
(/work/shared/deck-format.md):

1. Both sides are NFC-normalized, trimmed, inner whitespace collapsed, and
   surrounding punctuation and a leading English article are ignored.
2. Case never matters; case folding follows the deck language, so in Turkic
   languages "I" lowers to "ı" and "İ" to "i".
3. Unless ``strict``, diacritics do not matter and small typos
   (Damerau-Levenshtein) are forgiven; such a match is correct, not exact.
4. A forgiving match never accepts a text that is another answer, choice or
   distractor of the same deck (``others``).
5. ``accept`` entries are matched by the same rules as ``expected``; an
   exact match on any of them wins over a forgiving match.

Decisions where the contract leaves room (each is also noted where it is
implemented):

- The article rule ("the", "a", "an") applies only when the language's
  primary subtag is "en"; in other languages "a" can be a real word.
  Repeated leading articles are all dropped, so that `normalize` is idempotent.
- Text that is nothing but punctuation ("?!") is kept as it is rather than
  normalized to nothing, so such an answer can still be matched.
- A "-" or "." directly before a digit at the start is a sign or a decimal
  point, not surrounding punctuation: "-40" never equals "40".
- The typo allowance counts letters (``str.isalpha``) of the normalized
  expected text; spaces, digits and punctuation do not count. The distance
  itself is measured on the whole text, so a missing space is one typo.
- Digits are never typos ("none ... for numbers"): besides an expected answer
  that parses as a number getting no allowance, a typo match needs the same
  digits in the same order, so "Route 67" is no typo of "Route 66".
- Diacritic folding also folds compatibility forms (NFKD: full-width letters,
  ligatures) and apostrophe look-alikes ("ʻ", "’") to "'", and reads
  "ə" as "e", "ı" as "i", "ø" as "o", "ł" as "l" and "đ" as "d".
  Only combining marks of the Latin/Greek/Cyrillic diacritic blocks are
  stripped: in other scripts (Indic vowel signs, for example) marks are part
  of the letters.
- The deck's ``strict_diacritics`` is its own keyword: it rejects any match
  that needs a diacritic forgiven but, unlike a card's ``strict``, still
  forgives typos in the other letters ("Türkye" for "Türkiye", not "Turkiye").
- Rule 4 guards every forgiving match, for diacritics as well as typos, and
  compares after diacritic folding too: a given text whose folded form is the
  folded form of another deck answer is never forgiven. Where a deck holds two
  answers that differ only in diacritics, diacritics therefore matter between
  them. Entries of ``others`` equal (after steps 1-2) to the card's own
  expected/accept answers never block it.
- A given answer longer than ``MAX_GIVEN_CHARS`` after trimming is wrong
  without further work, and typo tolerance is off for expected answers longer
  than ``MAX_TYPO_CHARS``: Damerau-Levenshtein is quadratic in the length.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

__all__ = [
    "MAX_GIVEN_CHARS",
    "MAX_TYPO_CHARS",
    "AnswerIndex",
    "Verdict",
    "check",
    "check_number",
    "fold_diacritics",
    "normalize",
    "parse_number",
]

# Four times the contract's 4,000-character limit on a deck text field: a
# longer typed answer cannot be meant, and normalizing it would waste time.
MAX_GIVEN_CHARS = 16_000
# Damerau-Levenshtein is O(n*m); past this length (about 5 ms worst case) an
# answer is a paragraph, not something one types with a typo to forgive.
MAX_TYPO_CHARS = 1_000
# parse_number gives up on longer text: no number anyone types is this long.
_MAX_NUMBER_CHARS = 1_000

# Languages that pair dotted and dotless i (primary subtags, contract rule 2).
_TURKIC_I = frozenset({"tr", "az", "kk", "crh", "gag", "tt"})

_ARTICLE = re.compile(r"(?:the|an|a)\s")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The grade of one answer.

    ``matched`` is the expected or accept text, as written in the deck, that
    the answer matched (None when wrong), so the app can show the exact
    spelling. ``forgiven`` says why a correct answer is not exact: a subset of
    ("diacritics", "typo"). A number within tolerance but not equal is
    correct, not exact, with nothing in ``forgiven``.
    """

    correct: bool
    exact: bool
    matched: str | None = None
    forgiven: tuple[str, ...] = ()


_WRONG = Verdict(correct=False, exact=False)


@dataclass(frozen=True, slots=True)
class _Rules:
    """What a language tag changes in normalization."""

    turkic_i: bool
    english: bool


@lru_cache(maxsize=64)
def _rules(language: str) -> _Rules:
    # Only the primary subtag matters ("tr-TR", "az-Latn"); "_" is tolerated
    # because locale names ("tr_TR") are easily confused with BCP 47 tags.
    primary = language.strip().replace("_", "-").split("-", 1)[0].casefold()
    return _Rules(turkic_i=primary in _TURKIC_I, english=primary == "en")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P"


def _starts_number(text: str, i: int) -> bool:
    """Whether text[i] is a sign or decimal point that belongs to a number."""
    return text[i] in "-." and i + 1 < len(text) and text[i + 1].isdigit()


def _skip_leading(text: str, i: int) -> int:
    """Index of the first character at or after i that is not space or punctuation."""
    n = len(text)
    while i < n and (text[i].isspace() or (_is_punct(text[i]) and not _starts_number(text, i))):
        i += 1
    return i


def _normalize(text: str, rules: _Rules) -> str:
    text = unicodedata.normalize("NFC", text)
    # str.casefold turns "İ" into "i" + U+0307 and "I" always into "i"; map the
    # Turkic pair first, so "BAKI" is "bakı" in az and "İstanbul" is "istanbul".
    text = text.replace("İ", "i")
    if rules.turkic_i:
        text = text.replace("I", "ı")
    # casefold can leave decomposed sequences ("ΐ"); NFC again keeps this stable.
    text = unicodedata.normalize("NFC", text.casefold())
    text = " ".join(text.split())

    start = _skip_leading(text, 0)
    end = len(text)
    while end > start and (text[end - 1].isspace() or _is_punct(text[end - 1])):
        end -= 1
    if start >= end:
        # Nothing but punctuation: keep it, an answer like "?!" must still match.
        return text
    if rules.english:
        # Drop every leading article: after "the, the cat" -> "the cat" a second
        # pass would drop another, and normalize must be idempotent. The text
        # ends in a letter or digit here, so something always remains.
        while (m := _ARTICLE.match(text, start)) is not None and m.end() < end:
            start = _skip_leading(text, m.end())
    return text[start:end]


def normalize(text: str, language: str = "en") -> str:
    """Rules 1 and 2: the form in which two answers are equal exactly.

    NFC, trimmed, inner whitespace collapsed to one space, surrounding
    punctuation and (for English) leading articles dropped, and case folded
    the way the language folds it. Idempotent.
    """
    return _normalize(text, _rules(language))


# Letters that carry their mark inside the code point (no NFKD decomposition),
# and apostrophe look-alikes (Uzbek "oʻ", typographic quotes) read as "'".
_FOLD_TABLE = str.maketrans(
    {
        "ə": "e",
        "Ə": "E",
        "ı": "i",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
        "ŧ": "t",
        "Ŧ": "T",
        "ƶ": "z",
        "Ƶ": "Z",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ʻ": "'",
        "ʼ": "'",
        "ʹ": "'",
        "‘": "'",
        "’": "'",
        "`": "'",
        "´": "'",
    }
)


def _is_diacritic_mark(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x0300 <= cp <= 0x036F  # Combining Diacritical Marks
        or 0x1AB0 <= cp <= 0x1AFF  # ... Extended
        or 0x1DC0 <= cp <= 0x1DFF  # ... Supplement
        or 0x20D0 <= cp <= 0x20FF  # ... for Symbols
        or 0xFE20 <= cp <= 0xFE2F  # Combining Half Marks
    )


def fold_diacritics(text: str) -> str:
    """Rule 3: the text with its diacritics removed ("Azərbaycan" -> "Azerbaycan").

    "ə" reads as "e" and "ı" as "i", marks are stripped after compatibility
    decomposition (so "Ö" -> "O", "ﬁ" -> "fi", full-width letters -> ASCII),
    and apostrophe look-alikes become "'". Case is kept.
    """
    if text.isascii():  # the common case: nothing to decompose
        return text.translate(_FOLD_TABLE)
    text = unicodedata.normalize("NFKD", text).translate(_FOLD_TABLE)
    text = "".join(ch for ch in text if not _is_diacritic_mark(ch))
    # Recompose what NFKD took apart but is no diacritic (Hangul syllables).
    return unicodedata.normalize("NFC", text)


def _loose(normalized: str) -> str:
    """Comparison key for forgiving matches: folded, then case-folded again.

    The second fold catches capitals that compatibility decomposition can
    produce from lower-case text ("㎒" -> "MHz").
    """
    folded = fold_diacritics(normalized).casefold()
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


class AnswerIndex:
    """The answers, choices and distractors of one deck, prepared once for rule 4.

    Build it when a deck is loaded, from every answer, accept entry, choice
    and distractor of the deck (the card's own answers may be included: they
    never block themselves), and pass it as ``check(..., others=index)``.
    Each check then costs two hash look-ups instead of a pass over the deck.
    The index belongs to one language: checking with a language that
    normalizes differently raises ValueError, since that is a programming
    error that would silently weaken rule 4.

    ``check`` also takes a plain iterable of texts (indexed on every call,
    fine for a handful) or a frozenset (indexed once and cached, since it is
    hashable and immutable).
    """

    __slots__ = ("_loose", "_normalized", "_rules", "language")

    def __init__(self, texts: Iterable[str], language: str = "en") -> None:
        self.language = language
        self._rules = _rules(language)
        normalized: set[str] = set()
        loose: dict[str, set[str]] = {}
        for text in _as_texts(texts):
            norm = _normalize(text, self._rules)
            if not norm or norm in normalized:
                continue
            normalized.add(norm)
            loose.setdefault(_loose(norm), set()).add(norm)
        self._normalized = frozenset(normalized)
        # Several deck texts can share one folded form ("Bakı" and "Baki").
        self._loose = {key: frozenset(norms) for key, norms in loose.items()}

    def __contains__(self, text: object) -> bool:
        """Whether text, once normalized, is one of the indexed texts."""
        return isinstance(text, str) and _normalize(text, self._rules) in self._normalized

    def __len__(self) -> int:
        return len(self._normalized)

    def __repr__(self) -> str:
        return f"AnswerIndex({len(self)} texts, language={self.language!r})"

    def _blocks(self, given_norm: str, given_loose: str, own: frozenset[str]) -> bool:
        """Whether rule 4 forbids forgiving the given answer.

        ``given_norm`` and ``given_loose`` are the answer's normalized and
        folded forms; ``own`` holds the normalized expected/accept answers of
        the card being checked, which never block themselves.
        """
        if given_norm in self._normalized and given_norm not in own:
            return True
        sources = self._loose.get(given_loose)
        return sources is not None and not sources <= own


@lru_cache(maxsize=8)
def _cached_index(texts: frozenset[str], language: str) -> AnswerIndex:
    # A frozenset caches its hash, so a deck passing the same frozenset on
    # every check pays for indexing once.
    return AnswerIndex(texts, language)


def _as_texts(texts: Iterable[str]) -> Iterable[str]:
    # A lone string is one text, not a sequence of one-letter answers.
    return (texts,) if isinstance(texts, str) else texts


def _index_for(others: AnswerIndex | Iterable[str], language: str, rules: _Rules) -> AnswerIndex:
    if isinstance(others, AnswerIndex):
        if others._rules != rules:
            raise ValueError(
                f"AnswerIndex built for language {others.language!r} cannot check answers in {language!r}"
            )
        return others
    if isinstance(others, frozenset):
        return _cached_index(others, language)
    return AnswerIndex(others, language)


def _typo_allowance(normalized_expected: str) -> int:
    """Rule 3: edits forgiven for this expected answer."""
    if len(normalized_expected) > MAX_TYPO_CHARS or parse_number(normalized_expected) is not None:
        return 0
    letters = sum(ch.isalpha() for ch in normalized_expected)
    if letters >= 9:
        return 2
    if letters >= 5:
        return 1
    return 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _typo_distance(a: str, b: str, allowed: int) -> int:
    """Damerau-Levenshtein distance of a and b, or allowed + 1 when larger."""
    if abs(len(a) - len(b)) > allowed:
        return allowed + 1
    # Each transposition is two Levenshtein edits, so Levenshtein > 2*allowed
    # rules a match out cheaply (bit-parallel) before the quadratic DL.
    if Levenshtein.distance(a, b, score_cutoff=2 * allowed) > 2 * allowed:
        return allowed + 1
    return DamerauLevenshtein.distance(a, b, score_cutoff=allowed)


def check(
    given: str,
    expected: str,
    accept: Iterable[str] = (),
    *,
    language: str = "en",
    strict: bool = False,
    others: AnswerIndex | Iterable[str] = (),
    strict_diacritics: bool = False,
) -> Verdict:
    """Grade a typed answer against the expected answer and its accept entries.

    ``language`` is the deck's BCP 47 tag, ``strict`` the card's flag that
    turns off diacritic and typo tolerance, and ``others`` the deck's answers,
    choices and distractors for rule 4 (an AnswerIndex, or any iterable of
    texts; see AnswerIndex). ``strict_diacritics`` is the deck's flag: a
    missing or wrong diacritic makes the answer wrong, while typos in the
    other letters are still forgiven. Never raises on any given text.
    """
    trimmed = given.strip()
    if not trimmed or len(trimmed) > MAX_GIVEN_CHARS:
        return _WRONG
    rules = _rules(language)
    given_norm = _normalize(trimmed, rules)

    candidates: list[tuple[str, str]] = []
    for text in (expected, *_as_texts(accept)):
        norm = _normalize(text, rules)
        if norm == given_norm:
            # Rule 5: an exact match on any candidate wins outright.
            return Verdict(correct=True, exact=True, matched=text)
        if norm:
            candidates.append((text, norm))
    if strict or not candidates:
        return _WRONG

    given_loose = _loose(given_norm)
    own = frozenset(norm for _, norm in candidates)
    if _index_for(others, language, rules)._blocks(given_norm, given_loose, own):
        return _WRONG

    best: tuple[int, str, tuple[str, ...]] | None = None  # (distance, text, forgiven)
    for text, norm in candidates:
        norm_loose = _loose(norm)
        if norm_loose == given_loose:
            if strict_diacritics:
                continue
            return Verdict(correct=True, exact=False, matched=text, forgiven=("diacritics",))
        allowed = _typo_allowance(norm)
        if allowed == 0 or _digits(given_loose) != _digits(norm_loose):
            continue
        distance = _typo_distance(given_loose, norm_loose, allowed)
        # Strictly smaller only: on a tie the expected answer, listed first, wins.
        if distance > allowed or (best is not None and distance >= best[0]):
            continue
        # Diacritics were forgiven too when the unfolded texts are further apart.
        if _typo_distance(given_norm, norm, distance) <= distance:
            best = (distance, text, ("typo",))
        elif not strict_diacritics:
            best = (distance, text, ("diacritics", "typo"))
    if best is None:
        return _WRONG
    return Verdict(correct=True, exact=False, matched=best[1], forgiven=best[2])


# A number as people type it: optional sign, digits optionally grouped in
# threes by one consistent separator ("," or a space), an optional decimal
# point or decimal comma, and an optional exponent.
_NUMBER = re.compile(
    r"""
    (?P<sign>[+-]?)
    (?P<int>\d{1,3}(?P<sep>[,\ ])\d{3}(?:(?P=sep)\d{3})*|\d*)
    (?:(?P<point>[.,])(?P<frac>\d*))?
    (?:[eE](?P<exp>[+-]?\d+))?
    """,
    re.VERBOSE,
)


_SPACES = str.maketrans(dict.fromkeys("\u00a0\u2007\u2009\u202f", " "))


@lru_cache(maxsize=64)
def _unit_patterns(unit: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(a trailing copy of ``unit``, a leading one or None): any case, spaces optional.

    A unit is put before the number only when it names a currency ("$3", "US$ 3").
    """
    body = r"\s*".join(re.escape(ch) for ch in "".join(unit.split()))
    trailing = re.compile(rf"\s*{body}\Z", re.IGNORECASE)
    currency = any(unicodedata.category(ch) == "Sc" for ch in unit)
    return trailing, re.compile(rf"{body}\s*", re.IGNORECASE) if currency else None


def _without_unit(text: str, unit: str) -> str:
    """``text`` without one copy of the card's ``unit`` after (or, for a currency, before) the number."""
    if not unit.strip():
        return text
    trailing, leading = _unit_patterns(unit)
    if (m := trailing.search(text)) is not None and m.start() > 0:
        return text[: m.start()]
    if leading is not None and (m := leading.match(text)) is not None and m.end() < len(text):
        return text[m.end() :]
    return text


def parse_number(text: str, unit: str = "") -> float | None:
    """Read a typed number, or None when the text is not a finite number.

    Accepts "2009", " 2009 ", "2,009", "1 234", "2009.0", "-3.5", "−3.5",
    "1.6e3" and a decimal comma ("3,5"). A comma followed by exactly three
    digits groups thousands ("2,009" is 2009); a dot is always a decimal
    point, so the Turkish "2.009" reads as 2.009. Integer text gives an int,
    so large integers compare exactly; NaN, infinities and integers beyond
    the float range give None.

    With the card's ``unit``, one copy of it typed after the number ("25%",
    "450 km", "3 Million US$") is ignored, in any case and with or without
    spaces; so is a currency unit typed before it ("$3", "US$ 3"). Any other
    text, another unit included, still gives None.
    """
    # U+2212 MINUS SIGN is a minus; no-break and thin spaces group digits as a space does.
    text = text.strip().replace("\u2212", "-").translate(_SPACES)
    if not text or len(text) > _MAX_NUMBER_CHARS:
        return None
    text = _without_unit(text, unit).strip()
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    digits, sep, point, frac, exp = m["int"], m["sep"], m["point"], m["frac"], m["exp"]
    if not digits and not frac:
        return None
    if point == "," and sep == ",":
        return None  # "2,009,5": the comma cannot both group and mark decimals
    if sep:
        digits = digits.replace(sep, "")
    if point is None and exp is None:
        value = int(m["sign"] + digits)
        try:
            float(value)
        except OverflowError:
            return None
        return value
    number = f"{m['sign']}{digits or '0'}.{frac or '0'}"
    if exp is not None:
        number += f"e{exp}"
    value_f = float(number)
    return value_f if math.isfinite(value_f) else None


def check_number(given: str, expected: float, tolerance: float = 0.0, unit: str = "") -> Verdict:
    """Grade a typed number: correct within tolerance, exact when equal.

    Numbers are compared as numbers ("2,009", "2009.0" and "2009" are all
    2009); the card's ``unit`` may be typed with the number (see
    ``parse_number``). A negative or NaN tolerance counts as 0. ``matched``
    is the expected value as text.
    """
    value = parse_number(given, unit)
    try:
        if value is None or not math.isfinite(expected):
            return _WRONG
    except OverflowError:  # an int expected beyond the float range
        return _WRONG
    if value == expected:
        return Verdict(correct=True, exact=True, matched=str(expected))
    if not tolerance > 0:  # also catches NaN
        return _WRONG
    try:
        difference = abs(value - expected)
    except OverflowError:
        return _WRONG
    # Binary floats put 2.6 - 2.5 a hair above 0.1; a difference that equals
    # the tolerance up to rounding is within it.
    if difference <= tolerance or math.isclose(difference, tolerance, rel_tol=1e-9):
        return Verdict(correct=True, exact=False, matched=str(expected))
    return _WRONG
