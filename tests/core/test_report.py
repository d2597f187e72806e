"""The stats report as the front ends show it: its figures, its text form, and JSON a terminal shows as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from otsquiz.core.library import load_deck
from otsquiz.core.report import format_stats, json_text, name_counts, stats_report
from otsquiz.core.store import Store

REPORT: dict[str, Any] = {
    "profile": "ay\x1bse",
    "reviews_total": 12,
    "drill_answers": 3,
    "streak": {"current": 2, "longest": 5},
    "retention": {"rate": 0.875},
    "decks": [
        {"id": "ots-members", "cards": 40, "questions": 44, "reviewed": 10, "due": 2, "mastery": 0.25},
        {"id": "gaps", "cards": 1, "questions": 2, "reviewed": 0, "due": 0, "mastery": 0},
    ],
    "leeches": [{"deck": "gaps", "card": "two-gaps:1"}],
}


def test_the_text_form_has_the_headline_the_deck_table_and_the_leeches() -> None:
    assert format_stats(REPORT) == (
        "Profile: ay\\x1bse    reviews: 12    drill answers: 3\n"
        "Study streak: 2 day(s), longest 5\n"
        "True retention (30 days): 88%\n"
        "\n"
        "DECK         CARDS  QUESTIONS  REVIEWED  DUE  MASTERED\n"
        "ots-members  40     44         10        2    25%\n"
        "gaps         1      2          0         0    0%\n"
        "\n"
        "Leeches (1): questions forgotten 8 times or more\n"
        "  gaps/two-gaps:1"
    )


def test_a_fresh_profile_shows_its_headline_and_an_empty_table_only() -> None:
    report = {
        "profile": "default",
        "reviews_total": 0,
        "decks": [],
        "streak": {},
        "retention": {"rate": None},
    }
    assert (
        format_stats(report)
        == "Profile: default    reviews: 0\n\nDECK  CARDS  QUESTIONS  REVIEWED  DUE  MASTERED"
    )


def test_json_escapes_c1_and_bidi_controls_and_keeps_its_indentation() -> None:
    text = json_text({"a": "x\u009by\u202e\n", "b": [1]})
    assert text == '{\n  "a": "x\\u009by\\u202e\\n",\n  "b": [\n    1\n  ]\n}'
    assert json.loads(text) == {"a": "x\u009by\u202e\n", "b": [1]}


def test_cards_count_entries_and_questions_what_is_asked() -> None:
    report: dict[str, Any] = {"decks": [{"id": "gaps", "cards": 2}, {"id": "gone", "cards": 3}]}
    name_counts(report, {"gaps": 1})
    # A deck no longer loaded keeps the store's count for both.
    assert report["decks"] == [
        {"id": "gaps", "cards": 1, "questions": 2},
        {"id": "gone", "cards": 3, "questions": 3},
    ]


def test_the_report_of_a_deck_with_two_gaps_counts_one_card_and_two_questions(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "gaps.toml"
    path.write_text(
        'format = 1\n[deck]\nid = "gaps"\ntitle = "Gaps"\n\n[[cards]]\nid = "two-gaps"\ntype = "cloze"\n'
        'text = "The {{Turkic Council}} was founded in {{2009}}."\n'
    )
    deck = load_deck(path).deck
    assert deck is not None
    report = stats_report(store, store.profile("default").id, [deck])
    [entry] = report["decks"]
    assert (entry["id"], entry["cards"], entry["questions"], entry["reviewed"]) == ("gaps", 1, 2, 0)
    assert report["reviews_total"] == 0
