#!/usr/bin/env python3
"""Deterministic template generator for the English PageGuard corpus.

Writes data/corpus/en_generated.jsonl. Templates are (label, why, surface, text)
where surface is "c" (comment), "m" (message) or "*" (either); {slot} names are
filled from the vocabularies below. Texts that duplicate a handwritten item
(or each other) are skipped. Fixed seed -> same output every run.
"""
import json, pathlib, random, re

SEED = 20240611
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "corpus" / "en_generated.jsonl"
QUOTA = {"ok": 555, "sensitive": 510, "crisis": 245}
MSG_SHARE = 0.52  # for "*" templates

V = {
    "kin": ["my son", "my daughter", "my wife", "my husband", "my mum", "my mom", "my dad", "my partner",
            "my best friend", "my brother", "my sister", "my girlfriend", "my boyfriend", "my grandma",
            "my 15 year old", "my teenage son", "my roommate", "my fiancé", "my stepdaughter", "my nan"],
    "name": ["Mark", "Priya", "Jess", "Tom", "Aisha", "Liam", "Sofia", "Dave", "Mei", "Carlos", "Hannah",
             "Kofi", "Rachel", "Jordan", "Niamh", "Omar", "Ellie", "Ben"],
    "cond": ["depression", "anxiety", "GAD", "ptsd", "PTSD", "bpd", "BPD", "ocd", "OCD", "adhd", "ADHD",
             "bipolar", "bipolar 2", "anorexia", "bulimia", "binge eating disorder", "panic disorder",
             "social anxiety", "insomnia", "endometriosis", "PCOS", "fibromyalgia", "MS", "long covid",
             "postpartum depression", "health anxiety", "complex ptsd", "cptsd", "autism", "dyslexia",
             "chronic fatigue", "epilepsy", "psychosis", "an eating disorder", "agoraphobia", "IBS"],
    "med": ["Zoloft", "zoloft", "sertraline", "Lexapro", "lexapro", "escitalopram", "prozac", "fluoxitine",
            "wellbutrin", "bupropion", "adderall", "Vyvanse", "seroquel", "quetiapine", "lithium",
            "lamotrigine", "lamictal", "ritalin", "concerta", "xanax", "klonopin", "effexor", "venlafaxine",
            "mirtazapine", "abilify", "propranolol", "trazodone", "my ssri", "my antidepressant", "my meds"],
    "dose": ["10mg", "20mg", "25 mg", "50mg", "75mg", "100mg", "150mg", "200mg", "300mg", "0.5mg", "40 mg"],
    "sym": ["can't sleep", "haven't slept properly in days", "my heart keeps racing", "I keep crying for no reason",
            "I can't eat", "I'm shaking all the time", "I feel numb", "I get dizzy every morning",
            "I can't stop overthinking", "I keep having nightmares", "my hands won't stop trembling",
            "I can't concentrate on anything", "I feel sick before work every day", "I keep zoning out",
            "I get chest tightness every evening", "I haven't left the house in weeks"],
    "ksym": ["hasn't slept in days", "stopped eating", "cries every night", "won't get out of bed",
             "keeps having panic attacks", "has been drinking every night", "keeps zoning out",
             "won't leave the house", "is hearing things", "keeps throwing up after meals",
             "has been self harming", "is so withdrawn", "keeps getting headaches", "stopped talking to us"],
    "time": ["for 3 weeks", "since january", "since the divorce", "lately", "all year", "since I was a teenager",
             "for months", "since the baby was born", "since covid", "for about a week", "since my dad died",
             "since I started uni", "for 2 years now", "since the accident"],
    "ktime": ["for weeks", "since the divorce", "lately", "since school started", "for months", "since covid",
              "since his dad left", "since she lost her job", "this whole term"],
    "therapy": ["EMDR", "CBT", "DBT", "therapy", "counselling", "physio", "speech therapy", "OT",
                "couples counselling", "ERP", "the trauma program", "IOP", "group therapy", "pelvic floor physio"],
    "day": ["Tuesday", "Monday", "Thursday", "Friday", "Wednesday", "Saturday", "tomorrow's", "next week's"],
    "when": ["3pm", "10am", "4:30", "9am", "2pm", "noon", "5:15"],
    "phone": ["555-01%02d" % i for i in range(10, 99, 7)],
    "email": ["sam.k.r@examplemail.com", "jodie_88@example.com", "m.harris@example.com",
              "tiny.owl22@examplemail.com", "ray.ortiz@example.com", "b.nguyen@examplemail.com"],
    "topic": ["anxiety", "depression", "burnout", "ADHD", "grief", "boundaries", "trauma", "OCD", "sleep",
              "postpartum depression", "eating disorders", "addiction", "back pain", "pelvic floor health",
              "speech delays", "autism", "self care", "perimenopause", "IVF", "panic attacks", "PTSD",
              "body image", "sobriety", "stress", "loneliness", "sexual health", "PrEP", "bipolar disorder"],
    "treat": ["EMDR", "CBT", "DBT", "ERP", "ACT", "exposure therapy", "art therapy", "dry needling",
              "TMS", "ketamine therapy", "hypnotherapy", "somatic therapy", "IFS", "play therapy",
              "neurofeedback", "mindfulness", "group therapy"],
    "insurer": ["Aetna", "BCBS", "Blue Cross", "Cigna", "United", "Medicaid", "Medicare", "Tricare", "Kaiser",
                "Bupa", "Medibank", "HCF", "Optum", "Humana"],
    "idiom": ["this traffic is killing me", "I'm dying 😂", "I'd kill for a nap", "this meme killed me",
              "that workout destroyed me", "I'm so addicted to this podcast", "my brain is fried",
              "I'm dead 💀", "this week is killing me", "I could die of embarrassment", "I'm obsessed",
              "that quiz nearly killed me", "my phone is dying", "I'm losing my mind over this puzzle",
              "this song is killing me", "I'm drowning in laundry", "my feet are killing me after the concert",
              "i'm crying laughing", "the suspense is killing me", "I'm literally melting in this heat"],
    "fig": ["that singer", "that actor", "the main character", "that footballer", "the comedian", "that youtuber",
            "the guy in that documentary", "the mum in that series", "the detective in the book"],
    "pkind": ["therapists", "physios", "dietitians", "OTs", "psychologists", "counsellors", "speech therapists",
              "midwives"],
    "emo": ["", "", "", " 😊", " 🙏", " 💛", " 🙌", " ❤️", " 👏", " ✨"],
    "semo": ["", "", "", " 😞", " 😔", " 🥲", " 😩", " 😢", " 🙃"],
    "age": ["14", "16", "7", "9", "12", "4", "17", "3"],
    "pills": ["my pills", "all my meds", "the whole bottle", "my sleeping pills", "my mum's pills",
              "the pills I've been saving", "everything in the medicine cabinet"],
    "place": ["the bridge", "the roof", "the cliffs", "the train station", "the top of the car park",
              "the overpass", "the pier"],
    "harm_target": ["him", "her", "my ex", "my boss", "my stepdad", "them", "my neighbour", "that teacher"],
}

T = []  # (label, why, surface, template)
def add(label, why, surface, *templates):
    for t in templates:
        T.append((label, why, surface, t))

# ---------------- ok: general topics, practice questions, hard negatives ----------------
add("ok", "general topic", "c",
    "great tips for {topic}{emo}", "saving this post about {topic} for later{emo}",
    "this is the best explanation of {topic} I've seen", "more people need to see this {topic} post",
    "shared your {topic} carousel with my group chat{emo}", "thank you for talking about {topic} so openly",
    "{topic} awareness matters, thanks for posting", "the part about {topic} and sleep was so interesting")
add("ok", "general question", "*",
    "is {treat} evidence based?", "how does {treat} actually work?", "what's the difference between {treat} and {treat}?",
    "who is {treat} best suited for, generally?", "can {treat} be done online or only in person?",
    "how many sessions of {treat} does it usually take?", "is {topic} more common in women or men?",
    "what are early signs of {topic} people should look out for?", "what's the best book on {topic} for beginners?",
    "how do {pkind} usually approach {topic}?", "does research support {treat} for kids?")
add("ok", "practice question", "*",
    "do you take {insurer}?", "are you in network with {insurer}?", "is {insurer} accepted for {treat}?",
    "are you accepting new clients?", "what are your hours on {day2}?", "do you offer a sliding scale?",
    "how long is the waitlist right now?", "do you see teens?", "do you offer telehealth?",
    "what's the fee for an initial session?", "do you have any evening spots?", "do you offer {treat}?",
    "is parking available at the clinic?", "do you do free 15 min consults?", "do you see couples?",
    "can I book online or do I need to call?", "do you do superbills for out of network?",
    "are there any {pkind} at your clinic who speak Spanish?", "do you take walk ins?",
    "hi, what's the cancellation policy?", "is there a waitlist for {treat}?")
add("ok", "negated", "*",
    "I don't have {cond}, just curious how it's diagnosed", "not that I have {cond} but how is it treated?",
    "never been diagnosed with anything, just find {topic} fascinating", "I don't take {med} myself, just wondering how it works",
    "no {cond} here thankfully, but great info for friends")
add("ok", "hypothetical", "*",
    "if someone has {cond}, how would you even start treating it?", "hypothetically, would {treat} help with {cond}?",
    "say a person was on {med}, could they still drink coffee?", "what would you recommend for someone who thinks they might have {cond}? asking for a class discussion")
add("ok", "third person general", "c",
    "lots of people with {cond} don't even realise it", "so many people live with {cond} silently",
    "people with {cond} deserve better support", "the stigma around {cond} needs to end")
add("ok", "fiction/public figure", "c",
    "{fig} had {cond} in the show and they portrayed it well", "{fig} opening up about {cond} was brave",
    "the way {fig} talked about {topic} in that interview 👏", "{fig} going to rehab was all over the news, hope they're ok")
add("ok", "idiom", "c",
    "{idiom}", "{idiom} lol", "ok {idiom}", "{idiom}, anyway great post", "monday be like: {idiom}",
    "{idiom} 😂 but seriously love your content")
add("ok", "praise/thanks", "c",
    "love this{emo}", "so true{emo}", "thank you for sharing{emo}", "needed this today{emo}",
    "you always post the best stuff{emo}", "this page is a gem{emo}", "👏👏👏", "preach!{emo}", "yes!! this{emo}")
add("ok", "tagging friend", "c",
    "@{handle} look at this{emo}", "@{handle} we should go to the workshop together", "@{handle} for the book club?")
add("ok", "peer discussion", "c",
    "fellow {pkind_s} here, totally agree{emo}", "as a {pkind_s} I share this with my clients all the time",
    "{pkind_s} here - great summary of the evidence on {treat}", "would love a CPD session on {treat}, any plans?")
add("ok", "profession", "c",
    "I'm a {job} and I think this is great info", "as a {job} I see how important {topic} education is")
add("ok", "spam", "*",
    "DM me to earn ${money} a day from home 💰", "{money} followers in 24h, click link in bio 🚀",
    "Hey dear, we help {pkind} get more clients. Reply YES", "Your page will be disabled, verify at meta-verify-{handle}.example",
    "Crypto trading made me ${money} last week, ask me how", "Free giveaway 🎁 follow and tag 3 friends")
add("ok", "business contact", "*",
    "Hi, this is {name} from {biz}, we'd love to collaborate, call us on {phone}",
    "{biz} here! For referrals contact our office at {phone}",
    "hi from {biz}, could you share our free community event? info at events@example.com")
add("ok", "event", "c",
    "is the {topic} workshop still on {day2}?", "will the {topic} webinar be recorded?", "how do I register for the {treat} training?")
add("ok", "chit-chat", "*",
    "happy {holiday} to the team{emo}", "where did you get that {thing}?", "cute {thing} in the background!", "good morning!{emo}")

# ---------------- sensitive ----------------
add("sensitive", "own diagnosis", "*",
    "I was diagnosed with {cond} {time2} and this post hit hard{semo}", "got my {cond} dx {time2}, still processing",
    "as someone with {cond} this is so validating{semo}", "me and my {cond} reading this{semo}",
    "living with {cond} {time} and some days are really hard", "my {cond} has been really bad {time}{semo}",
    "I think I have {cond}, {sym}. where do I start?", "{opener}my psychiatrist thinks it's {cond}. {sym} {time}")
add("sensitive", "kin condition", "*",
    "{kin} has {cond} and I don't know how to help", "{kin} was just diagnosed with {cond}{semo}",
    "{kin} {ksym} {ktime}, should we see someone?", "{kin}'s {cond} is getting worse {ktime}",
    "how do I support {kin} with {cond}? nothing I say helps", "{kin} {ksym} and I'm really worried")
add("sensitive", "named person condition", "c",
    "@{handle} this is literally you and your {cond} haha", "{name} you should read this, remember what your doctor said about your {cond}",
    "{name}'s been struggling with {cond} again, sending love", "tagging {name} because of your {cond} 💛")
add("sensitive", "own medication", "*",
    "does anyone else feel foggy on {med}? I'm on {dose}", "my doctor upped my {med} to {dose}, feeling weird",
    "started {med} {time2} and {sym}", "been on {med} {dose} {time}, is the nausea normal?",
    "ran out of {med} and I feel awful", "tapering off {med} and the brain zaps are brutal{semo}",
    "should I take my {med} in the morning or at night? on {dose}", "{med} {dose} isn't working for me anymore")
add("sensitive", "kin medication", "*",
    "{kin} just started {med} and {ksym2}", "is {dose} of {med} a lot for {kin}? they're {age}",
    "{kin} refuses to take their {med}")
add("sensitive", "therapy relationship", "*",
    "see you at my {day} session!", "thanks for last week's appointment{emo}", "since I started seeing you I feel so much better{emo}",
    "can we move my appointment to {day}?", "my therapist said the same thing last week", "running 10 min late for my {when}, sorry!",
    "since I started {therapy} with you things are calmer{emo}", "I'll miss my {day} session, I'm sick",
    "thank you for today's session, I needed it", "can I get a receipt for my last 4 sessions for my insurance?",
    "is my {when} still on for {day}?", "just booked my first {therapy} session with you, nervous!",
    "it's {name}, can I reschedule {day} {when}?", "our session yesterday helped so much{emo}")
add("sensitive", "own symptoms", "*",
    "{opener}{sym} {time} and I don't know what's wrong{semo}", "{sym}, {sym2}. is that anxiety?",
    "{opener}haven't slept in {n} days and my heart keeps racing", "{sym} {time}, should I see someone?",
    "{opener}{sym} {time}. work thinks I'm fine but I'm not")
add("sensitive", "own substance use", "*",
    "{n} days sober today{emo}", "I relapsed last weekend after {n} months clean{semo}",
    "I've been drinking every night {time} and I think it's a problem", "{n} years clean from {drug} 🙏",
    "I can't stop using {drug}, I need help", "been smoking weed every day {time} to cope",
    "my {drug} use has gotten out of control {time}")
add("sensitive", "kin substance use", "*",
    "{kin} relapsed on {drug} and I don't know what to do", "{kin} has been drinking way too much {ktime}",
    "{kin} is in rehab for {drug}, any support groups for families?")
add("sensitive", "reproductive/sexual health", "*",
    "I'm {n} weeks pregnant and {sym}", "we lost our baby at {n} weeks{semo}", "round {n} of IVF starts monday 🤞",
    "I tested positive for {sti} and I'm so embarrassed", "I've been on PrEP {time}, any side effects to watch?",
    "{n} months on HRT today 🥳", "my IUD has been causing cramps {time}", "{opener}I'm HIV+ and undetectable, love this post",
    "we've been trying to conceive {time} with no luck{semo}", "my wife had a miscarriage last week, how do I support her?",
    "{opener}I think I might be pregnant and I'm scared")
add("sensitive", "disability", "*",
    "as a wheelchair user I'd love seated versions", "I'm deaf, could you add captions please?",
    "{kin} is autistic and nonverbal, any tips?", "I have a spinal cord injury and {sym}",
    "I'm blind and use a screen reader, alt text would help me")
add("sensitive", "contact for care", "*",
    "I need to talk to someone about my {cond}, please call me on {phone}", "please email me at {email}, I need help with {kin}'s {cond}",
    "can someone call me back about therapy? {phone}", "I want to book for my {cond}. my email is {email}",
    "{opener}need help asap, {sym}. call {phone}")
add("sensitive", "body/eating", "*",
    "{opener}I've been skipping meals again and counting every calorie", "I binged again last night and feel disgusting",
    "I weigh myself {n} times a day", "{opener}I make myself sick after dinner most nights",
    "I hate my body so much {time}{semo}", "I've been eating under {cal} calories a day {time}")

# ---------------- crisis ----------------
add("crisis", "indirect suicidal", "*",
    "everyone would be better off without me", "{opener}can't do this anymore. {bye}", "tired of existing {time}",
    "going to sleep and not wake up", "this is goodbye{cemo}", "won't be a problem much longer",
    "I've saved up my pills. {bye}", "picked a date. it's {dayname}", "gave away my {pet} today. {bye}",
    "wrote letters to everyone. {bye}", "last post. {bye}", "stocked up on pills for {dayname}",
    "I'm at {place} rn", "came to {place} tonight, it's quiet here", "took everything in the cabinet",
    "{opener}no one would miss me if I was gone", "I won't be at my {day} session. {bye}",
    "I've made my decision. {bye}", "{opener}I just want it all to end tonight", "i'm done fighting. {bye}",
    "my family will be fine without me", "i'm ready to go now. {bye}", "by the time you read this it will be over",
    "i've been counting {pills} and i have enough", "{opener}I don't see a way out except ending it",
    "{opener}I won't be around much longer{cemo}", "deleted everything except this. {bye}",
    "said my goodbyes today. they didn't know", "{opener}I've put my affairs in order. {bye}",
    "it'll all be over by {dayname}", "I'm not going to wake up tomorrow, I made sure",
    "my {pet} is going to my sister. I won't need anything anymore")
# indirect phrasings are weighted double (listed twice) so they dominate crisis
T.extend([t for t in list(T) if t[0] == "crisis" and t[1] == "indirect suicidal"])
add("crisis", "suicidal ideation", "*",
    "{opener}I want to kill myself", "I keep thinking about ending my life {time}", "I don't want to be alive anymore",
    "{opener}I have a plan to end my life {dayname}", "I'm not safe tonight, I want to die")
add("crisis", "self-harm", "*",
    "I cut myself again tonight and it won't stop bleeding", "relapsed on self harm after {n} months{cemo}",
    "burned myself on purpose again", "{opener}the urge to cut is too strong right now, I have the blade",
    "I hurt myself again and it's deeper this time")
add("crisis", "overdose now", "*",
    "I took {pills} about an hour ago", "{opener}I swallowed {pills}, I feel really strange",
    "took a lot of {med} with vodka and my heart is weird")
add("crisis", "third person risk now", "*",
    "{kin} says they're going to end it tonight and won't answer", "{kin} just texted me goodbye and their phone is off",
    "{kin} took {pills} and is locked in the bathroom", "{name} posted a goodbye on their story, I can't reach them",
    "{kin} is at {place} and says they'll jump")
add("crisis", "intent to harm others", "*",
    "I'm going to hurt {harm_target}, I mean it this time", "going to make {harm_target} pay. tonight",
    "{opener}if {harm_one} comes near me again I'll kill them, I've got a knife")
add("crisis", "child at risk", "*",
    "my toddler swallowed some of {kpills} and is acting really sleepy", "my {age} year old drank something from under the sink and is vomiting",
    "my {age} year old says her stepdad hurts her and he's picking her up tonight", "my baby isn't breathing properly right now")
add("crisis", "medical emergency now", "*",
    "chest pain and my left arm is numb right now", "I can't breathe and my lips are going blue",
    "{kin} is having a seizure right now and it won't stop", "{opener}I'm bleeding a lot and feel faint",
    "{kin} collapsed and isn't responding")

EXTRA = {
    "day2": ["saturday", "sunday", "weekdays", "friday", "public holidays"],
    "handle": ["jess_m", "tomtom.b", "priya.k22", "liamruns", "soph.ellis", "dan_the_man", "kayla.rose", "mo.ahmed"],
    "pkind_s": ["therapist", "physio", "dietitian", "OT", "psychologist", "counsellor", "speech therapist", "midwife", "LCSW", "MFT"],
    "job": ["nurse", "teacher", "paramedic", "pharmacist", "social worker", "GP", "youth worker", "doula"],
    "money": ["500", "1000", "10k", "300", "5000"],
    "biz": ["Bright Path Wellness", "Cedar Family Clinic", "Harbour Pharmacy", "Northside Gym", "Oak Street Pilates"],
    "holiday": ["new year", "easter", "holidays", "thanksgiving", "diwali", "eid", "pride month"],
    "thing": ["lamp", "rug", "plant", "mug", "cardigan", "dog", "couch"],
    "time2": ["last year", "in march", "at 34", "last month", "when I was 19", "recently", "this spring"],
    "opener": ["", "", "", "hi ", "Hey, ", "honestly ", "ok so ", "ngl ", "Hello, ", "sorry if this is weird but ", "idk "],
    "sym2": ["I can't eat", "I feel numb", "I can't sleep", "my chest is tight", "I cry all the time"],
    "ksym2": ["they're not sleeping", "they're not eating", "they're really irritable", "they're like a zombie", "they feel sick every day"],
    "n": ["2", "3", "4", "5", "6", "8", "10", "12", "30", "90"],
    "drug": ["alcohol", "meth", "heroin", "coke", "pills", "fentanyl", "weed", "ice", "opioids"],
    "sti": ["chlamydia", "herpes", "gonorrhea", "syphilis", "HPV"],
    "cal": ["500", "600", "800", "1000"],
    "bye": ["bye", "sorry", "thank you for everything", "goodbye", "love you all", "it's ok", "don't worry about me"],
    "cemo": ["", "", " 🖤", " 💔", " 😔"],
    "dayname": ["friday", "sunday", "tomorrow", "my birthday", "tonight", "next week"],
    "kpills": ["my pills", "my sleeping pills", "grandma's heart pills", "my iron tablets", "my antidepressants", "the adhd meds"],
    "harm_one": ["he", "she", "my ex", "my stepdad", "that guy", "my neighbour"],
    "pet": ["cat", "dog", "rabbit", "guitar", "car", "plants"],
}
V.update(EXTRA)
SLOT = re.compile(r"\{(\w+)\}")


def fill(rng, tmpl):
    return SLOT.sub(lambda m: rng.choice(V[m.group(1)]), tmpl)


def vary(rng, text, label):
    r = rng.random()
    if r < 0.22:
        text = text.lower()
    elif r < 0.30 and label != "crisis":
        text = text[0].upper() + text[1:]
    if rng.random() < 0.25:
        text = text.rstrip(".?!")
    if label == "ok" and rng.random() < 0.08:
        text += rng.choice([" lol", " haha", " thx", " 🙂"])
    if label == "sensitive" and rng.random() < 0.12:
        text += rng.choice([" any advice?", " idk", " thanks for this post", " is that normal?"])
    text = re.sub(r"\b(my|My) my ", r"\1 ", text)
    return " ".join(text.split())


def norm(t):
    return " ".join(t.lower().split())


def main():
    rng = random.Random(SEED)
    seen = set()
    for p in sorted((ROOT / "data" / "corpus").glob("en_handwritten_*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            seen.add(norm(json.loads(line)["text"]))
    by_label = {k: [t for t in T if t[0] == k] for k in QUOTA}
    rows = []
    for label, quota in QUOTA.items():
        temps = by_label[label]
        got, tries, i = 0, 0, 0
        while got < quota and tries < quota * 40:
            tries += 1
            _, why, surf, tmpl = temps[i % len(temps)]
            i += 1
            text = vary(rng, fill(rng, tmpl), label)
            if norm(text) in seen:
                continue
            seen.add(norm(text))
            if surf == "*":
                surf = "m" if rng.random() < MSG_SHARE else "c"
            rows.append({"surface": "message" if surf == "m" else "comment",
                         "platform": rng.choice(["facebook", "instagram"]),
                         "lang": "en", "text": text, "label": label, "why": why})
            got += 1
    rng.shuffle(rows)
    with OUT.open("w", encoding="utf-8") as f:
        for n, r in enumerate(rows, 1):
            r = {"id": f"en-g-{n:04d}", **r}
            r = {k: r[k] for k in ("id", "surface", "platform", "lang", "text", "label", "why")}
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"templates: {len(T)}; wrote {len(rows)} rows to {OUT.name}")


if __name__ == "__main__":
    main()
