#!/usr/bin/env python3
"""`make run`: PageGuard on this machine, as on AWS but in processes: the web app and the workers.

Starts Chalice's local server (scripts/local_web.py: `chalice local --stage local` without the
auto-reloader, which restarted the server whenever the local state under .local/ changed and killed
work in flight, and with JSON request logs) and WORKERS worker processes
(scripts/local_worker.py) that drain the SQLite queue, the local stand-in for SQS and the worker
Lambda. The web process only verifies, parses and queues, so a burst of webhooks is acknowledged at
once while detection runs on the other cores. A worker that exits is started again; Ctrl-C or SIGTERM
stops everything. Every setting comes from the environment (README, "Configuration").
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESTART_PAUSE_S = 1.0  # between restarts of a worker that keeps exiting, so a broken setup does not spin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOCAL_WORKERS", "2")),
                        help="worker processes draining the queue (default 2, or $LOCAL_WORKERS)")
    args = parser.parse_args()

    # Each worker touches a file here once its detector is loaded, so this process can say when
    # everything is ready (a webhook sent before that is queued and handled once a worker is up).
    ready_dir = Path(tempfile.mkdtemp(prefix="pageguard-ready-"))
    env = {**os.environ, "PAGEGUARD_STAGE": "local", "LOCAL_WORKER": "process", "LOCAL_WORKER_READY_DIR": str(ready_dir)}
    web_cmd = [sys.executable, str(ROOT / "scripts" / "local_web.py"), "--host", args.host, "--port", str(args.port)]
    worker_cmd = [sys.executable, str(ROOT / "scripts" / "local_worker.py")]

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    web = subprocess.Popen(web_cmd, cwd=ROOT, env=env)
    workers = [subprocess.Popen(worker_cmd, cwd=ROOT, env=env) for _ in range(max(1, args.workers))]
    print(f"PageGuard local: http://{args.host}:{args.port}  (starting the web server and {len(workers)} worker"
          " processes; Ctrl-C stops everything)", file=sys.stderr, flush=True)
    started = time.monotonic()
    announced = False
    code = 0
    try:
        while not stopping:
            if not announced and len(list(ready_dir.iterdir())) >= len(workers) and _listening(args.host, args.port):
                announced = True
                print(f"PageGuard local: ready in {time.monotonic() - started:.1f} s: http://{args.host}:{args.port}/webhook"
                      f" is accepting webhooks and {len(workers)} workers are waiting for them", file=sys.stderr, flush=True)
            if web.poll() is not None:
                print(f"web server exited with code {web.returncode}", file=sys.stderr, flush=True)
                code = web.returncode or 1
                break
            for i, worker in enumerate(workers):
                if worker.poll() is not None and not stopping:
                    print(f"worker {worker.pid} exited with code {worker.returncode}; starting another",
                          file=sys.stderr, flush=True)
                    time.sleep(RESTART_PAUSE_S)
                    workers[i] = subprocess.Popen(worker_cmd, cwd=ROOT, env=env)
            time.sleep(0.2)
    finally:
        for process in [web, *workers]:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in [web, *workers]:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        for marker in ready_dir.iterdir():
            marker.unlink()
        ready_dir.rmdir()
    return code


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
