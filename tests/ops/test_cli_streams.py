"""CLI output streams: results on stdout, PageGuard's logs on stderr and only with --verbose (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from chalicelib.state.sqlite_store import SqliteStore
from tests.pipeline_kit import SENSITIVE_TEXT, fb_comment, write_pages_file

REPO = Path(__file__).resolve().parents[2]


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAGEGUARD_STAGE": "local", "DRY_RUN": "true", "STORE_PATH": str(tmp_path / "store.sqlite3"),
           "OUTBOX_DIR": str(tmp_path / "outbox"), "PAGES_FILE": str(write_pages_file(tmp_path / "pages.json"))}
    return subprocess.run([sys.executable, "-m", "ops.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, check=False)


def test_results_on_stdout_and_no_logs_unless_asked(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "store.sqlite3").park(fb_comment(SENSITIVE_TEXT), "GraphRetryableError", 5)
    proc = run_cli(tmp_path, "replay-dlq")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "replayed 1, still failing 0\n", "")


def test_verbose_logs_go_to_stderr_as_json_without_text(tmp_path: Path) -> None:
    event = fb_comment(SENSITIVE_TEXT)
    SqliteStore(tmp_path / "store.sqlite3").park(event, "GraphRetryableError", 5)
    proc = run_cli(tmp_path, "--verbose", "replay-dlq")
    assert (proc.returncode, proc.stdout) == (0, "replayed 1, still failing 0\n")
    logs = [json.loads(line) for line in proc.stderr.splitlines()]
    assert any(log.get("message") == "decision" and log.get("item_id") == event.item_id for log in logs)
    assert "Maria" not in proc.stderr and "555-201" not in proc.stderr


def test_errors_go_to_stderr_with_exit_code_1(tmp_path: Path) -> None:
    proc = run_cli(tmp_path, "unhide", "no_such_comment")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("cannot unhide: no audit record")
