#!/usr/bin/env python3
"""The web process of `make run`: Chalice's local server for app.py, logging JSON lines only.

The same server as `chalice local --stage local --no-autoreload`, with one change: its request log
(plain text, with query strings, which on the subscription handshake carry the verify token) is
replaced by a JSON line with the method, the path without its query, and the status.
scripts/run_local.py starts this; you do not run it by hand.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalice.cli import create_local_server  # noqa: E402
from chalice.cli.factory import CLIFactory  # noqa: E402
from chalice.local import ChaliceRequestHandler  # noqa: E402

from chalicelib.logs import logger  # noqa: E402


def _log_request(handler: ChaliceRequestHandler, format: str, *args: Any) -> None:
    request_line = str(getattr(handler, "requestline", "") or "")
    method, _, rest = request_line.partition(" ")
    path = rest.split(" ", 1)[0].split("?", 1)[0]
    status = args[1] if format.startswith('"%s" %s') and len(args) > 1 else ""
    logger.info("http request", extra={"method": method, "path": path, "status": str(status)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    ChaliceRequestHandler.log_message = _log_request  # type: ignore[method-assign]
    factory = CLIFactory(project_dir=str(ROOT), environ=os.environ)
    server = create_local_server(factory, args.host, args.port, "local")
    logger.info("serving", extra={"url": f"http://{args.host}:{args.port}"})
    try:
        server.server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
