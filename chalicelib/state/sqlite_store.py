"""The local stage's store: one SQLite file in WAL mode (stdlib sqlite3), idempotency records included."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Mapping

from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from chalicelib.errors import StoreError
from chalicelib.state.sqlite_conn import ThreadConnections
from chalicelib.state.idempotency import SQLITE_SCHEMA as IDEMPOTENCY_SCHEMA
from chalicelib.state.idempotency import SqlitePersistenceLayer
from chalicelib.state.records import DAY, AuditRecord, DeadLetter, DeletionReceipt, version_of
from chalicelib.state.store import (
    DEAD_LETTER_RETENTION_SECONDS,
    DEFAULT_RETENTION_DAYS,
    DELETION_RECEIPT_RETENTION_SECONDS,
    DM_REPLY_WINDOW_SECONDS,
    capped_reason,
    event_dict,
    new_letter_id,
    recipient_key,
)

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    item_id TEXT PRIMARY KEY,
    updated_at REAL NOT NULL,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_updated ON audit(updated_at);
CREATE TABLE IF NOT EXISTS page_prefs (page_id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until REAL NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ours (
    object_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recipients (
    address TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    marked_at REAL NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    item_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deletion_receipts (
    code TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
    letter_id TEXT PRIMARY KEY,
    parked_at REAL NOT NULL,
    expires_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    event TEXT NOT NULL
);
"""

# Prune expired rows at most this often (on write), so the local file never grows without bound.
_PURGE_EVERY_SECONDS = 600


class SqliteStore:
    """Local store: one SQLite file in WAL mode, one connection per thread (the web server and worker share it)."""

    def __init__(self, path: str | os.PathLike[str], *, retention_seconds: int = DEFAULT_RETENTION_DAYS * DAY) -> None:
        self.path = str(path)
        self.retention_seconds = retention_seconds
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._connections = ThreadConnections(self.path, "store")
        self._last_purge = 0.0
        conn = self._conn()
        conn.executescript(_SQLITE_SCHEMA + IDEMPOTENCY_SCHEMA)
        self._persistence = SqlitePersistenceLayer(self._conn)

    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._conn().execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {type(exc).__name__}") from exc

    def _expires(self, now: float, seconds: float | None = None) -> int:
        return int(now + (self.retention_seconds if seconds is None else seconds))

    def _maybe_purge(self, now: float) -> None:
        if now - self._last_purge >= _PURGE_EVERY_SECONDS:
            self._last_purge = now
            self.purge(now)

    def persistence_layer(self) -> BasePersistenceLayer:
        return self._persistence

    def purge(self, now: float | None = None) -> int:
        """Delete every expired row; returns how many went."""
        now = time.time() if now is None else now
        removed = 0
        for table in ("audit", "claims", "ours", "versions", "dead_letters", "deletion_receipts", "recipients"):
            removed += self._exec(f"DELETE FROM {table} WHERE expires_at < ?", (int(now),)).rowcount
        removed += self._persistence.purge(now)
        return removed

    # audit
    def save_audit(self, record: AuditRecord) -> None:
        now = record.updated_at or time.time()
        self._exec(
            "INSERT OR REPLACE INTO audit (item_id, updated_at, expires_at, data) VALUES (?, ?, ?, ?)",
            (record.item_id, now, self._expires(now), json.dumps(record.to_dict())),
        )
        self._maybe_purge(now)

    def get_audit(self, item_id: str) -> AuditRecord | None:
        row = self._exec("SELECT data FROM audit WHERE item_id = ?", (item_id,)).fetchone()
        return AuditRecord.from_dict(json.loads(row[0])) if row else None

    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        rows = self._exec("SELECT data FROM audit ORDER BY updated_at DESC LIMIT ?", (int(limit),)).fetchall()
        return [AuditRecord.from_dict(json.loads(r[0])) for r in rows]


    # claims
    def claim_dm_reply(
        self, account_id: str, sender_id: str, now: float, window: float = DM_REPLY_WINDOW_SECONDS, owner: str = ""
    ) -> bool:
        return self._claim(f"dm#{account_id}#{sender_id}", owner, now, window)

    def get_page_prefs(self, page_id: str) -> dict[str, Any] | None:
        row = self._exec("SELECT data FROM page_prefs WHERE page_id = ?", (page_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_page_prefs(self, page_id: str, prefs: Mapping[str, Any]) -> None:
        self._exec("INSERT OR REPLACE INTO page_prefs (page_id, data) VALUES (?, ?)", (page_id, json.dumps(dict(prefs))))

    def get_page_health(self, page_id: str) -> dict[str, Any] | None:
        return self.get_page_prefs(f"health#{page_id}")

    def save_page_health(self, page_id: str, health: Mapping[str, Any]) -> None:
        self.save_page_prefs(f"health#{page_id}", health)

    def claim_once(self, key: str, now: float, window: float) -> bool:
        return self._claim(f"once#{key}", "", now, window)

    def release_once(self, key: str) -> None:
        self._exec("DELETE FROM claims WHERE key = ?", (f"once#{key}",))

    def release_dm_reply(self, account_id: str, sender_id: str, owner: str) -> None:
        if owner:  # an anonymous claim can't be told apart from another caller's: never released
            self._exec("DELETE FROM claims WHERE key = ? AND owner = ?", (f"dm#{account_id}#{sender_id}", owner))

    def _claim(self, key: str, owner: str, now: float, window: float) -> bool:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT owner, until FROM claims WHERE key = ?", (key,)).fetchone()
                free = row is None or row[1] <= now or (bool(owner) and row[0] == owner)
                if free:
                    conn.execute(
                        "INSERT OR REPLACE INTO claims (key, owner, until, expires_at) VALUES (?, ?, ?, ?)",
                        (key, owner, now + window if row is None or row[1] <= now else row[1], int(now + window) + 1),
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"store operation failed: {type(exc).__name__}") from exc
        return free

    # ours
    def remember_ours(self, object_id: str, now: float) -> None:
        if object_id:
            self._exec(
                "INSERT OR REPLACE INTO ours (object_id, expires_at) VALUES (?, ?)", (object_id, self._expires(now))
            )

    def is_ours(self, object_id: str) -> bool:
        return self._exec("SELECT 1 FROM ours WHERE object_id = ?", (object_id,)).fetchone() is not None

    # recipients
    def mark_recipient(self, address: str, kind: str, now: float) -> None:
        self._exec("INSERT OR REPLACE INTO recipients (address, kind, marked_at, expires_at) VALUES (?, ?, ?, ?)",
                   (recipient_key(address), kind, now, self._expires(now)))

    def recipient_mark(self, address: str) -> str:
        row = self._exec("SELECT kind FROM recipients WHERE address = ? AND expires_at >= ?",
                         (recipient_key(address), int(time.time()))).fetchone()
        return str(row[0]) if row else ""

    def clear_recipient(self, address: str) -> None:
        self._exec("DELETE FROM recipients WHERE address = ?", (recipient_key(address),))

    # ordering
    def record_version(self, item_id: str, created_time: float, verb: str, now: float) -> bool:
        version = version_of(created_time, verb)
        cur = self._exec(
            "INSERT INTO versions (item_id, version, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT(item_id) DO UPDATE SET version = excluded.version, expires_at = excluded.expires_at "
            "WHERE versions.version <= excluded.version",
            (item_id, version, self._expires(now)),
        )
        return cur.rowcount == 1

    # dead letters
    def park(self, event: Any, reason: str, attempts: int, now: float | None = None) -> str:
        event, now = event_dict(event), time.time() if now is None else now
        letter_id = new_letter_id(event, now)
        self._exec(
            "INSERT OR REPLACE INTO dead_letters (letter_id, parked_at, expires_at, reason, attempts, event) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (letter_id, now, int(now + DEAD_LETTER_RETENTION_SECONDS), capped_reason(reason), int(attempts), json.dumps(dict(event))),
        )
        return letter_id

    def list_dead_letters(self, limit: int = 100, now: float | None = None) -> list[DeadLetter]:
        # Purging runs only now and then: an expired letter may still be in the file.
        now = time.time() if now is None else now
        rows = self._exec(
            "SELECT letter_id, event, reason, attempts, parked_at FROM dead_letters WHERE expires_at > ? "
            "ORDER BY parked_at LIMIT ?",
            (now, int(limit)),
        ).fetchall()
        return [DeadLetter(r[0], json.loads(r[1]), r[2], int(r[3]), float(r[4])) for r in rows]

    def delete_dead_letter(self, letter_id: str) -> None:
        self._exec("DELETE FROM dead_letters WHERE letter_id = ?", (letter_id,))

    # data deletion
    def forget_sender(self, sender_id: str) -> dict[str, int]:
        audit = self._exec("DELETE FROM audit WHERE json_extract(data, '$.sender_id') = ?", (sender_id,)).rowcount
        slots = self._exec("DELETE FROM claims WHERE key LIKE 'dm#%' AND substr(key, -length(?) - 1) = ?",
                           (sender_id, f"#{sender_id}")).rowcount
        letters = self._exec("DELETE FROM dead_letters WHERE json_extract(event, '$.sender_id') = ?",
                             (sender_id,)).rowcount
        return {"audit_records": audit, "dm_reply_slots": slots, "dead_letters": letters}

    def save_deletion_receipt(self, receipt: DeletionReceipt) -> None:
        self._exec("INSERT OR REPLACE INTO deletion_receipts (code, expires_at, data) VALUES (?, ?, ?)",
                   (receipt.code, int(receipt.requested_at + DELETION_RECEIPT_RETENTION_SECONDS),
                    json.dumps(receipt.to_dict())))

    def get_deletion_receipt(self, code: str) -> DeletionReceipt | None:
        row = self._exec("SELECT data FROM deletion_receipts WHERE code = ?", (code,)).fetchone()
        return DeletionReceipt.from_dict(json.loads(row[0])) if row else None
