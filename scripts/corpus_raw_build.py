#!/usr/bin/env python3
"""Build data/corpus/{en,es}_<batch>_NN.jsonl from hand-written raw files.

Usage: corpus_raw_build.py extra|more   (the two hand-written batches after the first corpus)
Raw format (scripts/corpus_<batch>_raw/{lang}_NN.txt), one item a line:
    L S || text || why
L = o (ok) | s (sensitive) | c (crisis); S = c (comment) | m (message).
Lines starting with # and blank lines are skipped. Platform alternates
facebook/instagram by line order (keeps the split even). Ids are sequential
per language across files: en-x-0001 (extra), en-m-0001 (more), ...
Every text was written by hand; this script only converts the format.
"""
import json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BATCH_ID_LETTER = {"extra": "x", "more": "m"}
OUT = ROOT / "data" / "corpus"
LAB = {"o": "ok", "s": "sensitive", "c": "crisis"}
SUR = {"c": "comment", "m": "message"}


def norm(t):
    return " ".join(t.lower().split())


def main(batch):
    raw_dir = ROOT / "scripts" / f"corpus_{batch}_raw"
    letter = BATCH_ID_LETTER[batch]
    existing = set()
    for p in OUT.glob("*.jsonl"):
        if f"_{batch}_" in p.name:
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                existing.add((o["lang"], norm(o["text"])))
    bad = 0
    for lang in ("en", "es"):
        n = 0
        seen = set()
        for raw in sorted(raw_dir.glob(f"{lang}_*.txt")):
            rows = []
            for ln, line in enumerate(raw.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip() or line.startswith("#"):
                    continue
                parts = [x.strip() for x in line.split("||")]
                if len(parts) != 3:
                    print(f"{raw.name}:{ln}: expected 3 fields: {line[:70]}"); bad += 1; continue
                codes, text, why = parts
                c = codes.split()
                if len(c) != 2 or c[0] not in LAB or c[1] not in SUR or not text or not why:
                    print(f"{raw.name}:{ln}: bad codes/fields: {line[:70]}"); bad += 1; continue
                key = (lang, norm(text))
                if key in existing or key in seen:
                    print(f"{raw.name}:{ln}: duplicate text, skipped: {text[:60]}"); continue
                seen.add(key)
                n += 1
                rows.append({"id": f"{lang}-{letter}-{n:04d}", "surface": SUR[c[1]],
                             "platform": "facebook" if n % 2 else "instagram",
                             "lang": lang, "text": text, "label": LAB[c[0]], "why": why})
            out = OUT / f"{raw.stem.replace(lang + '_', lang + f'_{batch}_')}.jsonl"
            out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            print(f"{out.name}: {len(rows)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in BATCH_ID_LETTER:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(BATCH_ID_LETTER)}")
    main(sys.argv[1])
