"""The vocabulary loader: `{a|b}` choice lines in term lists, `@NAME` fragments in pattern lists."""

from __future__ import annotations

import pytest

from chalicelib.detect import vocab
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


@pytest.fixture
def vocab_dir(tmp_path, monkeypatch):
    """Pattern lists read from a temporary folder (read_lines caches by file name)."""
    monkeypatch.setattr(vocab, "VOCAB_DIR", tmp_path)
    vocab.read_lines.cache_clear()
    yield tmp_path
    vocab.read_lines.cache_clear()


def test_a_named_fragment_is_written_once_and_used_by_later_rows(vocab_dir) -> None:
    (vocab_dir / "demo.es.txt").write_text(
        "# demo\n@NOT_LAUGHTER\t(?! de (?:la )?risa)\nCRISIS_SUICIDE\tno puedo más{@NOT_LAUGHTER}\n"
        "CRISIS_SUICIDE\tya no aguanto más{@NOT_LAUGHTER}\n", encoding="utf-8")
    rows = vocab.load_patterns("demo", "es")
    assert rows == [
        ("CRISIS_SUICIDE", r"no\s+puedo\s+más(?!\s+de\s+(?:la\s+)?risa)"),
        ("CRISIS_SUICIDE", r"ya\s+no\s+aguanto\s+más(?!\s+de\s+(?:la\s+)?risa)"),
    ]


def test_a_fragment_used_before_it_is_defined_is_refused(vocab_dir) -> None:
    (vocab_dir / "demo.es.txt").write_text("CRISIS_SUICIDE\tno puedo más{@NOT_LAUGHTER}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NOT_LAUGHTER"):
        vocab.load_patterns("demo", "es")


def test_the_spanish_crisis_rows_share_their_idiom_lists_and_keep_no_placeholder() -> None:
    raw = "\n".join(vocab.read_lines("crisis.es.txt"))
    rows = vocab.load_patterns("crisis", "es")
    assert raw.count("{@NOT_MORE_OF_FEELING}") == 2 and raw.count("{@NOT_IDIOM_OF_DEGREE}") == 3
    assert not any("{@" in rx for _, rx in rows)
    assert all(not entity.startswith("@") for entity, _ in rows)
