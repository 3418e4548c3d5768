"""PageGuard's state: audit records, DM reply window, ids we sent, item versions, dead letters, step idempotency.

One `Store` protocol with two implementations: `SqliteStore` (local stage, stdlib sqlite3, WAL) and
`DynamoStore` (AWS, one table keyed by `pk`, TTL on `expires_at`). Nothing here ever holds comment or
message text, except dead letters, which must keep the event to replay it (like an SQS message)
and expire after DEAD_LETTER_RETENTION_SECONDS.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Protocol

from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from chalicelib.config import DEFAULT_AUDIT_RETENTION_DAYS, Settings
from chalicelib.errors import StoreError
from chalicelib.state.idempotency import SQLITE_SCHEMA as IDEMPOTENCY_SCHEMA
from chalicelib.state.idempotency import SqlitePersistenceLayer

DAY = 24 * 60 * 60
DEFAULT_RETENTION_DAYS = int(DEFAULT_AUDIT_RETENTION_DAYS)
DM_REPLY_WINDOW_SECONDS = DAY
# SQS keeps a message at most 14 days; a parked event (which holds the text) lives no longer.
DEAD_LETTER_RETENTION_SECONDS = 14 * DAY

# DynamoDB table layout, shared with infra/ (the stack builds the table from these constants).
TABLE_PARTITION_KEY = "pk"
TTL_ATTRIBUTE = "expires_at"
LIST_INDEX_NAME = "by_kind_time"
LIST_INDEX_PARTITION_KEY = "gsi1pk"
LIST_INDEX_SORT_KEY = "gsi1sk"
KEY_SCHEMA = [{"AttributeName": TABLE_PARTITION_KEY, "KeyType": "HASH"}]
ATTRIBUTE_DEFINITIONS = [
    {"AttributeName": TABLE_PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": LIST_INDEX_PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": LIST_INDEX_SORT_KEY, "AttributeType": "S"},
]
GLOBAL_SECONDARY_INDEXES = [
    {
        "IndexName": LIST_INDEX_NAME,
        "KeySchema": [
            {"AttributeName": LIST_INDEX_PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": LIST_INDEX_SORT_KEY, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
]

# Ordering of comment verbs for the same created_time: an edit is newer than the add, a removal newest.
_VERB_RANK = {"add": 0, "message": 0, "edited": 1, "edit": 1, "remove": 2}


def version_of(created_time: float, verb: str) -> int:
    """A sortable number for one version of an item: milliseconds, then the verb's rank."""
    return int(round(created_time * 1000)) * 10 + _VERB_RANK.get(verb, 1)


# --------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class ActionRecord:
    """One step taken (or attempted) on an item. `detail` is an error class or code, never text."""

    step: str  # hide | public_reply | private_reply | send_message | alert | unhide | ...
    status: str  # done | failed | unknown | skipped | retrying | dry_run
    at: float
    detail: str = ""
    result_id: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ActionRecord":
        return cls(
            step=str(data["step"]),
            status=str(data["status"]),
            at=float(data["at"]),
            detail=str(data.get("detail", "")),
            result_id=str(data.get("result_id", "")),
        )


@dataclass(frozen=True)
class AuditRecord:
    """What PageGuard decided and did about one item: ids, labels, entity types and actions. No text."""

    item_id: str
    account_id: str
    platform: str
    surface: str
    page_id: str = ""
    verb: str = ""
    post_id: str = ""
    parent_id: str = ""
    sender_id: str = ""
    created_time: float = 0.0
    label: str = ""
    entity_types: tuple[str, ...] = ()
    note: str = ""
    status: str = "in_progress"  # in_progress | done | failed | skipped | token_expired | unknown_account
    actions: tuple[ActionRecord, ...] = ()
    first_seen_at: float = 0.0
    updated_at: float = 0.0

    @property
    def settled(self) -> bool:
        """Finished for good: reconcile and scan leave it alone. An unsettled item (still in progress, its
        page's token expired, or its page not configured yet) is driven again when it is listed; steps
        already done do not repeat."""
        return self.status not in UNSETTLED_STATUSES

    def with_action(self, action: ActionRecord) -> "AuditRecord":
        """Replace the latest record of the same step (a retry overwrites 'retrying'), or append."""
        kept = tuple(a for a in self.actions if a.step != action.step)
        return replace(self, actions=kept + (action,))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["entity_types"] = list(self.entity_types)
        data["actions"] = [asdict(a) for a in self.actions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AuditRecord":
        values = dict(data)
        values["entity_types"] = tuple(values.get("entity_types", ()))
        values["actions"] = tuple(ActionRecord.from_dict(a) for a in values.get("actions", ()))
        values["created_time"] = float(values.get("created_time", 0.0))
        values["first_seen_at"] = float(values.get("first_seen_at", 0.0))
        values["updated_at"] = float(values.get("updated_at", 0.0))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


UNSETTLED_STATUSES = frozenset({"in_progress", "token_expired", "unknown_account"})


@dataclass(frozen=True)
class DeadLetter:
    """An event that kept failing, parked with the reason (an error class, never text)."""

    letter_id: str
    event: dict[str, Any] = field(repr=False)  # WebhookEvent.to_dict(): holds the text, so repr hides it
    reason: str = ""
    attempts: int = 0
    parked_at: float = 0.0


# --------------------------------------------------------------------------------------------------
# Protocol


class Store(Protocol):
    """Everything the pipeline, worker, reconciliation and CLI need to remember."""

    retention_seconds: int

    def persistence_layer(self) -> BasePersistenceLayer:
        """The Powertools idempotency persistence layer over this store's backend."""
        ...

    # audit
    def save_audit(self, record: AuditRecord) -> None: ...
    def get_audit(self, item_id: str) -> AuditRecord | None: ...
    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        """Most recently updated first."""
        ...

    def has_seen(self, item_id: str) -> bool: ...

    # DM contact reply: at most once per sender per window
    def claim_dm_reply(
        self, account_id: str, sender_id: str, now: float, window: float = DM_REPLY_WINDOW_SECONDS, owner: str = ""
    ) -> bool:
        """Atomically take the sender's reply slot. True when free, expired, or already held by `owner`."""
        ...

    def release_dm_reply(self, account_id: str, sender_id: str, owner: str) -> None:
        """Give the slot back after a reply that certainly did not go out, so the sender's next message
        is answered. Only `owner`'s claim is released: a slot another message holds stays taken."""
        ...

    # ids of our own replies and messages, so their webhooks never loop
    def remember_ours(self, object_id: str, now: float) -> None: ...
    def is_ours(self, object_id: str) -> bool: ...

    # ordering
    def record_version(self, item_id: str, created_time: float, verb: str, now: float) -> bool:
        """Record this version of an item; False when a newer version was already recorded."""
        ...

    # dead letters
    def park(self, event: Any, reason: str, attempts: int, now: float | None = None) -> str:
        """Park an event (WebhookEvent or its dict) that kept failing. Returns the letter id."""
        ...
    def list_dead_letters(self, limit: int = 100, now: float | None = None) -> list[DeadLetter]:
        """Oldest first; letters past their `expires_at` are left out even before the backend deletes them."""
        ...
    def delete_dead_letter(self, letter_id: str) -> None: ...


def build_store(settings: Settings) -> "Store":
    """Local stage: SqliteStore at settings.store_path. AWS: DynamoStore on settings.store_table."""
    retention = int(settings.audit_retention_days * DAY)
    if settings.is_local:
        return SqliteStore(settings.store_path, retention_seconds=retention)
    if not settings.store_table:
        raise StoreError("STORE_TABLE is not set")
    import boto3

    return DynamoStore(boto3.resource("dynamodb").Table(settings.store_table), retention_seconds=retention)


# --------------------------------------------------------------------------------------------------
# SQLite

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    item_id TEXT PRIMARY KEY,
    updated_at REAL NOT NULL,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_updated ON audit(updated_at);
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
CREATE TABLE IF NOT EXISTS versions (
    item_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
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
        self._local = threading.local()
        self._last_purge = 0.0
        conn = self._conn()
        conn.executescript(_SQLITE_SCHEMA + IDEMPOTENCY_SCHEMA)
        self._persistence = SqlitePersistenceLayer(self._conn)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=30000")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open store at {self.path}") from exc
            self._local.conn = conn
        return conn

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
        for table in ("audit", "claims", "ours", "versions", "dead_letters"):
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

    def has_seen(self, item_id: str) -> bool:
        return self._exec("SELECT 1 FROM audit WHERE item_id = ?", (item_id,)).fetchone() is not None

    # claims
    def claim_dm_reply(
        self, account_id: str, sender_id: str, now: float, window: float = DM_REPLY_WINDOW_SECONDS, owner: str = ""
    ) -> bool:
        return self._claim(f"dm#{account_id}#{sender_id}", owner, now, window)

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
        event, now = _event_dict(event), time.time() if now is None else now
        letter_id = _letter_id(event, now)
        self._exec(
            "INSERT OR REPLACE INTO dead_letters (letter_id, parked_at, expires_at, reason, attempts, event) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (letter_id, now, int(now + DEAD_LETTER_RETENTION_SECONDS), _reason(reason), int(attempts), json.dumps(dict(event))),
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


def _event_dict(event: Any) -> dict[str, Any]:
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)


def _reason(reason: str) -> str:
    # Reasons are error class names and codes; cap them so nothing long (or textual) is stored.
    return reason[:300]


def _letter_id(event: Mapping[str, Any], now: float) -> str:
    # Sortable by time, unique per parking.
    return f"{now:017.6f}-{event.get('item_id', '')}-{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------------------------------
# DynamoDB


class DynamoStore:
    """AWS store: one DynamoDB table (TABLE_PARTITION_KEY, TTL on TTL_ATTRIBUTE, LIST_INDEX_NAME for listings).

    Powertools' DynamoDBPersistenceLayer shares the table: its keys start with `pageguard.step#`,
    ours with `audit#`, `dm#`, `ours#`, `ver#`, `dlq#`.
    """

    def __init__(
        self, table: Any, *, client: Any = None, retention_seconds: int = DEFAULT_RETENTION_DAYS * DAY
    ) -> None:
        """`table` is a boto3 Table resource; `client` a plain DynamoDB client for Powertools.

        The resource's own `meta.client` can't be reused: it serialises attribute values itself,
        and Powertools passes them already typed ({"S": ...}).
        """
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        self._table = table
        self.retention_seconds = retention_seconds
        if client is None:
            import boto3

            meta = table.meta.client.meta
            client = boto3.client("dynamodb", region_name=meta.region_name, endpoint_url=meta.endpoint_url)
        self._persistence = DynamoDBPersistenceLayer(
            table_name=table.name,
            key_attr=TABLE_PARTITION_KEY,
            expiry_attr=TTL_ATTRIBUTE,
            boto3_client=client,
        )

    @staticmethod
    def create_table(dynamodb_resource: Any, name: str) -> Any:
        """Create the table with the shared key schema (local tools and tests; infra/ uses the same constants)."""
        table = dynamodb_resource.create_table(
            TableName=name,
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=ATTRIBUTE_DEFINITIONS,
            GlobalSecondaryIndexes=GLOBAL_SECONDARY_INDEXES,
            BillingMode="PAY_PER_REQUEST",
        )
        table.wait_until_exists()
        return table

    def persistence_layer(self) -> BasePersistenceLayer:
        return self._persistence

    def _call(self, fn: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(**kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise _ConditionFailed from exc
            raise StoreError(f"DynamoDB {exc.response.get('Error', {}).get('Code', 'error')}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB {type(exc).__name__}") from exc

    def _expires(self, now: float, seconds: float | None = None) -> int:
        return int(now + (self.retention_seconds if seconds is None else seconds))

    # audit
    def save_audit(self, record: AuditRecord) -> None:
        now = record.updated_at or time.time()
        self._call(
            self._table.put_item,
            Item={
                TABLE_PARTITION_KEY: f"audit#{record.item_id}",
                LIST_INDEX_PARTITION_KEY: "audit",
                LIST_INDEX_SORT_KEY: f"{now:017.6f}#{record.item_id}",
                TTL_ATTRIBUTE: self._expires(now),
                "record": json.dumps(record.to_dict()),
            },
        )

    def get_audit(self, item_id: str) -> AuditRecord | None:
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"audit#{item_id}"}, ConsistentRead=True)
        data = item.get("Item")
        return AuditRecord.from_dict(json.loads(data["record"])) if data else None

    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        return [AuditRecord.from_dict(json.loads(i["record"])) for i in self._query_index("audit", limit, newest=True)]

    def _query_index(
        self, kind: str, limit: int, *, newest: bool, live_at: float | None = None
    ) -> list[dict[str, Any]]:
        """Items of one kind from the listing index; with `live_at`, only those not yet expired then
        (a filter applies after each page's Limit, so paging goes on until `limit` items are found)."""
        from boto3.dynamodb.conditions import Attr, Key

        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "IndexName": LIST_INDEX_NAME,
            "KeyConditionExpression": Key(LIST_INDEX_PARTITION_KEY).eq(kind),
            "ScanIndexForward": not newest,
            "Limit": int(limit),
        }
        if live_at is not None:
            kwargs["FilterExpression"] = Attr(TTL_ATTRIBUTE).gt(int(live_at))
        while len(items) < limit:
            page = self._call(self._table.query, **kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items[:limit]

    def has_seen(self, item_id: str) -> bool:
        item = self._call(
            self._table.get_item,
            Key={TABLE_PARTITION_KEY: f"audit#{item_id}"},
            ProjectionExpression=TABLE_PARTITION_KEY,
            ConsistentRead=True,
        )
        return "Item" in item

    # claims
    def claim_dm_reply(
        self, account_id: str, sender_id: str, now: float, window: float = DM_REPLY_WINDOW_SECONDS, owner: str = ""
    ) -> bool:
        from decimal import Decimal

        key = f"dm#{account_id}#{sender_id}"
        try:
            # Free, expired, or already ours: take it (only a fresh take moves `until`).
            self._call(
                self._table.put_item,
                Item={
                    TABLE_PARTITION_KEY: key,
                    "owner": owner,
                    "until": Decimal(str(round(now + window, 3))),
                    TTL_ATTRIBUTE: int(now + window) + 1,
                },
                ConditionExpression="attribute_not_exists(#pk) OR #until <= :now",
                ExpressionAttributeNames={"#pk": TABLE_PARTITION_KEY, "#until": "until"},
                ExpressionAttributeValues={":now": Decimal(str(round(now, 3)))},
            )
            return True
        except _ConditionFailed:
            pass
        if not owner:
            return False
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: key}, ConsistentRead=True).get("Item")
        return bool(item) and item.get("owner") == owner

    def release_dm_reply(self, account_id: str, sender_id: str, owner: str) -> None:
        if not owner:  # an anonymous claim can't be told apart from another caller's: never released
            return
        try:
            self._call(
                self._table.delete_item,
                Key={TABLE_PARTITION_KEY: f"dm#{account_id}#{sender_id}"},
                ConditionExpression="#owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":owner": owner},
            )
        except _ConditionFailed:
            pass  # gone already, or another message holds it now: leave it

    # ours
    def remember_ours(self, object_id: str, now: float) -> None:
        if object_id:
            self._call(
                self._table.put_item,
                Item={TABLE_PARTITION_KEY: f"ours#{object_id}", TTL_ATTRIBUTE: self._expires(now)},
            )

    def is_ours(self, object_id: str) -> bool:
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"ours#{object_id}"}, ConsistentRead=True)
        return "Item" in item

    # ordering
    def record_version(self, item_id: str, created_time: float, verb: str, now: float) -> bool:
        try:
            self._call(
                self._table.update_item,
                Key={TABLE_PARTITION_KEY: f"ver#{item_id}"},
                UpdateExpression="SET #v = :v, #ttl = :ttl",
                ConditionExpression="attribute_not_exists(#pk) OR #v <= :v",
                ExpressionAttributeNames={"#pk": TABLE_PARTITION_KEY, "#v": "version", "#ttl": TTL_ATTRIBUTE},
                ExpressionAttributeValues={":v": version_of(created_time, verb), ":ttl": self._expires(now)},
            )
            return True
        except _ConditionFailed:
            return False

    # dead letters
    def park(self, event: Any, reason: str, attempts: int, now: float | None = None) -> str:
        event, now = _event_dict(event), time.time() if now is None else now
        letter_id = _letter_id(event, now)
        self._call(
            self._table.put_item,
            Item={
                TABLE_PARTITION_KEY: f"dlq#{letter_id}",
                LIST_INDEX_PARTITION_KEY: "dlq",
                LIST_INDEX_SORT_KEY: letter_id,
                TTL_ATTRIBUTE: int(now + DEAD_LETTER_RETENTION_SECONDS),
                "event": json.dumps(dict(event)),
                "reason": _reason(reason),
                "attempts": int(attempts),
                "parked_at": str(now),
            },
        )
        return letter_id

    def list_dead_letters(self, limit: int = 100, now: float | None = None) -> list[DeadLetter]:
        # DynamoDB's TTL deletes expired items late (up to days): leave them out here.
        now = time.time() if now is None else now
        return [
            DeadLetter(
                letter_id=i[LIST_INDEX_SORT_KEY],
                event=json.loads(i["event"]),
                reason=str(i.get("reason", "")),
                attempts=int(i.get("attempts", 0)),
                parked_at=float(i.get("parked_at", 0)),
            )
            for i in self._query_index("dlq", limit, newest=False, live_at=now)
        ]

    def delete_dead_letter(self, letter_id: str) -> None:
        self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"dlq#{letter_id}"})


class _ConditionFailed(Exception):
    """A DynamoDB conditional write lost: translated to a bool by the caller."""


# --------------------------------------------------------------------------------------------------
# CLI: `python -m ops.cli audit [--limit N] [--json]` (registered in cli.py)


def configure_audit(parser: Any) -> None:
    parser.description = "List recent moderation decisions: ids, labels, entity types and actions. Never text."
    parser.add_argument("--limit", type=int, default=20, help="how many items (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def run_audit(args: Any) -> int:
    from chalicelib.wiring import deps

    for line in format_audit(deps().store.list_audit(limit=args.limit), as_json=args.json):
        print(line)
    return 0


def format_audit(records: list[AuditRecord], *, as_json: bool = False) -> list[str]:
    if as_json:
        return [json.dumps(r.to_dict(), sort_keys=True) for r in records]
    lines = []
    for r in records:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r.updated_at)) if r.updated_at else "-"
        steps = " ".join(f"{a.step}:{a.status}" for a in r.actions) or "-"
        types = ",".join(r.entity_types) or "-"
        lines.append(f"{when}Z  {r.item_id}  {r.platform}/{r.surface}  {r.label or '-'}  [{types}]  {r.status}  {steps}")
    return lines or ["no decisions recorded yet"]
