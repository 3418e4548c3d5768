#!/usr/bin/env python3
"""Benchmark the webhook path end to end: signed webhooks -> `chalice local` -> local queue -> pipeline -> Graph.

Starts the fake Graph API (tests/fake_graph.py, in this process so each hide call is timestamped on
arrival) and `chalice local --stage local` as a subprocess pointed at it, with a throw-away store,
outbox and pages file. Sends N signed Facebook comment webhooks (sensitive text, unique comment ids),
then reports:

* acknowledgement latency (request sent -> 200 received), p50 / p99;
* comment-to-hide-call latency (request sent -> the fake Graph server receives that comment's hide), p50 / p95.

Targets (issue 5): ack p99 <= 50 ms, comment-to-hide p95 <= 2 s, locally.

Usage: .venv/bin/python scripts/bench_webhook.py [--count 500] [--concurrency 4] [--rate 50]
`--rate` paces the senders (default 50 per second, steady); `--rate 0` sends a burst as fast as they
go, which measures queueing behind the single local worker more than per-comment latency.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.config import LOCAL_APP_SECRET  # noqa: E402
from chalicelib.ingest.webhook import SIGNATURE_HEADER, sign  # noqa: E402
from tests.fake_graph import FakeGraph  # noqa: E402

PAGE_ID = "104857600123456"
POST_ID = f"{PAGE_ID}_122098765432101"
# Client details in a public comment: detection says sensitive, policy hides, replies and alerts.
SENSITIVE = "Hi it's Maria Lopez, your client from Tuesdays. Can you call me back at 555-201-3344 about my session?"


class TimedFakeGraph(FakeGraph):
    """The fake Graph server, noting when each hide call arrives (keyed by comment id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hide_times: dict[str, float] = {}
        self._times_lock = threading.Lock()

    def _handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Any:
        arrived = time.perf_counter()
        if method == "POST" and b"is_hidden=true" in body:
            comment_id = raw_path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
            with self._times_lock:
                self.hide_times.setdefault(comment_id, arrived)
        return super()._handle(method, raw_path, headers, body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def payload(comment_id: str, created: int) -> bytes:
    value = {
        "from": {"id": f"7204518836{comment_id[-6:]}", "name": "Bench Visitor"},
        "post": {"id": POST_ID, "status_type": "mobile_status_update", "is_published": True},
        "message": SENSITIVE,
        "post_id": POST_ID,
        "comment_id": comment_id,
        "created_time": created,
        "item": "comment",
        "parent_id": POST_ID,
        "verb": "add",
    }
    body = {"object": "page", "entry": [{"id": PAGE_ID, "time": created, "changes": [{"field": "feed", "value": value}]}]}
    return json.dumps(body, separators=(",", ":")).encode()


def wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f}s")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate", type=float, default=50.0,
                        help="requests per second, steady (default 50; 0: as fast as possible, a burst)")
    parser.add_argument("--warmup", type=int, default=5, help="webhooks sent (and not measured) before the run")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (store, outbox, logs)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pageguard-bench-"))
    fake = TimedFakeGraph().start()
    port = free_port()
    pages_file = workdir / "pages.json"
    pages_file.write_text(json.dumps({"pages": [{
        "page_id": PAGE_ID, "name": "Bench Practice", "access_token": "bench-token",
        "notify_email": "bench@example.test",
        "contact_reply": "Thanks for reaching out! Please call our office at (555) 010-7000.",
    }]}))
    env = {
        **os.environ,
        "PAGEGUARD_STAGE": "local",
        "APP_SECRET": LOCAL_APP_SECRET,
        "GRAPH_API_URL": fake.url,
        "DRY_RUN": "false",
        "PAGES_FILE": str(pages_file),
        "STORE_PATH": str(workdir / "store.sqlite3"),
        "OUTBOX_DIR": str(workdir / "outbox"),
        "POWERTOOLS_SERVICE_NAME": "pageguard",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
    }
    env.pop("POWERTOOLS_IDEMPOTENCY_DISABLED", None)
    chalice = shutil.which("chalice", path=str(ROOT / ".venv" / "bin")) or "chalice"
    log = open(workdir / "chalice-local.log", "wb")
    server = subprocess.Popen(
        [chalice, "local", "--stage", "local", "--host", "127.0.0.1", "--port", str(port), "--no-autoreload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health", 60)
        url = f"{base}/webhook"
        created = int(time.time())
        sent_at: dict[str, float] = {}
        acks: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        interval = 1.0 / args.rate if args.rate > 0 else 0.0
        start = time.perf_counter()

        def send(i: int, measure: bool) -> None:
            comment_id = f"{122098765432101 + i}_{900000000 + i}"
            body = payload(comment_id, created)
            if interval and measure:
                delay = start + i * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            request = urllib.request.Request(
                url, data=body, method="POST",
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, LOCAL_APP_SECRET)},
            )
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except (urllib.error.URLError, OSError) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                return
            took = time.perf_counter() - began
            with lock:
                if status != 200:
                    errors.append(f"HTTP {status}")
                elif measure:
                    acks.append(took)
                    sent_at[comment_id] = began

        # Warm-up: the first webhook pays for loading the detector.
        for i in range(args.warmup):
            send(10_000_000 + i, measure=False)
        deadline = time.monotonic() + 120
        while len(fake.hide_times) < args.warmup and time.monotonic() < deadline:
            time.sleep(0.1)

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
            list(pool.map(lambda i: send(i, True), range(args.count)))
        send_seconds = time.perf_counter() - start

        # Wait until every measured comment's hide call has reached the fake Graph server.
        deadline = time.monotonic() + args.drain_timeout
        while time.monotonic() < deadline:
            missing = [c for c in sent_at if c not in fake.hide_times]
            if not missing:
                break
            time.sleep(0.1)
        to_hide = [fake.hide_times[c] - t for c, t in sent_at.items() if c in fake.hide_times]
        total = time.perf_counter() - start

        ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
        print(f"webhooks sent:        {args.count} ({len(acks)} acknowledged 200, {len(errors)} errors)"
              f" in {send_seconds:.1f}s, concurrency {args.concurrency}"
              + (f", rate cap {args.rate:.0f}/s" if args.rate else ""))
        print(f"ack latency:          p50 {ms(percentile(acks, 50))}   p99 {ms(percentile(acks, 99))}"
              f"   max {ms(max(acks) if acks else float('nan'))}")
        print(f"comment-to-hide call: p50 {ms(percentile(to_hide, 50))}   p95 {ms(percentile(to_hide, 95))}"
              f"   max {ms(max(to_hide) if to_hide else float('nan'))}   ({len(to_hide)}/{len(sent_at)} hidden,"
              f" all done after {total:.1f}s)")
        ok_ack = acks and percentile(acks, 99) <= 0.050
        ok_hide = to_hide and len(to_hide) == len(sent_at) and percentile(to_hide, 95) <= 2.0
        print(f"targets:              ack p99 <= 50 ms: {'met' if ok_ack else 'NOT met'};"
              f" comment-to-hide p95 <= 2 s: {'met' if ok_hide else 'NOT met'}")
        if errors:
            print(f"errors: {sorted(set(errors))}")
        return 0 if (ok_ack and ok_hide and not errors) else 1
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        fake.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
