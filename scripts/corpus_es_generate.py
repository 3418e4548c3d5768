#!/usr/bin/env python3
"""Deterministic generator for the Spanish part of the PageGuard corpus.

Writes data/corpus/es_generated.jsonl. Composes ~100 structurally different
templates (sensitive / crisis / ok hard negatives) with slot vocabularies and
light surface noise (lowercase, dropped accents, chat abbreviations, emojis).
Texts already present in the handwritten files (es_handwritten_*.jsonl) are
skipped so nothing is duplicated. Fixed seed: same output on every run.

    python3 scripts/corpus_es_generate.py
"""
import json, pathlib, random, re, unicodedata

SEED = 20261125
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "corpus" / "es_generated.jsonl"
TARGET = {"ok": 228, "sensitive": 210, "crisis": 74}
P_MESSAGE_ANY = 0.90  # share of messages for templates usable on both surfaces

# ---------------------------------------------------------------- vocabularies
REL = ["mi hijo", "mi hija", "mi esposa", "mi esposo", "mi mamá", "mi papá", "mi mejor amiga",
       "mi hermano", "mi hermana", "mi novio", "mi novia", "mi abuela", "mi abuelo", "mi pareja",
       "mi sobrino", "mi suegra", "mi compañero de trabajo", "mi vieja", "mi viejo", "mi prima",
       "mi marido", "mi mujer", "mi nene", "mi nena", "mi cuñado", "mi tía"]
NAMES = ["Carlos", "Lucía", "Martina", "Joaquín", "Valeria", "Andrés", "Sofía", "Diego", "Camila",
         "Mateo", "Daniela", "Tomás", "Paola", "Gustavo", "Ximena", "Raúl", "Yesenia", "Brayan"]
REL_PLUS = REL + [f"mi amigo {n}" for n in ["Carlos", "Diego", "Andrés", "Raúl"]] + \
    [f"mi amiga {n}" for n in ["Lucía", "Valeria", "Camila", "Paola"]]
COND = ["depresión", "ansiedad", "TOC", "TDAH", "trastorno bipolar", "anorexia", "bulimia",
        "estrés postraumático", "ataques de pánico", "esquizofrenia", "autismo", "insomnio crónico",
        "fibromialgia", "TLP", "fobia social", "trastorno por atracón", "depresión posparto",
        "ansiedad generalizada", "agorafobia", "hipocondría", "dislexia", "endometriosis",
        "colon irritable", "migrañas crónicas", "hernia de disco", "tendinitis", "Parkinson",
        "Alzheimer", "epilepsia", "diabetes tipo 1"]
SYMPT = ["no duermo hace {n} días", "se me acelera el corazón sin motivo", "me tiemblan las manos todo el día",
         "lloro todos los días", "no tengo hambre desde hace semanas", "me despierto a las 3am y ya no me duermo",
         "siento un nudo en el pecho todo el tiempo", "me mareo cada vez que salgo a la calle",
         "no puedo concentrarme en nada", "escucho cosas que los demás no escuchan",
         "me da pánico salir de casa", "se me olvida todo", "no puedo parar de comer de noche",
         "me duele la espalda hace meses", "tengo pesadillas todas las noches",
         "me siento vacía por dentro", "no tengo ganas de levantarme de la cama",
         "me falta el aire cuando tengo que hablar en público"]
MEDS = [("sertralina", "Zoloft"), ("fluoxetina", "Prozac"), ("clonazepam", "Rivotril"),
        ("alprazolam", "Tafil"), ("metilfenidato", "Ritalin"), ("escitalopram", "Lexapro"),
        ("quetiapina", "Seroquel"), ("litio", "Carbolit"), ("venlafaxina", "Efexor"),
        ("lamotrigina", "Lamictal"), ("aripiprazol", "Abilify"), ("bupropión", "Wellbutrin"),
        ("mirtazapina", "Remeron"), ("paroxetina", "Paxil"), ("lorazepam", "Ativan"),
        ("atomoxetina", "Strattera"), ("pregabalina", "Lyrica"), ("trazodona", "Trazodona")]
DOSE = ["25 mg", "50 mg", "100 mg", "10 mg", "20 mg", "0,5 mg", "2 mg", "150 mg", "300 mg", "medio comprimido"]
TREAT = ["EMDR", "terapia cognitivo conductual", "DBT", "terapia de pareja", "psicoanálisis",
         "kinesiología", "terapia ocupacional", "logopedia", "rehabilitación", "terapia de grupo",
         "terapia familiar", "fisioterapia de suelo pélvico", "acupuntura", "hidroterapia",
         "mindfulness con la psicóloga", "tratamiento con la nutricionista"]
TIME = ["hace 3 meses", "desde marzo", "desde el divorcio", "hace dos semanas", "desde la pandemia",
        "hace un año", "desde que nació el bebé", "hace como 6 meses", "desde que me mudé",
        "desde chiquita", "desde el accidente", "hace años", "desde enero", "hace 10 días"]
PROF = ["psicóloga", "psicólogo", "psiquiatra", "terapeuta", "fisio", "nutri", "kinesióloga",
        "logopeda", "matrona", "psico", "terapeuta ocupacional", "consejera"]
DAY = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado"]
HOUR = ["a las 9", "a las 10", "a las 11:30", "a las 15", "a las 17", "a las 18:30", "a las 19", "de la tarde"]
SUBST = ["el alcohol", "la cocaína", "la marihuana", "las pastillas", "el juego", "el cristal",
         "los opioides", "el tabaco", "las apuestas online", "los tranquilizantes"]
REPRO = ["estoy embarazada de {n} semanas", "perdí un embarazo {time}", "estamos haciendo FIV {time}",
         "tengo VIH {time}", "empecé la PrEP {time}", "me diagnosticaron clamidia", "me dio positivo VPH",
         "empecé terapia hormonal {time}", "me puse el implante anticonceptivo {time}",
         "estoy en tratamiento de fertilidad {time}", "tuve un aborto espontáneo {time}",
         "me salió positivo el test de embarazo ayer", "tengo herpes genital {time}"]
DISAB = ["uso silla de ruedas", "soy sorda", "soy ciego", "tengo baja visión", "tengo una amputación",
         "tengo parálisis cerebral", "soy hipoacúsico", "tengo discapacidad intelectual leve"]
EMO = ["😔", "😢", "🙏", "💔", "😞", "🥺", "😩", "❤️", "🫠", "😭", "💛", "🙌", "😅", ""]
EMO_OK = ["👏", "🙌", "❤️", "😍", "💯", "✨", "😂", "🤣", "💚", "👍", "🔥", ""]
OPEN = ["", "", "", "Hola, ", "Buenas, ", "holaa ", "Hola doctora, ", "Buen día, ", "Hola Lic, ",
        "che ", "oye ", "tío, ", "neta ", "mira, ", "Disculpe, ", "ey ", "Buenas noches, "]
CLOSE = ["", "", "", " gracias", " saludos", " alguien más?", " no sé qué hacer", " ayuda porfa",
         " 🙏", " bendiciones", " x fa respondan", " es normal?", " que me recomiendan?"]
INSURER = ["OSDE", "Swiss Medical", "IOMA", "PAMI", "Galeno", "Sanitas", "Adeslas", "DKV", "Mapfre",
           "Sura", "Colsanitas", "Compensar", "GNP", "Metlife", "Medicaid", "Blue Cross", "Aetna",
           "Triple-S", "MCS", "Humana", "Cigna", "Medicare", "Medifé", "OMINT"]
SERVICE = ["terapia de pareja", "terapia infantil", "terapia online", "evaluación neuropsicológica",
           "terapia para adolescentes", "talleres grupales", "sesiones en inglés", "orientación vocacional",
           "fisioterapia deportiva", "consulta nutricional", "terapia familiar", "rehabilitación postparto",
           "terapia del lenguaje", "atención a domicilio"]
CITY = ["Palermo", "Córdoba", "Rosario", "Madrid", "Sevilla", "Valencia", "CDMX", "Guadalajara",
        "Monterrey", "Bogotá", "Medellín", "Cali", "San Juan", "Santo Domingo", "Miami", "Houston",
        "Los Ángeles", "Santiago", "Lima", "Montevideo", "Barcelona", "Puebla", "Mendoza"]
TOPIC = ["la ansiedad", "la depresión", "el TDAH en adultos", "el duelo", "los ataques de pánico",
         "el insomnio", "el TOC", "la autoestima", "los trastornos alimentarios", "el burnout",
         "el apego ansioso", "la dependencia emocional", "el trauma", "la crianza respetuosa",
         "la salud mental perinatal", "el dolor lumbar", "la alimentación intuitiva", "las adicciones",
         "el suicidio adolescente", "el autismo en mujeres"]
# public figures only with vague wording about what they chose to talk about publicly
PUBLIC = ["Selena Gomez", "Demi Lovato", "Michael Phelps", "Simone Biles", "Lady Gaga", "Naomi Osaka"]
FICTION = ["Bojack Horseman", "la protagonista de Euphoria", "el personaje de Joaquin Phoenix en Joker",
           "el protagonista de la novela de la tarde", "la mamá de la serie que estoy viendo",
           "el detective de esa serie nórdica", "la prota de Intensamente", "el villano de la película"]
IDIOM = ["me muero de risa", "me muero de ganas de ir", "este tráfico me está matando",
         "mataría por un café", "soy adicta a este podcast", "este calor me mata",
         "me quiero morir de la vergüenza jaja", "estoy muerta de sueño", "me volví loca con las ofertas",
         "qué bajón el final de la serie", "me da un infarto si pierde mi equipo", "me tiene loco el jefe",
         "estoy obsesionada con este tema", "me mata la intriga", "muero de hambre", "me mataste con este reel",
         "estoy en depresión post vacaciones jaja", "soy adicto al café", "me dio un ataque de risa",
         "me estoy muriendo de frío", "ando loquita con la mudanza"]
IDIOM_CTX = ["jajaja", "😂", "🤣", "lol", "jsjsjs", "xD", "jaja", "💀"]
INDIRECT = ["ya elegí la fecha", "regalé a mi gato", "les escribí cartas a todos",
            "esto es una despedida", "pronto dejaré de ser un problema", "junté pastillas suficientes",
            "todos estarían mejor sin mí", "ya no puedo más y ya sé cómo terminar con esto", "estoy cansada de existir",
            "quiero dormir y no despertar", "me tomé todo lo del botiquín", "este es mi último post",
            "ya dejé todo ordenado para cuando no esté", "mañana ya no voy a estar", "no voy a seguir aquí mucho tiempo",
            "ya me despedí de mi familia sin que se dieran cuenta", "quiero desaparecer para siempre",
            "hoy termino con todo", "no le veo sentido a seguir viviendo", "ya tengo el plan",
            "ojalá no despertar mañana", "estoy en el puente ahora", "ya no quiero vivir",
            "dejé una carta en la mesa de la cocina", "nadie notaría si me muero hoy"]
SELFHARM = ["me corté", "me volví a cortar", "me quemé con el encendedor", "me golpeé hasta sangrar",
            "me rasguñé los brazos hasta sangrar", "me corté los muslos"]
HARM_OTHER = ["lo voy a lastimar", "me las va a pagar, ya sé dónde vive", "la voy a matar cuando llegue",
              "le voy a hacer daño de verdad", "voy a ir a buscarlo con el cuchillo",
              "le voy a prender fuego al auto con él adentro"]
EMERG_SELF = ["me duele el pecho y tengo el brazo dormido ahora mismo", "no puedo respirar",
              "estoy sangrando mucho y no para", "tengo la mitad de la cara dormida desde hace un rato",
              "se me cierra la garganta", "estoy vomitando sangre", "me desmayé y todo me da vueltas"]
EMERG_OTHER = ["está convulsionando", "se desmayó y no responde", "se puso azul y no respira bien",
               "está vomitando sangre", "tiene la cara torcida y no puede hablar", "se cayó y sangra mucho de la cabeza",
               "dice que le duele el pecho y el brazo izquierdo"]
TIME_AGO = ["hace 3 meses", "el año pasado", "hace dos semanas", "en marzo", "hace un año", "a los 15",
            "hace poco", "de grande", "en la adolescencia", "después del parto"]

# ------------------------------------------------------------------- helpers
rng = random.Random(SEED)
C = rng.choice


def nsub(s):
    return s.replace("{n}", str(C([2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 30]))).replace("{time}", C(TIME_AGO))


def med():
    g, b = C(MEDS)
    return C([g, b, g])


def art(g):
    return ("la " if g.endswith("a") else "el ") + g


def med_art():
    g, b = C(MEDS)
    if rng.random() < 0.35:
        return "el " + b
    return ("la " if g.endswith("a") else "el ") + g


def cap(s):
    return s[:1].upper() + s[1:] if s else s


def strip_accents(s):
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn" or ch == "\u0303").replace("n\u0303", "ñ")


ABBR = [(r"\bque\b", "q"), (r"\bporque\b", "xq"), (r"\bpor favor\b", "x fa"), (r"\btambién\b", "tb"),
        (r"\bpor\b", "x"), (r"\bbien\b", "bn"), (r"\bestoy\b", "toy")]


def noise(t):
    r = rng.random()
    if r < 0.30:
        t = t.lower()
    if rng.random() < 0.30:
        t = strip_accents(t)
    if rng.random() < 0.25:
        for pat, rep in rng.sample(ABBR, 3):
            t = re.sub(pat, rep, t)
    if rng.random() < 0.15:
        t = t.rstrip(".")
    t = re.sub(r"\bde el\b", "del", t)
    t = re.sub(r"\ba el\b", "al", t)
    return re.sub(r"\s+", " ", t).strip()


# ------------------------------------------------------------------ templates
# (label, surface: c|m|a, builder, why)
T = []


def tpl(label, surface, why):
    def deco(f):
        T.append((label, surface, f, why))
        return f
    return deco

# ---------------- sensitive: own condition / symptoms
@tpl("sensitive", "c", "writer discloses own diagnosis")
def _(): return f"{C(OPEN)}yo tengo {C(COND)} {C(['desde chica', 'hace años', 'desde la pandemia', 'desde siempre', 'hace un tiempo'])} y este post me describe tal cual {C(EMO)}"
@tpl("sensitive", "c", "writer discloses own diagnosis")
def _(): return f"me diagnosticaron {C(COND)} {C(TIME_AGO)} y todavía me cuesta hablarlo{C(CLOSE)}"
@tpl("sensitive", "a", "writer describes own symptoms")
def _(): return f"{C(OPEN)}{nsub(C(SYMPT))} y {nsub(C(SYMPT))}, {C(['será ansiedad?', 'qué puede ser?', 'me asusta', 'ya no sé qué hacer'])}"
@tpl("sensitive", "c", "writer describes own symptoms")
def _(): return f"a mí me pasa esto, {nsub(C(SYMPT))} {C(EMO)}"
@tpl("sensitive", "c", "writer discloses own condition via identification")
def _(): return f"{C(['Como persona con', 'Siendo alguien con', 'Yo que vivo con'])} {C(COND)}, te digo que esto es real"
@tpl("sensitive", "c", "writer discloses own condition")
def _(): return f"{C(['jaja', 'literal', 'posta', 'neta', 'tal cual'])} mi {C(COND)} y yo nos sentimos atacados con este post {C(['😂', '🥲', '💀'])}"
@tpl("sensitive", "a", "writer's own symptom with time course")
def _(): return f"{C(TIME)} que {C(['no puedo dormir', 'tengo ataques de pánico', 'no como bien', 'me siento triste todo el día', 'vomito después de comer'])}, {C(['¿es para terapia?', '¿atienden eso?', 'quiero pedir turno', 'no sé a quién recurrir'])}"
# ---------------- sensitive: third party
@tpl("sensitive", "c", "identifiable relative's diagnosis")
def _(): return f"{cap(C(REL_PLUS))} tiene {C(COND)} y {C(['no sé cómo ayudar', 'nadie nos orienta', 'estamos agotados', 'no quiere tratarse', 'esto nos sirve mucho'])}{C(['', ' 😔', ' 🙏', ', alguien más pasa por esto?'])}"
@tpl("sensitive", "a", "identifiable relative's symptoms")
def _(): return f"{C(OPEN)}{C(REL)} {C(['no duerme', 'no come', 'llora todo el día', 'no sale de su cuarto', 'escucha voces', 'se lava las manos mil veces', 'se olvida de todo'])} {C(TIME)}, {C(['qué hago?', 'lo puedo llevar?', 'atienden esto?', 'necesito orientación'])}"
@tpl("sensitive", "c", "named person's condition")
def _(): return f"{C(NAMES)}, {C(['de mi trabajo', 'del barrio', 'de la facu', 'del gimnasio', 'de mi grupo de amigos'])}, {C(['tiene', 'está en tratamiento por', 'está luchando con'])} {C(COND)} y {C(['le mandé este post', 'lo quiero ayudar', 'está muy mal'])}"
@tpl("sensitive", "m", "child's diagnosis with care request")
def _(): return f"{C(OPEN)}soy {C(['la mamá', 'el papá', 'la abuela', 'la tía'])} de {C(NAMES)}, {C([5, 7, 9, 11, 13, 15])} años, tiene diagnóstico de {C(['TDAH', 'TEA', 'dislexia', 'ansiedad', 'TOC', 'retraso del lenguaje'])}. ¿{C(['Atienden niños', 'Tienen turno', 'Trabajan con la obra social', 'Hacen online'])}?"
@tpl("sensitive", "c", "relative's condition told in a reply")
def _(): return f"@{C(['ana', 'lu', 'pame', 'jose', 'nico', 'vero'])}{C(['_', '.', ''])}{C(['gomez', 'perez', 'rz', '92', 'oficial'])} {C(['esto es lo de tu', 'mirá, esto es lo que tiene tu', 'lee esto por lo de tu'])} {C(['hijo', 'mamá', 'papá', 'hermana', 'novio'])} con {C(COND)}"
@tpl("sensitive", "c", "partner's addiction")
def _(): return f"{cap(C(['mi esposo', 'mi novio', 'mi pareja', 'mi papá', 'mi hermano', 'mi hijo']))} tiene problemas con {C(SUBST)} {C(TIME)} {C(EMO)}"
# ---------------- sensitive: meds
@tpl("sensitive", "a", "own medication and dose")
def _(): return f"{C(OPEN)}tomo {med()} {C(DOSE)} {C(TIME)} y {C(['me da mucho sueño', 'me siento mejor', 'subí de peso', 'no noto nada', 'tengo náuseas', 'me bajó la libido'])}{C(CLOSE)}"
@tpl("sensitive", "a", "own medication change")
def _(): return f"{C(['mi psiquiatra', 'el médico', 'la doctora', 'mi psiquiatra nuevo'])} me {C(['subió', 'bajó', 'cambió', 'sacó'])} {med_art()} y {C(['ando rara', 'no duermo', 'estoy irritable', 'me siento mejor'])}"
@tpl("sensitive", "c", "relative's medication")
def _(): return f"{cap(C(REL))} toma {med()} {C(TIME)}, ¿{C(['es normal que esté tan dormido', 'puede tomar alcohol', 'engorda', 'se puede dejar de golpe'])}?"
@tpl("sensitive", "m", "own medication supply problem")
def _(): return f"{C(OPEN)}se me {C(['terminó', 'acabó'])} {med_art()} y no consigo turno con el psiquiatra hasta {C(['el mes que viene', 'dentro de 3 semanas', 'marzo'])}, {C(['qué hago', 'me pueden hacer receta?', 'lo puedo dejar unos días?'])}"
@tpl("sensitive", "c", "Spanglish own meds")
def _(): return f"{C(['mis meds', 'my meds', 'las pastillas'])} {C(['de la anxiety', 'para la depre', 'del ADHD'])} {C(['no me están funcionando', 'me tienen bien tired', 'me cambiaron la vida'])} {C(['honestly', 'la verdad', 'lol'])}"
# ---------------- sensitive: treatment / therapy relationship
@tpl("sensitive", "m", "appointment of the writer = client relationship")
def _(): return f"{C(OPEN)}{C(['¿podemos mover mi cita del {d}?', 'no voy a poder ir a mi sesión del {d}, perdón', 'te confirmo mi turno del {d}', 'llego 10 min tarde a la consulta del {d}', '¿se puede pasar mi sesión del {d} a otro día?', 'nos vemos en mi sesión del {d}!'])}".replace("{d}", f"{C(DAY)} {C(HOUR)}")
@tpl("sensitive", "c", "thanks for own session = client")
def _(): return f"Gracias {C(['Lic', 'Dra', 'doc', 'profe', 'Laura', 'Javier', 'Mariela'])} por {C(['la consulta de la semana pasada', 'la sesión de ayer', 'escucharme el martes', 'la cita de hoy', 'todo este año de terapia'])}, {C(['me fui más tranquila', 'me ayudó muchísimo', 'lo necesitaba', 'sigo pensando en lo que hablamos'])} {C(EMO)}"
@tpl("sensitive", "c", "client of this professional")
def _(): return f"desde que empecé {C(['a verte', 'con vos', 'con usted', 'terapia contigo'])} {C(['duermo mejor', 'ya no tengo crisis', 'me animo a salir', 'como mejor', 'dejé de tomar'])} {C(['', '🙏', '💛', '🙌', '❤️', 'gracias'])}"
@tpl("sensitive", "c", "writer is in therapy")
def _(): return f"{C(['jaja', 'literal', 'tal cual,', 'uff'])} mi {C(PROF)} me dijo {C(['lo mismo', 'exactamente esto', 'algo parecido'])} {C(['la semana pasada', 'ayer', 'el martes', 'en la última sesión'])}"
@tpl("sensitive", "a", "own ongoing treatment")
def _(): return f"{C(['empecé', 'terminé', 'arranqué'])} {C(TREAT)} {C(TIME_AGO)} {C(['y me está ayudando', 'y me removió todo', 'pero no noto cambios', 'y es lo mejor que hice'])}"
@tpl("sensitive", "c", "relative's treatment")
def _(): return f"{cap(C(REL))} {C(['hace', 'empezó', 'dejó'])} {C(TREAT)} {C(TIME_AGO)}{C(['', ' y está mejor', ' y no ve cambios', ', alguien lo hizo?'])}"
@tpl("sensitive", "m", "client requesting paperwork")
def _(): return f"{C(OPEN)}{C(['necesito', '¿me podrías mandar', '¿me hace'])} {C(['un certificado de asistencia a mis sesiones', 'la factura de mis sesiones', 'un informe de mi hijo para el colegio', 'la constancia de mi tratamiento'])} {C(['para el trabajo', 'para la prepaga', 'para el seguro', 'para el reintegro'])}"
@tpl("sensitive", "c", "past psychiatric hospitalization")
def _(): return f"{C(['estuve internada', 'estuve internado', 'me internaron'])} {C(['en una clínica psiquiátrica', 'por una crisis', 'en salud mental'])} {C(['en 2019', 'hace dos años', 'el año pasado', 'de adolescente'])} y {C(['hoy estoy bien', 'todavía me cuesta', 'nadie lo sabe'])}"
# ---------------- sensitive: substances
@tpl("sensitive", "c", "own sobriety/recovery")
def _(): return f"{C(['llevo', 'hoy cumplo', 'ya van'])} {C(['30 días', '3 meses', '1 año', '90 días', '2 años', '6 meses'])} {C(['sobria', 'sobrio', 'limpio', 'limpia', 'sin tomar', 'sin consumir'])} {C(['🙌', '💪', '🙏', ''])}"
@tpl("sensitive", "a", "own relapse")
def _(): return f"{C(['recaí', 'volví a consumir', 'volví a tomar', 'tuve una recaída'])} {C(['el finde', 'ayer', 'anoche', 'la semana pasada'])} después de {C(['4 meses', 'un año', 'seis semanas', '200 días'])}, {C(['me siento una mierda', 'no sé cómo volver', 'me da vergüenza'])}"
@tpl("sensitive", "a", "own substance use")
def _(): return f"{C(['creo que tengo un problema con', 'no puedo dejar', 'estoy enganchado con', 'consumo todos los días'])} {C(SUBST)}{C(CLOSE)}"
# ---------------- sensitive: reproductive / sexual health
@tpl("sensitive", "a", "own reproductive/sexual health")
def _(): return f"{C(OPEN)}{nsub(C(REPRO))} y {C(['tengo mucha ansiedad', 'no le conté a nadie', 'quiero hablarlo con alguien', 'me siento sola', 'estoy muy feliz pero con miedo'])}"
@tpl("sensitive", "c", "relative's reproductive health")
def _(): return f"{cap(C(['mi esposa', 'mi hermana', 'mi novia', 'mi hija', 'mi mejor amiga', 'mi nuera']))} {C(['perdió el embarazo', 'está embarazada', 'está haciendo FIV', 'tuvo un aborto espontáneo'])} {C(['hace poco', 'el mes pasado', 'de nuevo', 'y está muy triste'])}{C(CLOSE)}"
# ---------------- sensitive: disability, body, contact details
@tpl("sensitive", "c", "own disability")
def _(): return f"{C(DISAB)} y {C(['me cuesta llegar a los consultorios', 'me encantaría que tus videos fueran accesibles', 'nadie me atiende bien', 'esto me ayudó mucho'])}"
@tpl("sensitive", "c", "own eating behaviour / body")
def _(): return f"{C(['yo', 'a mi edad yo', 'uff yo'])} {C(['cuento cada caloría', 'me salteo comidas para bajar', 'me doy atracones de noche', 'vomito si como de más', 'me peso 5 veces por día'])} {C(TIME)} {C(EMO)}"
@tpl("sensitive", "c", "own phone with care request")
def _(): return f"{C(['Necesito turno', 'Quiero empezar terapia', 'Busco psicóloga', 'Necesito ayuda'])} {C(['por mi ansiedad', 'por mi depresión', 'urgente', 'para mí'])}, {C(['mi cel', 'mi número', 'mi whatsapp', 'llámenme al'])} {C(['11', '55', '300', '787', '+34 6', '351', '809'])} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
@tpl("sensitive", "c", "own email with care request")
def _(): return f"{C(['escríbanme a', 'mi mail es', 'contactame a', 'mandame info a'])} {C(['maria', 'jose', 'pao', 'luis', 'cami', 'fer'])}.{C(['lopez', 'g', 'rz', 'mtz', '88'])}@example.com {C(['que quiero turno para terapia', 'para sacar cita con la psiquiatra', 'necesito empezar tratamiento'])}"
# ---------------- crisis
@tpl("crisis", "a", "indirect suicidal ideation / farewell")
def _(): return f"{C(OPEN)}{C(INDIRECT)}{C(['', '.', '...', ' 🥀', ' 🖤', ' gracias por todo'])}"
@tpl("crisis", "a", "indirect suicide signal with context")
def _(): return f"{C(['no aguanto más', 'ya fue', 'estoy harta de todo', 'nadie me entiende', 'todo me sale mal'])}, {C(INDIRECT)}"
@tpl("crisis", "m", "farewell to the professional")
def _(): return f"{C(['Doc', 'Lic', 'Dra', 'Profe'])}, {C(['quería agradecerle por todo antes de irme', 'no voy a volver a ninguna sesión, gracias por intentarlo', 'esto es una despedida, gracias por escucharme', 'ya tomé la decisión, solo quería que lo supiera'])}"
@tpl("crisis", "a", "explicit suicidal plan")
def _(): return f"{C(['me voy a matar', 'me voy a quitar la vida', 'me voy a tirar del puente', 'me voy a tomar todas las pastillas', 'pienso matarme', 'voy a quitarme la vida'])} {C(['esta noche', 'hoy', 'mañana', 'el sábado', 'cuando se vayan todos'])}"
@tpl("crisis", "a", "active self-harm")
def _(): return f"{C(SELFHARM)} {C(['hoy', 'hace un rato', 'otra vez', 'recién'])} y {C(['no para de sangrar', 'no puedo parar', 'quiero seguir', 'tengo miedo'])}"
@tpl("crisis", "a", "intent to harm another person")
def _(): return f"{C(['mi ex', 'el vecino', 'mi jefe', 'mi padrastro', 'ese tipo', 'mi cuñado'])} {C(['me tiene harta', 'me humilló otra vez', 'no me deja en paz'])}, {C(HARM_OTHER)}"
@tpl("crisis", "m", "medical emergency happening now")
def _(): return f"{C(['ayuda', 'urgente', 'por favor', 'auxilio'])} {C(EMERG_SELF)} {C(['qué hago', 'ahora mismo', 'ayuda!!', 'estoy sola'])}"
@tpl("crisis", "m", "someone else's medical emergency now")
def _(): return f"{C(['ayuda', 'urgente', 'por favor', 'auxilio'])} {C(['mi papá', 'mi abuela', 'mi hijo', 'mi esposa', 'mi amigo', 'mi mamá'])} {C(EMERG_OTHER)} {C(['qué hago', 'ahora', 'ayuda!!', 'no sé qué hacer'])}"
@tpl("crisis", "m", "third person at imminent suicide risk")
def _(): return f"{cap(C(REL_PLUS))} {C(['dice que se va a matar esta noche', 'me mandó un mensaje de despedida y no contesta', 'está en la terraza diciendo que se tira', 'se encerró con pastillas y no abre', 'publicó que hoy se termina todo'])}, {C(['qué hago', 'ayuda', 'por favor respondan', 'estoy desesperada'])}"
@tpl("crisis", "m", "child at risk now")
def _(): return f"{C(['mi nene', 'mi nena', 'mi bebé', 'mi hijo de 3 años', 'mi sobrinito'])} {C(['se tragó unas pastillas mías', 'se tomó el jarabe entero', 'tomó lavandina', 'se tragó una pila'])} y {C(['está muy dormido', 'está vomitando', 'no reacciona bien', 'llora raro'])}"
@tpl("crisis", "a", "overdose now")
def _(): return f"{C(['me tomé', 'acabo de tomar', 'tomé'])} {C(['20', '15', '30', 'todas las', 'una caja de'])} {C(['pastillas', 'clonazepam', 'Rivotril', 'alprazolam', 'paracetamol', 'quetiapinas'])} {C(['hace un rato', 'con alcohol', 'recién', 'hace media hora'])}"
@tpl("crisis", "c", "ideation disguised as a joke")
def _(): return f"{C(['jaja', 'lol', 'jsjs'])} {C(['no es chiste', 'bueno no tan jaja', 'en serio eh'])}, {C(['quiero morirme', 'ya tengo todo pensado para matarme', 'no pienso seguir viviendo'])}"
# ---------------- ok: practice questions
@tpl("ok", "a", "price question")
def _(): return f"{C(OPEN)}{C(['cuánto sale', 'cuánto cuesta', 'qué precio tiene', 'precio de', 'valor de'])} {C(['la sesión', 'la consulta', 'la primera cita', 'el paquete de sesiones', 'la evaluación', 'la consulta online'])}?{C(['', ' gracias', ' x fa', ' 🙏'])}"
@tpl("ok", "a", "insurance question")
def _(): return f"{C(OPEN)}{C(['¿atienden por', '¿aceptan', '¿trabajan con', '¿tienen convenio con', 'do you take'])} {C(INSURER)}?"
@tpl("ok", "a", "hours question")
def _(): return f"{C(OPEN)}{C(['qué horarios tienen los', 'atienden los', 'hay turnos los', 'abren los'])} {C(DAY)}{C(['?', ' a la tarde?', ' a la mañana?', ' temprano?'])}"
@tpl("ok", "a", "service question")
def _(): return f"{C(OPEN)}¿{C(['hacen', 'ofrecen', 'tienen', 'trabajan'])} {C(SERVICE)}?"
@tpl("ok", "a", "location question")
def _(): return f"{C(OPEN)}{C(['¿tienen consultorio en', '¿atienden en', '¿hay sede en', '¿van a abrir en'])} {C(CITY)}?"
@tpl("ok", "a", "waiting list / availability")
def _(): return f"{C(OPEN)}{C(['hay lista de espera?', 'están tomando pacientes nuevos?', 'cuándo abren agenda?', 'tienen lugar este mes?', 'hay turnos disponibles?'])}"
@tpl("ok", "a", "who they treat")
def _(): return f"{C(OPEN)}¿atienden {C(['adolescentes', 'niños', 'adultos mayores', 'parejas', 'familias', 'gente de otros países', 'hombres', 'personas LGBT'])}?"
@tpl("ok", "m", "payment/admin question")
def _(): return f"{C(OPEN)}{C(['se puede pagar con', 'aceptan', 'cobran con'])} {C(['transferencia', 'Mercado Pago', 'tarjeta', 'Bizum', 'Zelle', 'Nequi', 'PayPal', 'efectivo'])}?"
@tpl("ok", "a", "modality question")
def _(): return f"{C(OPEN)}{C(['las sesiones online son por', 'usan', 'la videollamada es por'])} {C(['Zoom', 'Meet', 'WhatsApp', 'Skype', 'Teams'])}?"
# ---------------- ok: general health topics / questions
@tpl("ok", "c", "general health topic, no person")
def _(): return f"{C(['Buenísimos consejos para', 'Qué buen post sobre', 'Gracias por hablar de', 'Muy claro lo que explicás sobre', 'Hace falta más info sobre'])} {C(TOPIC)} {C(EMO_OK)}"
@tpl("ok", "c", "general question about a therapy")
def _(): return f"¿{C(['el EMDR', 'la TCC', 'el psicoanálisis', 'la DBT', 'la hipnosis', 'el mindfulness', 'la terapia sistémica', 'la acupuntura'])} {C(['tiene evidencia para', 'sirve para', 'funciona para', 'es recomendable para'])} {C(TOPIC)}?"
@tpl("ok", "c", "general drug question without a person")
def _(): return f"{C(['pregunta general:', 'duda:', 'por curiosidad,', 'para un trabajo de la facu:'])} ¿{art(C(MEDS)[0])} {C(['genera dependencia', 'engorda', 'se puede mezclar con alcohol', 'cuánto tarda en hacer efecto', 'para qué se usa'])}?"
@tpl("ok", "c", "hypothetical")
def _(): return f"si alguien {C(['tiene', 'sospecha que tiene', 'cree que tiene'])} {C(COND)}, {C(['¿cómo le dice a su familia?', '¿a quién debería consultar?', '¿qué tratamiento suele funcionar?', '¿cuánto dura la terapia?'])}"
@tpl("ok", "c", "negated mention")
def _(): return f"{C(['no tengo', 'yo no tengo', 'nunca tuve', 'no creo tener'])} {C(COND)}, {C(['solo tengo curiosidad', 'pero me interesa el tema', 'pregunto para entender', 'pero me pareció muy interesante'])}"
@tpl("ok", "c", "public figure or fiction")
def _(): return f"{C(PUBLIC)} {C(['habló en público de su salud mental', 'contó en una entrevista que fue a terapia', 'visibilizó la salud mental en el deporte y el espectáculo'])}, {C(['muy valiente', 'eso ayuda', 'qué tema', 'me hizo pensar'])}"
@tpl("ok", "c", "fictional character")
def _(): return f"{C(FICTION)} {C(['tenía', 'sufría de', 'mostraba muy bien la', 'es un retrato de la'])} {C(['depresión', 'adicción', 'ansiedad', 'bipolaridad', 'esquizofrenia', 'TOC'])}, {C(['qué bien actuado', 'muy real', 'aunque con mucho estigma', 'me hizo pensar'])}"
@tpl("ok", "c", "general observation about a group")
def _(): return f"{C(['cada vez más', 'muchos', 'la mayoría de los', 'un montón de'])} {C(['adolescentes', 'jóvenes', 'hombres', 'adultos mayores', 'estudiantes', 'médicos'])} {C(['tienen ansiedad', 'no piden ayuda', 'sufren burnout', 'están solos'])} y {C(['nadie habla de eso', 'hay que hacer algo', 'es preocupante'])}"
@tpl("ok", "c", "awareness message")
def _(): return f"{C(['Hoy es el Día Mundial de', 'Este mes es el mes de', 'Recordemos en el día de'])} {C(['la salud mental', 'la prevención del suicidio', 'la concientización sobre el autismo', 'la lucha contra la depresión', 'la salud materna'])}. {C(['Hablar ayuda', 'Pidamos ayuda', 'Compartan', 'Nadie está solo'])} {C(EMO_OK)}"
@tpl("ok", "c", "colleague discussing the field")
def _(): return f"{C(['Como colega,', 'Como psicóloga,', 'Desde la psiquiatría,', 'Como fisio,', 'Como nutricionista,'])} {C(['coincido totalmente', 'agregaría algo', 'creo que falta matizar', 'me parece muy valioso el enfoque'])} sobre {C(TOPIC)}"
@tpl("ok", "c", "policy opinion")
def _(): return f"{C(['la obra social', 'el sistema público', 'la prepaga', 'el seguro médico', 'el gobierno'])} {C(['debería cubrir más sesiones de', 'no invierte nada en', 'ignora por completo la'])} {C(['salud mental', 'rehabilitación', 'nutrición', 'psicología infantil'])}"
# ---------------- ok: idioms / chit-chat / praise / spam / events
@tpl("ok", "c", "idiom that only sounds like health/crisis")
def _(): return f"{C(IDIOM)} {C(IDIOM_CTX)}"
@tpl("ok", "c", "idiom in everyday context")
def _(): return f"{C(['con este post', 'con el partido de ayer', 'con el finde largo', 'con la mudanza', 'con el examen', 'con la boda de mi prima'])} {C(IDIOM)} {C(IDIOM_CTX)}"
@tpl("ok", "c", "economic/weather 'depression'")
def _(): return C([f"la depresión tropical {C(['va a traer lluvias', 'ya es tormenta', 'complica el fin de semana'])} en {C(['Veracruz', 'el Caribe', 'Yucatán', 'Puerto Rico'])}, cuídense",
                     f"la {C(['gran depresión', 'depresión económica del 29', 'depresión de los 30'])} {C(['es tema del examen de historia', 'cambió la economía mundial', 'fue durísima'])}",
                     f"la depresión aislada en niveles altos {C(['trae frío', 'deja lluvias', 'complica el finde'])} {C(['en Madrid', 'en Andalucía', 'en el norte'])}",
                     f"hay una depresión en {C(['el terreno', 'el patio', 'la cancha'])} y se junta el agua {C(IDIOM_CTX)}"])
@tpl("ok", "c", "praise")
def _(): return f"{C(['Excelente', 'Hermoso', 'Qué buen', 'Muy útil el', 'Me encantó el', 'Gracias por el'])} {C(['post', 'video', 'reel', 'live', 'carrusel', 'contenido'])}{C(['!', '!!', '', ' 😍', ' 👏👏', ' 💯'])}"
@tpl("ok", "c", "tagging friends")
def _(): return f"@{C(['sofi', 'juli', 'meli', 'tato', 'fran', 'cande'])}{C(['.', '_', ''])}{C(['r', 'mtz', 'ok', '96', 'ar'])} {C(['mirá esto', 'para vos', 'jajaja nosotras', 'te acordás?', 'esto te va a gustar', 'leé esto'])}"
@tpl("ok", "c", "spam")
def _(): return f"{C(['🔥', '💸', '✅', '💰'])} {C(['Ganá dinero desde casa', 'Seguidores reales gratis', 'Invierte en cripto y duplica', 'Trabaja 2 horas al día'])} {C(['escríbeme al DM', 'link en mi bio', 'info por privado', 'visita mi perfil'])}"
@tpl("ok", "c", "event announcement")
def _(): return f"{C(['Taller', 'Charla', 'Jornada', 'Conversatorio', 'Curso'])} sobre {C(TOPIC)}: {C(['sábado', 'jueves', 'viernes'])} {rng.randint(1, 28)} {C(['en el Centro Cultural', 'por Zoom', 'en la Biblioteca Municipal', 'en el auditorio del hospital'])}, {C(['entrada libre', 'cupos limitados', 'inscripción en el link'])}"
@tpl("ok", "c", "question about an event")
def _(): return f"{C(['el taller', 'la charla', 'el live', 'el curso'])} {C(['queda grabado?', 'es gratis?', 'tiene certificado?', 'se repite?', 'a qué hora empieza?'])}"
@tpl("ok", "c", "thanks / agreement")
def _(): return f"{C(['Gracias', 'Mil gracias', 'Totalmente de acuerdo', 'Tal cual', 'Qué verdad', 'Necesitaba leer esto hoy'])}{C(['', ' doctora', ' lic', ' genia', ' che', ' tío'])} {C(EMO_OK)}"
@tpl("ok", "c", "pet or object, not a person")
def _(): return f"{C(['mi perro', 'mi gato', 'mi planta', 'mi celular', 'mi auto'])} {C(['está deprimido', 'tiene ansiedad', 'está en crisis', 'necesita terapia'])} {C(['jaja', '😂', 'desde que llovió', 'con este calor'])}"
@tpl("ok", "m", "professional/business inquiry")
def _(): return f"{C(OPEN)}{C(['soy estudiante de psicología', 'soy periodista', 'represento a una marca', 'trabajo en una escuela', 'soy de una ONG'])} y {C(['quería proponerle una entrevista', 'quería saber si toman practicantes', 'queremos organizar una charla', 'buscamos colaboración'])}"
@tpl("ok", "m", "requests contact channel")
def _(): return f"{C(OPEN)}{C(['me pasás el whatsapp para pedir turno?', 'cuál es el mail de contacto?', 'hay un número para llamar?', 'cómo pido cita?'])}"
@tpl("ok", "c", "mention of relative without health content")
def _(): return f"{cap(C(REL))} {C(['es psicóloga y dice lo mismo', 'me mandó este post', 'te sigue hace años', 'fue a tu charla y le encantó', 'quiere estudiar fisio'])}"

# ---------------- extra templates
@tpl("sensitive", "c", "older writer's own symptoms")
def _(): return f"{C(['Tengo 68 años', 'Ya tengo 75', 'A mis 70', 'Soy jubilada de 66'])} y {C(['desde que enviudé no duermo', 'me olvido de las cosas y me asusta', 'me siento muy sola y lloro mucho', 'me duelen las rodillas al caminar'])}, {C(['¿a quién consulto?', 'gracias por leer', '¿atiende mayores?'])}"
@tpl("sensitive", "a", "teen's own symptoms")
def _(): return f"{C(['tengo 14', 'tengo 15', 'tengo 16', 'tengo 17'])} y {C(['no le quiero contar a mis papás', 'mis viejos no me creen', 'nadie sabe'])} que {C(['me provoco el vómito', 'tengo ataques de ansiedad', 'me corté el año pasado pero ya no', 'no como casi nada', 'estoy muy deprimida'])}"
@tpl("sensitive", "c", "Spanglish own therapy")
def _(): return f"{C(['my therapist', 'mi therapist', 'mi terapista'])} {C(['me dijo', 'says', 'me explicó'])} que {C(['mi anxiety', 'mi depression', 'mi ADHD', 'mi trauma'])} {C(['viene de la infancia', 'es por el trabajo', 'se nota en el cuerpo'])}, {C(['so true', 'literal', 'y tiene razón'])}"
@tpl("sensitive", "m", "pregnancy plus medication question")
def _(): return f"{C(OPEN)}{C(['estoy embarazada', 'estoy buscando embarazo', 'estoy dando la teta', 'acabo de parir'])} y tomo {med()}, {C(['es seguro?', 'lo tengo que dejar?', 'puedo hablarlo en consulta?'])}"
@tpl("sensitive", "m", "client asking about therapy homework")
def _(): return f"{C(OPEN)}{C(['los ejercicios que me diste', 'la tarea de la última sesión', 'el registro de pensamientos que me pediste', 'la dieta que me armaste'])} {C(['no lo pude hacer', 'me está costando', 'me ayudó mucho', 'lo hice pero tengo dudas'])}, {C(['lo vemos el ' + C(DAY) + '?', 'te cuento en la próxima', 'perdón'])}"
@tpl("sensitive", "c", "own grief with symptoms")
def _(): return f"desde que {C(['murió mi mamá', 'falleció mi esposo', 'perdí a mi hijo', 'se fue mi papá'])} {C(['no duermo', 'no como', 'tengo ataques de pánico', 'no puedo trabajar', 'tomo pastillas para dormir'])} {C(EMO)}"
@tpl("sensitive", "c", "relative's disability")
def _(): return f"{cap(C(['mi hijo', 'mi hija', 'mi hermano', 'mi papá', 'mi nieto']))} {C(['tiene síndrome de Down', 'tiene una discapacidad visual', 'usa silla de ruedas', 'tiene parálisis cerebral', 'tiene hipoacusia', 'tiene discapacidad intelectual'])} y {C(['nos cuesta encontrar terapeutas', 'es lo más lindo que tengo', 'buscamos fisio a domicilio'])}"
@tpl("crisis", "a", "domestic violence happening now")
def _(): return f"{C(['mi pareja', 'mi marido', 'mi novio', 'mi padrastro'])} {C(['me está pegando', 'rompió todo y me amenaza con un cuchillo', 'me encerró y dice que me va a matar'])}, {C(['estoy escondida en el baño', 'tengo miedo', 'no sé qué hacer', 'ayuda'])}"
@tpl("crisis", "a", "child abuse disclosure")
def _(): return f"{C(['mi padrastro', 'el novio de mi mamá', 'mi tío', 'el vecino'])} {C(['le pega a mi hermanito', 'toca a mi prima de 8 años', 'deja encerrado al nene sin comer', 'le quemó la mano a mi sobrino'])} y {C(['nadie hace nada', 'hoy pasó otra vez', 'tengo miedo de contar'])}"
@tpl("crisis", "a", "giving away belongings / putting affairs in order")
def _(): return f"{C(['ya regalé', 'le di a mi hermana', 'le dejé a mi vecina', 'le di a mi prima'])} {C(['mi gato', 'mi perro', 'mi ropa', 'mis cosas', 'mi guitarra'])}, {C(['ya no me va a hacer falta', 'ya está todo listo', 'así no queda nada pendiente'])}"
@tpl("crisis", "c", "passive wish to die")
def _(): return f"{C(['ojalá', 'quisiera', 'a veces deseo', 'solo quiero'])} {C(['no despertar mañana', 'dormirme y no despertar más', 'que me pase algo y no volver', 'dejar de existir'])}{C(['', ' 🖤', ' ya no doy más', ' hoy más que nunca'])}"
@tpl("ok", "c", "book / resource request")
def _(): return f"{C(['alguien recomienda', 'me pasan', 'conocen'])} {C(['libros', 'podcasts', 'cuentas', 'documentales'])} sobre {C(TOPIC)}?"
@tpl("ok", "c", "career question")
def _(): return f"{C(['cuánto dura la carrera de', 'dónde estudiaste', 'vale la pena estudiar', 'qué salida laboral tiene'])} {C(['psicología', 'fisioterapia', 'nutrición', 'terapia ocupacional', 'fonoaudiología', 'enfermería'])}?"
@tpl("ok", "c", "chit-chat about the page")
def _(): return f"{C(['qué lindo', 'me encanta', 'hermoso', 'qué bonito'])} {C(['el consultorio', 'tu escritorio', 'el cuadro de atrás', 'tu perrito', 'el diseño de los posts'])} {C(EMO_OK)}"
@tpl("ok", "m", "tech/link issue")
def _(): return f"{C(OPEN)}{C(['el link', 'el formulario', 'la página web', 'el enlace del zoom'])} {C(['no funciona', 'me da error', 'no abre', 'está caído'])}{C(['', ', me lo pasás de nuevo?', ' gracias'])}"
@tpl("ok", "c", "teacher/parent general question, no identifiable child")
def _(): return f"{C(['como docente', 'como mamá', 'como papá', 'como entrenador'])}, {C(['¿cómo detecto si un chico', '¿qué señales muestran si un adolescente', '¿cómo hablar con un nene que'])} {C(['sufre bullying', 'tiene ansiedad', 'no come bien', 'está triste'])}? pregunto en general"
@tpl("ok", "c", "idiom of killing/dying in a playful context")
def _(): return f"{C(['te voy a matar', 'me matás', 'nos vas a matar', 'me muero'])} {C(['si no subís la parte 2', 'con estos memes', 'de la intriga', 'de amor con este reel'])} {C(IDIOM_CTX)}"


def main():
    hand = set()
    for p in sorted(OUT.parent.glob("es_handwritten_*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            hand.add(" ".join(json.loads(line)["text"].lower().split()))
    by_label = {k: [t for t in T if t[0] == k] for k in TARGET}
    rows, seen = [], set(hand)
    counts = {k: 0 for k in TARGET}
    # round-robin over templates per label so every template is used
    idx = {k: 0 for k in TARGET}
    attempts = 0
    while any(counts[k] < TARGET[k] for k in TARGET):
        attempts += 1
        if attempts > 100000:
            raise SystemExit("could not reach targets")
        for label in TARGET:
            if counts[label] >= TARGET[label]:
                continue
            lst = by_label[label]
            _, surf, fn, why = lst[idx[label] % len(lst)]
            idx[label] += 1
            text = noise(fn())
            key = " ".join(text.lower().split())
            if key in seen or len(text) < 4:
                continue
            seen.add(key)
            if surf == "a":
                surf = "m" if rng.random() < P_MESSAGE_ANY else "c"
            rows.append({"surface": "message" if surf == "m" else "comment",
                         "platform": C(["facebook", "instagram"]), "lang": "es",
                         "text": text, "label": label, "why": why})
            counts[label] += 1
    rng.shuffle(rows)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, r in enumerate(rows, 1):
            r = {"id": f"es-g-{i:04d}", **r}
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"templates: {len(T)}  rows: {len(rows)}  {counts}")


if __name__ == "__main__":
    main()
