#!/usr/bin/env python3
"""Send a webhook fixture to a running PageGuard, signed like Meta signs it (X-Hub-Signature-256).

Usage: .venv/bin/python scripts/send_webhook.py tests/fixtures/meta/fb_feed_comment_add.json
       [--url http://127.0.0.1:8000/webhook] [--secret ...] [--unsigned | --bad-signature] [--keep-time]
The secret defaults to $APP_SECRET, else the local development secret. The payload's times are moved to
now first (the stored fixtures are from 2025, older than PageGuard's replay window); --keep-time sends the
file byte for byte, which PageGuard acknowledges but skips as a replay.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.config import LOCAL_APP_SECRET  # noqa: E402
from chalicelib.ingest.webhook import SIGNATURE_HEADER, sign  # noqa: E402
from scripts.retime import retime  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixture", type=Path, help="JSON body to send (its times moved to now, then signed)")
    parser.add_argument("--keep-time", action="store_true", help="send the file byte for byte (old items are skipped)")
    parser.add_argument("--url", default="http://127.0.0.1:8000/webhook")
    parser.add_argument("--secret", default=os.environ.get("APP_SECRET") or LOCAL_APP_SECRET)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--unsigned", action="store_true", help="omit the signature header (expect 403)")
    group.add_argument("--bad-signature", action="store_true", help="sign with a wrong secret (expect 403)")
    args = parser.parse_args()

    body = args.fixture.read_bytes()
    if not args.keep_time:
        body = retime(body)
    headers = {"Content-Type": "application/json"}
    if not args.unsigned:
        secret = "not-the-secret" if args.bad_signature else args.secret
        headers[SIGNATURE_HEADER] = sign(body, secret)
    request = urllib.request.Request(args.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print(response.status, response.read().decode("utf-8", "replace"))
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.code, exc.read().decode("utf-8", "replace"))
        return 1
    except urllib.error.URLError as exc:
        print(f"could not reach {args.url}: {exc.reason} (is `make run` running?)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
