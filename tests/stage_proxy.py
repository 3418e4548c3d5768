"""API Gateway's stage path on loopback: the browser sees the app under /api (as on
https://abc123.execute-api.us-east-1.amazonaws.com/api/...), the app sees the path without it, and any
path outside the stage gets API Gateway's own 403. Redirects and cookies pass through untouched, so a
Location or cookie path the app writes without the stage breaks here as it would on AWS."""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class StageProxy:
    def __init__(self, upstream: str, stage: str = "api") -> None:
        target = urlsplit(upstream)
        prefix = f"/{stage}"

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet: the app logs what matters
                pass

            def _forward(self) -> None:
                if self.path != prefix and not self.path.startswith(prefix + "/") and not self.path.startswith(prefix + "?"):
                    body = json.dumps({"message": "Missing Authentication Token"}).encode()
                    self.send_response(403)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    conn.request(self.command, self.path[len(prefix):] or "/", body=body, headers=headers)
                    answer = conn.getresponse()
                    payload = answer.read()
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in HOP_BY_HOP:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    conn.close()

            do_GET = do_POST = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}{prefix}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "StageProxy":
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
