"""The page registry: one record per protected page (its settings) and its token, encrypted at rest.

Two backends share the `PageRegistry` protocol: `SqlitePageRegistry` (local stage; tokens sealed with a
key file outside the repo) and `DynamoPageRegistry` (AWS; records in the store table, each token in
its own SSM SecureString, so the API function can be allowed to put tokens and never to read them).
Readers go through `PageDirectory` (page_directory.py), never through a backend directly.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol

from chalicelib.config import MODES, PageSettings
from chalicelib.crisis_lines import default_crisis_reply
from chalicelib.errors import ConfigError, StoreError
from chalicelib.state.sqlite_conn import ThreadConnections

_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
TOKEN_OK = "ok"
TOKEN_INVALID = "invalid"
TOKEN_MISSING = "missing"
TOKEN_UNCHECKED = "unchecked"


@dataclass(frozen=True)
class PageRecord:
    """A protected page's settings as the registry keeps them (never its token)."""

    page_id: str
    name: str
    notify_email: str = ""
    contact_reply: str = ""
    instagram_id: str = ""
    instagram_username: str = ""
    crisis_reply: str = ""  # blank: the country's default crisis reply (crisis_lines.py)
    mode: str = "protect"  # "observe": decide and alert, never act on Meta
    country: str = ""  # ISO code; blank assumes no country
    extra_recipients: tuple[str, ...] = ()  # alert recipients besides notify_email (the console's settings)
    weekly_digest: bool = True
    connected_at: float = 0.0
    updated_at: float = 0.0
    # token health (token_health.py)
    token_status: str = TOKEN_UNCHECKED
    token_checked_at: float = 0.0
    token_problem: str = ""  # Meta's error code and subcode, never the token
    token_alerted_at: float = 0.0  # when the reconnect email went out for the current failure
    granted_permissions: tuple[str, ...] = ()
    declined_permissions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _ID_RE.fullmatch(self.page_id) or (self.instagram_id and not _ID_RE.fullmatch(self.instagram_id)):
            raise ConfigError("page_id and instagram_id must be Graph ids (letters, digits, _ and -)")
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}")
        object.__setattr__(self, "extra_recipients", tuple(self.extra_recipients))
        object.__setattr__(self, "granted_permissions", tuple(self.granted_permissions))
        object.__setattr__(self, "declined_permissions", tuple(self.declined_permissions))

    @property
    def configured(self) -> bool:
        """Whether the page can be protected: it has somewhere to send alerts and a reply to give."""
        return bool(self.notify_email and self.contact_reply)

    def to_settings(self, access_token: str) -> PageSettings:
        return PageSettings(
            page_id=self.page_id,
            name=self.name,
            access_token=access_token,
            notify_email=self.notify_email,
            contact_reply=self.contact_reply,
            instagram_id=self.instagram_id,
            crisis_reply=self.crisis_reply or default_crisis_reply(self.country),
            country=self.country,
            mode=self.mode,
            extra_recipients=self.extra_recipients,
            weekly_digest=self.weekly_digest,
        )

    def with_choices(self, choices: Mapping[str, Any]) -> "PageRecord":
        """This record with the console's settings form (console/directory.py `prefs_from_form`) applied."""
        recipients = list(choices["recipients"])
        return replace(
            self,
            contact_reply=choices["contact_reply"],
            crisis_reply=choices["crisis_reply"],
            country=choices["country"],
            mode=choices["mode"],
            notify_email=recipients[0],
            extra_recipients=tuple(recipients[1:]),
            weekly_digest=bool(choices["weekly_digest"]),
            updated_at=time.time(),
        )

    @classmethod
    def from_settings(cls, page: PageSettings, **extra: Any) -> "PageRecord":
        return cls(
            page_id=page.page_id,
            name=page.name,
            notify_email=page.notify_email,
            contact_reply=page.contact_reply,
            instagram_id=page.instagram_id,
            crisis_reply="" if page.crisis_reply == default_crisis_reply(page.country) else page.crisis_reply,
            country=page.country,
            mode=page.mode,
            extra_recipients=page.extra_recipients,
            weekly_digest=page.weekly_digest,
            **extra,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extra_recipients"] = list(self.extra_recipients)
        data["granted_permissions"] = list(self.granted_permissions)
        data["declined_permissions"] = list(self.declined_permissions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PageRecord":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_changes(self, **changes: Any) -> "PageRecord":
        return replace(self, **changes)


class PageRegistry(Protocol):
    """Where page records and their tokens live. Writers: setup, the connect callback, the console, the
    token health check. Readers: PageDirectory (worker, reconcile, console, CLI)."""

    def save_page(self, record: PageRecord) -> None: ...
    def get_page(self, page_id: str) -> PageRecord | None: ...
    def find_page(self, account_id: str) -> PageRecord | None:
        """The record whose page id or Instagram account id is `account_id`."""
        ...
    def list_pages(self) -> list[PageRecord]:
        """Every record, ordered by page id."""
        ...
    def delete_page(self, page_id: str) -> None: ...
    def put_token(self, page_id: str, token: str) -> None: ...
    def get_token(self, page_id: str) -> str:
        """The page's token, or "" when none is stored."""
        ...
    def claim_once(self, key: str, expires_at: float, now: float | None = None) -> bool:
        """True the first time `key` is claimed (until `expires_at`); False afterwards. Single-use
        state values and one-time imports rest on it."""
        ...


# --- local: SQLite, tokens sealed with a key file ----------------------------------------------------

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    page_id TEXT PRIMARY KEY,
    instagram_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_instagram ON pages(instagram_id);
CREATE TABLE IF NOT EXISTS page_tokens (
    page_id TEXT PRIMARY KEY,
    sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS once_keys (
    key TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
);
"""


def default_key_file() -> Path:
    """Outside the repo, per user: `$XDG_CONFIG_HOME/pageguard/token.key` (~/.config by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pageguard" / "token.key"


class TokenCipher:
    """Fernet (AES-128-CBC + HMAC-SHA256) with a key read from, or created in, a file only its owner reads."""

    def __init__(self, key: bytes) -> None:
        from cryptography.fernet import Fernet

        self._fernet = Fernet(key)

    @classmethod
    def from_key_file(cls, path: str | os.PathLike[str]) -> "TokenCipher":
        from cryptography.fernet import Fernet

        key_path = Path(path)
        if not key_path.exists():
            key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # O_EXCL: two processes starting together must not each write a different key.
            try:
                fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(Fernet.generate_key())
        key = b""
        for _ in range(50):  # another process may have created the file and not written it yet
            key = key_path.read_bytes().strip()
            if key:
                break
            time.sleep(0.02)
        try:
            return cls(key)
        except ValueError as exc:
            raise ConfigError(f"token key file {key_path} does not hold a Fernet key") from exc

    def seal(self, token: str) -> bytes:
        return self._fernet.encrypt(token.encode("utf-8"))

    def open(self, sealed: bytes) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError("a stored page token cannot be decrypted with this key file (TOKEN_KEY_FILE)") from exc


class SqlitePageRegistry:
    """Local registry in the store's SQLite file; tokens are sealed with `cipher` before they are written."""

    def __init__(self, path: str | os.PathLike[str], cipher: TokenCipher) -> None:
        self.path = str(path)
        self._cipher = cipher
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._connections = ThreadConnections(self.path, "the page registry")
        self._conn().executescript(_SQLITE_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._conn().execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"page registry operation failed: {type(exc).__name__}") from exc

    def save_page(self, record: PageRecord) -> None:
        record = record.with_changes(updated_at=time.time())
        self._exec(
            "INSERT OR REPLACE INTO pages (page_id, instagram_id, data) VALUES (?, ?, ?)",
            (record.page_id, record.instagram_id, json.dumps(record.to_dict())),
        )

    def get_page(self, page_id: str) -> PageRecord | None:
        row = self._exec("SELECT data FROM pages WHERE page_id = ?", (page_id,)).fetchone()
        return PageRecord.from_dict(json.loads(row[0])) if row else None

    def find_page(self, account_id: str) -> PageRecord | None:
        row = self._exec(
            "SELECT data FROM pages WHERE page_id = ? OR (instagram_id = ? AND instagram_id != '') LIMIT 1",
            (account_id, account_id),
        ).fetchone()
        return PageRecord.from_dict(json.loads(row[0])) if row else None

    def list_pages(self) -> list[PageRecord]:
        rows = self._exec("SELECT data FROM pages ORDER BY page_id").fetchall()
        return [PageRecord.from_dict(json.loads(r[0])) for r in rows]

    def delete_page(self, page_id: str) -> None:
        self._exec("DELETE FROM pages WHERE page_id = ?", (page_id,))
        self._exec("DELETE FROM page_tokens WHERE page_id = ?", (page_id,))

    def put_token(self, page_id: str, token: str) -> None:
        self._exec(
            "INSERT OR REPLACE INTO page_tokens (page_id, sealed) VALUES (?, ?)", (page_id, self._cipher.seal(token))
        )

    def get_token(self, page_id: str) -> str:
        row = self._exec("SELECT sealed FROM page_tokens WHERE page_id = ?", (page_id,)).fetchone()
        return self._cipher.open(bytes(row[0])) if row else ""

    def claim_once(self, key: str, expires_at: float, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        self._exec("DELETE FROM once_keys WHERE expires_at < ?", (now,))
        cursor = self._exec("INSERT OR IGNORE INTO once_keys (key, expires_at) VALUES (?, ?)", (key, expires_at))
        return cursor.rowcount == 1


# --- AWS: records in the store table, each token an SSM SecureString ---------------------------------

PAGE_TOKEN_PARAMETER = "/pageguard/{stage}/page-tokens/{page_id}"
_PAGE_KIND = "page"


def token_parameter_name(stage: str, page_id: str) -> str:
    return PAGE_TOKEN_PARAMETER.format(stage=stage, page_id=page_id)


class DynamoPageRegistry:
    """AWS registry. Records: items `page#<id>` in the store table (listed through its kind index),
    `pageig#<instagram id>` pointing at the page. Tokens: one SecureString per page under
    /pageguard/<stage>/page-tokens/, encrypted with the account's aws/ssm KMS key."""

    def __init__(self, table: Any, ssm_client: Any, *, stage: str) -> None:
        self._table = table
        self._ssm = ssm_client
        self._stage = stage

    def _call(self, fn: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            if code in ("ConditionalCheckFailedException", "ParameterNotFound"):
                raise _Missing(code) from exc
            raise StoreError(f"page registry: {code}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"page registry: {type(exc).__name__}") from exc

    def save_page(self, record: PageRecord) -> None:
        from chalicelib.state.dynamo_store import LIST_INDEX_PARTITION_KEY, LIST_INDEX_SORT_KEY, TABLE_PARTITION_KEY

        record = record.with_changes(updated_at=time.time())
        old = self.get_page(record.page_id)
        self._call(
            self._table.put_item,
            Item={
                TABLE_PARTITION_KEY: f"page#{record.page_id}",
                LIST_INDEX_PARTITION_KEY: _PAGE_KIND,
                LIST_INDEX_SORT_KEY: record.page_id,
                "record": json.dumps(record.to_dict()),
            },
        )
        if record.instagram_id:
            self._call(
                self._table.put_item,
                Item={TABLE_PARTITION_KEY: f"pageig#{record.instagram_id}", "page_id": record.page_id},
            )
        if old and old.instagram_id and old.instagram_id != record.instagram_id:
            self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"pageig#{old.instagram_id}"})

    def get_page(self, page_id: str) -> PageRecord | None:
        from chalicelib.state.dynamo_store import TABLE_PARTITION_KEY

        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"page#{page_id}"}, ConsistentRead=True)
        data = item.get("Item")
        return PageRecord.from_dict(json.loads(data["record"])) if data else None

    def find_page(self, account_id: str) -> PageRecord | None:
        from chalicelib.state.dynamo_store import TABLE_PARTITION_KEY

        record = self.get_page(account_id)
        if record is not None:
            return record
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"pageig#{account_id}"}).get("Item")
        return self.get_page(str(item["page_id"])) if item else None

    def list_pages(self) -> list[PageRecord]:
        return [PageRecord.from_dict(json.loads(i["record"])) for i in self._iter_kind()]

    def _iter_kind(self) -> Iterator[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        from chalicelib.state.dynamo_store import LIST_INDEX_NAME, LIST_INDEX_PARTITION_KEY

        kwargs: dict[str, Any] = {
            "IndexName": LIST_INDEX_NAME,
            "KeyConditionExpression": Key(LIST_INDEX_PARTITION_KEY).eq(_PAGE_KIND),
        }
        while True:
            answer = self._call(self._table.query, **kwargs)
            yield from answer.get("Items", [])
            if "LastEvaluatedKey" not in answer:
                return
            kwargs["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def delete_page(self, page_id: str) -> None:
        from chalicelib.state.dynamo_store import TABLE_PARTITION_KEY

        old = self.get_page(page_id)
        self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"page#{page_id}"})
        if old and old.instagram_id:
            self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"pageig#{old.instagram_id}"})
        try:
            self._call(self._ssm.delete_parameter, Name=token_parameter_name(self._stage, page_id))
        except _Missing:
            pass

    def put_token(self, page_id: str, token: str) -> None:
        # Standard tier: a Page token is far under 4 KB, and standard parameters cost nothing.
        self._call(
            self._ssm.put_parameter,
            Name=token_parameter_name(self._stage, page_id),
            Value=token,
            Type="SecureString",
            Overwrite=True,
            Tier="Standard",
        )

    def get_token(self, page_id: str) -> str:
        try:
            answer = self._call(
                self._ssm.get_parameter, Name=token_parameter_name(self._stage, page_id), WithDecryption=True
            )
        except _Missing:
            return ""
        return str(answer["Parameter"]["Value"])

    def claim_once(self, key: str, expires_at: float, now: float | None = None) -> bool:
        from chalicelib.state.dynamo_store import TABLE_PARTITION_KEY, TTL_ATTRIBUTE

        now = time.time() if now is None else now
        try:
            # A past claim whose TTL deletion has not run yet counts as gone.
            self._call(
                self._table.put_item,
                Item={TABLE_PARTITION_KEY: f"once#{key}", TTL_ATTRIBUTE: int(expires_at)},
                ConditionExpression=f"attribute_not_exists({TABLE_PARTITION_KEY}) OR {TTL_ATTRIBUTE} < :now",
                ExpressionAttributeValues={":now": int(now)},
            )
        except _Missing:
            return False
        return True


class _Missing(Exception):
    """A condition failed or a parameter is absent (internal to DynamoPageRegistry)."""


@dataclass
class InMemoryPageRegistry:
    """A registry in memory, for unit tests of its readers."""

    records: dict[str, PageRecord] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    once: dict[str, float] = field(default_factory=dict)
    reads: int = 0

    def save_page(self, record: PageRecord) -> None:
        self.records[record.page_id] = record.with_changes(updated_at=time.time())

    def get_page(self, page_id: str) -> PageRecord | None:
        self.reads += 1
        return self.records.get(page_id)

    def find_page(self, account_id: str) -> PageRecord | None:
        self.reads += 1
        return self.records.get(account_id) or next(
            (r for r in self.records.values() if r.instagram_id and r.instagram_id == account_id), None
        )

    def list_pages(self) -> list[PageRecord]:
        self.reads += 1
        return [self.records[k] for k in sorted(self.records)]

    def delete_page(self, page_id: str) -> None:
        self.records.pop(page_id, None)
        self.tokens.pop(page_id, None)

    def put_token(self, page_id: str, token: str) -> None:
        self.tokens[page_id] = token

    def get_token(self, page_id: str) -> str:
        self.reads += 1
        return self.tokens.get(page_id, "")

    def claim_once(self, key: str, expires_at: float, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        if self.once.get(key, -1.0) >= now:
            return False
        self.once[key] = expires_at
        return True
