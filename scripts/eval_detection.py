"""Score the classify CLI on a labelled JSON Lines file: `make eval` (python scripts/eval_detection.py FILE).

--variants also scores typographic variants of every item; --together adds the files' figures as one set.

Runs `python -m ops.cli classify` as a subprocess, so what is measured is the CLI contract.
Only id and text are sent: Meta delivers comments without a language tag, so detection must guess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

LABELS = ("ok", "sensitive", "crisis")
REPO = Path(__file__).resolve().parent.parent


def run_classify(items: list[dict]) -> dict:
    payload = "".join(json.dumps({"id": it["id"], "text": it["text"]}, ensure_ascii=False) + "\n" for it in items)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "ops.cli", "classify"],
        input=payload, capture_output=True, text=True, cwd=REPO, env=env, check=True,
    )
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    return {out["id"]: out["label"] for out in map(json.loads, proc.stdout.splitlines())}


def metrics(pairs: list[tuple[str, str]]) -> dict:
    """pairs of (gold, predicted)."""
    protect = [p for g, p in pairs if g != "ok"]
    crisis = [p for g, p in pairs if g == "crisis"]
    ok = [p for g, p in pairs if g == "ok"]
    return {
        "n": len(pairs),
        "protect_recall": sum(p != "ok" for p in protect) / len(protect) if protect else float("nan"),
        "crisis_recall": sum(p == "crisis" for p in crisis) / len(crisis) if crisis else float("nan"),
        "crisis_labelled_ok": sum(p == "ok" for p in crisis),
        "fpr_ok": sum(p != "ok" for p in ok) / len(ok) if ok else float("nan"),
        "n_protect": len(protect),
        "n_crisis": len(crisis),
        "n_ok": len(ok),
    }


def confusion(pairs: list[tuple[str, str]]) -> str:
    counts = Counter(pairs)
    lines = ["gold \\ predicted " + "".join(f"{p:>11}" for p in LABELS)]
    for g in LABELS:
        lines.append(f"{g:<17} " + "".join(f"{counts[(g, p)]:>11}" for p in LABELS))
    return "\n".join(lines)


def fmt(name: str, m: dict) -> str:
    return (
        f"{name:<8} n={m['n']:<4} protect recall {m['protect_recall']:.3f} ({m['n_protect']})"
        f"  crisis recall {m['crisis_recall']:.3f} ({m['n_crisis']})"
        f"  crises labelled ok {m['crisis_labelled_ok']}"
        f"  FPR on ok {m['fpr_ok']:.3f} ({m['n_ok']})"
    )


# Typographic variants a label must not flip on (the same families as tests/detect/test_typography.py).
VARIANTS = {
    "curly quotes": lambda t: t.replace("'", "\u2019").replace('"', "\u201c"),
    "zero-width spaces": lambda t: re.sub(r"\b(\w\w)(\w\w+)", "\\1\u200b\\2", t),
    "ALL CAPS": str.upper,
    "no punctuation": lambda t: re.sub(r"[^\w\s]", "", t),
}


def evaluate(path: Path, variants: bool) -> dict:
    """Print one file's figures; return its (lang, gold, predicted) rows and flips per variant."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    predicted = run_classify(items)
    missing = [it["id"] for it in items if it["id"] not in predicted]
    if missing:
        print(f"{len(missing)} items got no output", file=sys.stderr)
    rows = [(it.get("lang", "?"), it["label"], predicted.get(it["id"], "ok")) for it in items]
    print(f"{path}: {len(items)} items")
    print(confusion([(g, p) for _, g, p in rows]))
    print()
    print_figures(rows)
    result = {"rows": rows, "variants": {}}
    if variants:
        print("typographic variants (label flips against the plain text):")
        for name, change in VARIANTS.items():
            changed = [{**it, "text": change(it["text"])} for it in items]
            again = run_classify(changed)
            flips = sum(again.get(it["id"]) != predicted.get(it["id"]) for it in items)
            variant_pairs = [(it["label"], again.get(it["id"], "ok")) for it in items]
            print(fmt(name[:8], metrics(variant_pairs)) + f"  flips {flips}")
            result["variants"][name] = (variant_pairs, flips)
    print()
    return result


def print_figures(rows: list[tuple[str, str, str]]) -> None:
    """Overall and per-language figures for (lang, gold, predicted) rows."""
    print(fmt("overall", metrics([(g, p) for _, g, p in rows])))
    for lang in sorted({lang for lang, _, _ in rows}):
        print(fmt(lang, metrics([(g, p) for row_lang, g, p in rows if row_lang == lang])))


def print_together(results: list[dict]) -> None:
    """The files as one set (`make eval` passes several held-out writers)."""
    rows = [row for r in results for row in r["rows"]]
    print(f"all {len(results)} files together: {len(rows)} items")
    print_figures(rows)
    for name in VARIANTS:
        if all(name in r["variants"] for r in results):
            pairs = [pair for r in results for pair in r["variants"][name][0]]
            flips = sum(r["variants"][name][1] for r in results)
            print(fmt(name[:8], metrics(pairs)) + f"  flips {flips}")
    print()


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    if not args:
        print("usage: eval_detection.py LABELLED.jsonl [MORE.jsonl ...] [--variants] [--together]", file=sys.stderr)
        return 2
    results = [evaluate(Path(name), "--variants" in argv) for name in args]
    if "--together" in argv and len(results) > 1:
        print_together(results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
