"""One SQLite connection per thread, set up the same way for every local table (store, page registry,
local queue)."""

from __future__ import annotations

import sqlite3
import threading

from chalicelib.errors import StoreError


class ThreadConnections:
    """Each thread gets its own connection to `path`, opened on first use and then reused.

    WAL lets the web process and the workers read while one writes; synchronous=NORMAL keeps WAL
    consistent after a process crash and skips an fsync per commit; busy_timeout waits out a writer."""

    def __init__(self, path: str, what: str, error: type[Exception] = StoreError) -> None:
        self.path = path
        self._what = what  # "store", "the page registry": named in errors, never a path's contents
        self._error = error  # the owner's own error type, so its callers catch one kind of failure
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=30000")
            except sqlite3.Error as exc:
                raise self._error(f"cannot open {self._what} at {self.path}") from exc
            self._local.conn = conn
        return conn
