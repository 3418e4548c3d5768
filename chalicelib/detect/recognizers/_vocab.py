"""Shared loader that turns the data files in chalicelib/detect/vocab/ into Presidio patterns."""

from __future__ import annotations

from typing import List, Optional

import re as _re

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from chalicelib.detect.vocab import compile_vocab_regex, load_patterns, load_terms, terms_regex

# Presidio's default flags for PatternRecognizer; our patterns are compiled once with exactly these.
FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


class _StdlibPattern:
    """A stdlib `re` pattern with the `finditer(text, timeout=...)` signature Presidio calls.

    The stdlib compiler is 3-4x faster than `regex` on our long alternations (about 0.13 s of cold
    start for both languages). Our patterns are bounded (no nested unbounded repeats), so the
    `regex` timeout Presidio passes is not needed; patterns that need `regex` syntax (\\p{..})
    fall back to `regex` and keep the timeout.
    """

    __slots__ = ("_rx",)

    def __init__(self, rx: "_re.Pattern[str]") -> None:
        self._rx = rx

    def finditer(self, text: str, timeout: Optional[float] = None):  # noqa: ARG002
        return self._rx.finditer(text)


class CompiledPattern(Pattern):
    """A Pattern compiled once, with the recognizer's flags, at engine build time.

    Presidio's Pattern compiles each regex without flags just to validate it and then again, with
    flags, on first use; for our large vocabulary alternations that doubled the cold start.
    """

    def __init__(self, name: str, regex_text: str, score: float) -> None:  # noqa: D107
        self.name = name
        self.regex = regex_text
        self.score = score
        self.compiled_regex = _compile(regex_text)
        self.compiled_with_flags = FLAGS


_COMPILED: dict = {}


def _compile(regex_text: str):
    """Compile once per process: the English and Spanish crisis recognizers share identical patterns."""
    compiled = _COMPILED.get(regex_text)
    if compiled is None:
        compiled = compile_vocab_regex(regex_text, int(FLAGS))
        if isinstance(compiled, _re.Pattern):
            compiled = _StdlibPattern(compiled)
        _COMPILED[regex_text] = compiled
    return compiled


class VocabRecognizer(PatternRecognizer):
    """A PatternRecognizer over vocab term lists and pattern files that may emit several entity types.

    Presidio's PatternRecognizer labels every hit with its first supported entity; we keep one
    recognizer per concern (one file each, like Presidio's own) but want typed hits (CRISIS_SUICIDE vs CRISIS_OVERDOSE),
    so each pattern's name carries its entity type and `analyze` relabels the results.
    """

    ENTITY: str = ""
    TERM_STEMS: tuple[str, ...] = ()
    PATTERN_STEMS: tuple[str, ...] = ()
    TERM_SCORE: float = 0.5
    PATTERN_SCORE: float = 0.6
    CONTEXT: list[str] = []
    # Load the vocab of every language, not only `supported_language` (crisis wording: a short
    # Spanish message guessed as English must still escalate).
    ALL_LANGUAGES: bool = False

    def __init__(self, supported_language: str = "en") -> None:
        vocab_langs = ("en", "es") if self.ALL_LANGUAGES else (supported_language,)
        patterns: list[Pattern] = []
        entities: list[str] = [self.ENTITY]
        terms_by_type: dict[str, list[str]] = {}
        for spec in self.TERM_STEMS:
            # "stem" lists emit ENTITY; "stem:OTHER_TYPE" lists emit OTHER_TYPE.
            stem, _, entity = spec.partition(":")
            for vocab_lang in vocab_langs:
                terms_by_type.setdefault(entity or self.ENTITY, []).extend(load_terms(stem, vocab_lang))
        for entity, terms in terms_by_type.items():
            rx = terms_regex(terms)
            if rx:
                patterns.append(CompiledPattern(entity, rx, self.TERM_SCORE))
                if entity not in entities:
                    entities.append(entity)
        for stem in self.PATTERN_STEMS:
            by_type: dict[str, list[str]] = {}
            for vocab_lang in vocab_langs:
                for entity, pattern_rx in load_patterns(stem, vocab_lang):
                    by_type.setdefault(entity, []).append(pattern_rx)
            for entity, rxs in by_type.items():
                # One alternation per type keeps the number of regex passes per text small.
                joined = "|".join(f"(?:{r})" for r in rxs)
                patterns.append(CompiledPattern(entity, joined, self.PATTERN_SCORE))
                if entity not in entities:
                    entities.append(entity)
        super().__init__(
            supported_entity=entities[0],
            name=f"{type(self).__name__}_{supported_language}",
            supported_language=supported_language,
            patterns=patterns,
            context=list(self.CONTEXT),
            global_regex_flags=FLAGS,
        )
        self.supported_entities = entities

    def analyze(
        self,
        text: str,
        entities: List[str],
        nlp_artifacts: Optional[NlpArtifacts] = None,
        regex_flags: Optional[int] = None,
    ) -> List[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            explanation = result.analysis_explanation
            if explanation is not None and explanation.pattern_name:
                result.entity_type = explanation.pattern_name
        return results
