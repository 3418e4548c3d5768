"""`scan --since 30d`: back-fill moderation of comments already on a Page's posts and Instagram media.

Lists each page's recent comments with the Graph client (`list_recent_comments`: the latest posts and
media, comments newer than --since), runs detection and policy on each, and prints one line per comment:
id, verdict, entity types, and whether PageGuard would hide it. Dry run by default: nothing is hidden,
sent or recorded. With --apply every comment not already handled goes through the real pipeline, the
same path a webhook takes (hide, replies, alert email, audit record, step idempotency).
Comment text is never printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

from chalicelib.config import PagesConfig, PageSettings
from chalicelib.errors import ConfigError, GraphError

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_SINCE_DAYS = 365


def parse_since(value: str, now: float) -> float:
    """'30d', '12h', '90m', '2w' before `now`, or an ISO date/time (UTC if no zone) -> Unix seconds."""
    match = _DURATION_RE.match(value)
    if match:
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        since = now - seconds
    else:
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ConfigError(f"--since {value!r}: use a duration like 30d, 12h, 2w or a date like 2026-11-01") from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        since = parsed.timestamp()
    if since > now:
        raise ConfigError(f"--since {value!r} is in the future")
    if now - since > MAX_SINCE_DAYS * 86400:
        raise ConfigError(f"--since {value!r} is more than {MAX_SINCE_DAYS} days back")
    return since


@dataclass(frozen=True)
class ScanLine:
    """One comment's outcome. No text: ids, labels and entity types only."""

    item_id: str
    page_id: str
    platform: str
    label: str
    entity_types: tuple[str, ...]
    actions: tuple[str, ...]
    would_hide: bool
    outcome: str  # "dry-run", "applied", "already handled", "failed: <ErrorType>"

    def render(self) -> str:
        entities = ",".join(self.entity_types) or "-"
        hide = "yes" if self.would_hide else "no"
        actions = ",".join(self.actions) or "-"
        return (f"{self.item_id:<34} {self.platform:<9} {self.label:<9} entities={entities:<32} "
                f"would-hide={hide:<3} actions={actions}  [{self.outcome}]")


@dataclass
class ScanReport:
    pages: int = 0
    comments: int = 0
    flagged: int = 0
    would_hide: int = 0
    applied: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    lines: list[ScanLine] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"pages": self.pages, "comments": self.comments, "flagged": self.flagged,
                "would_hide": self.would_hide, "applied": self.applied, "already_handled": self.skipped,
                "errors": len(self.errors)}


class Progress:
    """A one-line progress bar on a terminal (stderr), or a line every 10% when stderr is not a terminal."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self._stream = stream
        self._width = width
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_decile = -1

    def update(self, done: int, total: int, label: str) -> None:
        total = max(total, 1)
        fraction = min(done / total, 1.0)
        if self._tty:
            filled = int(fraction * self._width)
            bar = "#" * filled + "." * (self._width - filled)
            self._stream.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}")
            if done >= total:
                self._stream.write("\n")
            self._stream.flush()
            return
        decile = int(fraction * 10)
        if decile != self._last_decile or done >= total:
            self._last_decile = decile
            self._stream.write(f"progress: {done}/{total} ({fraction:.0%}) {label}\n")
            self._stream.flush()


def scan(
    pages: PagesConfig,
    graph_for_page: Callable[[PageSettings], Any],
    detector: Any,
    since: float,
    *,
    apply_with: Any = None,
    emit: Callable[[ScanLine], None] = lambda line: None,
    progress: Progress | None = None,
) -> ScanReport:
    """Moderate (apply_with=a Pipeline) or just assess (None) every comment newer than `since`."""
    from chalicelib.act import policy
    from chalicelib.models import ActionKind, Surface

    report = ScanReport()
    for page in pages.pages:
        report.pages += 1
        try:
            events = [e for e in graph_for_page(page).list_recent_comments(page, since) if e.surface is Surface.COMMENT]
        except GraphError as exc:
            report.errors.append(f"{page.page_id}: {type(exc).__name__}")
            if progress:
                progress.update(0, 0, f"{page.name}: listing failed ({type(exc).__name__})")
            continue
        for index, event in enumerate(events, start=1):
            report.comments += 1
            verdict = detector.detect(event.text, allowed_contacts=page.allowed_contacts)
            decision = policy.decide(page, event, verdict)
            kinds = tuple(a.kind.value for a in decision.actions)
            hides = any(a.kind is ActionKind.HIDE for a in decision.actions)
            report.flagged += verdict.label.value != "ok"
            report.would_hide += hides
            outcome = "dry-run"
            if apply_with is not None:
                outcome = _apply(apply_with, event, report)
            line = ScanLine(event.item_id, page.page_id, event.platform.value, verdict.label.value,
                            verdict.entity_types, kinds, hides, outcome)
            report.lines.append(line)
            emit(line)
            if progress:
                progress.update(index, len(events), page.name)
    return report


def _apply(pipeline: Any, event: Any, report: ScanReport) -> str:
    store = pipeline.store
    record = store.get_audit(event.item_id)
    if (record is not None and record.settled) or store.is_ours(event.item_id):
        report.skipped += 1
        return "already handled"
    try:
        pipeline.handle(event)
    except Exception as exc:  # keep scanning; the item stays unhandled and reconcile or a re-run picks it up
        report.errors.append(f"{event.item_id}: {type(exc).__name__}")
        return f"failed: {type(exc).__name__}"
    report.applied += 1
    return "applied"


# --- command line ---------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Back-fill: check the comments already on each page's recent posts and Instagram media. Dry run by "
        "default (prints id, verdict, entity types, would-hide); --apply moderates them through the pipeline."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--stage", choices=("dev", "prod"), help="a deployed stage: pages from SSM, state in its table")
    source.add_argument("--pages-file", type=Path, help="local run: pages JSON, local SQLite state and outbox")
    parser.add_argument("--since", default="30d", help="how far back: 30d, 12h, 2w or a date (default 30d)")
    parser.add_argument("--page", action="append", default=[], help="only this page id (repeatable)")
    parser.add_argument("--apply", action="store_true", help="act on what is found (default: dry run)")
    parser.add_argument("--max-posts", type=int, default=25, help="most recent posts/media per page to read (default 25)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    parser.add_argument("--graph-api-url", default=None)
    parser.add_argument("--stack-name", default=None, help="with --apply on a stage: default pageguard-STAGE")
    parser.add_argument("--region", default=None)


def _stage_settings_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment the deployed functions have, rebuilt from config.json and the stack's outputs."""
    import boto3

    from ops import provision

    env = provision.stage_environment(args.stage)
    env["PAGEGUARD_STAGE"] = args.stage
    stack_name = args.stack_name or f"pageguard-{args.stage}"
    cfn = boto3.client("cloudformation", region_name=args.region)
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    env["STORE_TABLE"] = outputs.get("StoreTableName", "")
    env["QUEUE_URL"] = outputs.get("EventsQueueUrl", "")
    env["DEAD_LETTER_QUEUE_URL"] = outputs.get("DeadLetterQueueUrl", "")
    if parameters.get("SenderEmail"):
        env["NOTIFY_FROM"] = f"PageGuard <{parameters['SenderEmail']}>"
    if parameters.get("AuditRetentionDays"):
        env["AUDIT_RETENTION_DAYS"] = parameters["AuditRetentionDays"]
    if args.graph_api_url:
        env["GRAPH_API_URL"] = args.graph_api_url
    return env


def build_pipeline_for(args: argparse.Namespace) -> Any:
    """The real pipeline for --apply: the deployed stage's table/SES/SSM, or the local stage's SQLite."""
    import os

    from chalicelib.config import Settings
    from chalicelib.wiring import Deps

    if args.stage:
        env = {**os.environ, **_stage_settings_env(args)}
    else:
        env = {**os.environ, "PAGEGUARD_STAGE": "local", "PAGES_FILE": str(args.pages_file)}
        if args.graph_api_url:
            env["GRAPH_API_URL"] = args.graph_api_url
    return Deps(settings=Settings.from_env(env)).pipeline


def run(args: argparse.Namespace, *, ssm: Any = None, out: TextIO | None = None, err: TextIO | None = None,
        clock: Callable[[], float] = time.time) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    from chalicelib.detect.engine import get_detector
    from chalicelib.act.graph import HttpGraphClient
    from ops.subscription import load_target

    try:
        since = parse_since(args.since, clock())
        pages, secret, base = load_target(args, ssm)
        pipeline = build_pipeline_for(args) if args.apply else None
    except (ConfigError, OSError) as exc:
        err.write(f"scan failed: {exc}\n")
        return 1
    graph = HttpGraphClient(base, app_secret=secret, max_posts=args.max_posts)
    mode = "APPLY: acting on what is found" if args.apply else "dry run: nothing will be hidden, sent or recorded"
    err.write(f"scanning {len(pages.pages)} page(s), comments since "
              f"{dt.datetime.fromtimestamp(since, dt.timezone.utc):%Y-%m-%d %H:%M} UTC ({mode})\n")

    def emit(line: ScanLine) -> None:
        if args.json:
            out.write(json.dumps({**line.__dict__, "entity_types": list(line.entity_types), "actions": list(line.actions)}) + "\n")
        else:
            out.write(line.render() + "\n")
        out.flush()

    report = scan(pages, lambda page: graph, get_detector(), since, apply_with=pipeline, emit=emit, progress=Progress(err))
    for error in report.errors:
        err.write(f"error: {error}\n")
    err.write(json.dumps(report.summary()) + "\n")
    if not args.apply and report.would_hide:
        err.write("dry run: re-run with --apply to act on these.\n")
    return 1 if report.errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.scan")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
