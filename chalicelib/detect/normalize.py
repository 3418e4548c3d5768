"""One normalisation step before detection, so that typography never changes a label.

iPhone keyboards type ’ for ', people paste fullwidth letters, and a soft hyphen or zero-width space
inside "kill" is invisible to a reader but splits the word for a pattern. Detection therefore reads a
normalised copy of the text, and every span it finds maps back to the original text:

- lone surrogates (undecodable halves of an emoji) become U+FFFD;
- invisible format characters (Unicode category Cf: zero-width space/joiners, soft hyphen, word
  joiner, BOM, bidirectional controls) are removed;
- typographic quotes, primes and apostrophes become ' and ", dashes and minus signs become -;
- NFKC folds compatibility forms (fullwidth ｋｉｌｌ, ligatures, superscripts) and composes accents
  (e + U+0301 becomes é), one base character and its combining marks at a time, so that offsets stay
  exact.
Case is left alone: the recognizers and the classifier ignore it themselves.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'", "\u00b4": "'",
    "\u0060": "'", "\uff07": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_REPLACE = {**_QUOTES, **_DASHES}


@dataclass(frozen=True)
class Normalized:
    """The normalised text and, for each of its characters, the span of the original it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        if not self.text or start >= end:
            at = self.starts[start] if start < len(self.starts) else self.original_length
            return at, at
        return self.starts[start], self.ends[end - 1]


# Anything normalize() would change besides NFKC: invisible format characters, surrogates, quotes, dashes.
_SPECIAL = regex.compile(r"[\p{Cf}\p{Cs}" + regex.escape("".join(_REPLACE)) + "]")


def normalize(text: str) -> Normalized:
    if unicodedata.is_normalized("NFKC", text) and not _SPECIAL.search(text):
        # Most comments: nothing to change, and an identity map costs no per-character Python loop.
        return Normalized(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)), len(text))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        # One cluster: a base character and the combining marks that follow it.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = _normalize_cluster(text[i:j])
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return Normalized("".join(out), tuple(starts), tuple(ends), n)


def normalize_text(text: str) -> str:
    """The normalised text alone (language guessing, training features)."""
    return normalize(text).text


def _normalize_cluster(cluster: str) -> str:
    kept = []
    for c in cluster:
        if "\ud800" <= c <= "\udfff":
            kept.append("\ufffd")
        elif c in _REPLACE:
            kept.append(_REPLACE[c])
        elif unicodedata.category(c) == "Cf":
            continue
        else:
            kept.append(c)
    folded = unicodedata.normalize("NFKC", "".join(kept))
    # NFKC can itself produce typographic forms (e.g. from compatibility characters); fold them too.
    return "".join(_REPLACE.get(c, c) for c in folded)
