"""`scan --since 30d`: back-fill moderation of comments already on a Page's posts and Instagram media.

Lists each page's recent comments with the Graph client (`list_recent_comments`: the latest posts and
media, comments newer than --since), runs detection and policy on each, and prints one line per comment:
id, verdict, entity types, and whether PageGuard would hide it. Dry run by default: nothing is hidden,
sent or recorded. With --apply every comment not already handled goes through the real pipeline, the
same path a webhook takes (hide, replies, alert email, audit record, step idempotency).
Comment text is never printed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

from chalicelib.act import policy
from chalicelib.act.graph import GraphClient, HttpGraphClient
from chalicelib.act.pipeline import Pipeline
from chalicelib.config import PagesConfig, PageSettings
from chalicelib.detect.engine import Detector, get_detector
from chalicelib.errors import ConfigError
from chalicelib.ingest import sweep
from chalicelib.models import ActionKind, Label, Surface, WebhookEvent
from ops.stage import StageTarget, deps_for
from ops.subscription import PagesSource, load_target

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
    """Progress on stderr: a rich progress bar on a terminal, or a line every 10% when stderr is a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last_decile = -1
        self._bar: Any = None
        self._task: Any = None
        if bool(getattr(stream, "isatty", lambda: False)()):
            from rich.console import Console
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(console=Console(file=stream), transient=False)

    def update(self, done: int, total: int, label: str) -> None:
        total = max(total, 1)
        if self._bar is not None:
            if self._task is None:
                self._bar.start()
                self._task = self._bar.add_task(label, total=total)
            self._bar.update(self._task, completed=done, total=total, description=label[:40])
            if done >= total:
                self._bar.stop()
                self._task = None
            return
        fraction = min(done / total, 1.0)
        decile = int(fraction * 10)
        if decile != self._last_decile or done >= total:
            self._last_decile = decile
            self._stream.write(f"progress: {done}/{total} ({fraction:.0%}) {label}\n")
            self._stream.flush()


def scan(
    pages: PagesConfig,
    graph_for_page: Callable[[PageSettings], GraphClient],
    detector: Detector,
    since: float,
    *,
    apply_with: Pipeline | None = None,
    emit: Callable[[ScanLine], None] = lambda line: None,
    progress: Progress | None = None,
) -> ScanReport:
    """Moderate (apply_with=a Pipeline) or just assess (None) every comment newer than `since`."""
    report = ScanReport()
    for listed in sweep.list_comments(pages, graph_for_page, since):
        page = listed.page
        report.pages += 1
        if listed.error:
            report.errors.append(listed.error)
            if progress:
                progress.update(0, 0, f"{page.name}: listing failed ({listed.error_type})")
            continue
        events = [e for e in listed.events if e.surface in (Surface.COMMENT, Surface.POST)]
        for index, event in enumerate(events, start=1):
            report.comments += 1
            verdict = detector.detect(event.text, allowed_contacts=page.allowed_contacts)
            decision = policy.decide(page, event, verdict)
            kinds = tuple(a.kind.value for a in decision.actions)
            hides = any(a.kind is ActionKind.HIDE for a in decision.actions)
            report.flagged += verdict.label is not Label.OK
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


def _apply(pipeline: Pipeline, event: WebhookEvent, report: ScanReport) -> str:
    # The same path a webhook takes; a failed item stays unhandled and reconcile or a re-run picks it up.
    outcome = sweep.drive(pipeline, pipeline.store, event, report.errors)
    if outcome is sweep.Outcome.SETTLED:
        report.skipped += 1
    elif outcome is sweep.Outcome.HANDLED:
        report.applied += 1
    else:
        return f"failed: {report.errors[-1].split(': ')[-1]}"
    return str(outcome)


# --- command ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanOptions(PagesSource):
    """`scan`'s options (ops/cli.py documents each)."""

    since: str = "30d"
    apply: bool = False
    max_posts: int = 25
    json: bool = False
    stack_name: str | None = None


def build_pipeline_for(args: ScanOptions) -> Pipeline:
    """The real pipeline for --apply: the deployed stage's table/SES/SSM, or the local stage's SQLite."""
    target = StageTarget(args.stage, args.stack_name, args.region, args.graph_api_url)
    return deps_for(target, pages_file=None if args.stage else args.pages_file).pipeline


def run(args: ScanOptions, *, ssm: Any = None, out: TextIO | None = None, err: TextIO | None = None,
        clock: Callable[[], float] = time.time) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
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
