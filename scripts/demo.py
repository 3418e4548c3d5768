#!/usr/bin/env python3
"""`make demo`: the whole product on this machine in one command, then a table of what it did.

Starts the fake Graph API and PageGuard (as `make run` does: web process and worker processes) on
free ports, sends every webhook in tests/fixtures/meta/ signed as Meta signs them, waits until the
workers have handled them all, prints one row per item (verdict, entity types, the Graph API calls
the fake Graph actually received, the alert email written), then stops everything it started.

Everything stays in .local/demo/ for you to look at afterwards: the alert emails (outbox/*.eml),
the JSON logs (app.log), what the fake Graph received (graph-requests.jsonl) and the SQLite state.
No text of a comment or message appears in the table, the logs or the emails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.config import DEFAULT_REPLAY_WINDOW_DAYS, GRAPH_API_VERSION, LOCAL_APP_SECRET  # noqa: E402
from chalicelib.ingest.replay import is_stale  # noqa: E402
from chalicelib.ingest.webhook import SIGNATURE_HEADER, parse_body, parse_events, sign  # noqa: E402
from scripts.retime import retime  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "meta"
DEMO_DIR = ROOT / ".local" / "demo"
DEMO_TOKEN = "demo-page-token"  # any non-empty token makes PageGuard send real calls (to the fake Graph)


@dataclass(frozen=True)
class Item:
    fixture: str
    item_id: str
    own_content: bool


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (urllib.error.URLError, OSError, sqlite3.Error):
            pass
        time.sleep(0.2)
    raise SystemExit(f"demo: {what} did not happen within {timeout:.0f}s; see {DEMO_DIR}/app.log")


def audit_records(store: Path) -> dict[str, dict]:
    with sqlite3.connect(store) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "audit" not in tables:
            return {}
        return {item_id: json.loads(data) for item_id, data in db.execute("SELECT item_id, data FROM audit")}


def queue_empty(store: Path) -> bool:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT COUNT(*) FROM event_queue").fetchone()[0] == 0


def graph_calls_for(record: dict, received: list[dict]) -> list[str]:
    """The calls the fake Graph received for this item, named as a person would."""
    item, sender = record["item_id"], record.get("sender_id", "")
    calls = []
    for r in received:
        segments = [s for s in r["path"].split("/") if s]
        recipient = (r.get("json") or {}).get("recipient", {}) if isinstance(r.get("json"), dict) else {}
        if r["method"] == "POST" and segments == [item]:
            calls.append("unhide" if r["form"].get("is_hidden") == "false" else "hide")
        elif r["method"] == "POST" and segments[:1] == [item] and segments[1:] in (["comments"], ["replies"]):
            calls.append("public reply")
        elif r["method"] == "POST" and segments[-1:] == ["messages"] and item in (recipient.get("comment_id"),
                                                                                  recipient.get("post_id")):
            calls.append("private reply")
        elif r["method"] == "POST" and segments[-1:] == ["messages"] and record["surface"] == "message" \
                and sender and recipient.get("id") == sender:
            calls.append("DM reply")
        elif r["method"] == "GET" and segments == [item]:
            calls.append("read edited message")
        elif r["method"] == "DELETE" and segments[:1] == [item]:
            calls.append("delete")
    return calls


def print_table(rows: list[list[str]]) -> None:
    header = ["fixture", "item", "platform/surface", "verdict", "entity types", "Graph calls received", "alert email"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


def short(item_id: str) -> str:
    return item_id if len(item_id) <= 24 else item_id[:10] + "…" + item_id[-8:]


def main() -> int:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    pages = json.loads((ROOT / "pages.example.json").read_text())
    for page in pages["pages"]:
        page["access_token"] = DEMO_TOKEN
    (DEMO_DIR / "pages.json").write_text(json.dumps(pages, indent=2))
    store = DEMO_DIR / "pageguard.sqlite3"

    graph_port, app_port = free_port(), free_port()
    graph_url = f"http://127.0.0.1:{graph_port}"
    app_url = f"http://127.0.0.1:{app_port}"
    env = {
        **os.environ,
        "PAGEGUARD_STAGE": "local",
        "APP_SECRET": LOCAL_APP_SECRET,
        "GRAPH_API_URL": f"{graph_url}/{GRAPH_API_VERSION}",
        "PAGES_FILE": str(DEMO_DIR / "pages.json"),
        "STORE_PATH": str(store),
        "OUTBOX_DIR": str(DEMO_DIR / "outbox"),
        "DRY_RUN": "false",
    }
    log = (DEMO_DIR / "app.log").open("wb")
    started = [
        subprocess.Popen([sys.executable, "-m", "tests.fake_graph", "--port", str(graph_port),
                          "--log", str(DEMO_DIR / "graph-requests.jsonl")],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True),
        subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_local.py"), "--port", str(app_port)],
                         cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True),
    ]
    try:
        print(f"fake Graph API on {graph_url}, PageGuard on {app_url}; starting…", flush=True)
        wait_until(lambda: http(f"{graph_url}/_fake/requests")[0] == 200, 30, "the fake Graph API starting")
        wait_until(lambda: http(f"{app_url}/health")[0] == 200
                   and (DEMO_DIR / "app.log").read_text().count("local worker ready") >= 1, 120, "PageGuard starting")

        items: list[Item] = []
        skipped: list[str] = []
        stale: list[str] = []
        for path in sorted(FIXTURES.glob("*.json")):
            body = retime(path.read_bytes())  # the fixtures are from 2025: inside the replay window only as of now
            parsed = parse_events(parse_body(body))
            status, _ = http(f"{app_url}/webhook", body,
                             {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, LOCAL_APP_SECRET)})
            if status != 200:
                raise SystemExit(f"demo: {path.name} was refused with HTTP {status}; see {DEMO_DIR}/app.log")
            own = {e.item_id for e in parsed.own_content}
            # An item older than the replay window is refused at intake (logged by id), as a replayed
            # webhook would be: Meta's dashboard test message carries a 2018 timestamp.
            fresh = [e for e in parsed.all_events if not is_stale(e, time.time(), DEFAULT_REPLAY_WINDOW_DAYS * 86400)]
            stale += [path.stem for e in parsed.all_events if e not in fresh]
            items += [Item(path.stem, e.item_id, e.item_id in own) for e in fresh]
            if not parsed.all_events:
                skipped.append(path.stem)
        print(f"sent {len(list(FIXTURES.glob('*.json')))} signed webhooks ({len(items)} items); waiting for the workers…",
              flush=True)
        wait_until(lambda: queue_empty(store) and all(
            audit_records(store).get(i.item_id, {}).get("status", "in_progress") != "in_progress" for i in items),
            120, "every item being handled")
        time.sleep(0.5)

        records = audit_records(store)
        received = json.loads(http(f"{graph_url}/_fake/requests")[1])
        rows = []
        for item in items:
            record = records.get(item.item_id, {})
            emails = [a.get("result_id", "") for a in record.get("actions", []) if a.get("step", "").startswith("alert")
                      and a.get("status") == "done"]
            verdict = record.get("label") or "-"
            if not record:
                verdict = "not checked: page not configured"
            elif record.get("status") == "not_checked":
                verdict = record.get("note", "not checked")
            if item.own_content:
                verdict = f"{verdict} (page's own)"
            rows.append([
                item.fixture, short(item.item_id),
                f"{record.get('platform', '?')}/{record.get('surface', '?')}",
                verdict, ", ".join(record.get("entity_types", [])) or "-",
                ", ".join(graph_calls_for(record, received)) if record else "-",
                ", ".join(os.path.basename(e) for e in emails if e) or "-",
            ])
        print()
        print_table(rows)
        if skipped:
            print(f"\nnothing to check (echoes, removals, reactions, reads, handovers; each logged by kind): "
                  f"{', '.join(skipped)}")
        if stale:
            print(f"older than the replay window, refused at intake: {', '.join(stale)}")
        print(f"\n{len(received)} Graph API calls received by the fake Graph; "
              f"{len(list((DEMO_DIR / 'outbox').glob('*.eml')))} alert emails in {os.path.relpath(DEMO_DIR / 'outbox', ROOT)}/;"
              f" logs in {os.path.relpath(DEMO_DIR / 'app.log', ROOT)}")
        return 0
    finally:
        for process in started:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
