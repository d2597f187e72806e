"""Progress figures as a front end shows them: the stats report, as text or as JSON.

``stats_report`` reads a profile's figures for some decks (``otsquiz stats --json``
prints it, a contract: docs/authoring.md); ``format_stats`` is its text form;
``json_text`` is JSON a terminal shows as it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from otsquiz.core.text import UNSAFE, visible

if TYPE_CHECKING:
    from otsquiz.core.cards import Deck
    from otsquiz.core.store import Store


def stats_report(store: Store, profile_id: int, decks: Sequence[Deck]) -> dict[str, Any]:
    """``Store.stats`` for ``decks``, each deck's entry counting cards and questions as `decks` does."""
    report = store.stats(profile_id, {deck.info.id: deck.keys for deck in decks})
    name_counts(report, {deck.info.id: len(deck.cards) for deck in decks})
    return report


def name_counts(report: dict[str, Any], cards: dict[str, int]) -> None:
    """Each deck's ``cards`` (entries in its file) and ``questions`` (what is asked), as `decks` names them.

    The store counts questions (a cloze gap or a reverse is one each) and calls them cards.
    """
    for entry in report["decks"]:
        if "questions" not in entry:
            entry["questions"] = entry.get("cards", 0)
        entry["cards"] = cards.get(entry["id"], entry["questions"])


def json_text(value: object) -> str:
    """JSON with every control character escaped, C1 and bidi ones too, so a terminal shows it as it is."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    # json.dumps escapes C0 controls in strings itself; the line breaks left are the indentation's.
    return UNSAFE.sub(lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text)


def format_stats(report: dict[str, Any]) -> str:
    """The report as ``otsquiz stats`` prints it: headline lines, a table of decks, the leeches."""
    lines = [f"Profile: {visible(report['profile'])}    reviews: {report['reviews_total']}"]
    if report.get("drill_answers"):
        lines[0] += f"    drill answers: {report['drill_answers']}"
    streak = report.get("streak") or {}
    if streak:
        lines.append(f"Study streak: {streak.get('current', 0)} day(s), longest {streak.get('longest', 0)}")
    retention = (report.get("retention") or {}).get("rate")
    if retention is not None:
        lines.append(f"True retention (30 days): {retention:.0%}")
    lines.append("")
    # REVIEWED, DUE and MASTERED count questions, as the schedule does.
    header = ("DECK", "CARDS", "QUESTIONS", "REVIEWED", "DUE", "MASTERED")
    rows = [
        (
            visible(d["id"]),
            str(d["cards"]),
            str(d.get("questions", d["cards"])),
            str(d["reviewed"]),
            str(d["due"]),
            f"{d.get('mastery', 0):.0%}",
        )
        for d in report["decks"]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    leeches = report.get("leeches") or []
    if leeches:
        lines.append("")
        lines.append(f"Leeches ({len(leeches)}): questions forgotten 8 times or more")
        for leech in leeches:
            lines.append(f"  {visible(leech['deck'])}/{visible(leech['card'])}")
    return "\n".join(lines)
