"""The vocabulary loader: `{a|b}` choice lines in term lists."""

from __future__ import annotations

from chalicelib.detect.vocab import expand_choices, load_terms


def test_a_choice_line_stands_for_every_combination() -> None:
    assert expand_choices("{going to|gonna} kill my {brother|best friend}") == [
        "going to kill my brother",
        "going to kill my best friend",
        "gonna kill my brother",
        "gonna kill my best friend",
    ]


def test_a_line_without_choices_and_a_regex_quantifier_are_left_alone() -> None:
    assert expand_choices("kill me now") == ["kill me now"]
    assert expand_choices(r"\bwait\s+\d{2,3}\s+days\b") == [r"\bwait\s+\d{2,3}\s+days\b"]


def test_the_hyperbole_list_written_with_choices_keeps_its_threat_phrases() -> None:
    terms = set(load_terms("crisis_hyperbole", "en"))
    assert {"i'm going to kill my neighbour", "gonna kill my bf", "i will kill my kids", "gonna kill them"} <= terms
    assert not any("{" in t or "|" in t for t in terms)
