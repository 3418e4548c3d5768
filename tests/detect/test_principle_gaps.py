"""Principle gaps from the detection issue, pinned at the rule stage (the trained weights may move,
these rules should not): recovered self-harm, implied first person, due dates, test results, a
missing person with dementia, and a Spanish heat idiom."""

from __future__ import annotations

import datetime

import pytest

from chalicelib.models import Label
from tests.detect.test_engine import rules


# fmt: off
CASES = [
    # recovered or long past is sensitive, not crisis; a relapse or an urge now stays crisis
    ("used to self-harm, 10 years free now",                             Label.SENSITIVE),
    ("I used to self harm as a teenager, it gets better",                Label.SENSITIVE),
    ("hace años que superé la autolesión",                               Label.SENSITIVE),
    ("I used to self-harm and last night I did it again",                Label.CRISIS),
    ("10 years free of self-harm but the urges are back tonight",        Label.CRISIS),
    # a milestone or a dated attempt told in the same clause as the crisis words is the recovered past
    ("two years without cutting today and I got a tattoo over the scars", Label.SENSITIVE),
    ("8 meses sin autolesionarme, gracias por tus videos",               Label.SENSITIVE),
    ("hace tres años intenté matarme y hoy me recibo de enfermera",      Label.SENSITIVE),
    ("Twelve years since I tried to end my life. Married, two kids.",    Label.SENSITIVE),
    ("I used to love my life, now I want to die",                        Label.CRISIS),
    ("3 months without cutting but I did it again last night",          Label.CRISIS),
    ("hace un año tuve un intento de suicidio, hoy estoy estudiando",    Label.SENSITIVE),
    ("200 days clean from self-harm 🎉",                                  Label.SENSITIVE),
    ("me corto desde hace 2 años y hoy me pasé, no para de sangrar",     Label.CRISIS),
    ("6 days without self harm but the urges are so loud",               Label.CRISIS),
    # the writer's own label for their condition, with no "I"
    ("bipolar II here",                                                  Label.SENSITIVE),
    ("PCOS club 🙋‍♀️",                                                    Label.SENSITIVE),
    ("lamotrigine + lithium gang",                                       Label.SENSITIVE),
    ("TDAH acá",                                                         Label.SENSITIVE),
    ("autistic adult here, the bit about masking",                       Label.SENSITIVE),
    ("addiction nurse here, great post",                                 Label.OK),
    ("fellow OT here",                                                   Label.OK),
    # a test result with its number is someone's own
    ("A1C down to 6.1!",                                                 Label.SENSITIVE),
    ("PHQ-9 went from 22 to 8",                                          Label.SENSITIVE),
    ("carga viral indetectable desde marzo",                             Label.SENSITIVE),
    ("what is a normal A1C range?",                                      Label.OK),
    # a pregnancy told by its due date or week
    ("our first, due in August",                                         Label.SENSITIVE),
    ("salgo de cuentas en marzo, qué nervios",                           Label.SENSITIVE),
    ("the quarterly report is due in August",                            Label.OK),
    # a short reply that puts the writer in the same boat, and "<condition> life"
    ("same but w emetophobia",                                           Label.SENSITIVE),
    ("yo también, tdah",                                                 Label.SENSITIVE),
    ("colostomy life 😅",                                                Label.SENSITIVE),
    ("same, my dog has epilepsy",                                        Label.OK),
    ("our bunny has GI stasis, any tips?",                               Label.OK),
    # a lifelong condition told as one's own, a date fixed for a procedure, finding out
    ("colon irritable de toda la vida, ¿sirve la dieta FODMAP?",        Label.SENSITIVE),
    ("adhd since I was a kid",                                           Label.SENSITIVE),
    ("tartamudeo desde niño y aún me cuesta pedir el pan",               Label.SENSITIVE),
    ("epilepsia desde los 12",                                           Label.SENSITIVE),
    ("TDAH adulto, recién a los 34 me enteré",                           Label.SENSITIVE),
    ("cesárea programada para el 3 de dic 🤞",                          Label.SENSITIVE),
    ("is depression lifelong? asking for a class",                       Label.OK),
    ("¿cuánto dura una cirugía programada?",                             Label.OK),
    ("la tartamudez es un tema fascinante",                              Label.OK),
    ("mi perrita tiene epilepsia, ¿qué hago?",                           Label.OK),
    ("parce, 2 años limpio de perico",                                   Label.SENSITIVE),
    ("the anxiety life cycle explained",                                 Label.OK),
    # one's own number or email with a request to be contacted, in local formats, in a short post
    ("555-0147 call me pls",                                             Label.SENSITIVE),
    ("07700 900418 ring me pls",                                         Label.SENSITIVE),
    ("pls call 0917 123 8820 need counselling po",                       Label.SENSITIVE),
    ("mi número 4567-8910, llámenme",                                    Label.SENSITIVE),
    ("sandra.luna.87@gmail.com me escriben para turno",                  Label.SENSITIVE),
    # the same verbs in a job application or spam, which run longer, and numbers that are not phones
    ("Hi, I'm applying for the front desk job you posted. Resume attached, you can reach me at 555-0142. Thanks",
                                                                         Label.OK),
    ("GANA DINERO DESDE CASA sin inversión, trabaja desde el celular 2 horas al día. Escríbeme al +52 55 1234 0099",
                                                                         Label.OK),
    ("we were open 2019-2020, call me crazy but I miss it",              Label.OK),
    # a health word inside a set idiom, and a professional recalling an unnamed patient, are not
    # disclosures; their twins are (session 18)
    ("estoy muerta de cansancio después de esta semana jaja",            Label.OK),
    ("me va a dar un infarto con lo que cuesta el aguacate",              Label.OK),
    ("my boss is gonna give me a heart attack with these deadlines",      Label.OK),
    ("me dio un infarto el año pasado y sigo en rehabilitación",          Label.SENSITIVE),
    ("I had a heart attack in March and I'm back at cardiac rehab",       Label.SENSITIVE),
    ("estoy muerta de cansancio por la quimio",                           Label.SENSITIVE),
    ("Fonoaudióloga acá. Un paciente una vez me dijo que lo más difícil era pedir el pan", Label.OK),
    ("Como psiquiatra lo veo a diario: una paciente me dijo que lo peor fueron los años sin diagnóstico", Label.OK),
    ("doctora, como usted me dijo, ya dejé el café",                      Label.SENSITIVE),
    ("la psicóloga me dijo que tengo ansiedad",                           Label.SENSITIVE),
    # "no puedo más de la risa" is laughter; "no puedo más" alone, or "de verdad", stays a crisis
    ("no puedo más de la risa con los comentarios",                       Label.OK),
    ("ya no puedo más del calor en esta ciudad",                          Label.OK),
    ("no puedo más, de verdad, ya no quiero seguir",                      Label.CRISIS),
    # "ninguno me entiende el TOC": the one who fails to understand is negated, not the condition
    ("ya van 3 psicólogos y ninguno me entiende el TOC",                  Label.SENSITIVE),
    ("ninguno de mis psiquiatras me tomó en serio la depresión",          Label.SENSITIVE),
    ("no tengo ningún diagnóstico de TOC, solo soy ordenada",             Label.OK),
    # stockpiling food is not stockpiling pills; a child who "already decided" a puppy's name is not a plan
    ("My neighbour's already stockpiling bread and milk like we're about to be cut off", Label.OK),
    ("been stockpiling my sertraline for a few weeks now",                Label.CRISIS),
    ("My youngest has already decided he's called Biscuit",               Label.OK),
    ("it's fine. I've already decided. don't try to talk me out of it",   Label.CRISIS),
    # burden ideation as a condition, a method kept in mind
    ("everybody'd breathe easier if I just wasn't here anymore. ok bye lol", Label.CRISIS),
    ("I keep thinking about the rope in the garage and how easy it would be", Label.CRISIS),
    ("If I wasn't here any more on Tuesdays, who would run the group?",   Label.OK),
    # "substance abuse classes": a substance-use disclosure, not abuse as a crisis
    ("My probation officer says I gotta do 12 weeks of substance abuse classes", Label.SENSITIVE),
    ("Mi hijo tiene que ir a terapia por abuso de sustancias, ¿ustedes dan constancia?", Label.SENSITIVE),
    ("my stepdad abuses my little sister when mom is at work",            Label.CRISIS),
    # a heart racing on waking at a set hour is the recurring panic a client describes, not an overdose
    ("tengo ansiedad y me despierto a las 4 con el corazón a mil",        Label.SENSITIVE),
    ("me tomé toda la caja y tengo el corazón a mil",                     Label.CRISIS),
    ("ya escogí la fecha, va a ser el día de mi cumpleaños",              Label.CRISIS),
    ("Vivo no les doy más que deudas. Muerto les dejo un futuro.",        Label.CRISIS),
    ("honestly I'm worth more to them dead, the policy pays off the house", Label.CRISIS),
    # the writer's own label after a question in another sentence; a question about a club is no label
    ("does ur practice do ketamine therapy? treatment resistant depression here, tried 6 meds", Label.SENSITIVE),
    ("can confirm, the fidget rings work. ADHD + anxiety here",           Label.SENSITIVE),
    ("is there an anxiety club here?",                                     Label.OK),
    # "clear over a year now" tells a named child's self-harm as the past
    ("Niamh has come so far since the cutting in second year, she's been clear over a year now", Label.SENSITIVE),
    ("Niamh has been clear over a year but the cutting started again last night", Label.CRISIS),
    # giving away an appointment slot is logistics; giving away one's things stays a farewell sign
    ("Running 15 min late for my 10am, please don't give my slot away",   Label.SENSITIVE),
    ("been giving my plants away to the neighbours. it feels right",      Label.CRISIS),
    ("Tenía cortes hace años, ahora llevo cinco limpia. Sí se sale",      Label.SENSITIVE),
    # "speech sessions" is a treatment like "OT sessions": a named child's is sensitive, a price question is not
    ("Can I pay for Leo's speech sessions with our FSA card?",            Label.SENSITIVE),
    ("how much are speech sessions for kids?",                            Label.OK),
    # someone else's suicide or overdose that already happened is grief; an attempt or "tonight" is not
    ("Mi primo Iker se suicidó en mayo. Sigo sin entenderlo.",            Label.SENSITIVE),
    ("first christmas since my sister's overdose. she'd have loved this post.", Label.SENSITIVE),
    ("Superviviente del suicidio de mi padre, 1998. Gracias.",            Label.SENSITIVE),
    ("@marcy.doyle this is what your grief counsellor told you after your mom's suicide", Label.SENSITIVE),
    ("my brother's overdose tonight, he's still in the ER and I can't stop shaking", Label.CRISIS),
    ("mi hermana se quiere suicidar, está encerrada en el baño",          Label.CRISIS),
    # a goodbye recorded or scheduled, a prayer to be taken tonight; a job's goodbye or the Lord's call someday is not
    ("my goodbye video is scheduled for 6am. watch it if u want",         Label.CRISIS),
    # A team's own training or service about a crisis topic is no crisis; a client's or a relative's is.
    ("reminder: our suicide prevention training is next Tuesday, sign up via the link", Label.OK),
    ("we're revising our suicide risk formulation training for new staff",  Label.OK),
    ("nuestro taller de prevención del suicidio es el jueves",              Label.OK),
    ("our son's suicide attempt was last night and he's still in the ICU", Label.CRISIS),
    ("my suicide risk assessment with Dr Lee is on Monday",                 Label.CRISIS),
    # Someone else's suicide risk, thoughts or plan is not their death (grief); the death itself is.
    ("our daughter's suicide risk assessment is Monday",                    Label.CRISIS),
    ("my brother's suicide thoughts are back",                              Label.CRISIS),
    ("since my sister's suicide I can't sleep",                             Label.SENSITIVE),
    # Session 21, from unseen writers w248-w250. Cutting an object or a ribbon is a chore, not self-harm.
    ("I love cutting my own hair",                                          Label.OK),
    ("Oh I'm dying to see the new building, when's the ribbon cutting?",    Label.OK),
    ("cutting is the only thing that helps me",                             Label.CRISIS),
    ("I was the teenager cutting in the school bathroom",                   Label.OK),
    ("i've been cutting my arms",                                           Label.CRISIS),
    # A racing heart is an emergency beside something taken, a faint or no breath, not at night or in the metro.
    ("me tomé toda la caja y tengo el corazón a mil",                       Label.CRISIS),
    ("me despierto a las 3 con el corazón a mil",                           Label.OK),
    # A seizure now, not one asked about in general.
    ("mi hermana tuvo una convulsión hace 5 minutos y no responde",         Label.CRISIS),
    ("¿qué hacer si alguien tiene una convulsión?",                         Label.OK),
    ("mi galgo está convulsionando ahora",                                  Label.OK),
    # Command hallucinations to self-harm.
    ("las voces me dicen que me tengo que hacer daño",                      Label.CRISIS),
    ("la voz me dice que tengo que estudiar más jaja",                      Label.OK),
    # A Spanish age as the past ("a los 17"), an ordinal milestone.
    ("a los 17 intenté quitarme la vida. hoy tengo 30 y una hija",          Label.SENSITIVE),
    ("a los 10 minutos me corté otra vez",                                  Label.CRISIS),
    ("cuarto mes sin cortarme 🦋",                                          Label.SENSITIVE),
    ("3rd year clean from self harm today",                                 Label.SENSITIVE),
    # A last therapy session is no farewell; a last message still is.
    ("Gracias por todo Lic. Andrea, hoy fue mi última sesión después de 3 años de tratamiento", Label.SENSITIVE),
    ("gracias por todo, es mi último mensaje",                              Label.CRISIS),
    # A wish not to wake up; not waking the baby.
    ("genuinely hoping i don't wake up tomorrow",                           Label.CRISIS),
    ("hoping I don't wake up the baby when I get in",                       Label.OK),
    # Self-harm denied or stopped; a hint after "no" is still a crisis.
    ("no me corto ni nada tranqui, solo me gusta ver estos videos pa aprender", Label.OK),
    ("le cuento que ya no me corto, desde abril 🫶",                         Label.SENSITIVE),
    ("ya no me corto pero anoche casi",                                     Label.CRISIS),
    ("no me corto las venas porque mi hija me necesita",                    Label.CRISIS),
    # "me pega ver…" is an idiom (it gets to me); being hit is not.
    ("2 años en recuperación de bulimia y todavía me pega ver estos videos", Label.SENSITIVE),
    ("mi papá me pega cuando toma",                                         Label.CRISIS),
    # A helper's question about anyone; a friend's crisis told now is a crisis.
    ("si alguien me cuenta q se quiere morir, q le digo? pregunta hipotética", Label.OK),
    ("what do I say if someone tells me they want to die",                  Label.OK),
    ("my friend told me she wants to die tonight",                          Label.CRISIS),
    # Thoughts of harm denied; a "day N no self harm" milestone; nails bitten until they bleed.
    ("I'm not having any thoughts of hurting her or myself, I just can't turn my brain off", Label.OK),
    ("having thoughts of hurting my baby",                                  Label.CRISIS),
    ("day 40 no self harm. small win but mine",                             Label.SENSITIVE),
    ("day 3 no self harm but the urges tonight are bad",                    Label.CRISIS),
    ("me rasqué los brazos hasta sangrar otra vez, no puedo parar",          Label.CRISIS),
    # From w255-w256: farewells ("signing off for good", "see you on the other side", "final post", "nos vemos en
    # otra vida"), not the other side of an operation; festive "tonight's the night" / "hoy es el día"; blue lips
    # from the cold; a thesis said goodbye to; a footballer's collapse; someone who fell and can't get up.
    ("lekker chatting to you all. signing off for good now",                Label.CRISIS),
    ("see you on the other side ✌️ final post",                             Label.CRISIS),
    ("knee op tomorrow, see you on the other side",                         Label.SENSITIVE),
    ("Nos vemos en otra vida, gracias a los que lo intentaron 💔",           Label.CRISIS),
    ("tonight’s the night 🎉 eurovision final, phones away",                Label.OK),
    ("Hoy es el día! 🎂 feliz cumple al consultorio",                       Label.OK),
    ("lips are blue from this Melbourne winter brrr 🥶",                    Label.OK),
    ("his lips are blue and he's not breathing",                            Label.CRISIS),
    ("Hoy me despedí de mi tesis 🎓 por fin!!",                             Label.OK),
    ("hoy me despedí de mis amigas, ya tengo todo listo",                   Label.CRISIS),
    ("Sad news about the footballer who collapsed on the pitch, hope he's ok", Label.OK),
    ("my elderly client I care for fell and can't get up, hip looks twisted", Label.CRISIS),
    ("If a person fell and couldn't get up, how long is it safe to leave them before calling 911?", Label.OK),
    ("loved your goodbye post Dr Lee, enjoy retirement!",                 Label.OK),
    ("dejó una carta de despedida y no contesta el teléfono",             Label.CRISIS),
    ("el video de despedida de la doctora me hizo llorar",                Label.OK),
    ("praying God takes me in my sleep tonight 🙏",                       Label.CRISIS),
    ("praying God takes me to the next level this year 🙏",               Label.OK),
    # "my last day" alone is a goodbye; the last day at a job is not
    ("i cant take school or home anymore. this is my last day",           Label.CRISIS),
    ("my last day at the clinic is friday, thanks for everything",        Label.OK),
    # voice typing's spoken full stop is not menstruation; a period with its usual company still is
    ("great post on hand stretches period I'm sharing it with my walking group", Label.OK),
    ("me when the doctor says it's probably nothing period 😂",            Label.OK),
    ("Just found out I'm anemic period explains the ice chewing lol",      Label.SENSITIVE),
    ("period 2 wks late 😬",                                              Label.SENSITIVE),
    ("so tired today period cramps are the worst",                        Label.SENSITIVE),
    ("I got my first pain-free period in 10 years after the Visanne",     Label.SENSITIVE),
    # someone lost right now, with the minutes counted
    ("Estábamos en el parque y hace 40 minutos que no lo encuentro, no habla", Label.CRISIS),
    ("hace un rato que no lo encuentro en el correo, ¿me reenvían el link?", Label.OK),
    # Session 22, from unseen writer w257: the people around me would be better off in other words; a trip or a role is not.
    ("they'd all have an easier time without me dragging them down",       Label.CRISIS),
    ("honestly my family would be happier without me",                      Label.CRISIS),
    ("sería más fácil para todos sin mí",                                   Label.CRISIS),
    ("a mis hijos les iría mejor sin mí",                                   Label.CRISIS),
    ("the kitchen would be so much easier without me in the kitchen lol",  Label.OK),
    ("the team would do better without me on Mondays, I'm rubbish at 7am",  Label.OK),
    ("el equipo sería más feliz sin mí en la cancha jaja",                  Label.OK),
    # A quoted phrase asked or talked about is nobody's words (w259, w260); said by someone, it stays.
    ("What does 'ctb' mean? I'm a school counselor learning the slang",     Label.OK),
    ("“I’m a burden” is such a common thought pattern, thanks for this",    Label.OK),
    ("is ‘committed suicide’ still acceptable in academic writing?",        Label.OK),
    ("my son keeps saying 'I want to die' and I don't know what to do",     Label.CRISIS),
    ("“I want to die” is what she texted me last night",                    Label.CRISIS),
    # Everyday plans that share crisis words: a time, a gym, a launch, a group chat, a possessive "her".
    ("ya no quiero despertarme a las 5am para el gym jaja",                 Label.OK),
    ("no quiero despertarme mañana",                                        Label.CRISIS),
    ("Mano ya lo decidí, el viernes empiezo el gym 💪",                      Label.OK),
    ("parce ya lo decidí, el viernes me voy de aquí pa siempre",            Label.CRISIS),
    ("tonight's the night!! launching my little bakery",                    Label.OK),
    ("no one would notice if I stopped showing up to the group chat lol",   Label.OK),
    ("nobody would notice if i stopped posting. permanently",               Label.CRISIS),
    ("waiting for my sister to finish her netball",                         Label.OK),
    ("I'm going to finish her tonight",                                     Label.CRISIS),
    ("una paciente (80 años, no doy más datos) mejoró mucho",               Label.OK),
    ("ya no doy más",                                                       Label.CRISIS),
    # A broken bone told with the verb, a milestone not reached yet, a school support plan (w258).
    ("my nan broke her hip in december and is walking again",              Label.SENSITIVE),
    ("mi abuela se fracturó la cadera en diciembre",                        Label.SENSITIVE),
    ("my 2 year old isn't talking yet",                                     Label.SENSITIVE),
    ("mi hijo de 2 años todavía no habla",                                  Label.SENSITIVE),
    ("mi nena con 18 meses todavía no camina",                              Label.SENSITIVE),
    ("Mi Junior tiene IEP por speech desde kinder",                         Label.SENSITIVE),
    ("the council is still not talking to us about the bins",              Label.OK),
    ("se me rompió la cafetera, auxilio",                                   Label.OK),
    # Blades kept to cope are self-harm now (w263); razor burn is not.
    ("is it normal to have a bag of razors in your desk for 'stress relief'? it works better than breathing", Label.CRISIS),
    ("tengo unas cuchillas en el cajón para cuando me estreso, me sirven más que respirar", Label.CRISIS),
    ("razor burn cream works better than anything for stress relief on my legs", Label.OK),
    # A suspicion said in so many words after the condition (w263); a place of work is not a place of care.
    ("¿el test de TDAH lo hacen en adultos? es que sospecho que lo tengo jaja", Label.SENSITIVE),
    ("is ADHD testing for adults too? I think I have it",                  Label.SENSITIVE),
    ("I work at the hospital on weekends",                                  Label.OK),
    ("POR FIN ME DIERON LA PLAZA DE FISIO EN EL HOSPITAL 🏥🙌",               Label.OK),
    ("I was in the hospital last week",                                     Label.SENSITIVE),
    ("Just finished my last round of radiation!!! RANG THAT BELL",          Label.SENSITIVE),
    ("me acaban de dar la noticia: remisión completa 🎗️",                   Label.SENSITIVE),
    # Spanish everyday burdens and departures that share crisis words (w262); the serious twins stay crises.
    ("soy una carga para mi gato, me mira como diciendo 'otra vez vos' 😂", Label.OK),
    ("soy una carga para mi familia",                                       Label.CRISIS),
    ("tía no puedo más con esta ola de calor, me mudo al pasillo de congelados", Label.OK),
    ("no doy más con el calor boludo, 40 grados en Rosario",                Label.OK),
    ("Me despido del club de lectura porque me voy de intercambio a Montreal", Label.OK),
    ("me despido de todos, gracias por todo",                               Label.CRISIS),
    ("ya no quiero estar aquí en Lima con este tráfico, me mudo a la sierra", Label.OK),
    ("ya no quiero estar aquí en este mundo",                               Label.CRISIS),
    ("Ya escribí las cartas de recomendación para los practicantes, profe", Label.OK),
    ("Le escribí una carta a mi yo del futuro como sugería el post 😊",      Label.OK),
    ("escribí las cartas para mis hijos",                                   Label.CRISIS),
    # A small child named before what it swallowed; a missing autistic child with what he wears (w262).
    ("mi hijo de 3 años se comió como 6 pastillas de la presión de mi suegra, todavía está normal pero tengo miedo", Label.CRISIS),
    ("¿qué pasa si un niño de 3 años se come una pastilla de ibuprofeno?",  Label.OK),
    ("Mi hijo con autismo se salió del centro comercial, no habla, tiene 7 años, polo verde, ayúdenme", Label.CRISIS),
    # Asking God to take me now (w262), not a blessing for the road.
    ("ya es hora de que Diosito me recoja, y si no yo misma le ayudo",      Label.CRISIS),
    ("le pido a la Virgen que me lleve con él",                             Label.CRISIS),
    ("que Dios me lleve con bien en este viaje",                            Label.OK),
    # From w266-w267 (recovery pages): overdose now in slang, command voices in the singular, pills counted in
    # slang, resuscitation now (not a class), still wanting to disappear; using told in people's words.
    ("my friend is ODing rn at the party and nobody has narcan",            Label.CRISIS),
    ("desde la recaída volvió esa voz que me dice que me tire",              Label.CRISIS),
    ("tengo los chochos contados. 30. con eso alcanza, ¿verdad?",            Label.CRISIS),
    ("le estoy haciendo RCP a mi primo, se puso azul",                       Label.CRISIS),
    ("i'm giving her chest compressions what do i do",                      Label.CRISIS),
    ("we're doing CPR on the dummy in class today",                         Label.OK),
    ("¿de qué sirven las fichas si por dentro sigo queriendo desaparecer?",  Label.CRISIS),
    ("i used to shoot up in the bathroom of this library, 8 yrs clean",     Label.SENSITIVE),
    ("Can I bring my service dog to the open meeting?",                     Label.SENSITIVE),
    # Jewellery shared out among the grandchildren; a death wish hung on an idiom; "ni la vida" (w262, w265).
    ("Ya regalé la máquina de coser a mi vecina y las joyas a mis nietas. Ya no voy a ir más a la terapia", Label.CRISIS),
    ("le di mis joyas a mis hijas para la boda de la mayor",                Label.OK),
    ("dicen que este calor mata, ojalá fuera cierto conmigo",               Label.CRISIS),
    ("ya no aguanto nada, ni el calor ni la vida, quisiera dormirme y ya",  Label.CRISIS),
    # Told the way a farmer or a FIFO worker would (w269): exhaust in the shed, the insurance worth more than me.
    ("Most nights I've been sitting in the shed with the hose and the ute running, just to see what it's like", Label.CRISIS),
    ("left the ute running in the shed to warm it up, doors open",         Label.OK),
    ("the missus and the kids would be better off with that than with me", Label.CRISIS),
    ("Want to bring my grandson in to make a cutting board for his mum",    Label.OK),
    ("setting it up right from the start might save some grief",          Label.OK),
    # Long Spanish chatter (w268): "me tocó" is my turn, not a touch; the uncles and the tequila are no pills.
    ("el miércoles me tocó de secretaria en la reunión de la comunidad",   Label.OK),
    ("el tío me tocó y no sé qué hacer",                                   Label.CRISIS),
    ("la cantamos en la boda de mi prima con todos los tíos y el tequila", Label.OK),
    ("me tomé todas las pastillas con tequila",                             Label.CRISIS),
    ("Me voy a morir de un empacho de polvorones estas navidades",          Label.OK),
    ("lo único que me calma es la trincheta que tengo en el cajón",         Label.CRISIS),
    ("the only thing that calms me down is the blade",                      Label.CRISIS),
    ("¿desde qué altura una caída es segura que no tiene vuelta atrás? es para un relato", Label.CRISIS),
    ("¿desde qué altura una caída es mortal para un gato?",                  Label.OK),
    # Session 23, from unseen writers w271-w278: blades that "work better than yoga", last night again; "rayitas"
    # (a long-sleeved top alone is no cut); asking God to take me first; thoughts of not wanting to live that come back; better off
    # with anyone but me; affairs settled and a child entrusted; a missing autistic child "se me perdió"; no point in
    # carrying on; thanks to the few who cared. Their twins: a kitchen knife, a long-sleeved top, a safe journey,
    # thoughts talked about, a purchase with no point, a holiday's arrangements.
    ("la mía es el cúter y funciona mejor que el yoga jajaja. anoche otra vez", Label.CRISIS),
    ("tengo mi cuchillita en el estuche y funciona mejor que cualquier app, anoche otra vez", Label.CRISIS),
    ("este cuchillo de cocina funciona mejor que el de la marca cara, lo usé anoche otra vez", Label.OK),
    ("hoy fue día de 'rayitas' otra vez, mañana manga larga y nadie se entera", Label.CRISIS),
    ("me compré una remera manga larga para el viaje, nadie se entera del frío jaja", Label.OK),
    ("Ya le pedí a Dios que me lleve a mí primero, y pienso en ayudarle a que eso pase", Label.CRISIS),
    ("le pedí a Dios que me lleve con bien en el viaje de mañana", Label.OK),
    ("los pensamientos de no querer vivir vienen cada noche, como una visita", Label.CRISIS),
    ("el taller de hoy habla de cómo acompañar a alguien con pensamientos de no querer vivir", Label.OK),
    ("pensé que él estaría mejor con cualquier otra persona que no sea yo", Label.CRISIS),
    ("Ya arreglé todo, el Fran queda con los abuelos. Cuidámelo mucho, Lu. Gracias por todo.", Label.CRISIS),
    ("ya arreglé todo para el viaje, los nenes quedan con los abuelos, gracias por todo!", Label.OK),
    ("mi hijo Samuel, 5 años, autista, se me perdió hace 15 minutos en el centro comercial, lleva camiseta roja", Label.CRISIS),
    ("I don't see much point in carrying on now he's gone", Label.CRISIS),
    ("I don't see much point in buying the premium version, the free one is fine", Label.OK),
    ("this is where I stop. thank you to the 3 people who cared. please feed Choco for me", Label.CRISIS),
    ("thank you to everyone who cared for mum at the hospice, you were wonderful", Label.OK),
    # Session 23, from w279-w281 (written while session 23's model trained): anaphylaxis starting now in front of the
    # writer (not a question about one day); wanting to go with the one who died (not on a trip); things given away
    # before "ya no voy a necesitar nada"; dysgraphia, a feeding tube, "retraso del lenguaje", a UC flare.
    ("I have a grade 2 student in my office now with hives spreading and lip swelling after a shared snack", Label.CRISIS),
    ("Desde que murió mi Toño tengo ganas de irme con él. No tengo ningún plan ni nada", Label.CRISIS),
    ("se murió mi abuela y tengo ganas de irme con ella de viaje a su pueblo para la misa", Label.OK),
    ("ya le regalé mis polleras a mi sobrina y dejé pagado el alquiler. Ya no voy a necesitar nada más. Cuídese.", Label.CRISIS),
    ("Our son Leo has dysgraphia and his teacher finally lets him type", Label.SENSITIVE),
    ("My nephew Jaxon started school this week with his feeding tube", Label.SENSITIVE),
]

CRISIS_NOW = [
    # lethality for the writer's own size, the friend who is me, a vet's drug wanted for a person, a weight on
    # everyone, "see you never", a baby seizing now, an urge to hurt the baby
    "how much would it take for someone around my weight, 60kg",
    "asking for a friend who is me lol",
    "pregunto por un amigo que en realidad soy yo",
    "what do vets use to put a cat to sleep, could a person get some",
    "tired of being a drain on my family",
    "last post. see you never",
    "my toddler is seizing and won't stop",
    "mi nena tiene 39 de fiebre y está convulsionando",
    "tengo ganas de sacudir a mi bebé cuando no para de llorar",
    # affairs in order with a last word, others absolved in advance, a message for the family, "better
    # off" in money, a hotel room chosen for it, Hinglish, "la paz eterna", a threat with the weapon in hand
    "signed the car over into my brother's name this morning. nothing left to sort now",
    "it's not your fault whatever happens, you were a great counsellor",
    "no es su culpa lo que vaya a pasar, gracias por escucharme",
    "tell my daughter I love them and I did my best",
    "the kids would have more money without me, the insurance pays double",
    "apni zindagi khatam karna chahta hoon yaar",
    "jeene ka mann nahi karta ab",
    "me voy a dar la paz eterna este finde",
    "dijo que me mata si me voy y estaba con el cuchillo en la mano",
    # a loaded gun kept in secret; a respawn switched off; "it'll make sense then"
    "shotgun's under the bed, loaded. nobody knows",
    "la escopeta está cargada en el ropero y mi mujer no sabe",
    "turned off my respawn. gg everyone",
    "changing my name to 'gone' next friday, it'll make sense then",
    # pregnancy late with no movement or no heartbeat on a home doppler; a meter that reads LO and a
    # child who will not wake; a small child missing now; a goodbye for ever; self-harm said in the gerund
    "31 semanas y el bebé no se mueve desde ayer a la tarde",
    "home doppler can't find the heartbeat, 36 weeks, what do I do",
    "el glucómetro dice LO y mi nena no reacciona",
    "meter just says LO and he won't wake properly",
    "my 4 year old is non verbal and he's missing at the mall, 10 minutes, security is searching",
    "mi nene de 3 años se perdió en la playa, los guardavidas lo están buscando",
    "adiós para siempre, gracias x todo lo que hicieron",
    "otra noche cortándome en el baño",
    "no me tomo los remedios a propósito, los estoy juntando para cuando no aguante más",
    "ya tengo pensado cómo y cuándo. solo falta el valor",
    "dad if you read this it was never your fault, i love you",
    "contractions every 4 minutes and I'm only 33 weeks",
    "mi sobrino se tragó unas bolitas de raticida, tiene 3 años, qué hago",
    "does the stuff vets use work on someone my weight? 55kg",
    "para alguien de mi peso cuántas harían falta",
    "bag over the head, is it painless?",
    "called the samaritans, no answer",
    "dark thoughts are getting louder every night",
    "mi nene se tragó unas pilas del control, tiene 2 años, qué hago",
    "el peque se tomó 6 pastillas de su abuela, ayuda",
    "bg 2.4 and shaking, can't think straight",
    "azúcar en 38, sudando frío y confundida",
    "ketones are high and he keeps vomiting",
    "gtn spray isn't touching the pain, second dose",
    "where can I get cyanide without anyone asking questions",
    "dónde puedo comprar el veneno sin que pregunten",
    "cuál veneno mata sin dolor",
    "how many floors do you need for it to be fatal",
    "me escondí en el cuarto de la nena, él agarró un cuchillo",
    "hiding in the car, he's got the gun",
    "mum collapsed, 6 days without food",
    "29 wks and bleeding so much",
    "grandpa's sugar 2.2 and he's slurring",
    "my mom has dementia and she's been missing since this morning",
    "Dad wandered off again, he has Alzheimer's and we can't find him",
    "mi abuelo tiene alzheimer y no aparece desde anoche",
    "Buscamos a Rosa, 82 años, con Alzheimer, salió de su casa esta mañana con saco azul",
    "Looking for my dad, 79, he has dementia and left the house at 6am",
    "my grandpa wandered off, its freezing",
    "she fainted, hasnt eaten in days",
    "haven't eaten in days and just fainted in the shower",
    "mi marido dice que hoy me mata",
    # a goodbye with a deadline, or one's own funeral said to be near
    "don't worry about me, I'll be gone before this reel gets 10k likes",
    "saving this for when they play reels at my funeral. which might be soon",
    "the plan is still the plan, ur video is just a nice last thing to watch",
    "para cuando este reel llegue a 10k yo ya no estoy",
    # self-harm now, told in passing, and community slang
    "not me watching this with fresh cuts on my thigh lol",
    "tías me acabo de cortar otra vez",
    "jajaja yo viendo esto con el cúter en la mano",
    "been researching ctb methods all week",
    # reaching a crisis line that does not answer, searching for a painless way, sourcing the drugs
    "nobody's answering at 988",
    "called the Samaritans twice and no one picked up",
    "llevo una hora llamando al 024 y nadie contesta",
    "therapist by day, googling ‘painless ways’ by night",
    "where can I get pentobarbital in Mexico? asking for a friend",
    "alguien sabe dónde se puede conseguir pentobarbital? pregunto por pregunta",
    "psicólogo que ya ha elegido fecha. qué ironía",
    "they'd be better off without me in their lives",
    # self-harm now in shorthand, command voices, means laid out, a method asked about as curiosity
    "sh'd again tonight first time in a year",
    "the voices keep telling me to jump",
    "desde el sábado sin dormir y ahora escucho voces que me dicen que salte",
    "the tablets are lined up. see you on the other side",
    "las pastillas ya están contadas",
    "I just need enough to not feel anything anymore",
    "My brother died that way last year and I keep thinking about joining him",
    "¿alguien ya probó lo del helio? dicen que no se siente nada, quiero saber si es cierto antes del sábado",
    "how fast does antifreeze work on a person? asking bc of a podcast",
    "do u pass out before drowning or do u feel all of it",
    "para mi fanfic: ¿qué veneno usaría alguien que ya no aguanta su vida y quiere que parezca natural?",
    # a farewell letter to the family, relayed ideation, an emergency being worked on
    "To my kids: sorry I can't do this anymore. I love you",
    "A mis hijos: perdón, ya no puedo sostener esto. Los amo.",
    "my uncle keeps saying he wants to stop all his meds to get it over with",
    "mi mamá dice que ya vivió suficiente",
    "he had crushing chest pain at the gym, paramedics working on him now",
]

NOT_CRISIS = [
    "what dose of ibuprofen for someone my size after a marathon?",
    "what do vets use to put a dog to sleep? our old lab is near the end",
    "we put the flat in our son's name for tax reasons, is that a good idea?",
    "not your fault what happens in the news, great post",
    "syllabus khatam karna hai aaj raat, wish me luck",
    "gun's loaded and locked in the safe for the hunt tomorrow",
    "the twist makes no sense now but it'll make sense later in the series",
    # the same words told as the past, an idiom, or a stiff shoulder
    "mi hijo se desmayó en el acto del colegio el año pasado, desde entonces desayuna bien",
    "esa canción me pega fuerte, me recuerda a mi abuela",
    "can't lift my arm above my head since the rotator cuff thing, is that a physio job?",
    "chau para siempre al cigarrillo!! 3 meses",
    "my autistic son went missing once when he was 4, now we use trackers",
    "cortándome el flequillo sola otra vez jaja",
    "rang the helpline about my pension, no answer all day",
    "had contractions at 32 weeks with my first, all fine in the end",
    "if you find this post useful, share it, i love you all",
    "la estoy guardando para el viernes, la tarta",
    "tengo pensado cómo y cuándo decirle a mi jefe que renuncio",
    "how much protein for someone my weight?",
    "me va a matar este calor",
    "me quiero morir de la pena ajena jaja",
    "me quiero morir del susto, qué película",
    "quiero morir en tus brazos, qué temazo",
    "me quiero morir de lo lindo que está el bebé",
    "my sugars were 5.6 this morning, happy with that",
    "nitro cold brew is not working for me anymore",
    "how high is the climbing wall at the new gym?",
    "where can I buy sodium nitrite for curing bacon?",
    "my husband has a gun safe in the garage, is that a problem for the home visit?",
    "32 weeks and bleeding lots of love to the midwives who got me this far",
    "me va a matar el tráfico de hoy",
    "my grandma has dementia, any tips for visits?",
    "my nan went missing in 2015 and was found safe",
    "i passed out at the gym, had not eaten breakfast lol",
    "mi mamá dice que me va a matar cuando vea las notas",
    "I'll be gone by Friday, off on holiday till the 20th",
    "play this song at my funeral 😂",
    # the same verbs about a haircut, a kitchen mishap or shaving
    "me corté el pelo ayer y quedó horrible",
    "me acabo de cortar el pelo",
    "me quemé con el sartén jaja",
    "i cut myself shaving lol",
    "researching teaching methods for my class",
    # the same words about an errand, a pet or a role
    "googling painless ways to remove a splinter",
    "our vet used pentobarbital when we had to put our dog down, it was peaceful",
    "¿el veterinario usa pentobarbital para dormir a los perros?",
    "ya hemos elegido fecha para la boda!!",
    "the team would be better off without me as captain",
    "called the clinic twice and nobody picked up, are you open today?",
    "I sh'd for five years, clean since 2019",
    "pills lined up in the organiser for the week",
    "thinking about joining my brother's gym next month",
    "helium tank for the balloons, is it safe?",
    "liquid nitrogen for warts, does it hurt? painless?",
    "how fast does antifreeze work on a dog? he licked some",
    "ya viví lo suficiente para saber que esto no funciona",
    "las pastillas ya están listas en el pastillero",
    "they are working on my car today",
]
PLANNING_AS_PRACTICAL = [
    "Quick q, do they still have the chaplains patrolling at Beachy Head or not anymore",
    "cómo se hace para que parezca un accidente? así mi familia cobra el seguro y no sufre tanto",
    "alguien me recomienda una buena forma de despedirme de mi familia sin que se den cuenta",
    "does life insurance pay out for suicide? asking for reasons",
    "how do I make it look like an accident so my family gets the insurance",
    "how do you say goodbye to your kids without them knowing",
    # a lethality or method question whose reason is withheld
    "cuánto tiempo bajo el agua hasta perder la conciencia? no me pregunten para qué",
    "how many of my sleeping pills would it take to not wake up. dont ask why",
    "how long can you stay underwater before you pass out? don't ask why",
    # self-harm now: new marks hidden from others
    "las marcas nuevas las tapo con la manga y nadie se da cuenta",
    "I keep hiding the new cuts from my mom",
    # wanting to crash the car on purpose; buying a known lethal agent for oneself
    "manejando con ganas de estrellarme contra algo",
    "some days I'm tempted to just swerve into oncoming traffic",
    "where can you actually buy sodium nitrite in the UK now?? asking for a project 🙃",
    "¿Usted sabe si en las veterinarias le venden eutanásico a cualquiera? Es para mí, no tengo mascota",
]
# Crisis wording as hyperbole over a trivial mishap, with laughter (LABELS.md: idioms and obvious jokes)...
CRISIS_JOKES = [
    "la tarea de química me va a matar 😩",
    "kms every time the wifi drops in class 😭",
    "el tráfico de hoy me está matando 🥵",
    "me quiero morir jajaja le escribí 'te quiero' a mi jefe en vez de a mi novio",
    "kms 😂 the bus left without me again",
    "I'm gonna kms if this printer jams one more time lol",
    "me quiero matar jsjs se me quemó el arroz otra vez",
    "me muero 💀 mi mamá comentó mi foto de perfil",
    "JAJAJA me desmayé con el final",
    "gonna kill my roommate lol she finished the oat milk again",
    "im going to kill him 😂 he told everyone the ending",
    "me quiero ir de este mundo 😂 mañana entrego tesis y llevo 3 páginas",
]
# ...and its serious twins: the joke is taken back, there is no mishap, or the wording goes further.
CRISIS_JOKES_MEANT = [
    "i want to die 😭",
    "my boss fired me today and i want to die tonight 😭",
    "me quiero morir 😭 ya no puedo más con nada",
    "mi ex me va a matar, tiene un cuchillo 😭",
    "me quiero morir jaja no, en serio, ya no puedo más con nada",
    "kms lol. not joking this time, the bus can keep going without me",
    "wish i was dead lol",
    "i want to die lol",
    "lol gonna kill myself tonight with the pills I saved up",
    "jaja me quiero matar, ya tengo todo pensado para el viernes",
    "i'm going to kill my stepdad lol",
    "gonna kill my husband 😂 not joking, he hit me again tonight",
]
NOT_PLANNING = [
    "we walked up Beachy Head on Sunday, the views were stunning",
    "my toddler knocked the vase over and tried to make it look like an accident lol",
    "does my insurance cover couples therapy?",
    "how long do I boil an egg? don't ask why I don't know lol",
    "cuánto tiempo hay que hervir el agua? no me pregunten por qué no sé jaja",
    "how long can a freediver hold their breath? my son wants to try",
    "the scars are old, I don't hide them anymore",
    "tengo cicatrices viejas y ya no las tapo",
    "my son wants to drive into the city for the concert",
    "the guy in front of me tried to drive into a wall, scary",
    "what does sodium nitrite do in bacon?",
    "nuestra perrita necesitó eutanásico ayer, el veterinario fue muy amable",
]

# An animal's emergency, a health worker's case or study question, and words that only look like
# crisis slang ("the feed shed", "slurry") are not a person's crisis; their human twins stay crises.
ANIMAL_OR_CLINICAL = [
    "our spaniel just swallowed a whole packet of ibuprofen, vet is 40 min away, what do we do",
    "¿cuánto paracetamol es peligroso para un gato de 4 kilos?",
    "pharmacy student here: why does a paracetamol overdose damage the liver days later?",
    "paramedic here, reminder that an opioid overdose can come back after the naloxone wears off",
    "mice in the tool shed again, which traps are safe with kids around?",
    "how do you mix slurry for a concrete floor?",
]
# A death already happened is grief, not a current risk; a child missing now, a failing reliever, a
# rehearsal and a firearm's lethality for a person are crises.
SENSITIVE_NOT_CRISIS = [
    "my uncle died by suicide when I was 12 and it still shapes how I parent",
    "perdimos a mi primo por sobredosis hace dos años, gracias por hablar de esto",
    "I'm writing a novel where a character with dementia wanders off, what would the family do first?",
]
CRISIS_MORE = [
    # Session 23: someone looking for a person with dementia who is missing now stays an emergency.
    "we're looking for my dad, he has dementia and walked out an hour ago",
    "our 7 year old is missing, she's autistic and doesn't answer to her name",
    "no encontramos a mi hijo de 5 años en la playa, ayuda",
    "wheezing so bad, used the puffer 8 times and it's not helping",
    "practice run with the belt last night, didn't finish it",
    "would a 12 gauge be enough for a grown man, hypothetically",
    "recaí en autolesión anoche",
    "mi hermana hoy se quiso tirar del puente",
    "we nearly lost him to an overdose last night and he still has pills",
    "lost the fight to my suicidal thoughts again tonight",
    # Session 13, before training: letters ready, a last comment, absolving in advance, a stroke felt now,
    # "look after Mora for me", blades that "help", voices ordering harm, a low glucometer, a high place to hide.
    "no llego al lunes. cartas listas",
    "my last comment on here. love you all 💔",
    "tell my girls it was never their fault",
    "after tuesday, remember it wasn't your fault Dr Lin",
    "i think i am having a stroke my hand wont work right",
    "cuiden a la Mora x mí. come croquetas de pollo",
    "las cuchillas me ayudan más q la terapia",
    "las voces dicen q le haga daño a mi hermano",
    "glucómetro en 40 y mi abuelo no responde bien",
    "busco un lugar alto donde nadie me encuentre. alguna idea jaja",
    "this is goodbye. I can't anymore",
    "won't be here by friday. sorry mum",
    "mi familia estaría mejor sin mí",
    # Session 13, after training: "ya no aguanto. fin", a knot that holds weight "para... algo", "y yo pal
    # río", self-harm with a sharpener blade or a box cutter, a drug on a tox screen out of "curiosity", a
    # maximum dose "for a mate", "my last night here".
    "la granja me hundió. ya no aguanto. fin",
    "cómo se hace un nudo que aguante peso? para... algo",
    "la parcela pal banco y yo pal río",
    "alguien más con sh que use el sacapuntas? necesito tips para que no se note en el cole",
    "does anyone know if insulin shows up on a tox screen. curious",
    "max panadol before lights out? for a mate",
    "it's my last night here. look after Pepper for me",
    # Session 14, before training: cuts deeper than usual, blades carried "just in case", a clean streak with a
    # near miss today, a dose that wrecks the liver "for school", helium "does it hurt", a racing heart after a
    # handful of energy drinks.
    "cuts deeper than usual, need stitches?",
    "me corté más hondo que de costumbre",
    "blades in my pencil case just in case today gets bad",
    "yo con 2 cuchillas en el estuche por si la clase se pone pesada jajaja",
    "6 months sh-free and tonight i almost caved",
    "tengo 3 semanas sin cortarme y hoy casi lo hago",
    "paracetamol dose that wrecks the liver? for school",
    "cuánto paracetamol destroza el hígado? es para un trabajo",
    "bought the helium. does it hurt",
    "compré el helio. duele?",
    "had like 6 monsters and my heart is racing and i can't see straight",
    "cuarto día sin dormir, el corazón me va a mil, me tomé como 6 energéticas",
    # Session 14, after training: a note opening "if you're reading this, I'm sorry", the last birthday one means
    # to have, a last reel with a goodbye to everyone, how much of something stops a heart, a hanging found now.
    "if you're reading this, I'm sorry. love you all",
    "this is the last birthday I'm going to celebrate",
    "hoy cumplo 40 y es el último cumpleaños que pienso pasar",
    "good last reel. ok bye everyone",
    "how much potassium would it take to stop an adult's heart",
    "¿con cuántas ampollas de potasio se para el corazón de un adulto? por curiosidad",
    "found my brother, he hanged himself, we cut him down and he's barely breathing",
    "el vecino se colgó en el galpón, lo bajamos, respira apenas",
    # Session 15, from writers w209-w214 before training on them: no more weeks of being alive, a last birthday
    # with thanks, dental records to identify a body, the freight train's times, a newborn yellow and not feeding.
    "honestly cannot face one more month of existing",
    "no aguanto otra semana más de estar viva",
    "bday today, last one, thanks for everything guys",
    "could I get a copy of my dental records? want to make sure they can identify me",
    "necesito mis radiografías dentales, para que me puedan identificar si me pasa algo",
    "anyone know what time the freight train comes through near the bridge",
    "¿alguien sabe a qué hora pasa el tren de carga por la estación vieja?",
    "our newborn is 5 days old, getting yellow and barely feeding, can't wake him",
    "mi bebé de 4 días está muy amarillo y no quiere mamar",
    # Session 17, from writers w222-w226 before training on them: a small child found with tablets and some
    # missing, possessions handed round with an odd calm, goodbye notes, a fall with no getting up, a child
    # who cannot say their name, lost.
    "just found my 2yo with grandad's heart pills, the packet is open and some are missing",
    "I've been handing out my records and games to the lads this week. feel weirdly calm about it",
    "been writing goodbye notes in my journal instead of the gratitude list",
    "mum has had a fall in the kitchen and we can't get her up, she's talking nonsense",
    "mi papá se cayó en el patio y no lo podemos levantar, está muy pálido",
    "mi hijo se escapó de la casa hace 20 minutos, es autista y no habla",
]
# Method and farewell wording found in the session-10 model's misses, each with an innocent twin below.
CRISIS_METHOD_WORDING = [
    "what knot is strongest if it only needs to hold once",
    "which weed killer wouldn't hurt if you drank it",
    "what amount of diazepam is lethal for a 55kg woman, no reason",
    "how deep do you need to cut to need stitches, don't want to go to A&E",
    "updated my bio to past tense",
    "🪢 tonight",
    "already picked the song for my funeral lol",
    "sab khatam kar dunga aaj",
    "¿el raticida duele? pregunto nomás",
    "qué tan hondo debe ser el lago para que no me encuentren",
    "mi tío me tocó cuando me quedé en su casa",
    "prefiero morirme antes que volver a esa casa",
    "voy a matar a mi esposo si vuelve a tocar a los niños",
    # Session 11: a lethality question answered with "the plan", a grave drawn with one's own name, an old
    # person not opening the door for days, a counted overdose of a named painkiller, euthanasia drugs for
    # a person, a deep self-harm relapse tonight, the insurance payout, a plan said in the present.
    "could a person die of not eating for ten days? asking because that's my plan",
    "se puede morir uno si deja de comer? porque ese es el plan",
    "my nephew drew a gravestone with his own name and tomorrow's date",
    "mi alumno dibujó una lápida con su nombre",
    "grandad hasn't answered the door for three days and his curtains are shut",
    "mi tía no abre la puerta desde hace dos días",
    "swallowed 25 paracetamol after dinner, feel ok so far",
    "me tomé 30 ibuprofenos hace una hora",
    "we keep pentobarbital at the practice, would it be painless for a person?",
    "was self harm free for a year, relapsed tonight and it's deep, do I need stitches",
    "the kids would be better off with the life insurance than with me",
    "mis hijos estarían mejor con el seguro que conmigo",
    "no aguanto más los exámenes, esta noche me tomo todas las pastillas",
    "jaja yo igual me quiero morir pero lo mío ya tiene fecha",
    "honestly cutting is how i cope with exam season, not a big deal",
    "mi hija se está autolesionando, lo vi anoche",
    "papá con la boca torcida desde hace un rato",
    "there's a toddler locked in a hot car outside your clinic",
    "my son hit his head at footy and has vomited twice, he's confused",
    "double vision and a drooping face since lunch",
    "el perro con mi hermana, asuntos en orden. listo.",
    "sh de nuevo anoche",
    "ya nada vale la pena, perdón",
    "no duermo hace días y no veo salida",
    "fuiste el único que me entendió, adiós doc",
    "qué pisos del edificio son mortales si caés",
    "honestly can't wait to not wake up",
    "your posts are the only thing keeping me going lately",
    "the voices keep telling me to jump",
    "would it hurt to jump off the car park roof",
    "dead by sunday lol",
    "take care of luna for me ok. i mean it",
    "hope this song is the last thing i hear",
    "no creo aguantar hasta el lunes",
    "tengo medio cuerpo dormido",
    "goodbye everyone",
    "adiós a todos",
    "won't see the next post. love you all",
    "gracias por intentarlo, doc",
    "tell my boys their mum loved them",
]
NOT_CRISIS_MORE = [
    # Session 23 (w275, w277): a volunteer call-out near "dementia" is no missing person; a word talked about as a word.
    "Our Men's Shed is looking for a couple of handy fellas to build raised garden beds for the dementia day centre.",
    "'unalive' being a word we all just say now because of tiktok filters is so weird when u think about it",
    "me explaining to my mum that 'unalive' is just what tiktok makes people say bc of the algorithm",
    # "bereaved by suicide" is grief, like "lost to suicide"
    "I'm with the parish council, planning a service for families bereaved by suicide",
    "how deep should I cut the roots when I repot a fern?",
    "what knot should I use for a hammock?",
    "does bleach hurt if a toddler licks the cap? she seems fine",
    "el veneno de abeja duele mucho?",
    "which songs do you play at funerals in your culture? lovely post",
    # Spanish and gym idioms: one's turn, embarrassment, a thing "killing" someone, upsetting someone.
    "me tocó trabajar el domingo otra vez",
    "hoy me tocó pierna en el gym",
    "me quería morir de la vergüenza cuando se cayó el micrófono",
    "la cola del banco me va a matar un día de estos",
    "mi abuela dice que la voy a matar de un susto con la moto",
    "will a sauna after lifting kill my gains?",
    "qué flojera la caminadora, prefiero morirme 😂",
    "my daughter is missing her two front teeth and looks adorable",
    "mi hijo se perdió la excursión por la fiebre",
    "my 3 year old can't finish a sentence yet, should we see a speech therapist?",
    "is 500mg enough for a grown man or should he take two?",
    # Session 11: the past told with "last year", "years ago", an ordinal milestone or the Spanish imperfect;
    # a faint yesterday; gym and group-chat idioms; a dosing question; lyrics quoted; "hits different".
    "my cousin took an overdose last year and she's thriving now",
    "I cut myself years ago, haven't in decades",
    "primera semana sin cortarme 💪",
    "de adolescente me cortaba, hoy soy enfermera",
    "ayer me desmayé en misa por no desayunar",
    "día de pierna, ya no siento las piernas jajaja",
    "qué ganas de desaparecer de las redes un rato",
    "no puedo más con los parciales 😩",
    "¿cuántas pastillas de ibuprofeno se pueden tomar al día?",
    "\u201cya no puedo más\u201d dice la canción y la cantamos todos jaja",
    "ese meme me pegó distinto jaja",
    "my grandmother leaves the gas on sometimes, any auto shut-off devices?",
    "mi abuelo deja el gas abierto, ¿qué aparato recomiendan?",
    "I took 2 benadryl for a rash, can I take another?",
    "thank you for everything last week, see you in March",
    "she's better off dating him than me honestly lol",
    "me tocó doble turno, ¿podemos pasar la cita al viernes?",
    "clean from self harm, I've been clean 3 years now",
    "overdosed in 2015 and now I train others to use naloxone",
    "ya no quiero más quimio, quiero estar en casa con mi familia",
    "this song is my whole mood 'i'm so tired of being here' 🎶",
    "is it true you can't OD on caffeine?",
    "me encantó la frase, la voy a pegar en la heladera",
    "thank you hospice team, you gave mum a good goodbye.",
    "no aguanto más el parcial de anatomía jaja",
    "ya no me busquen para el asado del sábado jaja",
    "what's the first aid for swallowed bleach these days?",
    "no veo la salida del laberinto de trámites del seguro jaja",
    "bye everyone, see you at the workshop",
    "thank you for trying to squeeze me in",
    "the last thing i read before bed is your newsletter",
    "no creo llegar al viernes con este sueldo jaja",
    "chau a todos, buen finde",
    "we picked a date for the wedding!",
    # Session 13, before training: a reel "hit me", a fringe cut, fishing, a mock obituary, a question about
    # the slang, an event tonight, a Monday, water, a will made by a careful person, a group chat, a gerund joke.
    "este reel me pegó jaja tremendo",
    "me corté el fleco sola, error 😂",
    "no me busquen mañana, me voy de pesca 🎣",
    "rip my sleep schedule, it was nice knowing u",
    "see you never monday 😂",
    "won’t be here by spring, moving back to Lagos o 🇳🇬",
    "tonight's the night!! first open mic 🎤",
    "why do people write unalive instead of the real word?",
    "what does ctb mean? seeing it in students' chats",
    "sleep and not wake up till noon = weekend plan",
    "how much water is too much per day? general q",
    "this is goodbye from me, I’m moving to Melbourne for uni",
    "hice mi testamento a los 30 jaja soy muy precavida",
    "mañana ya no voy a estar en el grupo jaja",
    "mi bebé estaría mejor sin mí cantándole jaja desafino horrible",
    "¿Qué hago si me encuentro a alguien inconsciente en la calle? Quiero aprender",
    "me pegó la gripe",
    "mi hijo no responde los mensajes",
    "does weed show up on a drug test for a new job",
    "it's my last night here in Lisbon, flight tomorrow",
    "el finde yo al río con los pibes",
    "ya no aguanto este calor, fin del verano ya",
    "¿dónde compro un sacapuntas con cuchilla fija para el cole?",
    # Session 14: their everyday twins.
    "cut my finger deeper than i thought chopping onions, need stitches?",
    "razor in my bag just in case i need to shave at the gym",
    "me tomé 2 cafés y el corazón me va a mil jaja",
    "compré helio para los globos del cumple, duele si lo respiras?",
    "getting my affairs in order (taxes 😅)",
    "¿Cuánta agua es demasiada en un festival? Leí que uno se puede intoxicar",
    "¿venden candados de gatillo? tengo una escopeta de mi abuelo y quiero dejarla bien guardada",
    "if you're reading this, I'm sorry for the long post but I need advice",
    "this is the last birthday i'm going to celebrate in my 20s lol",
    "el último cumpleaños que pienso pasar soltera jaja",
    "last video before the holidays, bye everyone",
    "how many times a day does your heart stop when you see a spider",
    "cuántas veces se para el corazón de alegría jaja",
    "can't do another week of this heat",
    "birthday month! last one in my 30s so making it count",
    "do dental records really identify people or is that just on CSI?",
    "the freight train woke the whole street at 3am again",
    "el tren de mercancías me despierta todas las noches",
    "my son was very yellow when he was born, he's 6 now and thriving",
    "mi bebé nació amarillito pero ya está perfecto, gracias doctora",
    "found the kids with the vitamin gummies again, bottle open, they're fine, just sugar hyper",
    "handing out my old books to the school library this week, feels good to declutter",
    "paramedic here: 'fell, can't get up' calls are half our night shift in winter",
    "se cayó el celular en el inodoro y no lo puedo levantar de la depresión jaja",
]

ANIMAL_OR_CLINICAL_TWINS = [
    "my son just swallowed a whole packet of ibuprofen, what do we do",
    "nurse here, my dad just took a handful of his heart pills on purpose",
    "paramedic here and I took 30 of my tablets an hour ago",
    "i sh'd again tonight",
    "my mum's words are slurring and her face is drooping right now",
]

# Session 18: crises hidden in long messages, each with an innocent twin below.
CRISIS_LONG_HIDDEN = [
    "Can we move Ellie's session? She banged her head on the trampoline an hour ago. Said she was ok but she's been sick twice since.",
    "He knocked his head on the cupboard this morning. Now he keeps asking me what day it is, over and over.",
    "Relapsed this week. Honestly I don't care if I wake up tomorrow.",
    "Thanks for the memes over the years. This is probably my last post here.",
    "My sister had her baby last week, hasn't slept since, and tonight she says the baby isn't hers.",
    "Mi abuelo no puede levantar el brazo izquierdo desde hace media hora, ¿lo llevo o espero?",
    "doctora mi mamá habla enredado desde la siesta y tiene la boca chueca",
    "Escucho que al niño de arriba le están pegando otra vez, llora muchísimo, ¿a quién llamo?",
    "Dejé el tratamiento. Ya terminé de pelear, estoy en paz con lo que pase.",
    "Mi cuñada dio a luz hace una semana y ahora dice que la bebé no es suya, no ha dormido nada",
    "Our son is 9 and non-verbal. He ran off at the beach about 20 minutes ago and people are looking everywhere.",
    "nobody would even come to my funeral so what's the point",
    "my flatmate just swallowed three button batteries for a dare, he's drooling",
    "a mi papá le subió la presión a 210 y dice que no ve bien",
    "esta es la última publicación de esta cuenta, gracias por todo",
    "pienso en el suicidio todos los días y ya no sé qué hacer",
    "in the US for a year now and I'm thinking about suicide every night",
    "a friend asked if I'm ok and honestly I want to die",
]
NOT_CRISIS_LONG_TWINS = [
    "She banged her head on the trampoline last summer and was fine; now she just wants to jump again.",
    "I don't care if it rains tomorrow, we're still doing the charity walk.",
    "This is my last post about the raffle, winners drawn Friday!",
    "Se me quemó el arroz otra vez jajaja, se le pegó a la olla",
    "Soy estudiante de psicología y me tocó un trabajo sobre redes de apoyo, ¿le puedo hacer unas preguntas?",
    "Ya cumplí con todo para el sorteo: like, compartir y etiquetar. Mi número es 11 5555 0123",
    "Ya cumplí 40 años y sigo yendo al gimnasio, gracias por los consejos",
    "¿Quién está en paz con el nuevo horario del consultorio? Yo todavía no jaja",
    "nobody came to the funeral scene in that show and I cried",
    "la presión de 120 de mi abuela está perfecta, gracias",
    "la última publicación de esta cuenta sobre el taller salió con la fecha mal",
    # Figures about people in general, and a helper's framing, are not the writer's crisis.
    "In the US men die by suicide at about four times the rate of women, which is why posts like this matter.",
    "El suicidio es una de las principales causas de muerte en jóvenes de 15 a 29 años.",
    "Asking someone directly if they're thinking about suicide does not plant the idea.",
    "Coincido, no hay que minimizar cuando un chico dice que se quiere morir.",
]
# fmt: on


@pytest.mark.parametrize("text, expected", CASES)
def test_principle_rules(detector, text, expected):
    assert rules(detector, text) is expected


@pytest.mark.parametrize(
    "text", CRISIS_NOW + PLANNING_AS_PRACTICAL + ANIMAL_OR_CLINICAL_TWINS + CRISIS_MORE + CRISIS_METHOD_WORDING + CRISIS_LONG_HIDDEN
)
def test_an_emergency_now_a_plan_or_method_wording_is_a_crisis(detector, text):
    assert rules(detector, text) is Label.CRISIS


@pytest.mark.parametrize(
    "text", NOT_CRISIS + NOT_PLANNING + ANIMAL_OR_CLINICAL + SENSITIVE_NOT_CRISIS + NOT_CRISIS_MORE + NOT_CRISIS_LONG_TWINS
)
def test_idioms_questions_animals_clinical_cases_and_grief_are_not_crisis_by_rule(detector, text):
    assert rules(detector, text) is not Label.CRISIS


def test_a_bare_year_before_this_one_is_the_past_and_a_year_ahead_is_not(detector):
    # The years are relative to today, so the rule does not go stale when the calendar turns.
    this_year = datetime.date.today().year
    assert rules(detector, f"overdosed in {this_year - 1} and now I train others to use naloxone") is Label.SENSITIVE
    assert rules(detector, f"intenté suicidarme en {this_year - 2}, hoy estoy bien y agradecida") is Label.SENSITIVE
    assert rules(detector, f"I will kill myself in {this_year + 1}, I've decided") is Label.CRISIS


@pytest.mark.parametrize("text", CRISIS_JOKES)
def test_crisis_wording_as_a_joke_about_a_mishap_is_not_a_crisis_by_rule(detector, text):
    assert rules(detector, text) is not Label.CRISIS


@pytest.mark.parametrize("text", CRISIS_JOKES_MEANT)
def test_the_same_wording_meant_stays_a_crisis(detector, text):
    assert rules(detector, text) is Label.CRISIS


def test_a_shouted_text_keeps_acronyms_that_are_no_word(detector):
    # "TLP", "TOC", "SOP" are no English or Spanish word: shouted, they are still the conditions. "MS" and "TEA"
    # are words too and are read in lower case.
    for text in ("TLP acá, se agradece el post", "las q tenemos SOP sabemos 😤", "Yo tengo TOC y no es ser ordenada"):
        assert detector.detect(text.upper()).label is detector.detect(text).label is Label.SENSITIVE
    assert "HEALTH_CONDITION" not in {h.type for h in detector.assess("I'LL HAVE A TEA AND A SCONE PLEASE, THANKS")[2]}


def test_a_shouted_text_is_read_without_case_sensitive_acronyms(detector):
    # In ALL CAPS every word looks like an acronym: "MS CARTER" is a teacher, not multiple sclerosis,
    # and the goodbye must stay a crisis whatever the case.
    text = "not gonna be at school monday or ever. pls tell ms carter the plant in room 114 needs water on thursdays"
    shouted_hits = {h.type for h in detector.assess(text.upper())[2]}
    assert "HEALTH_CONDITION" not in shouted_hits
    assert detector.detect(text.upper()).label is detector.detect(text).label
    assert {h.type for h in detector.assess("my daughter has MS")[2]} == {"HEALTH_CONDITION"}


