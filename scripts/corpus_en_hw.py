#!/usr/bin/env python3
"""Build data/corpus/en_handwritten_NN.jsonl from the handwritten sources in
scripts/corpus_en_hw/NN.txt.

Source line format (one item per line, '#' lines and blanks ignored):
    <label> <surface> <platform> | <why> | <text>
label:    o=ok  s=sensitive  c=crisis
surface:  c=comment  m=message
platform: f=facebook  i=instagram  -=alternate automatically
Text may use the literal two characters \\n for a line break.
Ids are sequential across all source files (en-h-0001 ...), so the build is
deterministic.
"""
import json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "scripts" / "corpus_en_hw"
OUT = ROOT / "data" / "corpus"
LAB = {"o": "ok", "s": "sensitive", "c": "crisis"}
SUR = {"c": "comment", "m": "message"}
PLA = {"f": "facebook", "i": "instagram"}


def main():
    n = 0
    alt = 0
    bad = 0
    for src in sorted(SRC.glob("*.txt")):
        rows = []
        for ln, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                head, why, text = line.split(" | ", 2)
                l, s, p = head.split()
                label, surface = LAB[l], SUR[s]
                if p == "-":
                    platform = ("facebook", "instagram")[alt % 2]
                    alt += 1
                else:
                    platform = PLA[p]
            except Exception as e:  # noqa: BLE001
                print(f"{src.name}:{ln}: bad line ({e}): {line[:80]}", file=sys.stderr)
                bad += 1
                continue
            n += 1
            rows.append({"id": f"en-h-{n:04d}", "surface": surface, "platform": platform,
                         "lang": "en", "text": text.strip().replace("\\n", "\n"),
                         "label": label, "why": why.strip()})
        out = OUT / f"en_handwritten_{src.stem}.jsonl"
        with out.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{out.name}: {len(rows)}")
    print(f"total handwritten: {n}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
