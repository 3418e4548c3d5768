"""What detection reads of a long text, so that its time stays linear in length and capped.

Facebook allows 8,000-character comments, and Presidio's cost grows faster than length (spaCy on
long runs without spaces, one context pass per finding, the disclosure rules per finding), so a few
hostile comments could stall a batch of genuine ones. Detection therefore judges a bounded view of
the normalised text, built in one linear pass over its words:

- a word sequence (one to four words) repeated more than MAX_REPEATS times in a row is read
  MAX_REPEATS times ("5 mg 5 mg 5 mg ..." or the same sentence pasted 500 times);
- then, text up to MAX_JUDGED_CHARS is read whole; a longer text is read as its first HEAD_CHARS
  plus about WINDOW_CHARS on each side of MAX_WINDOWS cue words further on (crisis cue words first,
  then health terms ranked by the health and person words around them, as in "my son's ADHD meds";
  earlier first), so a disclosure or a crisis late in a long comment still counts;
- a word longer than MAX_RUN characters is read as pieces of MAX_RUN characters (8,000 emoji in a
  row took spaCy's tokenizer 36 s);
- the disclosure rules look at no more than MAX_HITS findings (crisis findings first).
The view is a `Normalized`, so spans found in it map back to the text as it arrived. What is not
read: the part of a long text beyond the head with no cue word near it, and repetitions beyond the
third; an attacker can hide words there, but not slow moderation down.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterable, TypeVar

from chalicelib.detect.normalize import Normalized
from chalicelib.detect.vocab import load_terms

MAX_REPEATS = 3
MAX_NGRAM = 4
MAX_JUDGED_CHARS = 1000
HEAD_CHARS = 500
WINDOW_CHARS = 100
MAX_WINDOWS = 3
MAX_RUN = 64
MAX_HITS = 40
GAP = "\n\n"  # between the head and a window, or two windows: a sentence break for the rules

_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\w']+")
_LANGUAGES = ("en", "es")
_HEALTH_STEMS = ("conditions", "symptoms", "medications", "substance", "sexual_health", "disability", "treatment")
# Words that open most crisis wording in both languages; they only choose where to look.
_CRISIS_CUE_WORDS = frozenset("""
kill killing die dying dead death suicide suicidal kms ctb unalive overdose overdosed od pills pill bottle
cut cutting bleeding blood bridge jump gun knife rope hang goodbye farewell burden end ending live living
alive anymore breathing unconscious seizure stroke swallowed missing hurt hurting weapon threatening
matar matarme morir morirme muerto muerte suicidio suicidarme pastillas sobredosis cortarme cortes sangre
puente saltar arma cuchillo despedida adiós adios carga vivir respira inconsciente convulsión tragó
desaparecido amenaza
""".split())

T = TypeVar("T")


@functools.lru_cache(maxsize=1)
def _health_cues() -> tuple[frozenset[str], dict[str, tuple[str, ...]], frozenset[str]]:
    """Single health words, word-ending wildcards ("depress*") by their first four letters, and the
    words that tie a health word to a person ("my", "son", "mi")."""
    words: set[str] = set()
    person: set[str] = set()
    for lang in _LANGUAGES:
        for stem in ("first_person", "kin"):
            person.update(t.lower().rstrip("*").split()[0] for t in load_terms(stem, lang) if t.split())
    prefixes: dict[str, set[str]] = {}
    for lang in _LANGUAGES:
        for stem in ("crisis_terms", *_HEALTH_STEMS):
            for term in load_terms(stem, lang):
                # One word stands for the term: the word itself, or the longest word of a phrase
                # ("the pill" -> "pill"), so that no everyday word becomes a cue.
                parts = term.lower().split()
                first = parts[0] if len(parts) == 1 else max(parts, key=len)
                if len(parts) > 1 and len(first.rstrip("*")) < 5:
                    continue
                if first.endswith("*") and len(first) > 4:
                    prefixes.setdefault(first[:4], set()).add(first[:-1])
                elif len(first) >= 3 and first.isalpha():
                    words.add(first)
    return frozenset(words), {k: tuple(v) for k, v in prefixes.items()}, frozenset(person)


def judged_view(full: Normalized) -> Normalized:
    """The part of `full` that detection reads (all of it when short and not repetitive)."""
    words = [piece for m in _WORD.finditer(full.text) for piece in _pieces(m.start(), m.end())]
    words = _fold_repeats(full.text, words)
    kept = sum(end - start + 1 for start, end in words)
    if kept > MAX_JUDGED_CHARS:
        words = _head_and_windows(full.text, words)
    return _assemble(full, words)


def _pieces(start: int, end: int) -> list[tuple[int, int]]:
    """A word longer than MAX_RUN characters, as pieces of MAX_RUN (read with a space between)."""
    if end - start <= MAX_RUN:
        return [(start, end)]
    return [(at, min(end, at + MAX_RUN)) for at in range(start, end, MAX_RUN)]


def cap_hits(hits: Iterable[T], is_crisis: Callable[[T], bool]) -> list[T]:
    """At most MAX_HITS findings for the disclosure rules: crisis findings first, then by position."""
    ordered = sorted(hits, key=lambda h: (not is_crisis(h), h.start))  # type: ignore[attr-defined]
    return sorted(ordered[:MAX_HITS], key=lambda h: h.start)  # type: ignore[attr-defined]


def _fold_repeats(text: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    keys = [text[s:e].lower() for s, e in words]
    kept: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in range(1, MAX_NGRAM + 1):
            reps = 1
            while i + (reps + 1) * n <= len(words) and keys[i + reps * n : i + (reps + 1) * n] == keys[i : i + n]:
                reps += 1
            if reps > MAX_REPEATS:
                kept.extend(words[i : i + MAX_REPEATS * n])
                i += reps * n
                break
        else:
            kept.append(words[i])
            i += 1
    return kept


def _head_and_windows(text: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    head, length = 0, 0
    while head < len(words) and length < HEAD_CHARS:
        length += words[head][1] - words[head][0] + 1
        head += 1
    health_words, health_prefixes, person_words = _health_cues()
    keys = [_LETTERS.sub("", text[s:e].lower()).strip("'").removesuffix("'s") for s, e in words]
    is_health = [k in health_words or any(k.startswith(p) for p in health_prefixes.get(k[:4], ())) for k in keys]
    # Rank every cue after the head: crisis words first; then health words by how much health and
    # person wording surrounds them ("my son's ADHD meds" over a lone "sleep"); earlier first.
    ranked: list[tuple[int, int]] = []
    for index in range(head, len(words)):
        if keys[index] in _CRISIS_CUE_WORDS:
            ranked.append((-100, index))
        elif is_health[index]:
            lo, hi = max(0, index - 4), index + 5
            health_near = sum(is_health[lo:hi])
            person_near = sum(k in person_words for k in keys[max(0, index - 3) : index + 4])
            ranked.append((-(health_near + person_near), index))
    chosen: list[int] = []
    for _, index in sorted(ranked):
        if len(chosen) == MAX_WINDOWS:
            break
        if all(abs(index - c) > 2 for c in chosen):
            chosen.append(index)
    selected = set(range(head))
    for cue in chosen:
        lo, chars = cue, 0
        while lo > head and chars < WINDOW_CHARS:
            lo -= 1
            chars += words[lo][1] - words[lo][0] + 1
        hi, chars = cue, 0
        while hi < len(words) - 1 and chars < WINDOW_CHARS:
            hi += 1
            chars += words[hi][1] - words[hi][0] + 1
        selected.update(range(lo, hi + 1))
    return [words[i] for i in sorted(selected)]


def _assemble(full: Normalized, words: list[tuple[int, int]]) -> Normalized:
    """The kept words, with the original spacing between neighbours and GAP where words were left out."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    previous_end = None
    for start, end in words:
        if previous_end is not None:
            between = full.text[previous_end:start]
            if not between:
                gap = " "  # pieces of one long word
            elif not between.strip() and len(between) <= 4:
                gap = between
            else:
                gap = GAP
            out.append(gap)
            starts.extend([full.starts[start]] * len(gap))
            ends.extend([full.starts[start]] * len(gap))
        out.append(full.text[start:end])
        starts.extend(full.starts[start:end])
        ends.extend(full.ends[start:end])
        previous_end = end
    return Normalized("".join(out), tuple(starts), tuple(ends), full.original_length)
