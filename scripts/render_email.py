#!/usr/bin/env python3
"""Render an alert .eml as the professional sees it (headers + HTML part) to a PNG with headless Chromium.

Usage: .venv/bin/python scripts/render_email.py .local/demo/outbox/<file>.eml docs/alert-email.png
Needs Debian's chromium package (`apt-get install chromium`). Used for the README's picture.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("eml", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=720)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("render_email.py needs Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    message = BytesParser(policy=policy.default).parsebytes(args.eml.read_bytes())
    body = message.get_body(preferencelist=("html", "plain"))
    content = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/plain":
        content = f"<pre>{html.escape(content)}</pre>"
    headers = "".join(
        f"<div><b>{name}:</b> {html.escape(str(message.get(name, '')))}</div>" for name in ("From", "To", "Subject", "Date")
    )
    page = (f"<!doctype html><meta charset='utf-8'><body style='margin:0;font-family:sans-serif'>"
            f"<div style='background:#f1f3f4;padding:12px 16px;font-size:14px;border-bottom:1px solid #ccc'>{headers}</div>"
            f"<div style='padding:8px 16px'>{content}</div></body>")
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "email.html"
        page_path.write_text(page, encoding="utf-8")
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
                        f"--window-size={args.width},{args.height}", f"--screenshot={args.png.resolve()}",
                        page_path.as_uri()], check=True, capture_output=True, timeout=60)
    print(args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
