"""A fake Meta Graph API over real HTTP on loopback: records every request, answers like Meta, injects errors.

Use it in tests through the `fake_graph` fixture (a session-wide server, reset for each test), or run
it on its own for local end-to-end runs and benchmarks:

    python -m tests.fake_graph --port 8765       # prints http://127.0.0.1:8765/v25.0

then point PageGuard at it with GRAPH_API_URL=<that url>. Paths are served under any `/vNN.N/`
prefix; recorded paths drop that prefix (`/123_456/comments`).

Default answers (shapes from REFERENCE.md §5):
  POST /{comment-id}                     -> {"success": true}          (hide / unhide)
  POST /{id}/comments | /{id}/replies    -> {"id": "<new comment id>"}  (kept, see the GET below)
  POST /{page-or-ig-id}/messages         -> {"recipient_id": ..., "message_id": "m_..."}
  GET  /me                               -> {"id": "fake-page", "name": "Fake Page"}
  GET  any listing set with set_listing  -> {"data": [...], "paging": {"cursors":..., "next": ...}}
  GET  any object set with set_object    -> that object (a message read with ?fields=message)
  GET  /{id}/comments | /{id}/replies    -> the replies POSTed there, as Meta lists them: a reply exists
                                            once Meta received it, even while its answer is delayed
  GET  anything else                     -> {"data": []}
Scripted answers (`script`, `fail`, `delay`) are consumed first, in order, per method + path regex.

What it received is visible from outside too (`make demo` reads it):
  GET /_fake/requests                    -> [{"method", "path", "query", "form", "json"}, ...] (oldest first)
and with `--log FILE` every request is appended to FILE as one JSON line as it arrives. Neither
shows request headers, so the access tokens PageGuard sends stay out of them.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

from chalicelib.config import GRAPH_API_VERSION
from tests.fake_meta_login import FakeLogin

try:
    import pytest
except ImportError:  # standalone use without pytest
    pytest = None  # type: ignore[assignment]

DEFAULT_VERSION = GRAPH_API_VERSION  # follows the app (tests/test_graph_version.py)
_VERSION_RE = re.compile(r"^/v\d+\.\d+(?=/|$)")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received. `path` has no version prefix; `form`/`json` are the parsed body."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    json: Any
    headers: dict[str, str]
    version: str = ""

    @property
    def token(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer ") :] if auth.startswith("Bearer ") else self.query.get("access_token", "")


@dataclass(frozen=True)
class ScriptedResponse:
    """A canned answer: status + JSON body (+ headers), optionally after a delay (to trigger client timeouts)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @property
    def accepts(self) -> bool:
        """Only delays the default answer: Meta takes the request (a reply is created) however late it answers."""
        return self.body is None and self.status == 200


def meta_error(code: int, subcode: int | None = None, message: str = "fake error", type_: str = "OAuthException") -> dict[str, Any]:
    """Meta's error envelope (REFERENCE.md §6)."""
    error: dict[str, Any] = {"message": message, "type": type_, "code": code, "fbtrace_id": "AfakeTrace"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class FakeGraph:
    """The server plus its state. Thread-safe: the handler runs on the server's threads."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, version: str = DEFAULT_VERSION) -> None:
        self.version = version
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._scripts: list[tuple[str, re.Pattern[str], list[ScriptedResponse]]] = []
        self._listings: dict[str, list[list[dict[str, Any]]]] = {}
        self._objects: dict[str, dict[str, Any]] = {}
        self._replies: dict[str, list[dict[str, Any]]] = {}  # path of a reply edge -> replies received there
        self._counter = 0
        self.log_path: str | None = None  # JSON Lines file of what was received (`--log`)
        self.login = FakeLogin()  # Facebook Login endpoints (tests/fake_meta_login.py)
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a delayed handler must not hold up shutdown
        self._thread: threading.Thread | None = None

    # lifecycle

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """Base URL with the version segment, as GRAPH_API_URL expects."""
        return f"{self.origin}/{self.version}"

    def start(self) -> "FakeGraph":
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-graph", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeGraph":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # test controls

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._scripts.clear()
            self._listings.clear()
            self._objects.clear()
            self._replies.clear()
        self.login.reset()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)]

    def script(self, method: str, path_pattern: str, *responses: ScriptedResponse) -> None:
        """Answer the next len(responses) matching requests with these, in order. `path_pattern` is a
        regex matched against the whole path without the version, e.g. r"/[^/]+/messages"."""
        with self._lock:
            self._scripts.append((method.upper(), re.compile(path_pattern), list(responses)))

    def fail(
        self,
        method: str,
        path_pattern: str,
        status: int = 400,
        code: int | None = None,
        subcode: int | None = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer the next `times` matching requests with Meta's error body (or `body` if given)."""
        payload = body if body is not None else (meta_error(code, subcode) if code is not None else {})
        self.script(method, path_pattern, *[ScriptedResponse(status, payload, dict(headers or {}))] * times)

    def delay(self, method: str, path_pattern: str, seconds: float, *, times: int = 1) -> None:
        """Sleep before answering normally (the default answer), to trip the client's timeout."""
        self.script(method, path_pattern, *[ScriptedResponse(delay=seconds)] * times)

    def set_listing(self, path: str, items: list[dict[str, Any]], page_size: int = 0) -> None:
        """Canned GET listing for `path` (no version), split into pages linked by `paging.next`."""
        size = page_size or max(len(items), 1)
        pages = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        with self._lock:
            self._listings[path] = pages

    def set_object(self, path: str, body: dict[str, Any]) -> None:
        """Canned GET answer for one node, e.g. set_object("/m_abc", {"id": "m_abc", "message": "..."})."""
        with self._lock:
            self._objects[path] = dict(body)

    # request handling (called on server threads)

    def received(self) -> list[dict[str, Any]]:
        """What `GET /_fake/requests` shows: each request without its headers (they carry tokens)."""
        return [_public(r) for r in self.requests]

    def _handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(raw_path)
        if parts.path == "/_fake/requests" and method == "GET":
            return 200, self.received(), {}
        match = _VERSION_RE.match(parts.path)
        version = match.group(0).strip("/") if match else ""
        path = parts.path[match.end() :] if match else parts.path
        path = path or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        form: dict[str, str] = {}
        json_body: Any = None
        ctype = headers.get("content-type", "")
        if body and "json" in ctype:
            try:
                json_body = json.loads(body)
            except ValueError:
                json_body = None
        elif body:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        request = RecordedRequest(method, path, query, form, json_body, headers, version)

        with self._lock:
            self._requests.append(request)
            if self.log_path is not None:
                with open(self.log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps(_public(request), separators=(",", ":")) + "\n")
            scripted = self._next_script(method, path)
            self._counter += 1
            counter = self._counter
            if method == "POST" and _reply_edge(path) and (scripted is None or scripted.accepts):
                reply_id = _reply_id(path, counter)
                text = form.get("message", "")
                self._replies.setdefault(path, []).append(
                    {"id": reply_id, "message": text, "text": text, "from": {"id": "fake-page"}})
        if not match:
            return 400, meta_error(2500, message="Unknown path components (no version)"), {}
        login = None if scripted is not None else self.login.answer(
            method, path, query, form, request.token, version, parts.query)
        if login is not None:
            return login
        if scripted is not None:
            if scripted.delay:
                time.sleep(scripted.delay)
            if scripted.body is not None or scripted.status != 200:
                return scripted.status, scripted.body, dict(scripted.headers)
        return self._default(request, counter)

    def _next_script(self, method: str, path: str) -> ScriptedResponse | None:
        for m, pattern, queue in self._scripts:
            if m == method and queue and pattern.fullmatch(path):
                return queue.pop(0)
        return None

    def _default(self, request: RecordedRequest, counter: int) -> tuple[int, Any, dict[str, str]]:
        segments = [s for s in request.path.split("/") if s]
        if request.method == "POST":
            if len(segments) == 1:
                return 200, {"success": True}, {}
            if _reply_edge(request.path):
                return 200, {"id": _reply_id(request.path, counter)}, {}
            if len(segments) == 2 and segments[1] == "messages":
                recipient = (request.json or {}).get("recipient", {}) if isinstance(request.json, dict) else {}
                recipient_id = recipient.get("id") or f"psid-for-{recipient.get('comment_id', 'unknown')}"
                return 200, {"recipient_id": recipient_id, "message_id": f"m_{uuid.uuid4().hex}"}, {}
            return 400, meta_error(100, message="Unsupported post request"), {}
        if request.method == "GET":
            if segments == ["me"]:
                return 200, {"id": "fake-page", "name": "Fake Page"}, {}
            with self._lock:
                pages = self._listings.get(request.path)
                node = self._objects.get(request.path)
                received = list(self._replies.get(request.path, []))
            if node is not None:
                return 200, node, {}
            if pages is not None:
                index = int(request.query.get("after", "0") or 0)
                data = pages[index] if index < len(pages) else []
                body: dict[str, Any] = {"data": data, "paging": {"cursors": {"before": str(index), "after": str(index + 1)}}}
                if index + 1 < len(pages):
                    # Meta's next links carry the token in the query; the client must strip it.
                    query = {k: v for k, v in request.query.items() if k != "after"}
                    query.update({"access_token": request.token, "after": str(index + 1)})
                    body["paging"]["next"] = f"{self.origin}/{request.version}{request.path}?{urlencode(query)}"
                return 200, body, {}
            return 200, {"data": received}, {}
        if request.method == "DELETE" and len(segments) == 1:  # deleting a comment
            return 200, {"success": True}, {}
        return 405, meta_error(100, message="Unsupported method"), {}


def _reply_edge(path: str) -> bool:
    segments = [s for s in path.split("/") if s]
    return len(segments) == 2 and segments[1] in ("comments", "replies")


def _reply_id(path: str, counter: int) -> str:
    return f"{path.strip('/').split('/')[0]}_reply{counter}"


# Secrets and tokens a request may carry in its query or form (the login flow's): never shown.
_HIDDEN_FIELDS = ("access_token", "appsecret_proof", "client_secret", "fb_exchange_token", "code", "input_token")


def _public(request: RecordedRequest) -> dict[str, Any]:
    query = {k: v for k, v in request.query.items() if k not in _HIDDEN_FIELDS}
    form = {k: v for k, v in request.form.items() if k not in _HIDDEN_FIELDS}
    return {"method": request.method, "path": request.path, "query": query, "form": form, "json": request.json}


def _handler_for(fake: FakeGraph) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; with Nagle on, a keep-alive client waits ~40 ms
        # for the delayed ACK on every call, which would be the fake's cost, not PageGuard's.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, extra = fake._handle(self.command, self.path, headers, body)
            data = b"" if payload is None else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(payload, bytes) else "text/html")
                self.send_header("Content-Length", str(len(data)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet; tests read fake.requests
            pass

    return Handler


if pytest is not None:

    @pytest.fixture(scope="session")
    def fake_graph_server() -> Iterator[FakeGraph]:
        with FakeGraph() as server:
            yield server

    @pytest.fixture
    def fake_graph(fake_graph_server: FakeGraph) -> Iterator[FakeGraph]:
        """The fake Graph API, empty at the start of each test. `fake_graph.url` is GRAPH_API_URL."""
        fake_graph_server.reset()
        yield fake_graph_server
        fake_graph_server.reset()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Meta Graph API on loopback")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--log", help="append every request to this file as a JSON line")
    args = parser.parse_args(argv)
    server = FakeGraph(args.host, args.port, args.version)
    server.log_path = args.log
    server.start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
