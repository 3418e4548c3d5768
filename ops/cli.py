"""PageGuard's command line: `python -m ops.cli <subcommand> ...`.

Each subcommand is a small function registered in COMMANDS with its argument setup. Imports stay
inside the functions so `classify` loads only the detector (no boto3), and so adding a subcommand
never slows the others down.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Callable, Sequence, TextIO


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- classify -----------------------------------------------------------------------------------


def _configure_classify(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Read JSON Lines on stdin ({id, text, optional lang, optional allowed_contacts}) and write one "
        'JSON line per input, in order: {"id", "label", "entities", "reason"}. A bad line is reported '
        "on stderr (line number and error, never the text) and processing continues."
    )


def classify_stream(lines: TextIO, out: TextIO, err: TextIO) -> tuple[int, int]:
    """Classify every JSON line from `lines`; returns (classified, bad)."""
    from chalicelib.detect.engine import get_detector

    detector = get_detector()
    done = bad = 0
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            if not isinstance(item, dict):
                raise ValueError("line is not a JSON object")
            if "id" not in item:
                raise ValueError("missing 'id'")
            text = item.get("text")
            if not isinstance(text, str):
                raise ValueError("missing or non-string 'text'")
            lang = item.get("lang")
            if lang is not None and not isinstance(lang, str):
                raise ValueError("'lang' must be a string")
            allowed = item.get("allowed_contacts") or ()
            if not isinstance(allowed, (list, tuple)) or not all(isinstance(a, str) for a in allowed):
                raise ValueError("'allowed_contacts' must be a list of strings")
            verdict = detector.detect(text, lang=lang, allowed_contacts=allowed)
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            bad += 1
            err.write(f"line {lineno}: {type(exc).__name__}: {_safe(exc)}\n")
            err.flush()
            continue
        record = {
            "id": item["id"],
            "label": verdict.label.value,
            "entities": [
                {"type": e.type, "start": e.start, "end": e.end, "score": e.score} for e in verdict.entities
            ],
            "reason": verdict.reason,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        done += 1
    return done, bad


def _safe(exc: Exception) -> str:
    # JSONDecodeError messages quote no input, only positions; keep it that way for all errors.
    return str(exc).splitlines()[0][:200]


def _run_classify(args: argparse.Namespace) -> int:
    classify_stream(sys.stdin, sys.stdout, sys.stderr)
    return 0


# --- explain ------------------------------------------------------------------------------------


def _configure_explain(parser: argparse.ArgumentParser) -> None:
    parser.description = "Show what detection found in one text and why it got its label."
    parser.add_argument("text", help="the text to explain, or - to read it from stdin")
    parser.add_argument("--lang", choices=["en", "es"], default=None, help="skip language detection")
    parser.add_argument("--allow", action="append", default=[], help="a page contact detail to allow")


def explain(text: str, lang: str | None = None, allowed: Sequence[str] = ()) -> str:
    """A readable breakdown: language, entities with their anchoring, classifier scores, verdict."""
    from chalicelib.detect.engine import get_detector

    detector = get_detector()
    norm_text, used_lang, _hits, assessment = detector.assess(text, lang, allowed)
    verdict = detector.detect(text, lang=lang, allowed_contacts=allowed)
    lines = [f"language: {used_lang}{'' if lang else ' (detected)'}"]
    if assessment.findings:
        lines.append("entities:")
        for f in assessment.findings:
            h = f.hit
            lines.append(
                f"  {h.type:<22} [{h.start}:{h.end}] {norm_text[h.start:h.end]!r:<28} score {h.score:.2f}"
                f"  -> {f.status.value} ({f.cue})"
            )
    else:
        lines.append("entities: none")
    lines.append(f"rules say: {assessment.label.value}")
    classifier = detector._classifier  # noqa: SLF001 - explain is the one place that shows internals
    if classifier is not None:
        scores = classifier.predict(norm_text, used_lang, assessment.features())
        th = classifier.thresholds
        lines.append(
            f"classifier: protect p={scores.protect_p:.3f} (threshold {th['protect']:.3f})"
            f", crisis p={scores.crisis_p:.3f} (threshold {th['crisis']:.3f})"
        )
    else:
        lines.append("classifier: not trained (run `make train`); rules only")
    lines.append(f"verdict: {verdict.label.value}")
    lines.append(f"reason: {verdict.reason}")
    return "\n".join(lines)


def _run_explain(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    print(explain(text, args.lang, args.allow))
    return 0


# --- setup / subscribe / scan (deployment; logic in provision.py, subscription.py, scan.py) ---------


def _deferred(
    module: str, name: str = ""
) -> tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]:
    """configure/run of a chalicelib module (configure_<name>/run_<name> when a module holds several),
    imported only when that subcommand is set up or run."""
    import importlib

    suffix = f"_{name}" if name else ""

    def configure(parser: argparse.ArgumentParser) -> None:
        getattr(importlib.import_module(module), f"configure{suffix}")(parser)

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), f"run{suffix}")(args)

    return configure, run


# --- dispatcher ---------------------------------------------------------------------------------

COMMANDS: dict[str, Command] = {
    "classify": Command("classify JSON Lines from stdin", _configure_classify, _run_classify),
    "explain": Command("explain the verdict for one text", _configure_explain, _run_explain),
    "setup": Command("store a stage's pages and app secret in SSM (SecureString)", *_deferred("ops.provision")),
    "subscribe": Command("subscribe the Meta app to each page's webhooks", *_deferred("ops.subscription")),
    "scan": Command("back-fill: check existing comments (--since 30d; dry run unless --apply)", *_deferred("ops.scan")),
    "audit": Command("list recent moderation decisions (ids and actions, never text)", *_deferred("chalicelib.state.store", "audit")),
    "unhide": Command("unhide a comment PageGuard hid (false positive) and record it", *_deferred("chalicelib.act.pipeline", "unhide")),
    "replay-dlq": Command("drive parked dead letters through the pipeline again", *_deferred("chalicelib.ingest.worker", "replay_dlq")),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ops.cli", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, cmd in COMMANDS.items():
        cmd.configure(sub.add_parser(name, help=cmd.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
