"""`make demo` as the README writes it: every sample webhook handled, the table printed, exit 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_handles_every_sample_webhook_and_prints_what_happened() -> None:
    done = subprocess.run([sys.executable, "scripts/demo.py"], cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "fb_feed_comment_add" in done.stdout and "hide, public reply" in done.stdout
    assert "alert emails in .local/demo/outbox/" in done.stdout
