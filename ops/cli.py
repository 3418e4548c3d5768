"""PageGuard's command line: `python -m ops.cli COMMAND ...` (`--help` on any command says more).

Results go to stdout; PageGuard's logs go to stderr, and only with --verbose. On a terminal tables and
progress bars are drawn with rich; piped, every command prints plain lines that scripts can read.
Heavy modules are imported inside each command, so `classify` loads only the detector (no boto3).
"""

from __future__ import annotations

import enum
import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, Sequence, TextIO

import click
import typer

if TYPE_CHECKING:
    from chalicelib.state.records import AuditRecord
    from chalicelib.wiring import Deps

app = typer.Typer(
    name="pageguard",
    help="PageGuard's operator commands: detection, the audit log, dead letters and deployment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # docstring paragraphs are rewrapped to the terminal's width
)



class StageName(enum.StrEnum):
    DEV = "dev"
    PROD = "prod"


class Language(enum.StrEnum):
    EN = "en"
    ES = "es"


Stage = Annotated[Optional[StageName], typer.Option(help="a deployed stage (default: local state)")]
StackName = Annotated[Optional[str], typer.Option(help="with --stage: the CloudFormation stack (default pageguard-STAGE)")]
Region = Annotated[Optional[str], typer.Option(help="AWS region of the stack (default: your AWS config)")]
GraphApiUrl = Annotated[Optional[str], typer.Option(help="Graph API base URL with version (default: the stage's)")]
PagesFile = Annotated[Optional[Path], typer.Option(help="a local pages JSON instead of the stage's SSM parameter")]
OnlyPages = Annotated[Optional[list[str]], typer.Option("--page", help="only this page id (repeatable)")]


@app.callback()
def _global(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="PageGuard's JSON logs on stderr")] = False) -> None:
    configure_logging(verbose)


def configure_logging(verbose: bool) -> None:
    """Logs never mix with results: on stderr with --verbose, otherwise off (errors are printed by the command)."""
    if not verbose:
        logging.disable(logging.CRITICAL)
        return
    logging.disable(logging.NOTSET)
    from chalicelib.logs import logger

    for handler in logging.getLogger(logger.service).handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.stderr)


def _is_terminal(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


# --- detection ----------------------------------------------------------------------------------


@app.command("classify")
def classify_command() -> int:
    """Classify JSON Lines from stdin: {id, text, lang?, allowed_contacts?} per line.

    Writes one JSON line per good input, in order: {"id", "label", "entities", "reason"}. A bad line is
    reported on stderr (line number and error, never its text) and the rest are still processed; the
    exit code is 1 when any line was bad.
    """
    _done, bad = classify_stream(sys.stdin, sys.stdout, sys.stderr)
    return 1 if bad else 0


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


@app.command("explain")
def explain_command(
    text: Annotated[str, typer.Argument(help="the text to explain, or - to read it from stdin")],
    lang: Annotated[Optional[Language], typer.Option(help="skip language detection")] = None,
    allow: Annotated[Optional[list[str]], typer.Option(help="a page contact detail to allow (repeatable)")] = None,
) -> int:
    """Show what detection found in one text and why it got its label."""
    print(explain(sys.stdin.read() if text == "-" else text, _value(lang), allow or ()))
    return 0


def explain(text: str, lang: str | None = None, allowed: Sequence[str] = ()) -> str:
    """A readable breakdown: language, entities with their anchoring, classifier scores, verdict."""
    from chalicelib.detect.engine import get_detector

    why = get_detector().explain(text, lang, allowed)
    lines = [f"language: {why.lang}{' (detected)' if why.lang_detected else ''}"]
    if why.assessment.findings:
        lines.append("entities:")
        for f in why.assessment.findings:
            h = f.hit
            lines.append(
                f"  {h.type:<22} [{h.start}:{h.end}] {why.text[h.start:h.end]!r:<28} score {h.score:.2f}"
                f"  -> {f.status.value} ({f.cue})"
            )
    else:
        lines.append("entities: none")
    lines.append(f"rules say: {why.assessment.label.value}")
    if why.scores is not None:
        th = why.thresholds
        lines.append(
            f"classifier: protect p={why.scores.protect_p:.3f} (threshold {th['protect']:.3f})"
            f", crisis p={why.scores.crisis_p:.3f} (threshold {th['crisis']:.3f})"
        )
    else:
        lines.append("classifier: not trained (run `make train`); rules only")
    lines.append(f"verdict: {why.verdict.label.value}")
    lines.append(f"reason: {why.verdict.reason}")
    return "\n".join(lines)


# --- the audit log, unhide, dead letters ------------------------------------------------------------


def _deps(stage: StageName | None, stack_name: str | None, region: str | None, graph_api_url: str | None = None) -> Deps:
    from ops.stage import StageTarget, deps_for

    return deps_for(StageTarget(_value(stage), stack_name, region, graph_api_url))


def _value(choice: enum.StrEnum | None) -> str | None:
    return None if choice is None else str(choice)


@app.command("audit")
def audit_command(
    limit: Annotated[int, typer.Option(help="how many items")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    stage: Stage = None,
    stack_name: StackName = None,
    region: Region = None,
) -> int:
    """List recent moderation decisions: ids, labels, entity types and actions. Never text."""
    records = _deps(stage, stack_name, region).store.list_audit(limit=limit)
    if records and not as_json and _is_terminal(sys.stdout):
        _audit_table(records)
        return 0
    for line in format_audit(records, as_json=as_json):
        print(line)
    return 0


def format_audit(records: list[AuditRecord], *, as_json: bool = False) -> list[str]:
    if as_json:
        return [json.dumps(r.to_dict(), sort_keys=True) for r in records]
    lines = []
    for r in records:
        steps = " ".join(f"{a.step}:{a.status}" for a in r.actions) or "-"
        types = ",".join(r.entity_types) or "-"
        lines.append(f"{_when(r.updated_at)}Z  {r.item_id}  {r.platform}/{r.surface}  {_label(r)}  [{types}]  "
                     f"{r.status}  {steps}")
    return lines or ["no decisions recorded yet"]


def _label(record: AuditRecord) -> str:
    """The label, or for an item nothing could be read from, why ("not checked: image only")."""
    from chalicelib.state.records import ItemStatus

    if record.status == ItemStatus.NOT_CHECKED:
        return record.note or "not checked"
    return record.label or "-"


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) if seconds else "-"


def _audit_table(records: list[AuditRecord]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("updated (UTC)", "item", "where", "label", "entities", "status", "steps")
    for r in records:
        table.add_row(_when(r.updated_at), r.item_id, f"{r.platform}/{r.surface}", _label(r),
                      ", ".join(r.entity_types) or "-", r.status,
                      "\n".join(f"{a.step}: {a.status}" for a in r.actions) or "-")
    Console().print(table)


@app.command("unhide")
def unhide_command(
    item_id: Annotated[str, typer.Argument(help="the comment id, as `audit` lists it")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would be done; change and record nothing")] = False,
    stage: Stage = None,
    stack_name: StackName = None,
    region: Region = None,
) -> int:
    """Unhide a comment PageGuard hid (a false positive) and delete PageGuard's public reply under it.

    Only a comment PageGuard really hid can be unhidden: a direct message or a comment it never hid is
    an error (exit code 1). Both steps are recorded in the audit log.
    """
    from chalicelib.act.unhide import UnhideError, unhide
    from chalicelib.errors import GraphError

    try:
        result = unhide(_deps(stage, stack_name, region).pipeline, item_id, dry_run=dry_run)
    except UnhideError as exc:
        print(f"cannot unhide: {exc}", file=sys.stderr)
        return 1
    except GraphError as exc:
        print(f"unhide failed: {type(exc).__name__} (code {exc.code}); the comment is still hidden", file=sys.stderr)
        return 1
    reply = f" and delete PageGuard's reply {result.reply_id}" if result.reply_id else ""
    if result.dry_run:
        print(f"dry run: would unhide {result.item_id} on {result.platform}{reply}; nothing changed or recorded")
        return 0
    if result.reply_id and not result.reply_error:
        print(f"deleted PageGuard's reply {result.reply_id}; recorded in the audit log")
    print(f"unhidden {result.item_id} on {result.platform}; recorded in the audit log")
    if result.reply_error:
        print(f"could not delete PageGuard's reply {result.reply_id}: {result.reply_error}; recorded", file=sys.stderr)
        return 1
    return 0


@app.command("check-tokens")
def check_tokens_command(
    stage: Stage = None,
    stack_name: StackName = None,
    region: Region = None,
    graph_api_url: GraphApiUrl = None,
) -> int:
    """Ask Meta (debug_token) about every connected page's token now, as the daily check does.

    A failing page turns red and its recipients get one email with a link to /connect. Exit code 1 when a
    page is failing.
    """
    from chalicelib.connect.token_health import check_tokens

    d = _deps(stage, stack_name, region, graph_api_url)
    report = check_tokens(d.page_registry, d.facebook_login, d.notifier, connect_url=d.connect_url,
                          send_once=d.pipeline.send_once)
    for record in d.pages.records():
        print(f"{record.page_id}  {record.token_status:9}  {record.name}  {record.token_problem}".rstrip())
    print(f"checked {report.checked}: {len(report.healthy)} healthy, {len(report.failing)} failing,"
          f" {len(report.emailed)} emailed, {len(report.skipped)} not answered by Meta")
    return 1 if report.failing else 0


@app.command("replay-dlq")
def replay_dlq_command(
    limit: Annotated[int, typer.Option(help="at most this many letters")] = 100,
    stage: Stage = None,
    stack_name: StackName = None,
    region: Region = None,
    graph_api_url: GraphApiUrl = None,
) -> int:
    """Drive parked dead letters through the pipeline again; each is removed once it succeeds.

    With --stage, first moves SQS's own dead-letter messages back onto the events queue.
    """
    from chalicelib.ingest.worker import redrive_sqs_dead_letters, replay_dead_letters

    d = _deps(stage, stack_name, region, graph_api_url)
    settings = d.settings
    if settings.dead_letter_queue_url and settings.queue_url:
        import boto3

        moved = redrive_sqs_dead_letters(boto3.client("sqs", region_name=region), settings.dead_letter_queue_url,
                                         settings.queue_url, limit=limit)
        print(f"moved {moved} message(s) from the SQS dead-letter queue back to the events queue")
    if not d.store.list_dead_letters(limit=limit):
        print("no parked dead letters")
        return 0
    report = replay_dead_letters(d.pipeline, d.store, limit=limit)
    undecodable = f" ({report.undecodable} undecodable: kept with the raw body for inspection)" if report.undecodable else ""
    print(f"replayed {report.replayed}, still failing {report.failed}{undecodable}")
    return 0 if report.failed == 0 else 1


@app.command("recipient")
def recipient_command(
    address: Annotated[str, typer.Argument(help="an alert address (a page's notify_email)")],
    clear: Annotated[bool, typer.Option("--clear", help="forget the bounce or complaint: alerts go to it again")] = False,
    stage: Stage = None,
    stack_name: StackName = None,
    region: Region = None,
) -> int:
    """Show whether alerts to ADDRESS are stopped because SES reported a bounce or a complaint; --clear resumes them.

    Exit code 1 while the address stays marked.
    """
    store = _deps(stage, stack_name, region).store
    mark = store.recipient_mark(address)
    if mark and clear:
        store.clear_recipient(address)
        print(f"cleared: alerts go to {address} again (it had a {mark})")
        return 0
    if mark:
        print(f"{address}: alerts stopped after a {mark}; fix the address or the mailbox, then --clear")
        return 1
    print(f"{address}: alerts are sent")
    return 0


# --- deployment (docs/deploy.md) -----------------------------------------------------------------------


@app.command("setup")
def setup_command(
    stage: Annotated[StageName, typer.Option(help="the deployed stage")],
    pages_file: Annotated[Optional[Path], typer.Option(help="pages JSON (see pages.example.json); keep it outside the repo")] = None,
    pages_only: Annotated[bool, typer.Option("--pages-only", help="update the pages only; keep the stored app secret")] = False,
    region: Region = None,
    kms_key_id: Annotated[str, typer.Option(help="refused: the functions can only decrypt the account's aws/ssm key",
                                            hidden=True)] = "",
    check: Annotated[bool, typer.Option("--check", help="validate the pages file and stop; no AWS calls")] = False,
) -> int:
    """Store a stage's pages configuration and Meta app secret in SSM Parameter Store (SecureString).

    The app secret and verify token come from $PAGEGUARD_APP_SECRET / $PAGEGUARD_VERIFY_TOKEN or a
    hidden prompt, never from the command line; a verify token is generated if there is none.
    """
    from ops import provision

    return provision.run(provision.SetupOptions(str(stage), pages_file, pages_only, region, kms_key_id, check))


def _one_source(stage: StageName | None, pages_file: Path | None) -> None:
    if bool(stage) == bool(pages_file):
        raise typer.BadParameter("give exactly one of --stage and --pages-file")


@app.command("subscribe")
def subscribe_command(
    stage: Stage = None,
    pages_file: PagesFile = None,
    page: OnlyPages = None,
    check: Annotated[bool, typer.Option("--check", help="only read what is subscribed; change nothing")] = False,
    app_id: Annotated[str, typer.Option(help="your Meta app id, to pick its entry when a Page has several apps")] = "",
    graph_api_url: GraphApiUrl = None,
    region: Region = None,
) -> int:
    """Subscribe the Meta app to each protected Page's feed, messages and message_echoes, then confirm.

    Pages come from the stage's SSM parameter (written by setup) or --pages-file.
    """
    from ops import subscription

    _one_source(stage, pages_file)
    return subscription.run(subscription.SubscribeOptions(
        stage=_value(stage), pages_file=pages_file, page=tuple(page or ()), graph_api_url=graph_api_url, region=region,
        check=check, app_id=app_id))


@app.command("doctor")
def doctor_command(
    stage: Annotated[StageName, typer.Option(help="the deployed stage to check")],
    app_id: Annotated[str, typer.Option(help="your Meta app id: also checks each Page token's permissions")] = "",
    send_test_alert: Annotated[bool, typer.Option("--send-test-alert", help="email each page's notify_email once")] = False,
    graph_api_url: GraphApiUrl = None,
    stack_name: StackName = None,
    region: Region = None,
) -> int:
    """Check a deployment end to end and say what to fix: stack, webhook, each Page's subscription, token and
    permissions, SES identity, sandbox, DKIM, alarm subscribers, dead letters. Exit code 1 when anything fails."""
    import boto3

    from chalicelib.act.graph import HttpGraphClient
    from chalicelib.config import DEFAULT_GRAPH_API_URL
    from ops import doctor
    from ops.provision import load_pages, parameter_names, read_app_secret
    from ops.stage import StageTarget, deps_for, stage_environment

    name = _value(stage) or "prod"
    session = boto3.session.Session(region_name=region)
    ssm = session.client("ssm")
    secrets = read_app_secret(ssm, parameter_names(name).app_secret)
    base = graph_api_url or stage_environment(name).get("GRAPH_API_URL") or DEFAULT_GRAPH_API_URL
    deployment = doctor.Deployment(
        stack_name=stack_name or f"pageguard-{name}", cloudformation=session.client("cloudformation"),
        sesv2=session.client("sesv2"), sns=session.client("sns"), sqs=session.client("sqs"),
        pages=lambda: load_pages(ssm, name), app_secret=secrets.get("app_secret", ""),
        verify_token=secrets.get("verify_token", ""),
        graph=HttpGraphClient(base, app_secret=secrets.get("app_secret", "")), app_id=app_id)
    target = StageTarget(stage=name, stack_name=stack_name, region=region)
    findings = doctor.run_checks(
        deployment, parked=lambda: len(deps_for(target).store.list_dead_letters(limit=1000)), test_alert=send_test_alert)
    return doctor.report(findings, sys.stdout)


@app.command("scan")
def scan_command(
    stage: Stage = None,
    pages_file: PagesFile = None,
    since: Annotated[str, typer.Option(help="how far back: 30d, 12h, 2w or a date")] = "30d",
    page: OnlyPages = None,
    apply: Annotated[bool, typer.Option("--apply", help="act on what is found (default: dry run)")] = False,
    max_posts: Annotated[int, typer.Option(help="most recent posts/media per page to read")] = 25,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table")] = False,
    graph_api_url: GraphApiUrl = None,
    stack_name: StackName = None,
    region: Region = None,
) -> int:
    """Back-fill: check the comments already on each page's recent posts and Instagram media.

    Dry run by default (prints id, verdict, entity types, would-hide; never text); --apply moderates
    them through the pipeline, the same path a webhook takes.
    """
    from ops import scan

    _one_source(stage, pages_file)
    return scan.run(scan.ScanOptions(
        stage=_value(stage), pages_file=pages_file, page=tuple(page or ()), graph_api_url=graph_api_url, region=region,
        since=since, apply=apply, max_posts=max_posts, json=as_json, stack_name=stack_name))


COMMANDS = tuple(command.name for command in app.registered_commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (usage errors: 2)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=list(argv) if argv is not None else None, prog_name="python -m ops.cli",
                              standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        print("aborted", file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
