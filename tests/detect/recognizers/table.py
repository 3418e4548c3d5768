"""The table-test shape every recognizer test shares: exact spans that must be found, entities that must not."""

from __future__ import annotations

from typing import Callable, Sequence

import pytest


def table_tests(build: Callable[[str], Sequence], must_match: list, must_not_match: list) -> tuple[Callable, Callable]:
    """Two parametrised tests over `build(lang)`'s recognizers, built once per language.

    must_match rows: (lang, text, entity, part) where `part` is the exact text span expected.
    must_not_match rows: (lang, text, entity) where no `entity` may be found.
    """
    built: dict[str, Sequence] = {}

    def found(lang: str, text: str) -> set[tuple[str, int, int]]:
        if lang not in built:
            built[lang] = build(lang)
        return {(r.entity_type, r.start, r.end) for rec in built[lang] for r in rec.analyze(text, entities=None)}

    @pytest.mark.parametrize("lang, text, entity, part", must_match)
    def test_when_term_present_then_exact_span_found(lang: str, text: str, entity: str, part: str) -> None:
        start = text.index(part)
        assert (entity, start, start + len(part)) in found(lang, text)

    @pytest.mark.parametrize("lang, text, entity", must_not_match)
    def test_when_term_absent_then_no_entity(lang: str, text: str, entity: str) -> None:
        assert not {f for f in found(lang, text) if f[0] == entity}

    return test_when_term_present_then_exact_span_found, test_when_term_absent_then_no_entity
