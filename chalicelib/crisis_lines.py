"""Crisis resources by country, for the page's crisis reply. Safe-messaging wording: short, no method
details, no clinical advice, points to help now. A page with no country, or one not listed, gets the
generic reply: it assumes no country's numbers. Checked against each service's own site (README)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisLine:
    country: str  # ISO 3166-1 alpha-2
    name: str  # the country's name, for the settings page
    reply: str


GENERIC_REPLY = (
    "We're really glad you reached out, and we want you to be safe. If you are in immediate danger, please "
    "call your local emergency number now, or contact a crisis line in your country; you don't have to wait."
)

_ES_PREFIX = "Nos alegra que nos hayas escrito y queremos que estés a salvo. "

CRISIS_LINES = {line.country: line for line in (
    CrisisLine("US", "United States", "We're really glad you reached out, and we want you to be safe. You can call or "
               "text 988 (Suicide & Crisis Lifeline) any time, day or night. If you are in immediate danger, call 911."),
    CrisisLine("CA", "Canada", "We're really glad you reached out, and we want you to be safe. You can call or text "
               "9-8-8 (Suicide Crisis Helpline) any time, day or night. If you are in immediate danger, call 911."),
    CrisisLine("GB", "United Kingdom", "We're really glad you reached out, and we want you to be safe. You can call "
               "Samaritans free on 116 123, or text SHOUT to 85258, any time. If you are in immediate danger, call 999."),
    CrisisLine("IE", "Ireland", "We're really glad you reached out, and we want you to be safe. You can call Samaritans "
               "free on 116 123, or text HELLO to 50808, any time. If you are in immediate danger, call 112 or 999."),
    CrisisLine("AU", "Australia", "We're really glad you reached out, and we want you to be safe. You can call Lifeline "
               "on 13 11 14 any time, day or night. If you are in immediate danger, call 000."),
    CrisisLine("NZ", "New Zealand", "We're really glad you reached out, and we want you to be safe. You can call or text "
               "1737 any time, or call Lifeline on 0800 543 354. If you are in immediate danger, call 111."),
    CrisisLine("ES", "España", _ES_PREFIX + "Puedes llamar al 024 (línea de atención a la conducta suicida), gratis y "
               "a cualquier hora. Si estás en peligro inmediato, llama al 112."),
    CrisisLine("MX", "México", _ES_PREFIX + "Puedes llamar a la Línea de la Vida, 800 911 2000, gratis y a cualquier "
               "hora. Si estás en peligro inmediato, llama al 911."),
    CrisisLine("AR", "Argentina", _ES_PREFIX + "Puedes llamar al 135 (CABA y GBA) o al 0800 345 1435 (Centro de "
               "Asistencia al Suicida). Si estás en peligro inmediato, llama al 911."),
    CrisisLine("CO", "Colombia", _ES_PREFIX + "Puedes llamar a la línea nacional 192, opción 4, o a la Línea 106 en "
               "Bogotá. Si estás en peligro inmediato, llama al 123."),
    CrisisLine("CL", "Chile", _ES_PREFIX + "Puedes llamar al *4141 (línea de prevención del suicidio), gratis y a "
               "cualquier hora. Si estás en peligro inmediato, llama al 131."),
)}
# Common spelling of the United Kingdom in forms and in pages files.
ALIASES = {"UK": "GB"}


def normalise_country(code: str) -> str:
    code = (code or "").strip().upper()
    return ALIASES.get(code, code)


def default_crisis_reply(country: str) -> str:
    line = CRISIS_LINES.get(normalise_country(country))
    return line.reply if line else GENERIC_REPLY
