"""The detector end to end: disclosure logic (anchoring, negation, hypotheticals, third parties,
general questions, public figures), crisis over-flagging, contact details and the page's own
contacts, language detection, the Verdict contract and the no-network/no-download guarantees."""

from __future__ import annotations

import pytest

from chalicelib.detect import engine as detection
from chalicelib.config import extract_contacts
from chalicelib.detect.engine import detect_language, get_detector
from chalicelib.models import Label, Verdict


def rules(detector, text: str) -> Label:
    """The rule stage alone, so these tests pin the disclosure logic, not the trained weights."""
    return detector.assess(text)[3].label


# fmt: off
RULE_CASES = [
    # anchored to the writer or someone they name
    ("my son's ADHD meds stopped working",                          Label.SENSITIVE),
    ("I was diagnosed with bipolar disorder last year",             Label.SENSITIVE),
    ("see you at my Tuesday session!",                              Label.SENSITIVE),
    ("since I started seeing you my panic attacks are rarer",       Label.SENSITIVE),
    ("my wife had a miscarriage in June",                           Label.SENSITIVE),
    ("90 days sober today",                                         Label.SENSITIVE),  # implied writer: milestone
    ("Mark has bipolar and won't take his meds",                    Label.SENSITIVE),
    ("mi hija tiene TDAH y no sé qué hacer",                        Label.SENSITIVE),
    ("diagnosed with endometriosis after 9 years of pain",          Label.SENSITIVE),
    # negated
    ("I don't have ADHD, just curious how it's diagnosed",          Label.OK),
    ("not that I have OCD but how is it treated?",                  Label.OK),
    ("yo no tengo TOC, solo me dio curiosidad",                     Label.OK),
    # hypothetical and general
    ("Hypothetically if someone has OCD what helps?",               Label.OK),
    ("what age do kids usually get assessed for dyslexia?",         Label.OK),
    ("great post on ADHD!",                                         Label.OK),
    ("great tips for anxiety, saving this",                         Label.OK),
    ("is EMDR evidence based?",                                     Label.OK),
    ("do you take Aetna?",                                          Label.OK),
    # public figures, fiction, professions, pets, jokes
    ("the character in that movie had bipolar disorder",            Label.OK),
    ("as a therapist I'd add a note on repair attempts",            Label.OK),
    ("my dog has separation anxiety lol",                           Label.OK),
    ("I'm so addicted to this podcast 😂",                          Label.OK),
    ("me quiero morir de la vergüenza jaja",                        Label.OK),
    # substance abstinence is still a disclosure
    ("llevo 2 semanas sin fumar porro y estoy irritable",           Label.SENSITIVE),
    # implied first person: subject dropped, reads as lived experience
    ("just got dx'd with bipolar 2 and it explains so much",        Label.SENSITIVE),
    ("the meds are finally kicking in, took 6 weeks",               Label.SENSITIVE),
    ("4 months without a panic attack!!",                           Label.SENSITIVE),
    ("day 9 no drinking. hard but here",                            Label.SENSITIVE),
    ("anyone else on Vyvanse lose their appetite?",                 Label.SENSITIVE),
    ("is it normal to feel dizzy 2 weeks into sertraline?",         Label.SENSITIVE),
    ("switched from wellbutrin to effexor last month",              Label.SENSITIVE),
    ("llevo 3 meses sin ataques de pánico",                         Label.SENSITIVE),
    ("alguien más con sertralina que no pueda dormir?",             Label.SENSITIVE),
    # ...but general, educational and question phrasing stays ok
    ("is naloxone available without a prescription now?",          Label.OK),
    ("does pelvic PT help with endometriosis?",                     Label.OK),
    ("people with ADHD often struggle with time, great post",       Label.OK),
    ("want to quit smoking in 1 day? our programme works",          Label.OK),
    ("qué es el trastorno límite?",                                 Label.OK),
    ("anyone else think that show handled depression well?",       Label.OK),
    ("can you get diagnosed with PTSD as an adult?",                Label.OK),
    ("so anxious since the move, this post hit hard",               Label.SENSITIVE),
    ("diagnosed w ADHD at 34 and this explains everything",         Label.SENSITIVE),
    ("is it normal to cry after EMDR? like for hours",              Label.SENSITIVE),
    ("those of u on concerta, does the crash ever get better",      Label.SENSITIVE),
    ("anyone else's OCD get worse in winter?",                      Label.SENSITIVE),
    ("is it normal for physio to hurt a bit?",                      Label.OK),
    ("is it normal to feel nervous before therapy? general q for a post", Label.OK),
    ("that goalie's concussion last night was scary",               Label.OK),
    ("la conmoción cerebral del arquero anoche dio miedo",          Label.OK),
    ("hi, this is Marco from the men's group, can I bring a friend?", Label.SENSITIVE),
    ("still thinking about what you said on monday",                Label.SENSITIVE),
    ("no soy paciente tuya pero me encanta tu contenido",           Label.OK),
    ("dad has been drinking every night since mum passed",          Label.SENSITIVE),
    ("a dad with depression might hide it",                         Label.OK),
    ("month 3 on suboxone and life is calmer",                      Label.SENSITIVE),
    ("18 months. no pills, no drinking. thank you all",             Label.SENSITIVE),
    ("second miscarriage this year",                                Label.SENSITIVE),
    ("scared to start lithium tbh",                                 Label.SENSITIVE),
    ("great reminder that lithium levels need checking",            Label.OK),
    # the therapy relationship through logistics and billing
    ("can we move my 3pm thursday to friday?",                      Label.SENSITIVE),
    ("need to cancel tomorrow, so sorry",                           Label.SENSITIVE),
    ("tysm for today's session!! feeling lighter",                  Label.SENSITIVE),
    ("hi it's Sam from your Monday group, I left my scarf",         Label.SENSITIVE),
    ("I'm a current client, can I get my last invoice for my HSA?", Label.SENSITIVE),
    ("¿puedo cambiar mi turno de las 5 al jueves?",                 Label.SENSITIVE),
    ("gracias por la sesión de hoy, me fui más liviana",            Label.SENSITIVE),
    ("will the workshop be recorded?",                              Label.OK),
    ("are you accepting new clients this month?",                   Label.OK),
    # knowledge, opinions and coursework are not disclosures
    ("I have no idea what CBT stands for, can someone explain",     Label.OK),
    ("I think online therapy gets a bad rap",                       Label.OK),
    ("learning about duty to warn in my psych class",               Label.OK),
    ("what happens if a client tells a therapist about abuse?",     Label.OK),
    ("creo que la terapia online funciona igual de bien",           Label.OK),
    ("I think I have ADHD",                                         Label.SENSITIVE),
]

CRISIS_CASES = [
    "I want to kill myself",
    "I'm on the bridge rn",
    "gave away my cat today. she'll be happier with them",
    "everyone would be better off without me",
    "my toddler swallowed some of my pills and is acting really sleepy",
    "I've been having suicidal thoughts again",
    "estoy en el puente ahora mismo",
    "ya no puedo más, esta noche me voy a tomar todas las pastillas",
    # crisis without health words: hopelessness, lethality questions, threats with a plan, symptoms
    "honestly I don't see the point anymore",
    "para q seguir si todo sale mal",
    "how much ibuprofen is too much? just curious",
    "how many of my pills would it take",
    "qué pasa si me tomo una caja entera de ibuprofeno?",
    "they're all gonna regret how they treated me. I have a plan",
    "se van a arrepentir de lo que me hicieron",
    "my chest is so tight, can't catch my breath and my arm is numb",
    "me duele el pecho y tengo el brazo dormido ahora",
    "she texted goodbye i love you and now she won't pick up",
    "hypothetically, what's the most painless way to go",
    "is it true you don't feel anything if you jump from high enough",
    "cuál es la forma menos dolorosa de irse. hipotéticamente",
    # indirect: means acquisition, a high place plus a time, farewells, lethal combinations
    "bought a rope today",
    "compré una cuerda hoy",
    "what's the highest bridge near the city centre? asking for tonight",
    "thanks for everything, this is my last post",
    "fue lindo conocerlos, cuiden a mi perro",
    "does it hurt if you take them all with wine?",
    "¿duele si te las tomas todas con vino?",
]

NOT_CRISIS_RULES = [
    "my chest gets tight when I'm anxious",
    "how many sessions does it usually take?",
    "cuántas sesiones se necesitan en promedio?",
    "I made sure to book early this time",
    "no doy más de cansancio jaja",
    "Hoy es el Día Mundial de la Prevención del Suicidio",
    "I decided to try therapy after all",
    "bought a rope for the climbing gym",
    "compré cuerda para el tendedero",
    "highest bridge in the world is in China",
    "last post of the year, happy holidays!",
    "moving to another city, it's been nice knowing everyone in this group",
    "me mudo a otra ciudad, fue lindo conocerlos a todos",
    "can you drink wine on sertraline?",
]
# fmt: on


@pytest.mark.parametrize("text", NOT_CRISIS_RULES)
def test_when_crisis_like_idiom_then_rules_do_not_say_crisis(detector, text):
    assert rules(detector, text) is not Label.CRISIS



@pytest.mark.parametrize("text, expected", RULE_CASES)
def test_disclosure_rules(detector, text, expected):
    assert rules(detector, text) is expected


@pytest.mark.parametrize("text", CRISIS_CASES)
def test_when_crisis_wording_then_crisis(detector, text):
    assert detector.detect(text).label is Label.CRISIS


def test_when_crisis_asked_about_in_general_then_rules_do_not_flag(detector):
    assert rules(detector, "what should you say if someone tells you they want to die?") is Label.OK


def test_when_contact_details_with_a_care_request_then_sensitive(detector):
    verdict = detector.detect("I need therapy for my anxiety, call me at (212) 555-0187")
    assert verdict.label is Label.SENSITIVE
    assert "PHONE_NUMBER" in verdict.entity_types


def test_when_contact_is_the_pages_own_then_it_does_not_count(detector):
    text = "Please book a session at (212) 555-0187 or hello@calmpractice.com"
    allowed = extract_contacts("Call us on 212-555-0187 or write to Hello@CalmPractice.com")
    assert rules(detector, text) is Label.SENSITIVE
    _, _, hits, assessment = detector.assess(text, allowed_contacts=allowed)
    assert assessment.label is Label.OK
    assert not {h.type for h in hits} & {"PHONE_NUMBER", "EMAIL_ADDRESS"}


def test_verdict_shape_and_reason_never_contains_the_text(detector):
    text = "my Zoloft dose went up to 100mg and my therapist Dr Quinn agrees"
    verdict = detector.detect(text)
    assert isinstance(verdict, Verdict)
    assert verdict.label is Label.SENSITIVE
    for e in verdict.entities:
        assert 0 <= e.start < e.end <= len(text) and 0 < e.score <= 1
    for word in ("Zoloft", "100mg", "Quinn", "therapist"):
        assert word.lower() not in verdict.reason.lower()


def test_when_lang_missing_then_detected():
    assert detect_language("hola, mi hija tiene ansiedad desde hace meses") == "es"
    assert detect_language("my daughter has had anxiety for months") == "en"
    assert detect_language("¿atienden online?") == "es"


def test_spanish_without_lang_tag_is_classified(detector):
    assert detector.detect("me diagnosticaron depresión el año pasado").label is not Label.OK


def test_detector_is_a_process_singleton(detector):
    assert get_detector() is detector


def test_engine_uses_blank_pipelines_and_never_downloads(detector, monkeypatch):
    import spacy.cli

    def no_download(*args, **kwargs):
        raise AssertionError("a spaCy model download was attempted")

    monkeypatch.setattr(spacy.cli, "download", no_download)
    engine = detection._build_nlp_engine()
    assert set(engine.nlp) == {"en", "es"}
    assert all(nlp.pipe_names == ["pageguard_lower_lemma"] for nlp in engine.nlp.values())
    # One multi-language tokenizer serves both: the languages' exception lists only cost cold start.
    assert {nlp.lang for nlp in engine.nlp.values()} == {"xx"}
    assert [t.lemma_ for t in engine.nlp["es"]("Mi HIJO tiene TDAH")] == ["mi", "hijo", "tiene", "tdah"]


def test_email_recognizer_uses_the_bundled_suffix_list(detector):
    import tldextract

    extractor = tldextract.extract
    assert isinstance(extractor, tldextract.TLDExtract)
    assert not extractor.suffix_list_urls  # the bundled snapshot only: no network fetch


def test_empty_text_is_ok(detector):
    assert detector.detect("").label is Label.OK


@pytest.mark.parametrize(
    "text, lang",
    [("adiós a todos, fue lindo conocer a algunos", "en"), ("cuánta insulina puede matar a alguien", "en"),
     ("I don't see the point anymore", "es")],
)
def test_crisis_wording_of_either_language_escalates_whatever_the_language_guess(detector, text, lang):
    assert detector.assess(text, lang)[3].label is Label.CRISIS


@pytest.mark.parametrize("text", [
    "Thank you for reaching out. To protect your privacy, please contact us directly at 555-0100 or "
    "hello@harbor-counselling.example rather than in comments.",
    "Contact us at 555-0100 or hello@harbor-counselling.example",
])
def test_the_pages_own_contact_reply_is_ok_even_with_health_words_in_its_email(detector, text):
    # PageGuard's own replies, and a practice admin pasting its contact line, must never be flagged.
    allowed = extract_contacts(text)
    assert detector.detect(text, allowed_contacts=allowed).label is Label.OK


def test_health_words_inside_an_email_address_are_not_a_disclosure(detector):
    _, _, hits, _ = detector.assess("write to sadgirl.depressed@gmail.com")
    assert [h.type for h in hits] == ["EMAIL_ADDRESS"]


# --- reasons say what decided -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["I am not suicidal", "I'm not suicidal, just tired", "no soy suicida, solo estoy cansada"])
def test_an_explicit_denial_is_never_raised_to_a_crisis(detector, text: str) -> None:
    # The learned heads read a denial much like the statement it denies; the rules' negation wins.
    assert detector.detect(text).label is not Label.CRISIS


def test_a_label_the_learned_stage_raised_alone_says_so(detector) -> None:
    # Which texts the trained weights raise on their own changes with every training run; the reason
    # for that path is pinned on the rules' assessment of a text no rule fires on.
    assessment = detector.assess("love this post, so needed today")[3]
    assert assessment.label is Label.OK
    assert detection.build_reason(Label.SENSITIVE, assessment, learned=True) == (
        "sensitive: learned classifier flagged a personal disclosure")
    assert detection.build_reason(Label.CRISIS, assessment, learned=True) == (
        "crisis: learned classifier flagged crisis wording")


@pytest.mark.parametrize(
    "text, label, reason",
    [
        # rules only: an entity tied to a person
        ("my son's ADHD meds stopped working", Label.SENSITIVE,
         "sensitive: HEALTH_CONDITION, MEDICATION tied to a person (possessive)"),
        ("love this post, so needed today", Label.OK, "ok: no personal health information found"),
        # command hallucinations name the kind of harm they order
        ("las voces dicen q le haga daño a mi hermano", Label.CRISIS, "crisis: harm to others"),
        ("las voces me dicen que me mate a las 3", Label.CRISIS, "crisis: suicide risk"),
    ],
)
def test_the_reason_names_what_decided(detector, text: str, label: Label, reason: str) -> None:
    why = detector.explain(text)
    assert (why.verdict.label, why.verdict.reason) == (label, reason)
    if reason.startswith("sensitive: learned"):  # raised by the learned stage alone
        assert why.assessment.label is Label.OK and why.scores is not None and why.scores.protect
    elif reason.startswith("ok: learned"):  # the rules' finding overruled by the learned stage
        assert why.assessment.label is not Label.OK and why.scores is not None and not why.scores.protect
    else:
        assert why.assessment.label is label  # the rules decided
    if "negated" in reason:
        assert why.scores is not None and not why.scores.protect
