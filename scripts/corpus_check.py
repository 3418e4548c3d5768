#!/usr/bin/env python3
"""Validate every data/corpus/*.jsonl and data/corpus/writers/*.jsonl file (all languages).

Writer files (independent writers) also carry `writer` (and `review` where a label was corrected
against LABELS.md); their ids start with the writer, not the language.

Checks: each line parses as a JSON object with exactly the expected keys,
ids unique across the corpus, valid label/surface/platform/lang, non-empty
text and why, id prefix matches lang, no exact duplicate texts (within a
language, case/whitespace-insensitive). Prints counts per file, per lang,
label, surface and platform. Exit status 1 on any problem.
"""
import collections, json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
KEYS = {"id", "surface", "platform", "lang", "text", "label", "why"}
WRITER_KEYS = KEYS | {"writer"}
LABELS = {"ok", "sensitive", "crisis"}
SURFACES = {"comment", "message"}
PLATFORMS = {"facebook", "instagram"}
LANGS = {"en", "es"}


def norm(t):
    return " ".join(t.lower().split())


def main():
    problems = []
    ids = {}
    texts = {}
    stats = collections.defaultdict(collections.Counter)
    files = sorted(CORPUS.glob("*.jsonl")) + sorted((CORPUS / "writers").glob("*.jsonl"))
    if not files:
        problems.append(f"no .jsonl files in {CORPUS}")
    for path in files:
        nfile = 0
        for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{ln}"
            if not line.strip():
                problems.append(f"{where}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"{where}: bad JSON ({e})")
                continue
            writer_file = path.parent.name == "writers"
            expected = WRITER_KEYS if writer_file else KEYS
            if not isinstance(obj, dict) or not (set(obj) == expected or (writer_file and set(obj) == expected | {"review"})):
                problems.append(f"{where}: keys {sorted(obj) if isinstance(obj, dict) else type(obj)}")
                continue
            for k in expected:
                if not isinstance(obj[k], str) or not obj[k].strip():
                    problems.append(f"{where}: empty/non-string {k}")
            if obj["label"] not in LABELS:
                problems.append(f"{where}: label {obj['label']!r}")
            if obj["surface"] not in SURFACES:
                problems.append(f"{where}: surface {obj['surface']!r}")
            if obj["platform"] not in PLATFORMS:
                problems.append(f"{where}: platform {obj['platform']!r}")
            if obj["lang"] not in LANGS:
                problems.append(f"{where}: lang {obj['lang']!r}")
            elif writer_file and (obj["writer"] != path.stem or not str(obj["id"]).startswith(path.stem + "-")):
                problems.append(f"{where}: writer/id {obj['writer']!r}/{obj['id']!r} do not match file {path.stem}")
            elif not writer_file and not str(obj["id"]).startswith(obj["lang"] + "-"):
                problems.append(f"{where}: id {obj['id']!r} lacks prefix {obj['lang']}-")
            if obj["id"] in ids:
                problems.append(f"{where}: duplicate id {obj['id']} (first at {ids[obj['id']]})")
            else:
                ids[obj["id"]] = where
            key = (obj["lang"], norm(str(obj["text"])), obj.get("writer", "team"))
            if key in texts:
                problems.append(f"{where}: duplicate text (first at {texts[key]}): {obj['text'][:60]!r}")
            else:
                texts[key] = where
            lang = obj["lang"]
            stats[lang]["total"] += 1
            stats[lang]["label:" + obj["label"]] += 1
            stats[lang]["surface:" + obj["surface"]] += 1
            stats[lang]["platform:" + obj["platform"]] += 1
            nfile += 1
        print(f"{path.name}: {nfile}")
    for lang in sorted(stats):
        c = stats[lang]
        tot = c["total"]
        print(f"\n[{lang}] total {tot}")
        for group in ("label", "surface", "platform"):
            parts = [f"{k.split(':', 1)[1]}={v} ({100 * v / tot:.1f}%)"
                     for k, v in sorted(c.items()) if k.startswith(group + ":")]
            print(f"  {group}: " + ", ".join(parts))
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems[:200]:
            print("  " + p, file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
