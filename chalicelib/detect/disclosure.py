"""Disclosure logic: decide whether found health entities are about an identifiable person.

A health entity makes an item sensitive only when it is anchored to a person (first person, a kinship
or relationship word, a name, the therapy relationship) and is not negated or hypothetical. Direct
crisis wording ("kill myself") carries its own anchor. Pure functions over text and spans; no Presidio.
See docs/detection.md for the design and its known limits.
"""

from __future__ import annotations

import datetime
import enum
import functools
from dataclasses import dataclass
from typing import Iterable, Sequence

import regex as re

from chalicelib.models import Entity, Label
from chalicelib.detect.vocab import compile_vocab_regex, load_terms, terms_regex

HEALTH_TYPES = frozenset(
    {"HEALTH_CONDITION", "MEDICATION", "TREATMENT", "SUBSTANCE_USE", "SEXUAL_HEALTH", "DISABILITY"}
)
CRISIS_DIRECT_TYPES = frozenset(
    {
        "CRISIS_SUICIDE",
        "CRISIS_SELF_HARM",
        "CRISIS_HARM_OTHERS",
        "CRISIS_CHILD_AT_RISK",
        "CRISIS_OVERDOSE",
        "CRISIS_EMERGENCY",
    }
)
CRISIS_MENTION = "CRISIS_MENTION"
CARE_PROVIDER = "CARE_PROVIDER"
THERAPY_RELATIONSHIP = "THERAPY_RELATIONSHIP"
CONTACT_TYPES = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER"})


class Status(str, enum.Enum):
    DIRECT = "direct"  # the wording itself names the person (crisis patterns, "my session")
    ANCHORED = "anchored"
    NEGATED = "negated"
    UNANCHORED = "unanchored"  # general talk, a hypothetical, a topic or a public figure


@dataclass(frozen=True)
class Finding:
    """A hit and what the disclosure logic made of it; `cue` names the deciding cue kind, never text."""

    hit: Entity
    status: Status
    cue: str


@dataclass(frozen=True)
class Assessment:
    """The rule verdict for one text."""

    label: Label
    findings: tuple[Finding, ...]
    # Cue kinds present anywhere in the text (negation, hypothetical, first_person...), for the model.
    context: tuple[str, ...] = ()

    def features(self) -> list[str]:
        """Symbolic features for the learned stage (types, statuses and cue kinds only)."""
        feats = [f"rule:{self.label.value}"]
        feats.extend(f"ctx:{kind}" for kind in self.context)
        for f in self.findings:
            feats.append(f"{f.hit.type}:{f.status.value}")
            feats.append(f"cue:{f.cue}")
            feats.append(f"has:{f.hit.type}")
            if f.hit.type in CRISIS_DIRECT_TYPES:
                feats.append(f"crisis_direct:{f.status.value}")
            elif f.hit.type in HEALTH_TYPES:
                feats.append(f"health:{f.status.value}")
        return feats


# --- cue lexicons -------------------------------------------------------------------------------

_CUE_STEMS = (
    "first_person",
    "kin",
    "generic_person",
    "negation",
    "pseudo_negation",
    "hypothetical",
    "topic_frame",
    "public_figure",
    "care_request",
    "contact_request",
    "non_person",
    "joke_markers",
    "hyperbole",
    "health_idiom",
    "crisis_joke",
    "crisis_hyperbole",
    "crisis_trivial",
    "crisis_tearful",
    "serious",
    "self_frame",
    "opinion",
)


def within(inner: Entity | _Cue, outer: Entity | _Cue) -> bool:
    """Whether span `inner` lies inside span `outer` (ends included)."""
    return outer.start <= inner.start and inner.end <= outer.end


@dataclass(frozen=True)
class _Cue:
    kind: str
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _cue_regexes() -> dict[str, re.Pattern]:
    # Cues are the union of both languages: comments mix them ("mi hijo has ADHD") and language
    # detection on a five-word comment is a guess.
    out = {}
    for stem in _CUE_STEMS:
        terms = load_terms(stem, "en") + load_terms(stem, "es")
        rx = terms_regex(terms)
        if rx:
            out[stem] = compile_vocab_regex(rx)
    return out


_CLAUSE_BREAK = re.compile(
    r"[.!?;\n¿¡]+|\s[-–—]+\s|,?\s+\b(?:but|pero|though|although|aunque|sino)\b|\(|\)", re.IGNORECASE
)
# "my chronic back pain", "my son's ADHD meds", "mi hija tiene" is not possessive-attached (verb).
_POSSESSIVE_1P = re.compile(
    r"(?<![\w])(?:my|our|mi|mis|nuestr[oa]s?)\s+(?:[\w'’/-]+\s+){0,2}$", re.IGNORECASE
)
_POSSESSIVE_3P = re.compile(r"(?<![\w])(?:his|her|their|su|sus)\s+(?:[\w'’/-]+\s+){0,2}$", re.IGNORECASE)
_PRONOUN_3P = re.compile(r"(?<![\w])(?:he|she|they|he's|she's|hes|shes|él|ella|ellos)(?![\w])", re.IGNORECASE)
# A capitalised word followed by a verb of having/being: "Mark has bipolar", "Sofía tiene TDAH".
_NAME = re.compile(
    r"(?<![\w])(\p{Lu}\p{Ll}{2,})(?:['’]s)?\s+(?:has|had|is|was|just|got|gets|takes|took|started|"
    r"tiene|tuvo|está|esta|estuvo|toma|empezó)(?![\w])"
)
_NOT_NAMES = frozenset(
    """the this that these those there then when what why how who which where it its i my our your
    his her their he she they we you everyone someone anyone nobody everybody somebody anybody
    anxiety depression adhd therapy treatment life today tonight tomorrow yesterday monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july august
    september october november december god mom dad mama papa mamá papá hola gracias este esta
    eso esto ese ella él ellos nadie alguien todo todos nada mi tu su que qué cuando como cómo
    honestly sorry thanks thank please hey hello wow omg yes yeah nope also but and so just""".split()
)
_KIN_OWNER = re.compile(
    r"(?<![\w])(?:my|our|his|her|their|mi|mis|su|sus|nuestr[oa]s?|tu|tus)\s+(?:[\w'’-]+\s+){0,2}$"
    r"|\p{Lu}\p{Ll}+['’]s\s+$|(?<![\w])(?:de\s+mi|de\s+mis)\s+$",
    re.IGNORECASE,
)
_PARENT_NAMES = frozenset(
    {"mum", "mom", "dad", "mommy", "daddy", "mama", "papa", "hubby", "wifey", "nana", "granny", "grandma",
     "grandpa", "mamá", "papá", "mami", "papi", "abuela", "abuelo"}
)
_DETERMINER_BEFORE = re.compile(
    r"(?<![\w])(?:a|an|the|every|any|other|some|most|many|each|this|that|one|no|un|una|el|la|los|las|cada|"
    r"otro|otra|algún|alguna|ningún|ninguna|cualquier)\s+(?:[\w'’-]+\s+)?$",
    re.IGNORECASE,
)
_ATTACHED_1P = re.compile(
    r"(?<![\w])(?:my|our|mi|mis|nuestr[oa]s?)\s+(?:(?!is\b|es\b|was\b|era\b|a\b|an\b|un\b|una\b)[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NEGATION_WINDOW_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?;\n]")
_AFTER_WINDOW_CHARS = 40


_THE_COUNTRY = re.compile(r"\bthe\s+us\Z", re.IGNORECASE)


def _find_cues(text: str) -> list[_Cue]:
    cues: list[_Cue] = []
    for kind, rx in _cue_regexes().items():
        for m in rx.finditer(text):
            if (
                kind == "kin"
                and not _KIN_OWNER.search(text, max(0, m.start() - 40), m.start())
                and not (
                    # "dad has been drinking more since mum passed": bare parent words are used as
                    # names for one's own parents; "a dad", "the mum in the book", "dads" are not.
                    m.group(0).lower() in _PARENT_NAMES
                    and not _DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start())
                )
            ):
                # "kids", "a friend", "the mum in the book": a relationship word with no owner is
                # people in general, not a specific person.
                kind_here = "generic_person"
            elif kind == "first_person" and _THE_COUNTRY.search(text, max(0, m.start() - 8), m.end()):
                continue  # "men in the US die by suicide at...": the country, not "us"
            else:
                kind_here = kind
            cues.append(_Cue(kind_here, m.start(), m.end()))
    for m in _PRONOUN_3P.finditer(text):
        cues.append(_Cue("pronoun_3p", m.start(), m.end()))
    for m in _NAME.finditer(text):
        if m.group(1).lower() not in _NOT_NAMES:
            cues.append(_Cue("name", m.start(1), m.end(1)))
    # "as someone with" (self_frame) contains "someone" (generic_person): the longer frame wins.
    # "I think online therapy..." (opinion) contains "I": the writer's view, not their health.
    frames = [c for c in cues if c.kind in ("self_frame", "opinion")]
    if frames:
        cues = [
            c for c in cues
            if c.kind in ("self_frame", "opinion")
            or not any(within(c, f) for f in frames)
        ]
    # "anyone else on Vyvanse...?" is a peer question that reveals the writer's own treatment.
    for m in _PEER_QUESTION.finditer(text):
        cues = [c for c in cues if not (c.kind == "generic_person" and m.start() <= c.start < m.end())]
        cues.append(_Cue("peer_question", m.start(), m.end()))
    for m in _TAGGED.finditer(text):
        cues.append(_Cue("tagged", m.start(), m.end()))
    cues.sort(key=lambda c: (c.start, -c.end))
    return cues


def _clauses(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for m in _CLAUSE_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _clause_of(clauses: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in clauses:
        if start <= offset < end or (offset == end):
            return start, end
    return 0, 0


def _is_real_negation(cue: _Cue, cues: Sequence[_Cue]) -> bool:
    """A negation cue inside a pseudo-negation ("not sure", "no longer") does not negate."""
    return not any(
        p.kind == "pseudo_negation" and within(cue, p) for p in cues
    )


_PERSON_KINDS = ("first_person", "kin", "name", "generic_person", "pronoun_3p", "self_frame")
_BLOCKING_KINDS = ("hypothetical", "topic_frame", "public_figure", "opinion")

# Implied first person (LABELS.md: "the writer" includes dropped subjects). An entity with no person in
# its clause counts as the writer's when the clause reads as lived experience: a duration or milestone
# ("3 months without", "day 12", "two weeks into"), an experience verb or time word ("just got",
# "finally kicking in", "again", "since"), or a peer question ("anyone else on X"). General phrasing
# (a generic person, hypothetical, topic, public figure or opinion frame in the clause) blocks it.
_EN_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_ES_NUMBER_WORDS = "un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez"
_DURATION = re.compile(
    rf"(?<![\w])(?:\d+(?:[.,]\d+)?|{_EN_NUMBER_WORDS}|a\s+few|few|"
    rf"couple(?:\s+of)?|several|{_ES_NUMBER_WORDS}|unos|unas|varios|varias)"
    r"\s*(?:days?|d|weeks?|wks?|w|months?|mos?|m|years?|yrs?|y|hours?|hrs?|d[ií]as?|semanas?|mes(?:es)?|"
    r"a[ñn]os?|horas?)(?![\w])(?!\s+old)|(?<![\w])(?:day|week|month|year|d[ií]a|semana|mes)\s+\d+(?![\w])|"
    r"(?<![\w])\d+\s+(?:sessions?|sesiones)\s+in(?![\w])",
    re.IGNORECASE,
)
_EXPERIENCE = re.compile(
    r"(?<![\w])(?:just\s+got|got|getting|started|starting|stopped|quit|switched|switching|finally|again|since|"
    r"today|tonight|yesterday|last\s+(?:night|week|month|year)|this\s+(?:morning|week)|so\s+far|lately|"
    r"recently|anymore|any\s+more|currently|rn|right\s+now|been|kicking\s+in|kicked\s+in|wore\s+off|"
    r"wearing\s+off|tested|came\s+back|relapsed|took|taking|had|having|ago|"
    r"every\s+(?:day|night|morning)|daily|this\s+year|tomorrow|tmrw|officially|first\s+time|"
    r"(?:scared|nervous|about|going|ready|afraid)\s+to\s+(?:start|stop|try|go\s+back|come\s+off)|"
    r"second|third|fourth|fifth|2nd|3rd|4th|5th|hoy|ayer|anoche|hace|otra\s+vez|"
    r"de\s+nuevo|por\s+fin|finalmente|todav[ií]a|sigo|empec[eé]|dej[eé]|me\s+(?:dieron|recetaron|"
    r"diagnosticaron|subieron|bajaron|cambiaron|detectaron|enter[eé])|reci[eé]n|found\s+out|"
    # a date fixed for it: "cesárea programada para el 3", "surgery scheduled for March"
    r"(?:programad[ao]|agendad[ao])\s+para|scheduled\s+for|booked\s+(?:in\s+)?for)(?![\w])",
    re.IGNORECASE,
)
_PEER_QUESTION = re.compile(
    r"(?<![\w])(?:anyone|anybody)\s+else['’]s\b|(?<![\w])those\s+of\s+(?:you|u|us)\s+(?:on|with|who)\b|"
    r"(?<![\w])fellow\s+\w+\s+(?:folks|people|peeps|warriors|survivors|friends)\b|(?<![\w])any\s+other\s+\w+(?:ers|ics|ors)\b|"
    r"(?<![\w])how\s+did\s+(?:you\s+guys|ppl|people|y'?all|everyone)\s+(?:cope|deal|tell|handle|manage|get\s+through)\b|"
    r"(?<![\w])(?:anyone|anybody|someone|somebody)\s+else\s+(?:\w+\s+)?(?:on|with|taking|take|takes|have|has|"
    r"had|get|gets|got|experience|experiences|experienced|struggle|struggles|deal|lose|find|notice|been|feel|"
    r"using|use|tried|going\s+through)\b|(?<![\w])(?:a\s+)?alguien\s+m[aá]s\s+(?:con|que\s+(?:tome|tenga|haya|"
    r"le|use|sienta|est[eé])|toma|tiene|le\s+pasa|siente)\b",
    re.IGNORECASE,
)
# An @mention makes "your X" identifiable ("@kayla this is you and your adhd").
_TAGGED = re.compile(r"(?<![\w@])@[\w.]{2,}")
_POSSESSIVE_2P = re.compile(r"(?<![\w])(?:your|ur|tu|tus)\s+(?:[\w'’/-]+\s+){0,2}$", re.IGNORECASE)
_GENERAL_QUESTION = re.compile(
    r"\s*(?:(?:hi|hey|hello|hola|buenas|quick\s+q(?:uestion)?)\W+)?(?:is|are|was|does|do|did|can|could|will|would|"
    r"should|what|whats|what's|how|where|when|which|who|why|want|wanna|buy|order|get\s+your|se\s+puede|"
    r"puedo|c[oó]mo|qu[eé]|cu[aá]l|cu[aá]ndo|d[oó]nde|hay)(?![\w])|\s*¿",
    re.IGNORECASE,
)
_NORMAL_Q = re.compile(r"\s*(?:is\s+it|es)\s+normal(?!\s+(?:for|para)\b)", re.IGNORECASE)
_MILESTONE_NEGATION = frozenset({"without", "sin", "no", "free of"})
_DISCLAIMER = re.compile(
    r"(?<![\w])(?:general\s+q(?:uestion)?|asking\s+(?:generally|in\s+general|for\s+a\s+friend|for\s+a\s+post)|"
    r"just\s+wondering|hypothetically|for\s+a\s+(?:post|project|class|paper|school)|pregunta\s+general|"
    r"pregunto\s+en\s+general|hipot[eé]ticamente)(?![\w])",
    re.IGNORECASE,
)
_OTHER_OWNER_BEFORE = re.compile(r"(?<![\w])(?!(?:it|that|what|there|he|she|who|else|one)['’]s)[\w]+['’]s\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_OTHER_OWNER_AFTER = re.compile(r"\s+(?:del|de\s+la|de\s+las|de\s+los)\s+(?!m[aá]s\b)\w+", re.IGNORECASE)
_SHORT_MESSAGE_WORDS = 20
# "call me" beside one's own number asks for care in a post this short; job applications and spam run longer.
_SHORT_CONTACT_POST_WORDS = 12
_TIME_TOPIC = frozenset({"week", "month", "semana", "mes"})


_STATISTICS = re.compile(
    r"\b(?:rates?|statistics?|leading\s+causes?|causes?\s+of\s+death|per\s+100,?000|tasas?|cifras|"
    r"estad[ií]sticas?|causas?\s+de\s+muerte|por\s+cada\s+100\.?000)\b",
    re.IGNORECASE,
)


def _implied_writer(text: str, hit: Entity, clause: tuple[int, int], in_clause: Sequence[_Cue]) -> bool:
    if _DISCLAIMER.search(text):
        # "general q for a post I'm writing", "asking generally": the writer says it is not theirs.
        return False
    c_start, c_end = clause
    if _STATISTICS.search(text, c_start, c_end) and not any(c.kind == "first_person" for c in in_clause):
        # "men in the US die by suicide at four times the rate", "el suicidio, entre las principales causas
        # de muerte": a figure about people in general, not the writer.
        return False
    if _OTHER_OWNER_BEFORE.search(text, c_start, hit.start) or _OTHER_OWNER_AFTER.match(text, hit.end):
        # "that quarterback's concussion", "la conmoción del portero": someone else's.
        return False
    # "colon irritable de toda la vida", "adhd since I was a kid": a lifelong condition told as one's own
    # (the "kid" in it is the writer, not another person).
    lifelong = _LIFELONG.match(text, hit.end)
    lifelong_end = lifelong.end() if lifelong else hit.end
    for c in in_clause:
        if hit.end <= c.start and c.end <= lifelong_end:
            continue
        if c.kind in ("generic_person", "public_figure", "opinion", "kin", "name", "pronoun_3p", "non_person"):
            return False
        if c.kind == "hypothetical" and not any(
            p.kind == "peer_question" for p in in_clause
        ) and text[c.start : c.end].lower() not in ("is it normal", "es normal"):
            return False
        if (
            c.kind == "topic_frame"
            and c.start < hit.start
            and text[c.start : c.end].lower() not in _TIME_TOPIC
        ):
            # "great post on anxiety" is a topic; "depressed since the divorce, this post hit hard"
            # mentions the page's post after the disclosure and still discloses.
            return False
    c_start, c_end = clause
    body = text[c_start:c_end]
    if any(c.kind == "peer_question" for c in in_clause):
        return True
    short = len(text.split()) <= _SHORT_MESSAGE_WORDS
    if short:
        # A short post is one thought: "18 months. no pills, no drinking", "tested positive. HIV.".
        body = text
    if _NORMAL_Q.match(body):
        # "is it normal to cry after EMDR?": asking about one's own experience (LABELS.md principle).
        return True
    if _SELF_TAG.match(text, hit.end) and not _GENERAL_QUESTION.match(text, c_start):
        # "does ur practice do ketamine? treatment resistant depression here": the question is another
        # sentence of a short post; the writer's own label stands.
        return True
    if _GENERAL_QUESTION.match(body):
        # "is naloxone available now?", "want to quit smoking in 1 day?": asking, not telling.
        return False
    return bool(lifelong or _DURATION.search(body) or _EXPERIENCE.search(body) or _SELF_TAG.match(text, hit.end)
                or _PERSONAL_RESULT.search(body)
                or (short and _ME_TOO.match(text) is not None))


# "bipolar II here", "lamotrigine + lithium gang", "PCOS club", "TDAH acá", "autistic adult here": the writer names their own
# condition as a label (a profession after the term, "addiction nurse here", is not this).
_SELF_TAG = re.compile(
    r"(?:\s*(?:\+|&|and|y|type|tipo|ii|iii|i|\d+|[a-z]?\d+|disorder|trastorno)\s*){0,3}"
    # a person noun, never a profession: "autistic adult here", "diabetic mum here", "mamá TDAH presente"
    r"(?:\s+(?:adult|woman|man|mum|mom|mama|dad|girl|guy|gal|person|teen|mujer|hombre|mam[aá]|pap[aá]|chica|chico))?"
    r"\s+(?:here|gang|club|squad|warriors?|fam|crew|life(?=\s*(?:$|[^\w\s]))|checking\s+in|reporting\s+in|aqu[ií]|ac[aá]|presente)(?![\w])",
    re.IGNORECASE,
)
# A condition said to have lasted the writer's whole life, right after it.
_LIFELONG = re.compile(
    r"\s*,?\s*(?:since\s+(?:i\s+was\s+(?:a\s+)?(?:kid|child|teen|teenager|little|small|baby|\d+)|childhood|forever|birth|"
    r"(?:i\s+was\s+)?age\s+\d+)|(?:my|all\s+my)\s+(?:whole\s+|entire\s+)?life|de\s+toda\s+la\s+vida|de\s+siempre|"
    r"desde\s+(?:(?:que\s+era\s+)?(?:ni[ñn][oa]|chic[oa]|chiquit[oa]|peque[ñn][oa]|peque|beb[eé])|que\s+tengo\s+memoria|siempre|"
    r"los\s+\d+(?:\s+a[ñn]os)?))(?![\w])",
    re.IGNORECASE,
)
# A short reply that puts the writer in the same boat: "same but w emetophobia", "me too, pcos", "yo también, tdah".
_ME_TOO = re.compile(
    r"\s*(?:same|me\s+too|me\s+2|also\s+me|same\s+here|x2|yo\s+tambi[eé]n|igual(?:\s+yo)?|somos\s+dos)(?![\w])",
    re.IGNORECASE,
)
# A test result with its number ("A1C down to 6.1", "PHQ-9 of 22", "carga viral indetectable") is
# someone's own result; general questions were ruled out before this is read.
_PERSONAL_RESULT = re.compile(
    r"(?<![\w])(?:a1c|hba1c|phq-?9|gad-?7|cd4|viral\s+load|carga\s+viral|hemoglobina\s+glicosilada|glucosa|glucose|"
    r"blood\s+sugar|az[uú]car|tsh|ldl|cholesterol|colesterol|bmi|imc|ferritin|ferritina)(?![\w])[^.!?\n]{0,25}?"
    r"(?:\d|undetectable|indetectable)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Context:
    """What the anchoring rules read about one hit: its clause, the cues in it, and what lies before it."""

    text: str
    hit: Entity
    clause: tuple[int, int]
    cues: Sequence[_Cue]
    specific: bool

    @functools.cached_property
    def before(self) -> str:
        return self.text[self.clause[0] : self.hit.start]

    @functools.cached_property
    def in_clause(self) -> list[_Cue]:
        return [c for c in self.cues if self.clause[0] <= c.start and c.end <= self.clause[1]]

    @functools.cached_property
    def has_public(self) -> bool:
        return any(c.kind == "public_figure" for c in self.in_clause)

    @functools.cached_property
    def asking(self) -> bool:
        c_start = self.clause[0]
        return bool(_GENERAL_QUESTION.match(self.text, c_start)) and not _NORMAL_Q.match(self.text, c_start)

    @functools.cached_property
    def persons_before(self) -> list[_Cue]:
        return [
            c for c in self.in_clause if c.end <= self.hit.start and c.kind in _PERSON_KINDS
            and not (c.kind == "pronoun_3p" and not self.specific)
        ]

    def blocked_between(self, start: int, kinds: tuple[str, ...]) -> bool:
        """A cue of `kinds` (or a blocking kind) between `start` and the hit."""
        return any(
            c.kind in _BLOCKING_KINDS or c.kind in kinds
            for c in self.in_clause if start <= c.start and c.end <= self.hit.start
        )

    def negation(self, status: Status, cue: str) -> tuple[Status, str]:
        return _negation(self.text, self.hit, self.clause[0], self.cues, status, cue)


_Verdict = tuple[Status, str] | None


def _care_provider(x: _Context) -> _Verdict:
    """A provider noun is a profession unless it is someone's provider: "my therapist", "my son's
    psychiatrist", but not "my sister is a psychologist"."""
    if x.hit.type != CARE_PROVIDER:
        return None
    m = _ATTACHED_1P.search(x.before)
    if _topic_after(x.text, x.hit, x.in_clause):
        return Status.UNANCHORED, "topic_frame"
    if m and not _possessed_non_person(x.text, x.clause[0] + m.start(), x.hit.start, x.cues):
        return Status.ANCHORED, "possessive"
    if _PROVIDER_OWNER_AFTER.match(x.text, x.hit.end):
        return Status.ANCHORED, "possessive"
    return Status.UNANCHORED, "profession"


def _possessive(x: _Context) -> _Verdict:
    """ "my ADHD", "her son's anxiety" (third person only when the text is specific and names no public figure)."""
    for rx in (_POSSESSIVE_1P, _POSSESSIVE_3P):
        m = rx.search(x.before)
        if m is None or (rx is _POSSESSIVE_3P and (not x.specific or x.has_public)):
            continue
        p_start = x.clause[0] + m.start()
        if _possessed_non_person(x.text, p_start, x.hit.start, x.cues):
            return Status.UNANCHORED, "non_person"
        if _organisations_crisis_topic(x, p_start):
            return Status.UNANCHORED, "topic_frame"
        # "my post on ADHD" and "my son doesn't have ADHD" are not possessive attachments.
        if not x.blocked_between(p_start, ("negation", "generic_person")):
            return Status.ANCHORED, "possessive"
    return None


_OUR = re.compile(r"(?:our|nuestr[oa]s?)\s", re.IGNORECASE)


def _organisations_crisis_topic(x: _Context, p_start: int) -> bool:
    """ "our suicide prevention training", "our suicide risk formulation workshop": a team's or a page's own
    training or service about a crisis topic, not a crisis (w246). Only "our" and only crisis mentions: "our
    anxiety group" may be a member's, and "my suicide risk assessment" is a client's."""
    return (
        x.hit.type == CRISIS_MENTION
        and bool(_OUR.match(x.text, p_start))
        and not any(c.kind in ("kin", "first_person") and p_start < c.start and c.end <= x.hit.start for c in x.cues)
        and _topic_after(x.text, x.hit, x.in_clause)
    )


def _tagged(x: _Context) -> _Verdict:
    """ "@maria your anxiety...": a second-person possessive aimed at a tagged person."""
    if not any(c.kind == "tagged" for c in x.cues) or x.has_public:
        return None
    m = _POSSESSIVE_2P.search(x.before)
    if m and not x.blocked_between(x.clause[0] + m.start(), ("negation", "generic_person")):
        return Status.ANCHORED, "tagged"
    return None


def _self_frame(x: _Context) -> _Verdict:
    """ "dx'd with", "diagnosed": a self frame that contains the term itself (not in a general question)."""
    if (
        any(c.kind == "self_frame" and c.start <= x.hit.start < c.end for c in x.in_clause)
        and not any(c.kind == "non_person" for c in x.in_clause)
        and not x.asking
    ):
        return x.negation(Status.ANCHORED, "self_frame")
    return None


def _topic(x: _Context) -> _Verdict:
    return (Status.UNANCHORED, "topic_frame") if _topic_after(x.text, x.hit, x.in_clause) else None


def _anchor_after_term(x: _Context) -> _Verdict:
    """No person before the term, but one right after it: "anxiety is killing me", "ADHD runs in my family"."""
    if x.persons_before:
        return None
    after_text = x.text[x.hit.end : min(x.clause[1], x.hit.end + _AFTER_WINDOW_CHARS)].split(",")[0]
    if _AFTER_ANCHOR.search(after_text) and not any(
        c.kind in _BLOCKING_KINDS or c.kind == "generic_person" for c in x.in_clause
    ):
        return x.negation(Status.ANCHORED, "after")
    return None


# The writer's own suspicion about the condition just named, even past a question mark: "¿el test de TDAH
# lo hacen en adultos? es que sospecho que lo tengo", "is ADHD testing for adults too? I think I have it".
_SUSPECT_I_HAVE_IT = re.compile(
    r"[^\n]{0,100}?(?<![\w])(?:(?:sospecho|creo|pienso|me\s+parece|estoy\s+(?:casi\s+)?segur[oa])\s+que\s+(?:yo\s+)?(?:lo|la)\s+"
    r"(?:tengo|padezco|sufro)|i\s+(?:think|suspect|reckon|(?:am|'m)\s+(?:pretty\s+)?sure)\s+i\s+(?:have|might\s+have|'ve\s+got)\s+"
    r"(?:it|that|this|the\s+same))(?![\w])",
    re.IGNORECASE,
)


def _suspected_after_term(x: _Context) -> _Verdict:
    """No person before the term, and the writer says right after it that they suspect they have it."""
    if x.persons_before or not _SUSPECT_I_HAVE_IT.match(x.text, x.hit.end):
        return None
    return Status.ANCHORED, "suspected"


def _implied_first_person(x: _Context) -> _Verdict:
    """No person at all, but the writer is implied ("3 months without a panic attack", "day 12 no drinking")."""
    if x.persons_before or not _implied_writer(x.text, x.hit, x.clause, x.in_clause):
        return None
    if _DURATION.search(x.text, x.clause[0], x.clause[1]):
        return Status.ANCHORED, "implied_first_person"  # the milestone is the disclosure, even with "no"
    return x.negation(Status.ANCHORED, "implied_first_person")


def _nobody(x: _Context) -> _Verdict:
    return (Status.UNANCHORED, "none") if not x.persons_before else None


def _generic_person(x: _Context) -> _Verdict:
    return (Status.UNANCHORED, "generic_person") if x.persons_before[-1].kind == "generic_person" else None


def _general_question(x: _Context) -> _Verdict:
    """ "can you get diagnosed with PTSD without...?": a general question, not the writer's diagnosis."""
    return (Status.UNANCHORED, "hypothetical") if x.persons_before[-1].kind == "self_frame" and x.asking else None


def _public_figure(x: _Context) -> _Verdict:
    return (Status.UNANCHORED, "public_figure") if x.has_public else None


def _blocked(x: _Context) -> _Verdict:
    """A hypothetical, topic, public-figure or opinion cue between the person and the term."""
    person = x.persons_before[-1]
    for c in x.in_clause:
        if person.end <= c.start and c.end <= x.hit.start and c.kind in _BLOCKING_KINDS:
            return Status.UNANCHORED, c.kind
    return None


def _person_before(x: _Context) -> _Verdict:
    return x.negation(Status.ANCHORED, x.persons_before[-1].kind)


def _quoted_term(x: _Context) -> _Verdict:
    """ "is 'committed suicide' still acceptable?": a quoted phrase talked about is nobody's disclosure."""
    quote = _quoted(x.text, x.hit)
    return (Status.UNANCHORED, "quoted_phrase") if quote is not None and _talked_about(x.text, quote) else None


# A health place named as the writer's workplace: "I work at the hospital", "me dieron el trabajo en el hospital
# infantil", "my nursing shift at the hospital", "la plaza de fisio en el hospital" (w263). "I was in the hospital"
# and "my son's appointment at the hospital" are not work.
_WORKPLACE_BEFORE = re.compile(
    r"(?<![\w])(?:work|works|working|worked|job|shift|internship|placement|rotation|residency|trabajo|trabajar|trabajando|"
    r"trabaj[eé]|turno|guardia|plaza|pr[aá]cticas|rotaci[oó]n|residencia)(?:\s+(?:de\s+)?[\w'-]+){0,3}?\s+"
    r"(?:at|in|en)\s+(?:the\s+|a\s+|el\s+|la\s+|un\s+|una\s+)?$",
    re.IGNORECASE,
)


_CARE_PLACE = re.compile(
    r"hospital(?:es)?|clinic|clinics|cl[ií]nicas?|ward|icu|uci|a&e|urgencias|emergency|er|pharmacy|farmacia|consultorio|"
    r"cesfam|centro\s+de\s+salud|health\s+cent(?:re|er)",
    re.IGNORECASE,
)


def _workplace(x: _Context) -> _Verdict:
    """The term is a place of work ("hospital", "clínica") right after a job word, not a place of care."""
    if (
        x.hit.type == "TREATMENT"
        and _CARE_PLACE.fullmatch(x.text, x.hit.start, x.hit.end)
        and _WORKPLACE_BEFORE.search(x.text, max(x.clause[0], x.hit.start - 60), x.hit.start)
    ):
        return Status.UNANCHORED, "professional"
    return None


# The detection policy for one health term: these rules in this order, the first that answers wins.
# Rules from _generic_person on may assume a person before the term (_nobody answers otherwise).
_ANCHOR_RULES = (
    _quoted_term,
    _workplace,
    _care_provider,
    _possessive,
    _tagged,
    _self_frame,
    _topic,
    _anchor_after_term,
    _suspected_after_term,
    _implied_first_person,
    _nobody,
    _generic_person,
    _general_question,
    _public_figure,
    _blocked,
    _person_before,
)


def _anchor(text: str, hit: Entity, clause: tuple[int, int], cues: Sequence[_Cue], specific: bool) -> tuple[Status, str]:
    context = _Context(text, hit, clause, cues, specific)
    for rule in _ANCHOR_RULES:
        verdict = rule(context)
        if verdict is not None:
            return verdict
    raise AssertionError("_person_before always answers")


_PROVIDER_OWNER_AFTER = re.compile(r"\s+(?:de\s+mi|de\s+mis|de\s+nuestr[oa])\s", re.IGNORECASE)
_AFTER_ANCHOR = re.compile(r"(?<![\w])(?:me|my|myself|mi|mis|i|i'm|im|i've)(?![\w])", re.IGNORECASE)


def _possessed_non_person(text: str, p_start: int, hit_start: int, cues: Sequence[_Cue]) -> bool:
    """ "my dog has anxiety", "mi celular está deprimido": the owner is not a person."""
    return any(c.kind == "non_person" and p_start <= c.start and c.end <= hit_start for c in cues)


def _topic_after(text: str, hit: Entity, in_clause: Sequence[_Cue]) -> bool:
    """ "CBT training", "depression rates", "panic attacks education": the term names a topic."""
    return any(
        c.kind == "topic_frame" and hit.end <= c.start and not text[hit.end : c.start].strip(" -")
        for c in in_clause
    )


# Words that close a negation's scope: "they don't believe that I have depression" still discloses.
# "not that I have OCD" is the exception: there "that" belongs to the negation.
_SCOPE_END = re.compile(
    r"(?<![\w])(?:que|q|(?<!not\s)that|because|porque|but|pero|and|y)(?![\w])|,", re.IGNORECASE
)


def _negation(text: str, hit: Entity, from_offset: int, cues: Sequence[_Cue], status: Status, cue: str) -> tuple[Status, str]:
    # NegEx-style scope: a negation within the last few words before the term. Abstinence is itself a
    # disclosure ("two weeks without weed", "haven't drunk in 90 days"), so substance use is never negated.
    if hit.type == "SUBSTANCE_USE":
        return status, cue
    ends = list(_SCOPE_END.finditer(text, from_offset, hit.start))
    if ends:
        from_offset = ends[-1].end()
    window_text = text[from_offset : hit.start]
    words = list(re.finditer(r"[\w'’]+", window_text))
    if len(words) > _NEGATION_WINDOW_WORDS:
        from_offset = from_offset + words[-_NEGATION_WINDOW_WORDS].start()
    clause_end = _SENTENCE_END.search(text, hit.end)
    milestone = _DURATION.search(text, from_offset, clause_end.start() if clause_end else len(text))
    for c in cues:
        if c.kind == "negation" and from_offset <= c.start and c.end <= hit.start and _is_real_negation(c, cues):
            if milestone and text[c.start : c.end].lower() in _MILESTONE_NEGATION:
                # "llevo 3 meses sin ataques de pánico", "two years without a drink": the milestone discloses.
                continue
            return Status.NEGATED, "negation"
    return status, cue


def assess(text: str, hits: Iterable[Entity]) -> Assessment:
    """Apply the disclosure rules to the hits found in `text`."""
    hits = sorted(hits, key=lambda h: (h.start, h.end))
    cues = _find_cues(text)
    context = _context(text, cues)
    if not hits:
        return Assessment(Label.OK, (), context)
    clauses = _clauses(text)
    specific = any(c.kind in ("first_person", "kin", "name") for c in cues)
    joking = any(c.kind == "joke_markers" for c in cues)
    crisis_joke = _is_crisis_joke(text, cues, hits)
    tense = _Tense(text)
    findings: list[Finding] = []
    for hit in hits:
        clause = _clause_of(clauses, hit.start)
        if hit.type in CRISIS_DIRECT_TYPES:
            finding = _crisis_direct(text, hit, clause, cues, tense)
            if finding.status is Status.DIRECT and crisis_joke and _is_crisis_hyperbole(hit, cues):
                # "me quiero morir jajaja, le puse 'te amo' al jefe": an idiom (LABELS.md), so the rules
                # do not raise it; the learned heads, which saw such jokes and their serious twins, may.
                finding = Finding(hit, Status.UNANCHORED, "joke")
            findings.append(finding)
        elif hit.type == THERAPY_RELATIONSHIP:
            if _ANONYMOUS_TELLER.search(text, clause[0], hit.start):
                # "una paciente una vez me dijo que…": a professional recalling someone unnamed, not a client
                # quoting their own therapist (LABELS.md: anonymised cases are ok).
                findings.append(Finding(hit, Status.UNANCHORED, "professional"))
            else:
                findings.append(Finding(hit, Status.DIRECT, "therapy_relationship"))
        elif hit.type in HEALTH_TYPES and _is_dictated_full_stop(text, hit):
            # "great post on hand stretches period I'm sharing it": voice typing's spoken full stop.
            findings.append(Finding(hit, Status.UNANCHORED, "dictation"))
        elif hit.type == CRISIS_MENTION and _cuts_an_object(text, hit):
            # "cutting my own hair", "the ribbon cutting", "cutting back on coffee": a chore or an idiom.
            findings.append(Finding(hit, Status.UNANCHORED, "everyday"))
        elif hit.type == CRISIS_MENTION and _inside_substance_term(hit, hits):
            # "substance abuse classes", "abuso de sustancias": the substance use is the finding, not abuse.
            findings.append(Finding(hit, Status.UNANCHORED, "substance"))
        elif hit.type in HEALTH_TYPES or hit.type in (CRISIS_MENTION, CARE_PROVIDER):
            status, cue = _anchor(text, hit, clause, cues, specific)
            # A suspicion told in so many words ("sospecho que lo tengo jaja") is no hyperbole.
            if status is Status.ANCHORED and joking and cue != "suspected" and _is_hyperbole(hit, cues):
                status, cue = Status.UNANCHORED, "joke"
            if status is Status.ANCHORED and _in_health_idiom(hit, cues):
                status, cue = Status.UNANCHORED, "idiom"  # "muerta de cansancio", "me va a dar un infarto"
            if hit.type == CRISIS_MENTION and status is Status.ANCHORED and (
                _is_past_crisis(text, hit, tense) or _told_as_past(text, hit, clause, tense)
            ):
                cue = "past"  # recovered or long past: sensitive, not a crisis (LABELS.md)
            findings.append(Finding(hit, status, cue))
        elif hit.type in CONTACT_TYPES:
            care = (
                any(c.kind == "care_request" for c in cues)
                or _names_health_term(hits)
                or (len(text.split()) <= _SHORT_CONTACT_POST_WORDS and any(c.kind == "contact_request" for c in cues))
            )
            status = Status.ANCHORED if care else Status.UNANCHORED
            findings.append(Finding(hit, status, "care_request" if care else "none"))
    return Assessment(_label(findings), tuple(findings), context)


# "cutting" with an everyday object or particle after it ("cutting the ribbon", "cutting my own hair", "cutting
# out sugar", "cutting teeth"), or a ribbon cutting, is not self-harm; a body part ("cutting my arms"), a place
# ("cutting in the school bathroom") or nothing after it keeps it a crisis mention.
_BODY = (
    r"(?:arms?|wrists?|legs?|thighs?|skin|stomach|tummy|hips?|body|self|feet|hands?|fingers?|face|chest|belly|forearms?|"
    r"ankles?|breasts?|neck|throat|shoulders?|ribs?|calf|calves|knees?|scars?|veins?)"
)
_EVERYDAY_CUTTING_AFTER = re.compile(
    r"\s+(?:(?:out|back|down|up|off|corners|ties|class(?:es)?|costs?|teeth|hair|grass|carbs|sugar|onions|wood|paper|fabric|coupons|cake|"
    # the tool or the place, not the act: "a cutting board for his mum", "cutting mat", "cutting room floor" (w269)
    r"boards?|mats?|edge|room|tools?|machines?|blades?\s+for\s+the\s+(?:mower|saw)|garden|discs?)(?![\w])|"
    rf"(?:my|his|her|their|our|the|a|an|some|your)\s+(?:own\s+)?(?!{_BODY}(?![\w]))[a-z]+)",
    re.IGNORECASE,
)
_RIBBON_BEFORE = re.compile(r"(?<![\w])(?:ribbon|cake|hair|grass|lawn|paper|cost|budget|price|tax)[\s-]*$", re.IGNORECASE)


def _cuts_an_object(text: str, hit: Entity) -> bool:
    if text[hit.start : hit.end].lower() != "cutting":
        return False
    return bool(_EVERYDAY_CUTTING_AFTER.match(text, hit.end) or _RIBBON_BEFORE.search(text, max(0, hit.start - 20), hit.start))


# Voice typing writes a spoken full stop as the word "period" (w222, w245): right after an ordinary word and
# before a new clause, the end of the text or an emoji, it is punctuation. Menstruation keeps its usual company:
# a possessive, article or adjective before it ("my period", "a late period", "pain-free period") or what a
# period does or brings after it ("period came", "period cramps", "period is late").
_WORD_BEFORE = re.compile(r"([\w'’-]+)\s+$")
_MENSTRUAL_BEFORE = frozenset(
    "my her your ur yr their his our a the first 1st second 2nd third 3rd last late missed heavy heavier light "
    "lighter painful irregular regular normal next no on during before after since every each monthly this that "
    "whose one of than for with without between free bad worse worst awful horrible crazy weird early proper "
    "real own whole entire surprise".split()
)
_MENSTRUAL_AFTER = re.compile(
    r"\s*(?:['’]s\b|(?:pains?|cramps?|crampy|came|comes|coming|come|started|starts|starting|start|stopped|stops|is|was|"
    r"has|had|hasn['’]?t|isn['’]?t|wasn['’]?t|blood|bleeding|flow|tracker|trackers|apps?|products?|poverty|symptoms?|"
    r"late|early|days?|weeks?|pants|underwear|cups?|pads?|stuff|problems?|issues?|from|brain|poops?|acne|migraines?|"
    r"headaches?|related|sex|leave|shame|stigma|again|back|yet|cycle|hormones?|mood|spotting|clots?|diarrh\w*|nausea)\b)",
    re.IGNORECASE,
)


_PUNCTUATION_AFTER = re.compile(r"\s*[.,;:!?…)\]]")


def _is_dictated_full_stop(text: str, hit: Entity) -> bool:
    if text[hit.start : hit.end].lower() != "period":  # a plural ("periods") is never a spoken full stop
        return False
    before = _WORD_BEFORE.search(text, max(0, hit.start - 40), hit.start)
    if before is None:  # the first word, or after punctuation: "Period came", "sorry, period day 2"
        return False
    word = before.group(1).lower()
    if word in _MENSTRUAL_BEFORE or word.endswith(("'s", "’s")) or word.endswith("-free"):
        return False
    # Spoken punctuation replaces the mark, so a mark right after it ("5th period?") means the word is meant.
    return not _MENSTRUAL_AFTER.match(text, hit.end) and not _PUNCTUATION_AFTER.match(text, hit.end)


def _inside_substance_term(hit: Entity, hits: Sequence[Entity]) -> bool:
    return any(h.type == "SUBSTANCE_USE" and within(hit, h) for h in hits)


def _context(text: str, cues: Sequence[_Cue]) -> tuple[str, ...]:
    """Which cue kinds occur, plus implied-writer signals: features for the learned stage only."""
    kinds = {c.kind for c in cues}
    if _DURATION.search(text):
        kinds.add("duration")
    if _EXPERIENCE.search(text):
        kinds.add("experience")
    if _GENERAL_QUESTION.match(text):
        kinds.add("general_question")
    if "?" in text:
        kinds.add("question")
    return tuple(sorted(kinds))


# Self-harm or an attempt told as past or recovered ("used to self-harm, 10 years free", "I attempted
# at 19, it gets better", "hace años que no me corto"); a relapse or a present urge keeps it a crisis.
_PAST_CRISIS = re.compile(
    r"(?<![\w])(?:used\s+to|years?\s+(?:free|clean|ago)|\d+\s*(?:years?|yrs?)\s+(?:free|clean|since|ago)|free\s+(?:for|since)|"
    r"(?:clear|clean)\s+(?:for\s+)?(?:(?:over|more\s+than|almost|nearly)\s+)?(?:a|an|one|two|three|\d+)\s+(?:years?|yrs?|months?)|"
    r"recovered|in\s+recovery|survived|survivor|it\s+gets\s+better|when\s+i\s+was\s+(?:\d+|young|a\s+(?:kid|teen))|"
    r"back\s+in\s+(?:high\s+school|college|\d{4})|as\s+a\s+teen(?:ager)?|at\s+\d{2}\b|"
    r"sol[ií]a|hace\s+(?:(?:\d+|muchos|varios|unos)\s+)?a[ñn]os|a[ñn]os\s+sin|cuando\s+(?:ten[ií]a|era)|de\s+(?:adolescente|chic[oa])|a\s+los\s+\d{1,2}(?!\s*(?:min|seg|hora|d[ií]a|semana|mes|kil|metro|km|%))\b|"
    r"super[eé]|sal[ií]\s+de\s+eso|sobreviv\w+|superviv\w+|mejora|(?:me|se)\s+(?:autolesionaba|cortaba|lastimaba)n?|autolesionaba)(?![\w])",
    re.IGNORECASE,
)
_PRESENT_CRISIS = re.compile(
    r"(?<![\w])(?:again|relapse\w*|urges?|tonight|right\s+now|rn|lately|these\s+days|started\s+again|"
    r"otra\s+vez|de\s+nuevo|reca[ií]\w*|ganas|esta\s+noche|ahora\s+mismo|[uú]ltimamente|volv[ií]\s+a)(?![\w])",
    re.IGNORECASE,
)


# A death already happened ("we lost a colleague to suicide last year", "murió por sobredosis"): grief is
# not a current risk. "Nearly lost him to an overdose last night" is.
_BEREAVED_BY = re.compile(
    r"(?<![\w])(?<!nearly\s)(?<!almost\s)(?<!casi\s)(?:lost\s+(?:[\w'’-]+\s+){0,5}to|(?:died|passed\s+away|death)\s+(?:by|from|of)|"
    r"bereaved\s+by|(?:loss|losses)\s+to|en\s+duelo\s+por|"
    r"(?:perd[ií]|perdimos|perdieron|perdi[oó])\s+a\s+(?:[\w'’-]+\s+){0,5}(?:por|a\s+causa\s+de)|"
    r"(?:muri[oó]|murieron|falleci[oó]|fallecieron|muerte)\s+(?:de|por)(?:\s+una?)?)\s*$",
    re.IGNORECASE,
)


# Someone else's suicide or overdose, already happened: "since my sister's overdose", "after your mom's
# suicide", "el suicidio de mi padre", "mi primo se suicidó". Grief is sensitive (LABELS.md); an attempt
# ("el intento de suicidio de mi hermana") may be recent, so it is left to the other checks.
_OTHERS_BEFORE = re.compile(r"(?<![\w])(?:my|his|her|your|their|our)\s+(?:[\w-]+\s+){0,2}?[\w-]+['’]s\s+$", re.IGNORECASE)
_OTHERS_AFTER = re.compile(r"\s+(?:de|of)\s+(?:mi|mis|su|sus|tu|tus|nuestr[oa]s?|my|his|her|your|their|our)\s+(?!own\b|propi)\w", re.IGNORECASE)
_COMPLETED_BY_ANOTHER = re.compile(r"(?<![\w])se\s+$", re.IGNORECASE)  # "se" + "suicidó": third person, done
# After the crisis word, what is not a death: "my sister's suicide attempt / thoughts / risk assessment".
_NOT_A_DEATH_AFTER = re.compile(r"\s+(?:attempt|thought|ideation|risk|watch|plan|threat)", re.IGNORECASE)
# How far back before a crisis mention its owner ("my sister's overdose", 80 characters) and a bereavement
# ("we lost my uncle to", up to five words, 160) are looked for: windows, so a long text with many mentions
# stays linear.
_OWNER_WINDOW = 80
_BEREAVED_WINDOW = 160


def _others_death(text: str, hit: Entity) -> bool:
    word = text[hit.start : hit.end].lower()
    if "intent" in word or "attempt" in word or _NOT_A_DEATH_AFTER.match(text, hit.end):
        return False
    if word in ("suicide", "overdose") and _OTHERS_BEFORE.search(text, max(0, hit.start - _OWNER_WINDOW), hit.start):
        return True
    # Not "overdose of his own morphine": after an overdose, "of" names the drug.
    if word in ("suicidio", "suicide") and _OTHERS_AFTER.match(text, hit.end):
        return True
    return word in ("suicidó", "suicido", "suicidaron") and bool(
        _COMPLETED_BY_ANOTHER.search(text, max(0, hit.start - 10), hit.start)
    )


def _is_past_crisis(text: str, hit: Entity, tense: "_Tense") -> bool:
    """Told as past or recovered anywhere, or a death already happened right before the mention, or the
    mention is someone else's suicide or overdose that happened; a relapse, an urge or "tonight" anywhere
    keeps it current ("lost the fight to suicidal thoughts again")."""
    if tense.present:
        return False
    return (
        tense.past
        or bool(_BEREAVED_BY.search(text, max(0, hit.start - _BEREAVED_WINDOW), hit.start))  # ends at the hit
        or _others_death(text, hit)
    )


_PAST_DIRECT_TYPES = frozenset({"CRISIS_SUICIDE", "CRISIS_SELF_HARM", "CRISIS_OVERDOSE"})
_NUMBER = rf"(?:\d+|{_EN_NUMBER_WORDS}|{_ES_NUMBER_WORDS}|once|doce)"
# "cuarto mes sin cortarme", "3rd year clean from self harm" ("day 40 no self harm" is the other milestone form)
_ORDINAL = (
    r"(?:primer[oa]?|segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa]|s[eé]ptim[oa]|octav[oa]|noven[oa]|d[eé]cim[oa]|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th|º|°|er|ro|do|to|vo|mo))"
)
_SPAN = r"(?:days?|weeks?|wks?|months?|mos?|years?|yrs?|d[ií]as?|semanas?|mes(?:es)?|a[ñn]os?)"
# Direct crisis words told as the recovered past: a milestone right before them ("3 años sin cortarme",
# "500 days clean from self harm") or after them ("self harm free for 2 years"), or a dated past in the
# same clause ("ten years since I tried", "hace 5 años intenté", "I used to cut"). _DATED_PAST is a narrower
# sibling of _PAST_CRISIS on purpose: a direct crisis hit is lowered only on a dated past, not on "it gets
# better", "todo mejora" or "at 88 Harlow St", which _PAST_CRISIS accepts for a bare mention.
_MILESTONE_BEFORE = re.compile(
    rf"(?<![\w])(?:(?:{_NUMBER}|{_ORDINAL})\s*{_SPAN}\s+(?:sin|without|free\s+(?:of|from)|clean\s+(?:of|from)|limpi[oa]s?\s+de)|"
    r"(?:day|d[ií]a)\s*\d+\s*[,:-]?\s*(?:no|without|sin|free\s+(?:of|from)))\s*$", re.IGNORECASE
)
_MILESTONE_AFTER = re.compile(
    rf"^[\s,;:-]*(?:(?:and\s+|but\s+)?(?:i'?ve|i\s+have)?\s*been\s+)?(?:free|clean|-free)\s+(?:for\s+)?{_NUMBER}\s*{_SPAN}(?![\w])", re.IGNORECASE
)
# A bare year counts as the past only before the current year, so "wake me up in 2027" is not read as the
# past (this year's own number errs towards keeping a crisis).
_PAST_YEARS = "|".join(str(year) for year in range(2000, datetime.date.today().year))
_DATED_PAST = re.compile(
    rf"(?<![\w])(?:(?:(?:{_NUMBER}|a|many|some|several|a\s+few)\s*)?(?:years?|yrs?)\s+(?:ago|since)|last\s+year|el\s+a[ñn]o\s+pasado|(?<!desde\s)hace\s+{_NUMBER}\s+a[ñn]os?|used\s+to|sol[ií]a|"
    r"when\s+i\s+was\s+(?:\d+|young|a\s+(?:kid|teen))|cuando\s+(?:ten[ií]a\s+\d+|era\s+(?:chic[oa]|adolescente))|"
    rf"back\s+in\s+(?:high\s+school|college|(?:19|20)\d\d)|(?:in|en)\s+(?:19\d\d|{_PAST_YEARS})|as\s+a\s+teen(?:ager)?|de\s+adolescente|"
    r"at\s+age\s+\d{1,2}|a\s+los\s+\d{1,2}(?!\s*(?:min|seg|hora|d[ií]a|semana|mes|kil|metro|km|%)))(?![\w])",
    re.IGNORECASE,
)
# Between a past marker and the crisis words, a turn to the present ("I used to love life, now I want to
# die") makes the crisis current; so does a relapse, a date ahead or a fresh wound anywhere.
_TURN_TO_PRESENT = re.compile(r"(?<![\w])(?:now|today|still|keep|ahora|hoy|todav[ií]a|sigo|ya\s+no)(?![\w])", re.IGNORECASE)
_CURRENT_AGAIN = re.compile(
    r"(?<![\w])(?:last\s+night|anoche|this\s+week|esta\s+semana|next\s+week|semana\s+que\s+viene|pr[oó]xima\s+semana|"
    r"he\s+vuelto|vuelto\s+a|hoy\s+me\s+(?:pas[eé]|cort[eé]|lastim[eé]|volv[ií])|today\s+i\s+(?:cut|did\s+it|relapsed|slipped)|when\s+i'?m\s+gone|cuando\s+(?:ya\s+)?no\s+est[eé])(?![\w])",
    re.IGNORECASE,
)


class _Tense:
    """Whole-text tense markers of a crisis mention, each read at most once per text and only when a crisis
    mention asks (not once per mention, so a long text with many mentions stays linear; a text without
    crisis mentions never reads them)."""

    def __init__(self, text: str) -> None:
        self._text = text

    @functools.cached_property
    def past(self) -> bool:  # _PAST_CRISIS anywhere: "used to", "10 years free", "sobreviví"
        return bool(_PAST_CRISIS.search(self._text))

    @functools.cached_property
    def present(self) -> bool:  # _PRESENT_CRISIS anywhere: "again", "urges", "tonight"
        return bool(_PRESENT_CRISIS.search(self._text))

    @functools.cached_property
    def current_again(self) -> bool:  # _CURRENT_AGAIN anywhere: "last night", "he vuelto a"
        return bool(_CURRENT_AGAIN.search(self._text))


def _told_as_past(text: str, hit: Entity, clause: tuple[int, int], tense: _Tense) -> bool:
    if tense.present or tense.current_again:
        return False
    if _MILESTONE_BEFORE.search(text[clause[0] : hit.start]) or _MILESTONE_AFTER.search(text[hit.end : clause[1]]):
        return True
    for m in _DATED_PAST.finditer(text, *clause):
        if m.end() <= hit.start:
            gap = (m.end(), hit.start)
        elif hit.end <= m.start():
            gap = (hit.end, m.start())
        else:  # the marker is inside the crisis words: what follows it must stay in the past
            gap = (m.end(), max(hit.end, m.end()))
        if not _TURN_TO_PRESENT.search(text, *gap):
            return True
    return False


def _inside_cue(kind: str, hit: Entity, cues: Sequence[_Cue]) -> bool:
    return any(c.kind == kind and within(hit, c) for c in cues)


def _in_health_idiom(hit: Entity, cues: Sequence[_Cue]) -> bool:
    return _inside_cue("health_idiom", hit, cues)


def _is_hyperbole(hit: Entity, cues: Sequence[_Cue]) -> bool:
    return _inside_cue("hyperbole", hit, cues) or any(
        c.kind == "hyperbole" and within(c, hit) for c in cues
    )


# Words in a text besides the hyperbole and the joke markers: "wish i was dead lol" and "kms 😂" alone
# name no mishap, so they are not read as jokes.
_MISHAP_MIN_WORDS = 3
_WORD = re.compile(r"[\w'’]+")


def _names_health_term(hits: Iterable[Entity]) -> bool:
    """A health term or a crisis mention among the hits (not only contact details or crisis idioms)."""
    return any(h.type in HEALTH_TYPES or h.type == CRISIS_MENTION for h in hits)


def _is_crisis_joke(text: str, cues: Sequence[_Cue], hits: Sequence[Entity]) -> bool:
    """Laughter or a joke marker, a few words of mishap, no health or crisis term besides the idiom, and
    nothing saying it is meant (`serious`: "en serio", "not joking", a time or a plan)."""
    kinds = {c.kind for c in cues}
    # An everyday cause with a tearful or eye-rolling emoji reads as laughter would ("el examen me va a matar 😭").
    marked = bool({"joke_markers", "crisis_joke"} & kinds) or {"crisis_trivial", "crisis_tearful"} <= kinds
    if not marked or "serious" in kinds or "crisis_hyperbole" not in kinds:
        return False
    if _names_health_term(hits):
        return False
    marker_kinds = ("joke_markers", "crisis_joke", "crisis_hyperbole", "crisis_tearful")
    covered = [(c.start, c.end) for c in cues if c.kind in marker_kinds]
    other = [m for m in _WORD.finditer(text) if not any(s <= m.start() and m.end() <= e for s, e in covered)]
    return len(other) >= _MISHAP_MIN_WORDS


def _is_crisis_hyperbole(hit: Entity, cues: Sequence[_Cue]) -> bool:
    """The crisis hit is the hyperbole phrase itself (a few characters of slack for the pattern's edges),
    not a longer crisis wording around it ("kill myself tonight with the pills")."""
    slack = 4
    return any(
        c.kind == "crisis_hyperbole" and c.start - slack <= hit.start and hit.end <= c.end + slack
        and hit.start < c.end and c.start < hit.end
        for c in cues
    )


# A self-harm verb denied ("no me corto ni nada", "nunca me he cortado", "I've never cut") or stopped ("ya no me
# corto", "I don't cut anymore" is left to the model: "anymore" comes after).
_NEGATED_BEFORE_WINDOW = 24  # characters before a crisis hit read for "no", "nunca", "ya no", "not having any"
_NEVER_BEFORE = re.compile(r"(?<![\w])(no|nunca|never|jam[aá]s)\s+(?:(?:me|i)\s+)?(?:he\s+|have\s+|'ve\s+)?$", re.IGNORECASE)
_NOR_AFTER = re.compile(r"\s+ni(?![\w])", re.IGNORECASE)
_THOUGHTS_HIT = re.compile(r"(?:thoughts?|urges?|pensamientos?|ideas?)(?![\w])", re.IGNORECASE)
_NO_THOUGHTS_BEFORE = re.compile(
    r"(?<![\w])(?:not\s+having|not|no|never\s+had|don'?t\s+have|do\s+not\s+have|without|no\s+tengo|sin|nada\s+de)\s+(?:any\s+|ning[uú]n\s+)?$",
    re.IGNORECASE,
)
_NO_LONGER_BEFORE = re.compile(r"(?<![\w])(?:ya\s+no|no\s+longer)\s+(?:(?:me|i)\s+)?$", re.IGNORECASE)


# "if someone tells me (that) they...", "si alguien me cuenta que se...", "a alguien que te dice que...": someone
# unnamed telling the writer, under an if or a question, right before the crisis words (ends at the hit).
_TOLD_WINDOW = 80
_TOLD_IF_GENERIC = re.compile(
    r"(?<![\w])(?:(?:if|when|whenever|si|cuando)\s+(?:someone|somebody|anyone|a\s+(?:friend|client|student|person|kid|teen)|"
    r"alguien|algui[eé]n|una?\s+(?:amig[oa]|persona|paciente|alumn[oa]|chic[oa]))|a\s+alguien\s+que)\s+"
    r"(?:(?:ever\s+)?(?:tells?|says?|texts?|messages?|admits?)\s+(?:me|you|us)|(?:me|nos|te)\s+(?:cuenta|dice|escribe|confiesa|comenta))"
    r"\s+(?:that\s+|que\s+|q\s+)?(?:they|he|she|se|ya\s+no)?\s*(?:[\w'’]+\s+){0,2}$",
    re.IGNORECASE,
)


def _crisis_direct(text: str, hit: Entity, clause: tuple[int, int], cues: Sequence[_Cue], tense: _Tense) -> Finding:
    # Crisis wording over-flags on purpose: it is dropped only when the clause is plainly about people
    # in general ("what do I say if someone tells me they want to die") with no first person before it.
    c_start, _ = clause
    before = [c for c in cues if c_start <= c.start and c.end <= hit.start]
    # Only a hypothetical or fictional frame counts: "everyone would be better off without me" is a crisis.
    general = any(c.kind in ("hypothetical", "public_figure") for c in before)
    first_person = any(c.kind in ("first_person", "kin") for c in before)
    # A method or lethality question stays a crisis even when framed as curiosity ("hypothetically,
    # what's the most painless way"); only a helper's question ("what do I say if someone...") or a
    # fictional frame is dropped.
    fiction = any(c.kind == "public_figure" for c in before)
    # "I'm writing a story where a character with dementia goes missing": in a story being written, the
    # person nearest before the crisis words is the fictional one ("drama queen" is not a story).
    nearest = max((c for c in before if c.kind in ("first_person", "kin", "public_figure")), key=lambda c: c.end, default=None)
    fiction_nearest = (
        nearest is not None and nearest.kind == "public_figure" and bool(_STORY_FRAME.search(text, 0, hit.start))
    )
    helper = bool(_HELPER.search(text, c_start, hit.start))
    if _TOLD_IF_GENERIC.search(text, max(0, hit.start - _TOLD_WINDOW), hit.start):
        # "si alguien me cuenta que se quiere morir, ¿qué le digo?", "what do I say if someone tells me they want
        # to die": a helper's question about anyone, not the writer's crisis (the "me" is who is told).
        return Finding(hit, Status.UNANCHORED, "generic_person")
    if fiction_nearest or (not first_person and (fiction or (general and helper and hit.type != "CRISIS_OVERDOSE"))):
        return Finding(hit, Status.UNANCHORED, "generic_person")
    quote = _quoted(text, hit)
    if quote is not None and _talked_about(text, quote):
        return Finding(hit, Status.UNANCHORED, "quoted_phrase")
    if quote is not None and _names_a_song(text, quote):
        # "“Ya no puedo más, corazón de piedra” dice la cumbia": a song quoted is not the writer's own
        # words (LABELS.md: lyrics are ok).
        return Finding(hit, Status.UNANCHORED, "lyrics")
    if hit.type in _OVERDOSE_OR_EMERGENCY and _about_an_animal(text, hit, clause, cues):
        # "my lab just ate a whole bar of chocolate", "cuánto chocolate es peligroso para una perrita":
        # a pet's or an animal's emergency is not a person's (LABELS.md: a pet's illness is ok).
        return Finding(hit, Status.UNANCHORED, "non_person")
    if hit.type in _OVERDOSE_OR_EMERGENCY and _clinical_talk(text, hit, clause, cues):
        # "nursing student here, why is NAC the antidote for paracetamol OD?", "residente de toxicología,
        # hoy un pibe con sobredosis": a professional's anonymised case or a study question (LABELS.md).
        return Finding(hit, Status.UNANCHORED, "professional")
    window_start = max(0, hit.start - _NEGATED_BEFORE_WINDOW)
    never = _NEVER_BEFORE.search(text, window_start, hit.start) if hit.type == "CRISIS_SELF_HARM" else None
    if never and (never.group(1).lower() != "no" or _NOR_AFTER.match(text, hit.end)):
        # "no me corto ni nada tranqui", "nunca me he cortado": denied, not done (LABELS.md: negated mentions).
        return Finding(hit, Status.UNANCHORED, "negation")
    if _THOUGHTS_HIT.match(text, hit.start) and _NO_THOUGHTS_BEFORE.search(text, window_start, hit.start):
        # "I'm not having any thoughts of hurting her or myself", "sin pensamientos de hacerme daño": denied.
        return Finding(hit, Status.UNANCHORED, "negation")
    if (
        hit.type == "CRISIS_SELF_HARM"
        and _NO_LONGER_BEFORE.search(text, window_start, hit.start)
        and not (tense.present or tense.current_again)
    ):
        # "ya no me corto, desde abril": stopped, the recovered past (sensitive).
        return Finding(hit, Status.ANCHORED, "past")
    if hit.type in _PAST_DIRECT_TYPES and _told_as_past(text, hit, clause, tense):
        # "3 años sin cortarme", "ten years since I tried to end it": the recovered past is sensitive
        # (LABELS.md). The past must be told in the same clause, so "I used to love life, now I want to
        # die" stays a crisis.
        return Finding(hit, Status.ANCHORED, "past")
    # An ambiguous farewell ("it's been nice knowing everyone", "cuiden a mi perro", "my last post")
    # next to an everyday departure ("moving to another city", "see you next term", "de vacaciones")
    # is a goodbye, not a crisis, unless finality words are there too. The patterns already exclude
    # such a cue after the farewell; this catches one before it.
    if (
        _AMBIGUOUS_FAREWELL.search(text, hit.start, hit.end)
        and _EVERYDAY_DEPARTURE.search(text)
        and not _FINALITY.search(text)
    ):
        return Finding(hit, Status.UNANCHORED, "everyday_farewell")
    return Finding(hit, Status.DIRECT, "crisis_wording")


# Double or single quotes (normalize.py has already turned curly quotes and guillemets into these) whose
# marks are not an apostrophe inside a word ("'i'm so tired of being here' 🎶").
_QUOTED = re.compile(r"\"([^\"\n]{2,200})\"|(?<![\w])'([^\n]{2,200}?)'(?![\w])")
_SONG = re.compile(
    r"(?<![\w])(?:song|lyrics?|singing|sings|sang|chorus|canci[oó]n|cumbia|bachata|reggaet[oó]n|corrido|bolero|ranchera|"
    r"letra|canta|cantando|coro)(?![\w])|[🎶🎵🎤]",
    re.IGNORECASE,
)


def _quoted(text: str, hit: Entity) -> re.Match | None:
    """The quotation the crisis words sit inside, if any."""
    for m in _QUOTED.finditer(text):
        group = 1 if m.group(1) is not None else 2
        if m.start(group) <= hit.start and hit.end <= m.end(group):
            return m
    return None


def _names_a_song(text: str, quote: re.Match) -> bool:
    """The text names a song outside the quotation (the crisis words inside it are lyrics)."""
    return bool(_SONG.search(text[: quote.start()] + " " + text[quote.end() :]))


# What follows a quoted phrase that is talked about, not said: "'ctb' mean?", "“I'm a burden” is such a
# common thought", "‘committed suicide’ still acceptable". Only these: "“I want to die” is what she texted
# me" and "'kms' is that normal?" stay crises.
_PHRASE_AS_TOPIC_AFTER = re.compile(
    r"\s*(?:(?:mean|means|meaning|stand\s+for|stands\s+for|significa|quiere\s+decir)(?![\w])|"
    r"(?:is|are|was|es|son)\s+(?:such\s+an?\s+|so\s+|a\s+really\s+|a\s+very\s+|una?\s+|tan\s+)?"
    r"(?:common|classic|typical|cognitive|core\s+belief|thought\s+pattern|myth|phrase|outdated|"
    r"stigmati[sz]ing|frase|mito|pensamiento|creencia|distorsi[oó]n|muy\s+com[uú]n|com[uú]n)(?![\w])|"
    r"(?:(?:is|are|was)\s+)?still\s+(?:ok|okay|acceptable|used)(?![\w])|"
    # A word as a word (session 23, w277): "'unalive' being a word we all just say now", "'unalive' is just what
    # tiktok makes people say".
    r"(?:being|is|as)\s+(?:a|the|just\s+a)\s+(?:word|term|phrase|slang)(?![\w])|is\s+just\s+(?:what|how)\s+(?:tiktok|people|everyone|we|kids|teens)(?![\w]))",
    re.IGNORECASE,
)


# Or what comes before it: a word used or written, not said by someone ("should I use 'died by suicide'",
# "the term 'committed suicide'"); "my son keeps saying 'I want to die'" stays a crisis.
_PHRASE_AS_TOPIC_BEFORE = re.compile(
    r"(?<![\w])(?:use|using|write|writing|the\s+(?:word|term|phrase|expression)|words?\s+like|terms?\s+like|"
    r"usar|escribir|la\s+(?:palabra|expresi[oó]n|frase)|el\s+t[eé]rmino)\s*$",
    re.IGNORECASE,
)


def _talked_about(text: str, quote: re.Match) -> bool:
    """The quoted phrase is asked or talked about: what it means, how common a thought it is, whether a term
    is still acceptable (LABELS.md: general talk is not a disclosure)."""
    return bool(_PHRASE_AS_TOPIC_AFTER.match(text, quote.end())) or bool(
        _PHRASE_AS_TOPIC_BEFORE.search(text, max(0, quote.start() - 30), quote.start())
    )


_STORY_FRAME = re.compile(
    r"(?<![\w])(?:(?:writing|write|wrote|for)\s+(?:a|my|the)\s+(?:short\s+)?(?:story|novel|book|script|screenplay|play|fanfic)|"
    r"(?:escribiendo|escribo|escrib[ií]|para)\s+(?:una?|mi|el|la)\s+(?:novela|cuento|historia|gui[oó]n|obra|libro))(?![\w])",
    re.IGNORECASE,
)
_OVERDOSE_OR_EMERGENCY = frozenset({"CRISIS_OVERDOSE", "CRISIS_EMERGENCY"})
_ANIMAL = (
    r"(?:dogs?|pupp(?:y|ies)|pups?|doggo|cats?|kitt(?:en|y|ies)|(?:(?<=my\s)|(?<=our\s))lab|labrador|retriever|spaniel|collie|kelpie|heeler|"
    r"terrier|beagle|pug|greyhounds?|poodles?|husk(?:y|ies)|chihuahuas?|bulldogs?|dachshunds?|galg[oa]s?|caniches?|rabbit|bunny|hamster|ferret|parrot|budgie|horse|pony|mare|foal|calf|calves|cows?|heifers?|"
    r"lambs?|ewes?|sheep|goats?|chickens?|hens?|perr[oa]s?|perrit[oa]s?|cachorr[oa]s?|perrhij[oa]|gat[oa]s?|gatit[oa]s?|"
    r"michis?|conej[oa]s?|caballos?|yeguas?|potros?|vacas?|terner[oa]s?|ovejas?|corder[oa]s?|cabras?|gallinas?|mascotas?)"
)
_ANIMAL_SUBJECT = re.compile(rf"(?<![\w]){_ANIMAL}(?![\w])", re.IGNORECASE)
# The animal as the one at risk after the hit: "how much chocolate is dangerous for a 30kg dog".
_FOR_ANIMAL = re.compile(
    rf"^[^.!?\n]{{0,40}}?(?<![\w])(?:for|to|para|a)\s+(?:(?:a|an|my|our|the|his|her|mi|mis|una?|el|la|los|las|nuestr[oa]s?|su|sus)\s+)?"
    rf"(?:[\w-]+\s+)?{_ANIMAL}(?![\w])",
    re.IGNORECASE,
)


def _about_an_animal(text: str, hit: Entity, clause: tuple[int, int], cues: Sequence[_Cue]) -> bool:
    """An animal is the subject of the emergency: named before the hit in its clause with no person
    named between them, or named as the one at risk right after it."""
    c_start, c_end = clause
    for m in _ANIMAL_SUBJECT.finditer(text, c_start, hit.start):
        # A name right after the animal is its own ("my dog Max ate a whole bar").
        if not any(
            c.kind in _PERSON_KINDS and m.end() <= c.start and c.end <= hit.start
            and not (c.kind == "name" and c.start - m.end() <= 1)
            for c in cues
        ):
            return True
    return bool(_FOR_ANIMAL.match(text[hit.end : c_end]))


# Someone unnamed telling the writer something: "un paciente una vez me dijo", "un cliente me contó".
_ANONYMOUS_TELLER = re.compile(
    r"(?<![\w])(?:un|una)\s+(?:paciente|cliente|usuari[oa]|consultante)(?![\w])"
    r"(?=[^.!?\n]{0,30}$)",
    re.IGNORECASE,
)


# A health worker or student introducing themselves: "ICU nurse here", "as a paramedic", "soy enfermera",
# "residente de toxicología", "nursing student".
_PROFESSIONAL_FRAME = re.compile(
    r"(?<![\w])(?:(?:nurse|rn|lpn|np|pharmacist|paramedic|emt|medic|doctor|physician|gp|resident|intern|"
    r"toxicologist|instructor|trainer|educator|midwife|hca|cna|clinician)\s+(?:here|aqu[ií]|ac[aá])|"
    r"(?:as\s+an?|i'?m\s+an?|i\s+am\s+an?)\s+(?:[\w-]+\s+)?(?:nurse|rn|pharmacist|paramedic|emt|medic|doctor|physician|"
    r"toxicologist|first\s+aid\s+instructor|midwife|clinician)|"
    r"(?:nursing|med|medical|pharmacy|paramedic|emt|psych|psychology|first\s+aid)\s+(?:student|school|instructor|trainer)|"
    r"(?:soy|como)\s+(?:[\w-]+\s+)?(?:enfermer[oa]|farmac[eé]utic[oa]|param[eé]dic[oa]|m[eé]dic[oa]|residente|instructor[a]?)|"
    r"(?:enfermer[oa]|farmac[eé]utic[oa]|param[eé]dic[oa]|residente|instructor[a]?)\s+(?:de\s+[\w-]+\s+)?(?:aqu[ií]|ac[aá])|"
    r"residente\s+de\s+[\w-]+|estudiante\s+de\s+(?:enfermer[ií]a|medicina|farmacia|psicolog[ií]a))(?![\w])",
    re.IGNORECASE,
)


def _clinical_talk(text: str, hit: Entity, clause: tuple[int, int], cues: Sequence[_Cue]) -> bool:
    """An overdose or emergency named by a writer who introduced themselves as a health worker or
    student before it, with no first person or relative between the introduction and the hit or in the
    hit's clause ("I'm a nurse and my mum has wandered off" is the writer's own emergency)."""
    frame = _PROFESSIONAL_FRAME.search(text, 0, hit.start)
    if not frame:
        return False
    c_start, c_end = clause
    return not any(
        c.kind in ("first_person", "kin")
        and ((frame.end() <= c.start and c.end <= hit.start) or (c_start <= c.start and c.end <= c_end))
        for c in cues
    )


_AMBIGUOUS_FAREWELL = re.compile(
    r"(?:nice|good|great|lovely|wonderful|honou?r|pleasure|privilege)\s+knowing|conocer(?:los|las|les|te|lxs|\s+a)|"
    r"(?:care\s+of|look\s+after|watch\s+over|feed|adopt)\s+my|cuid(?:en|e|[ií]denme)\b|"
    r"thanks?\s+(?:you\s+)?for\s+everything|gracias\s+por\s+todo|this\s+is\s+(?:my\s+)?goodbye|goodbye\s+everyone|my\s+last\s+night\s+(?:here|on\s+earth)|"
    r"(?:last|final)\s+(?:post|message|msg|comment|words?|time)\b(?!\s+ever)|[uú]ltim[oa]\s+(?:post|mensaje|posteo|comentario|publicaci)|"
    r"won'?t\s+be\s+(?:posting|writing|commenting|on\s+here)|ya\s+no\s+voy\s+a\s+(?:publicar|escribir|postear)|"
    r"see\s+(?:you|u|ya|y'all)\s+(?:all\s+)?on\s+the\s+other\s+side|"
    # "me despido del club de lectura, me voy de intercambio", "ya no quiero estar aquí en Lima, me mudo a la sierra" (w262).
    r"me\s+despido|no\s+quiero\s+estar\s+(?:aqu[ií]|ac[aá])",
    re.IGNORECASE,
)
_EVERYDAY_DEPARTURE = re.compile(
    r"(?<![\w])(?:moving|move\s+to|relocat\w*|new\s+(?:job|city|role|chapter|page|account|group)|another\s+(?:city|country|state|group)|"
    r"graduat\w*|retir\w*|workshop|course|class|term|semester|holidays?|vacation|trip|break|next\s+(?:week|term|year|month)|"
    # "see you" is a departure, "see you on the other side" is the farewell itself.
    r"see\s+(?:you|u|ya)(?!\s+(?:all\s+)?on\s+the\s+other\s+side)|"
    # The other side of an operation.
    r"surgery|op|operation|procedure|an(?:a)?esthetic|c-section|"
    r"leaving\s+(?:the|this)\s+(?:group|page|company|clinic)|leaving\s+(?:facebook|instagram|social\s+media)|"
    r"me\s+mudo|mudanza|nos\s+vemos|taller|curso|clases?|vacaciones|viaje|felices\s+fiestas|feliz\s+(?:navidad|a[ñn]o)|"
    r"pr[oó]xim[oa]|otra\s+ciudad|otro\s+pa[ií]s|nuevo\s+trabajo|nueva\s+(?:cuenta|etapa)|dejo\s+el\s+grupo|me\s+voy\s+del\s+grupo|"
    r"me\s+jubilo|jubil\w*|mientras\s+(?:estoy|est[eé]|viajo)|intercambio|erasmus|me\s+mudo\s+a|"
    # A mock obituary for a thing ("rip my sleep schedule, it was nice knowing u").
    r"rip\s+(?:to\s+)?(?:my|mi|mis)\s+\w+)(?![\w])",
    re.IGNORECASE,
)
_FINALITY = re.compile(
    r"(?<![\w])(?:forever|for\s+good|ever\s+again|para\s+siempre|nunca\s+m[aá]s|won'?t\s+be\s+(?:here|around|alive)|no\s+voy\s+a\s+estar)(?![\w])",
    re.IGNORECASE,
)


_HELPER = re.compile(
    r"(?<![\w])(?:say|tell|tells|told|respond|react|support|help|handle|approach|notice|signs?|warning|"
    r"ask|ask(?:ing|s|ed)\s+(?:someone|somebody|them|a\s+person)|talk|do\s+i\s+do|should\s+i|decir|dice|ayudar|responder|apoyar|se[ñn]ales|hablar|hago)(?![\w])",
    re.IGNORECASE,
)


def _label(findings: Sequence[Finding]) -> Label:
    label = Label.OK
    for f in findings:
        t = f.hit.type
        if t in CRISIS_DIRECT_TYPES and f.status is Status.DIRECT:
            return Label.CRISIS
        if t == CRISIS_MENTION and f.status is Status.ANCHORED and f.cue != "past":
            return Label.CRISIS
        if f.status in (Status.DIRECT, Status.ANCHORED):
            label = Label.SENSITIVE
        elif t == CRISIS_MENTION and f.status is Status.NEGATED:
            label = Label.SENSITIVE
    return label
