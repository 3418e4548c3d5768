#!/usr/bin/env python3
"""Build es_handwritten_NN.jsonl from hand-written raw files scripts/corpus_es_raw/hw_NN.txt.

Raw line format (one item per line, blank lines and lines starting with # ignored):
    <label> <surface> <platform> || <text> || <why>
label: o=ok s=sensitive c=crisis; surface: c=comment m=message; platform: f=facebook i=instagram
Every text was written by hand; this script only converts and numbers them.
"""
import json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAW = ROOT / "scripts" / "corpus_es_raw"
OUT = ROOT / "data" / "corpus"
L = {"o": "ok", "s": "sensitive", "c": "crisis"}
S = {"c": "comment", "m": "message"}
P = {"f": "facebook", "i": "instagram"}

def main():
    n = 0
    for raw in sorted(RAW.glob("hw_*.txt")):
        num = raw.stem.split("_")[1]
        rows = []
        for ln, line in enumerate(raw.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("||")
            if len(parts) != 3:
                sys.exit(f"{raw.name}:{ln}: expected 3 fields: {line!r}")
            codes, text, why = (p.strip() for p in parts)
            c = codes.split()
            if len(c) != 3 or c[0] not in L or c[1] not in S or c[2] not in P:
                sys.exit(f"{raw.name}:{ln}: bad codes {codes!r}")
            text = text.replace("\\n", "\n")
            n += 1
            rows.append({"id": f"es-h-{n:04d}", "surface": S[c[1]], "platform": P[c[2]],
                         "lang": "es", "text": text, "label": L[c[0]], "why": why})
        with open(OUT / f"es_handwritten_{num}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(raw.name, len(rows))
    print("total", n)

if __name__ == "__main__":
    main()
