"""Start PageGuard the way a user does: `make run`, exactly as the Makefile and the README write it.

Only HOST and PORT are given on make's command line (a free port for each test module) and the
local state goes to a temporary folder through the environment; everything else is what the
Makefile's `run` target runs (the web process and the worker processes).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def local_env(tmp: Path, graph_url: str, *, app_secret: str, verify_token: str = "") -> dict[str, str]:
    """Settings for a run against the fake Graph: the example page with a token, state under `tmp`."""
    pages = json.loads((REPO / "pages.example.json").read_text())
    pages["pages"][0]["access_token"] = "EAAB-local-test-token"
    (tmp / "pages.json").write_text(json.dumps(pages))
    env = {
        "APP_SECRET": app_secret,
        "GRAPH_API_URL": graph_url,
        "PAGES_FILE": str(tmp / "pages.json"),
        "STORE_PATH": str(tmp / "state.sqlite3"),
        "OUTBOX_DIR": str(tmp / "outbox"),
        "DRY_RUN": "false",
        "POWERTOOLS_IDEMPOTENCY_DISABLED": "0",
    }
    if verify_token:
        env["VERIFY_TOKEN"] = verify_token
    return env


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class MakeRun:
    """`make run HOST=127.0.0.1 PORT=<free>` in its own process group, logs to a file."""

    def __init__(self, env: dict[str, str], log_path: Path, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run", "HOST=127.0.0.1", f"PORT={self.port}"],
            cwd=REPO, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("make run exited:\n" + self.logs())
            try:
                if http(f"{self.base}/health", timeout=2)[0] == 200 and self.logs().count("local worker ready") >= 1:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError("make run did not become ready:\n" + self.logs())

    def worker_pids(self) -> list[int]:
        """Worker processes of this run (same process group as make)."""
        pids = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                if os.getpgid(int(proc.name)) != self.process.pid:
                    continue
                cmdline = (proc / "cmdline").read_bytes()
            except (OSError, ProcessLookupError):
                continue
            if b"local_worker.py" in cmdline:
                pids.append(int(proc.name))
        return sorted(pids)

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self._log.close()
