"""Which language a comment is in, and whether PageGuard can judge it.

Detection is built and measured for English and Spanish. Anything else (French in Canada,
Portuguese in the US, German, Italian) must never pass silently as "ok": the verdict says which
language it is, crisis wording that works across languages still escalates, and the professional
is told that PageGuard could not check the item. The guess is a count of very common words of
each language, cheap and linear; short or mixed texts default to English or Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from chalicelib.detect.vocab import SUPPORTED_LANGUAGES

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "de": "German", "it": "Italian"}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Function words that are common in one language and rare in the others.
_STOPWORDS = {
    "en": """the and to of a i is in it you that my for on was with me this have be are so but just not
        at your he she they we our what do can if about it's i'm im been like how from all love had has
        get got would will one when out up there thank thanks really much session therapy anxiety years
        week now""",
    "es": """de la que el en los las del se por un una con es para mi mis muy pero como más mas está esta
        estoy tengo hace desde porque cuando todo también tambien hola gracias yo me lo le les ya sus su
        al son hay fue era tiene nos soy qué cómo sí bien mucho ella él ellos quiero puedo hijo hija mamá
        sesión terapia ansiedad años dias días semana ahora nada algo otra otro eso esto ese buenas buen y
        pienso sin meses semanas hoy llevo jajaja jaja jajajaja jsjs jeje q xq pq porfa tienen aceptan
        precio hermoso hermosa comentario primer encanta ver tu te ti vos sos voy vas eres tienes puede
        pueden favor donde dónde hasta sobre entre bueno buena mejor siempre gente vez día aquí acá ahí
        nunca cada estar ser hacer decir esa esos esas nuestro nuestra usted ustedes cita niño niña hijos
        papá hermano hermana amiga amigo novio novia esposo esposa pareja ni alguien nadie dios señora
        doctora cuánto cuanto cuesta atienden atiende consulta turno mañana tarde noche mes cosas vida
        mismo misma creo sabe dijo tomar tomo lleva sigue sigo ayuda necesito mucha muchas muchos poco a amo
        tal cual che genial vamos hacen pa nel paso dejar dejo""",
    "fr": """le les des est et je vous une du dans pour pas que qui sur avec ce cette mais ou sont nous
        mon ma mes suis très merci bonjour être avoir fait aussi plus tout bien c'est j'ai n'est moi
        toujours quand comme elle ils leur depuis""",
    "pt": """não uma os das dos com para por mais mas como muito obrigado obrigada você vocês eu meu minha
        estou tenho está são também quando ele ela isso esse essa foi ser ter olá bom dia sim nós sua seu
        fazer então porque aqui já""",
    "de": """der die das und ist ich nicht sie es ein eine zu mit auf für den dem ist sind war wir ihr mein
        meine auch aber oder wenn wie danke hallo sehr noch nur schon bei nach von kann habe""",
    "it": """il lo gli della che non sono per una con del alla anche come più ma mio mia sei siamo grazie
        ciao molto questo questa quando perché io tu lui lei noi voi sempre ancora tutto""",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
MIN_EVIDENCE = 3  # common words of another language before a text counts as that language

# Crisis wording in the languages PageGuard does not otherwise read. Deliberately short and literal:
# it only has to make an unreadable crisis reach the professional as urgent.
_OTHER_LANGUAGE_CRISIS = regex.compile(
    r"\b(?:"
    # French
    r"me\s+suicider|me\s+tuer|en\s+finir|mettre\s+fin\s+à\s+(?:mes\s+jours|ma\s+vie)|plus\s+envie\s+de\s+vivre"
    r"|veux\s+mourir|envie\s+de\s+mourir|je\s+vais\s+me\s+(?:tuer|pendre|jeter)|idées?\s+suicidaires?|surdose"
    # Portuguese
    r"|me\s+matar|quero\s+morrer|não\s+quero\s+mais\s+viver|acabar\s+com\s+(?:tudo|a\s+minha\s+vida)"
    r"|tirar\s+a\s+minha\s+vida|vou\s+me\s+matar|pensamentos\s+suicidas"
    # German
    r"|mich\s+umbringen|will\s+sterben|nicht\s+mehr\s+leben|selbstmord|suizidgedanken|mir\s+das\s+leben\s+nehmen"
    # Italian
    r"|uccidermi|ammazzarmi|farla\s+finita|voglio\s+morire|non\s+voglio\s+più\s+vivere|togliermi\s+la\s+vita"
    r")\b",
    regex.IGNORECASE,
)


@dataclass(frozen=True)
class Language:
    code: str

    @property
    def supported(self) -> bool:
        return self.code in SUPPORTED_LANGUAGES

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES.get(self.code, self.code)


def identify(text: str) -> Language:
    """The language with the most common words; another language needs MIN_EVIDENCE words and a clear
    lead over English and Spanish, so a French name in an English sentence stays English."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in _WORDS.items()}
    if any(ch in text for ch in "¿¡ñÑ"):
        counts["es"] += 2
    counts["es"] += sum(ch in "áéíóú" for ch in text.lower()) * 0.5
    supported = max(SUPPORTED_LANGUAGES, key=lambda lang: counts[lang])
    other = max((lang for lang in counts if lang not in SUPPORTED_LANGUAGES), key=lambda lang: counts[lang])
    if counts[other] >= MIN_EVIDENCE and counts[other] >= 1.5 * counts[supported] + 1:
        return Language(other)
    return Language(supported if counts["es"] > counts["en"] else "en")


def has_other_language_crisis_wording(text: str) -> bool:
    return _OTHER_LANGUAGE_CRISIS.search(text) is not None
