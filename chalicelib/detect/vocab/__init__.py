"""Loaders for the plain-text vocabularies in this folder (see README.md for the formats).

Kept free of Presidio so the disclosure logic and the classifier can use the same lists.
"""

from __future__ import annotations

import functools
import itertools
import re as stdlib_re
from pathlib import Path
from typing import Optional, Sequence

import regex as re

VOCAB_DIR = Path(__file__).resolve().parent
# The languages the vocabulary files (name.<lang>.txt) cover, so the languages detection supports.
SUPPORTED_LANGUAGES = ("en", "es")

# Word boundaries that also work next to "+", "/" and "-" inside terms (hiv+, me/cfs, c-ptsd).
_LEFT = r"(?<![\w])"
_RIGHT = r"(?![\w])"


@functools.lru_cache(maxsize=None)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-comment, non-blank lines of a vocab file (missing files read as empty)."""
    path = VOCAB_DIR / name
    if not path.exists():
        return ()
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line and not line.lstrip().startswith("#"):
            lines.append(line.strip())
    return tuple(lines)


def files_for(stem: str, language: str) -> tuple[str, ...]:
    """The vocab files for one list in one language: `stem.txt` (shared) and `stem.<lang>.txt`."""
    return (f"{stem}.txt", f"{stem}.{language}.txt")


# A space matches any whitespace and an apostrophe is optional, straight or curly.
_TERM_SEPARATORS = stdlib_re.compile(r"( |['’])")


def term_to_regex(term: str) -> str:
    """One vocab term -> a regex fragment (escaped; `*` = any word ending; space = any whitespace)."""
    wildcard = term.endswith("*")
    body = term[:-1] if wildcard else term
    # Escaped a run at a time, not a character at a time: this runs for ~3,000 terms at cold start.
    out = "".join(
        r"\s+" if piece == " " else r"['’]?" if piece in ("'", "’") else stdlib_re.escape(piece)
        for piece in _TERM_SEPARATORS.split(body)
        if piece
    )
    if wildcard:
        out += r"\w*"
    return out


def terms_regex(terms: Sequence[str]) -> Optional[str]:
    """An alternation over terms; UPPER-CASE terms are matched case-sensitively via a scoped flag."""
    # Longest first: the alternation is leftmost-first, so "bipolar disorder" must beat "bipolar".
    uniq = sorted(set(terms), key=lambda t: (-len(t), t))
    folded = [term_to_regex(t.lower()) for t in uniq if not _is_acronym(t)]
    exact = [term_to_regex(t) for t in uniq if _is_acronym(t)]
    alts = []
    if folded:
        alts.append("|".join(folded))
    if exact:
        # (?-i:...) switches IGNORECASE off for acronyms that collide with words (ADD, MS, OD).
        alts.append("(?-i:" + "|".join(exact) + ")")
    if not alts:
        return None
    return _LEFT + "(?:" + "|".join(alts) + ")" + _RIGHT


def compile_vocab_regex(rx: str, flags: int = stdlib_re.IGNORECASE):
    """Compile a vocab regex with the stdlib `re` where it can, else with `regex` (same flag values).

    The stdlib compiler is 3-4x faster than `regex` on our long term alternations (cold start), and
    `\\W` differs between the two (in `regex` it does not match an emoji's variation selector), so only
    patterns that use `regex`-only Unicode properties (\\p{..}) fall back. Anything else stdlib `re`
    refuses, such as a variable-width look-behind, is an error in the vocabulary file, raised at import
    rather than silently changing which engine reads the whole type. Callers check which one they got
    with `isinstance(compiled, stdlib_re.Pattern)`.
    """
    try:
        return stdlib_re.compile(rx, flags)
    except stdlib_re.error as err:
        if "\\p{" not in rx and "\\P{" not in rx:
            raise ValueError(f"vocabulary pattern is not valid for Python's re ({err}); a row needing the regex module must use \\p{{..}}") from err
        return re.compile(rx, flags)  # raises regex.error if invalid


def _is_acronym(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and any(c.isupper() for c in letters)


# Only a group with a "|" is a choice, so "{2,3}" in any text is left alone.
_CHOICES = stdlib_re.compile(r"\{([^{}|]*\|[^{}]*)\}")


def expand_choices(line: str) -> list[str]:
    """A term line with `{a|b}` groups -> every combination ("{going to|gonna} kill my {brother|boss}" is four
    terms), so a list of phrases that vary in two places stays one readable line."""
    pieces = _CHOICES.split(line)
    if len(pieces) == 1:
        return [line]
    # split() alternates literal text and group contents: even indexes are text, odd are "a|b" choices.
    options = [[piece] if i % 2 == 0 else piece.split("|") for i, piece in enumerate(pieces)]
    return ["".join(combo) for combo in itertools.product(*options)]


def load_terms(stem: str, language: str) -> list[str]:
    terms: list[str] = []
    for name in files_for(stem, language):
        for line in read_lines(name):
            terms.extend(expand_choices(line))
    return terms


# `{@NAME}` in a pattern row: the fragment an earlier `@NAME<TAB>regex` row of the same list defined.
_FRAGMENT_USE = stdlib_re.compile(r"\{@(\w+)\}")


def _with_fragments(rx: str, fragments: dict[str, str], where: str) -> str:
    def fragment(m: stdlib_re.Match) -> str:
        if m.group(1) not in fragments:
            raise ValueError(f"{where}: {{@{m.group(1)}}} is used before an @{m.group(1)} row defines it")
        return fragments[m.group(1)]

    return _FRAGMENT_USE.sub(fragment, rx)


def load_patterns(stem: str, language: str) -> list[tuple[str, str]]:
    """(TYPE, regex) rows from a pattern file; literal spaces become \\s+.

    A row `@NAME<TAB>regex` is not a pattern: it names a fragment that later rows of the same list use as
    `{@NAME}`, so an exclusion list shared by several rows ("no puedo más" but not "de la risa") is
    written, and changed, once."""
    rows = []
    fragments: dict[str, str] = {}
    for name in files_for(stem, language):
        for line in read_lines(name):
            entity, _, rx = line.partition("\t")
            entity, rx = entity.strip(), _with_fragments(rx.strip(), fragments, name)
            if entity.startswith("@"):
                fragments[entity[1:]] = rx
            else:
                rows.append((entity, rx.replace(" ", r"\s+")))
    return rows
