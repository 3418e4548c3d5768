"""The real app served over HTTP on loopback by Chalice's local server, in this process (doctor, browser tests)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from chalice.config import Config
from chalice.local import create_local_server

import app as pageguard
from chalicelib import wiring


@contextmanager
def serve_app(deps: wiring.Deps) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT). create_local_server swaps the app's class; put back after."""
    wiring.use(deps)
    app_class = pageguard.app.__class__
    server = create_local_server(pageguard.app, Config(chalice_stage="local"), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        pageguard.app.__class__ = app_class
        wiring.use(None)
