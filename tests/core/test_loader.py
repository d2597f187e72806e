"""The loader: every error kind reported at the exact line and column, hostile input handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from otsquiz.core import loader
from otsquiz.core.library import load_deck, load_decks
from otsquiz.core.limits import MAX_FILE_BYTES
from otsquiz.core.loader import load_bytes, load_text
from otsquiz.core.toml_positions import Position, locate
from tests.conftest import DATA

# file -> (line, column, severity, words the message must contain)
ERROR_KINDS = {
    "syntax_error.toml": (12, 10, "error", 'unclosed string: a " opened here has no closing quote'),
    "bad_date.toml": (6, 58, "error", "'2026-1-13' is not a valid date or time: write a date as YYYY-MM-DD"),
    "bad_date_bare.toml": (10, 13, "error", "'2026-13-01' is not a valid date"),
    "key_twice.toml": (12, 1, "error", "key 'prompt' is given twice (first at line 10)"),
    "table_twice.toml": (7, 1, "error", "table [deck] is already defined (at line 3)"),
    "deep_nesting.toml": (2, 5, "error", "nested too deeply"),
    "unknown_key.toml": (11, 1, "error", "unknown key 'promt' (did you mean 'prompt'?)"),
    "missing_key.toml": (8, 1, "error", "missing required key 'answer'"),
    "missing_type.toml": (8, 1, "error", "missing required key 'type'"),
    "unknown_card_type.toml": (10, 8, "error", "unknown card type 'chioce' (did you mean 'choice'?)"),
    "wrong_value_type.toml": (12, 10, "error", "expected text"),
    "distractor_repeats_answer.toml": (13, 26, "error", "repeats the answer"),
    "multi_distractor_repeats_answer.toml": (14, 3, "error", "repeats an answer"),
    "duplicate_card_id.toml": (15, 6, "error", "duplicate id 'capital' (first used at line 9)"),
    "empty_gap.toml": (11, 48, "error", "gap 1 is empty"),
    "cloze_without_gap.toml": (11, 8, "error", "at least one {{gap}}"),
    "cloze_accept_unknown_gap.toml": (12, 28, "error", "not the answer of any gap"),
    "too_few_items.toml": (12, 9, "error", "at least 2 items"),
    "too_many_pairs.toml": (12, 9, "error", "at most 10 items"),
    "too_many_distractors.toml": (13, 15, "error", "at most 7 items"),
    "negative_tolerance.toml": (13, 13, "error", "at least 0"),
    "number_answer_not_number.toml": (12, 10, "error", "expected a number"),
    "unknown_source.toml": (13, 10, "error", "source 'wikipedia'"),
    "bad_deck_id.toml": (4, 6, "error", "a deck id is a slug"),
    "control_character.toml": (11, 10, "error", "control character U+001B"),
    "text_too_long.toml": (12, 10, "error", "longer than 4,000 characters"),
    "not_utf8.toml": (4, 13, "error", "not UTF-8"),
    "format_version.toml": (1, 10, "error", "deck format 1"),
    "missing_id.toml": (8, 1, "warning", "card has no id"),
    "blank_answer.toml": (11, 10, "error", "must not be blank"),
    "option_with_newline.toml": (12, 26, "error", "must be one line: a newline is not allowed"),
    "cloze_unbalanced.toml": (10, 24, "error", "this '{{' has no closing '}}' before the next '{{'"),
    "key_of_another_type.toml": (
        11,
        1,
        "error",
        "'answer' is not a key of a multi card (did you mean 'answers'?)",
    ),
    "missing_format.toml": (1, 1, "error", "missing required key 'format'"),
    "no_cards.toml": (1, 1, "warning", "the deck has no cards"),
}


@pytest.mark.parametrize("name", sorted(ERROR_KINDS))
def test_each_error_kind_is_reported_at_its_line_and_column(name: str) -> None:
    line, column, severity, words = ERROR_KINDS[name]
    result = load_deck(DATA / name, use_cache=False)
    matching = [p for p in result.problems if words in p.message]
    assert matching, [p.format() for p in result.problems]
    problem = matching[0]
    assert (problem.line, problem.column, problem.severity) == (line, column, severity)
    assert problem.format().startswith(f"{DATA / name}:{line}:{column}: {severity}: ")
    assert result.ok is (severity == "warning")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.toml", "the file is empty"),
    ],
)
def test_problems_of_the_whole_file_stand_at_its_start(name: str, words: str) -> None:
    result = load_deck(DATA / name, use_cache=False)
    [problem] = result.problems
    assert words in problem.message
    assert (problem.line, problem.column) == (1, 1)
    assert problem.format() == f"{DATA / name}:1:1: error: {problem.message}"


def test_binary_data_is_a_problem_not_a_crash() -> None:
    result = load_deck(DATA / "binary.toml", use_cache=False)
    assert result.deck is None
    assert "not UTF-8" in result.problems[0].message


def test_a_byte_order_mark_is_accepted() -> None:
    result = load_deck(DATA / "bom.toml", use_cache=False)
    assert result.ok, [p.format() for p in result.problems]
    assert result.deck is not None and result.deck.info.id == "with-bom"


def test_duplicate_deck_ids_across_files_name_both_files() -> None:
    results = load_decks([DATA / "duplicate_ids"], use_cache=False)
    first, second = (p for r in results for p in r.problems)  # an error on each: neither wins
    assert first.path.endswith("first.toml") and "second.toml" in first.message
    assert second.path.endswith("second.toml") and "first.toml" in second.message
    assert all((p.line, p.column, p.severity) == (4, 6, "error") for p in (first, second))
    assert all(r.deck is None for r in results)


def test_oversized_file_is_rejected_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with open(big, "wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    result = load_deck(big)
    assert result.deck is None
    assert "at most" in result.problems[0].message


def test_too_many_cards_is_rejected_with_the_position_of_cards() -> None:
    text = "format = 1\ncards = [" + "{}," * 200_001 + ']\n[deck]\nid = "big"\ntitle = "Big"\n'
    result = load_text(text, "big.toml")
    [problem] = result.problems
    assert "at most 200,000" in problem.message
    assert (problem.line, problem.column) == (2, 1)


def test_missing_file_and_folder_are_problems(tmp_path: Path) -> None:
    assert "cannot read" in load_deck(tmp_path / "nope.toml").problems[0].message
    assert "folder" in load_deck(tmp_path).problems[0].message


def test_one_broken_card_does_not_hide_a_duplicate_id_elsewhere() -> None:
    text = (
        'format = 1\n[deck]\nid = "x1"\ntitle = "T"\n'
        '[[cards]]\nid = "a"\ntype = "typed"\nprompt = "p"\n'
        '[[cards]]\nid = "a"\ntype = "truefalse"\nstatement = "s"\nanswer = true\n'
    )
    messages = [p.message for p in load_text(text, "x.toml").problems]
    assert "missing required key 'answer'" in messages
    assert "duplicate id 'a' (first used at line 6)" in messages


def test_problems_come_from_the_cache_with_the_current_path(tmp_path: Path) -> None:
    source = (DATA / "missing_id.toml").read_bytes()
    first, second = tmp_path / "one.toml", tmp_path / "two.toml"
    first.write_bytes(source)
    second.write_bytes(source)
    assert load_deck(first).problems[0].path == str(first)
    cached = load_deck(second)
    assert cached.problems[0].path == str(second)
    assert cached.problems[0].line == 8


def test_bytes_loader_reports_position_of_invalid_utf8() -> None:
    result = load_bytes(b"format = 1\n# caf\xc3\n")
    assert (result.problems[0].line, result.problems[0].column) == (2, 6)


HEAD = 'format = 1\n[deck]\nid = "h1"\ntitle = "H"\n'


def test_too_many_array_tables_are_rejected_at_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    result = load_text(HEAD + "[[cards]]\n" * 200_001, "big.toml")
    [problem] = result.problems
    assert "200,001 cards; a deck may have at most 200,000" in problem.message
    assert (problem.line, problem.column) == (5, 1)


def test_placing_one_error_reads_only_up_to_it() -> None:
    # The scanner stops at the key it was asked for: what follows it is never read.
    text = "format = 1\ncards = [{}]\n" + "x = [" * 100_000
    positions = locate(text, [("cards",)])
    assert positions.key(("cards",)) == Position(2, 1)
    assert list(positions.keys) == [("cards",)]


def test_checking_stops_after_enough_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_PROBLEMS", 10)
    result = load_text(HEAD + '[[cards]]\ntype = "basic"\n' * 50, "many.toml")
    assert len(result.problems) == 11
    assert [p.line for p in result.problems[:2]] == [5, 5]  # cards[0] lacks a prompt and an answer
    assert result.problems[-1].message == "checking stopped after 10 problems; fix these first"


def test_a_card_of_thousands_of_keys_is_one_problem() -> None:
    keys = "".join(f"k{index} = 1\n" for index in range(5_000))
    result = load_text(HEAD + '[[cards]]\ntype = "basic"\nprompt = "p"\nanswer = "a"\n' + keys, "keys.toml")
    [problem] = result.problems
    assert "this card has 5,003 keys" in problem.message and "'k0'" in problem.message
    assert (problem.line, problem.column) == (5, 1)


@pytest.mark.parametrize("field", ["tags", "accept"])
def test_a_list_of_thousands_of_bad_items_is_one_problem(field: str) -> None:
    items = "1, " * 5_000
    text = HEAD + f'[[cards]]\ntype = "typed"\nprompt = "p"\nanswer = "a"\n{field} = [{items}]\n'
    [problem] = load_text(text, "list.toml").problems
    assert problem.message == "expected text in quotes"
    assert (problem.line, problem.column) == (9, len(field) + 5)


def test_thousands_of_sources_missing_keys_are_the_problems_of_the_first() -> None:
    text = 'format = 1\n[deck]\nid = "h1"\ntitle = "H"\nsources = [' + "{}, " * 5_000 + "]\n"
    problems = load_text(text, "sources.toml").problems
    assert [p.message for p in problems] == ["missing required key 'id'", "missing required key 'title'"]


def test_running_out_of_memory_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(text: str) -> None:
        raise MemoryError

    monkeypatch.setattr(loader.toml, "loads", exhausted)
    result = load_bytes(b'format = 1\n[deck]\nid = "m1"\ntitle = "M"\n', "m.toml")
    [problem] = result.problems
    assert result.deck is None and "too large to check" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('a = 1\nb = "x\nc = 2\n', 2, 5, 'unclosed string: a " opened here has no closing quote'),
        ("a = 1\nb = 'x", 2, 5, "unclosed string: a ' opened here has no closing quote"),
        ('a = ""\nb = """x\n', 2, 5, 'unclosed string: a """ opened here has no closing quote'),
        ('p = "it\'s # not a comment"\nq = "x\n', 2, 5, 'unclosed string: a " opened here'),
        ("x = {a = 1, a = 2}\n", 1, 13, "key 'a' is given twice (first at line 1)"),
        ("a = 1\na.b = 2\n", 2, 1, "'a' already has a value (line 1); it cannot be a table too"),
        ("d = 2026-01-32\n", 1, 5, "'2026-01-32' is not a valid date or time"),
        ("t = [12:3]\n", 1, 6, "'12:3' is not a valid date or time"),
    ],
)
def test_syntax_errors_are_told_in_the_authors_words(text: str, line: int, column: int, message: str) -> None:
    [problem] = load_text(text, "x.toml").problems
    assert message in problem.message
    assert (problem.line, problem.column) == (line, column)


def test_a_syntax_error_without_a_better_word_keeps_the_parsers() -> None:
    [problem] = load_text("a = abc\n", "x.toml").problems
    assert problem.message == "TOML syntax: Invalid value"
    assert (problem.line, problem.column) == (1, 5)


def test_a_cloze_accept_of_thousands_of_entries_is_one_problem() -> None:
    entries = "".join(f"g{index} = [1]\n" for index in range(2_000))
    text = HEAD + '[[cards]]\ntype = "cloze"\ntext = "{{a}}"\n[cards.accept]\n' + entries
    [problem] = load_text(text, "accept.toml").problems
    assert problem.message == "'accept' has 2,000 entries, far more than a card can use"
    assert (problem.line, problem.column) == (8, 1)


def test_a_source_of_thousands_of_keys_is_one_problem() -> None:
    keys = ", ".join(f"k{index} = 1" for index in range(3_000))
    text = 'format = 1\n[deck]\nid = "h1"\ntitle = "H"\nsources = [{id = "s", title = "S"}, {' + keys + "}]\n"
    [problem] = load_text(text, "sources.toml").problems
    assert "this table has 3,000 keys" in problem.message and "'k0'" in problem.message
    assert (problem.line, problem.column) == (5, 37)


CARD = '[[cards]]\nid = "c"\n'


@pytest.mark.parametrize(
    "card",
    [
        'type = "typed"\nprompt = "p"\nanswer = "   "\n',
        'type = "typed"\nprompt = " "\nanswer = "a"\n',
        'type = "typed"\nprompt = "p"\nanswer = "a"\naccept = ["b", "  "]\n',
        'type = "choice"\nprompt = "p"\nanswer = "a"\ndistractors = ["\\u3000"]\n',
        'type = "multi"\nprompt = "p"\nanswers = [" "]\ndistractors = ["b"]\n',
        'type = "truefalse"\nstatement = "  "\nanswer = true\n',
        'type = "order"\nprompt = "p"\nitems = ["a", " "]\n',
        'type = "match"\nprompt = "p"\npairs = [["a", "b"], ["c", " "]]\n',
        'type = "basic"\nprompt = "p"\nanswer = "a"\ntags = [" "]\n',
        'type = "cloze"\ntext = "A {{b}}"\naccept = { "b" = [" "] }\n',
    ],
)
def test_text_that_must_not_be_empty_must_not_be_blank(card: str) -> None:
    [problem] = load_text(HEAD + CARD + card, "blank.toml").problems
    assert problem.message == "must not be blank: it holds only spaces"
    assert problem.line is not None and problem.line > 5


def test_a_blank_deck_title_is_an_error_and_the_value_keeps_its_spaces() -> None:
    [problem] = load_text('format = 1\n[deck]\nid = "h1"\ntitle = " "\n', "t.toml").problems
    assert (problem.line, problem.column, problem.message) == (
        4,
        9,
        "must not be blank: it holds only spaces",
    )
    deck = load_text(HEAD + CARD + 'type = "typed"\nprompt = " p "\nanswer = " a "\n', "t.toml").deck
    assert deck is not None and deck.card(0).answer == " a "  # checked, not rewritten


@pytest.mark.parametrize(
    ("card", "which"),
    [
        ('type = "typed"\nprompt = "p"\nanswer = "a\\nb"\n', "newline"),
        ('type = "typed"\nprompt = "p"\nanswer = "a"\naccept = ["b\\tc"]\n', "tab"),
        ('type = "choice"\nprompt = "p"\nanswer = "a"\ndistractors = ["b\\nc"]\n', "newline"),
        ('type = "multi"\nprompt = "p"\nanswers = ["a"]\ndistractors = ["b\\nc"]\n', "newline"),
        ('type = "order"\nprompt = "p"\nitems = ["a", "b\\nc"]\n', "newline"),
        ('type = "match"\nprompt = "p"\npairs = [["a", "b"], ["c\\td", "e"]]\n', "tab"),
    ],
)
def test_options_items_pairs_and_answers_are_one_line(card: str, which: str) -> None:
    [problem] = load_text(HEAD + CARD + card, "lines.toml").problems
    assert problem.message.startswith(f"must be one line: a {which} is not allowed here")


def test_a_gap_is_one_line_but_prompts_and_texts_may_have_several() -> None:
    [problem] = load_text(HEAD + CARD + 'type = "cloze"\ntext = "A {{b\\nc}}"\n', "g.toml").problems
    assert "gap 1 must be one line" in problem.message and (problem.line, problem.column) == (8, 11)
    fine = HEAD + CARD + 'type = "typed"\nprompt = """Line one\nline two"""\nanswer = "a"\n'
    assert load_text(fine, "fine.toml").problems == []


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ('"A {{x} B {{y}}"', 11, "no closing '}}' before the next '{{'"),
        ('"A {{{x}}} B"', 11, "a gap cannot hold '{' or '}'"),
        ('"A {{x}} B }}"', 19, "this '}}' closes no gap"),
        ('"A {{x}} B {{y"', 19, "this '{{' has no closing '}}'"),
        ("'A {{x}} \\ }}'", 19, "this '}}' closes no gap"),  # a literal string: no escapes
        ('"\\u00e9 {{x"', 8, "this '{{' has no closing '}}'"),  # an escape before it: the value's start
    ],
)
def test_unbalanced_cloze_braces_are_errors_where_the_brace_is(text: str, column: int, words: str) -> None:
    [problem] = load_text(HEAD + CARD + f'type = "cloze"\ntext = {text}\n', "cz.toml").problems
    assert words in problem.message
    assert (problem.line, problem.column) == (8, column)


def test_a_brace_in_a_multiline_text_is_placed_on_its_own_line() -> None:
    text = HEAD + CARD + 'type = "cloze"\ntext = """\nline one\nA {{x} B {{y}}"""\n'
    [problem] = load_text(text, "cz.toml").problems
    assert (problem.line, problem.column) == (10, 3)


def test_single_braces_outside_gaps_are_plain_text() -> None:
    deck = load_text(
        HEAD + CARD + 'type = "cloze"\ntext = "The set {a, b} has {{two}} items"\n', "s.toml"
    ).deck
    assert deck is not None and [gap.answer for gap in deck.card(0).gaps] == ["two"]


def test_a_key_of_another_card_type_never_suggests_itself() -> None:
    from otsquiz.core.models import CARD_MODELS

    for card_type, model in CARD_MODELS.items():
        for key in {name for other in CARD_MODELS.values() for name in other.model_fields} - set(
            model.model_fields
        ):
            text = HEAD + CARD + f'type = "{card_type}"\n{key} = 1\n'
            messages = [p.message for p in load_text(text, "k.toml").problems if f"'{key}' is" in p.message]
            assert messages, (card_type, key)
            assert f"did you mean '{key}'" not in messages[0]
            assert messages[0].startswith(f"'{key}' is not a key of a {card_type} card")


def test_a_key_of_another_type_says_which_types_take_it_and_what_this_one_takes() -> None:
    [problem] = load_text(
        HEAD + CARD + 'type = "truefalse"\nprompt = "p"\nstatement = "s"\nanswer = true\n', "t.toml"
    ).problems
    assert problem.message.startswith("'prompt' is not a key of a truefalse card: it belongs to basic,")
    assert "truefalse cards take statement and answer" in problem.message
    [typo] = load_text(
        HEAD + CARD + 'type = "basic"\nprompt = "p"\nanswer = "a"\nrevers = true\n', "t"
    ).problems
    assert typo.message == "unknown key 'revers' (did you mean 'reverse'?)"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            '[deck]\nid = "h1"\ntitle = "H"\n'
            + CARD
            + 'type = "truefalse"\nstatement = "s"\nanswer = true\n',
            "format",
        ),
        ("format = 1\n", "deck"),
    ],
)
def test_a_missing_top_level_key_is_reported_at_1_1(text: str, key: str) -> None:
    [problem] = load_text(text, "top.toml").problems
    assert problem.format() == f"top.toml:1:1: error: missing required key '{key}'"
    assert (problem.to_json()["line"], problem.to_json()["column"]) == (1, 1)


def test_a_deck_with_no_cards_loads_with_a_warning() -> None:
    result = load_text(HEAD, "none.toml")
    assert result.deck is not None
    [problem] = result.problems
    assert (
        problem.format()
        == "none.toml:1:1: warning: the deck has no cards: add [[cards]] tables (see `otsquiz new`)"
    )


def test_two_gaps_with_the_same_answer_are_a_warning_at_the_second() -> None:
    text = HEAD + CARD + 'type = "cloze"\ntext = "{{Ankara}} and {{ankara}}"\n'
    result = load_text(text, "twice.toml")
    assert result.deck is not None
    [problem] = result.problems
    assert problem.severity == "warning" and "gaps 1 and 2 have the same answer" in problem.message
    assert (problem.line, problem.column) == (8, 24)
