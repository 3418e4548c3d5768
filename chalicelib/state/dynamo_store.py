"""The AWS store: one DynamoDB table keyed by `pk`, TTL on `expires_at`, shared with Powertools idempotency.

The key schema constants below must match the table infra/resources.json declares (resources.json is
written by hand; tests/test_infra.py checks that the two agree).
"""

from __future__ import annotations

import json
import time
from typing import Any, Mapping

from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from chalicelib.errors import StoreError
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


class DynamoStore:
    """AWS store: one DynamoDB table (TABLE_PARTITION_KEY, TTL on TTL_ATTRIBUTE, LIST_INDEX_NAME for listings).

    Powertools' DynamoDBPersistenceLayer shares the table: its keys start with `pageguard.step#`,
    ours with `audit#`, `dm#`, `ours#`, `ver#`, `dlq#`, `rcpt#`.
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
        """Create the table with the shared key schema (local tools and tests)."""
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


    # claims
    def claim_dm_reply(
        self, account_id: str, sender_id: str, now: float, window: float = DM_REPLY_WINDOW_SECONDS, owner: str = ""
    ) -> bool:
        key = f"dm#{account_id}#{sender_id}"
        if self._take(key, owner, now, window):
            return True
        if not owner:
            return False
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: key}, ConsistentRead=True).get("Item")
        return bool(item) and item.get("owner") == owner

    def get_page_prefs(self, page_id: str) -> dict[str, Any] | None:
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"prefs#{page_id}"}, ConsistentRead=True)
        return json.loads(item["Item"]["data"]) if "Item" in item else None

    def save_page_prefs(self, page_id: str, prefs: Mapping[str, Any]) -> None:
        # No TTL: a page's settings last as long as the page is protected.
        self._call(self._table.put_item, Item={TABLE_PARTITION_KEY: f"prefs#{page_id}", "data": json.dumps(dict(prefs))})

    def get_page_health(self, page_id: str) -> dict[str, Any] | None:
        return self.get_page_prefs(f"health#{page_id}")

    def save_page_health(self, page_id: str, health: Mapping[str, Any]) -> None:
        self.save_page_prefs(f"health#{page_id}", health)

    def claim_once(self, key: str, now: float, window: float) -> bool:
        return self._take(f"once#{key}", "", now, window)

    def release_once(self, key: str) -> None:
        self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"once#{key}"})

    def _take(self, key: str, owner: str, now: float, window: float) -> bool:
        """Take `key` when it is free or expired (a conditional put): True when taken."""
        from decimal import Decimal

        try:
            # Free or expired: take it (only a fresh take moves `until`).
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
            return False

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

    # recipients
    def mark_recipient(self, address: str, kind: str, now: float) -> None:
        self._call(self._table.put_item, Item={TABLE_PARTITION_KEY: f"rcpt#{recipient_key(address)}", "kind": kind,
                                              "marked_at": str(now), TTL_ATTRIBUTE: self._expires(now)})

    def recipient_mark(self, address: str) -> str:
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"rcpt#{recipient_key(address)}"},
                          ConsistentRead=True).get("Item")
        if not item or int(item.get(TTL_ATTRIBUTE, 0)) < time.time():  # TTL deletes late
            return ""
        return str(item.get("kind", ""))

    def clear_recipient(self, address: str) -> None:
        self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"rcpt#{recipient_key(address)}"})

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
        event, now = event_dict(event), time.time() if now is None else now
        letter_id = new_letter_id(event, now)
        self._call(
            self._table.put_item,
            Item={
                TABLE_PARTITION_KEY: f"dlq#{letter_id}",
                LIST_INDEX_PARTITION_KEY: "dlq",
                LIST_INDEX_SORT_KEY: letter_id,
                TTL_ATTRIBUTE: int(now + DEAD_LETTER_RETENTION_SECONDS),
                "event": json.dumps(dict(event)),
                "reason": capped_reason(reason),
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

    # data deletion
    def _of_kind_mentioning(self, kind: str, attribute: str, needle: str) -> list[dict[str, Any]]:
        """Every item of one kind whose JSON `attribute` contains `needle`. DynamoDB still reads each page
        (1 MB), but sends back only the matches, so erasing one sender over 90 days of a busy practice's
        records stays within the API function's time; callers check the match exactly."""
        from boto3.dynamodb.conditions import Attr, Key

        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"IndexName": LIST_INDEX_NAME, "KeyConditionExpression": Key(LIST_INDEX_PARTITION_KEY).eq(kind),
                                  "FilterExpression": Attr(attribute).contains(needle)}
        while True:
            page = self._call(self._table.query, **kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def forget_sender(self, sender_id: str) -> dict[str, int]:
        """Finds the sender's audit records and dead letters through the listing index (a practice keeps at
        most AUDIT_RETENTION_DAYS of them); a DM slot's key needs the account, taken from those audit records."""
        accounts: set[str] = set()
        audit = letters = slots = 0
        needle = json.dumps({"sender_id": sender_id})[1:-1]  # '"sender_id": "123"', as json.dumps wrote it
        for item in self._of_kind_mentioning("audit", "record", needle):
            record = json.loads(item["record"])
            if record.get("sender_id") == sender_id:
                accounts.add(str(record.get("account_id", "")))
                self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: item[TABLE_PARTITION_KEY]})
                audit += 1
        for item in self._of_kind_mentioning("dlq", "event", needle):
            if json.loads(item["event"]).get("sender_id") == sender_id:
                self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: item[TABLE_PARTITION_KEY]})
                letters += 1
        for account in sorted(accounts - {""}):
            gone = self._call(self._table.delete_item, Key={TABLE_PARTITION_KEY: f"dm#{account}#{sender_id}"},
                              ReturnValues="ALL_OLD")
            slots += 1 if gone.get("Attributes") else 0
        return {"audit_records": audit, "dm_reply_slots": slots, "dead_letters": letters}

    def save_deletion_receipt(self, receipt: DeletionReceipt) -> None:
        self._call(self._table.put_item, Item={
            TABLE_PARTITION_KEY: f"deletion#{receipt.code}",
            TTL_ATTRIBUTE: int(receipt.requested_at + DELETION_RECEIPT_RETENTION_SECONDS),
            "receipt": json.dumps(receipt.to_dict()),
        })

    def get_deletion_receipt(self, code: str) -> DeletionReceipt | None:
        item = self._call(self._table.get_item, Key={TABLE_PARTITION_KEY: f"deletion#{code}"}, ConsistentRead=True)
        data = item.get("Item")
        return DeletionReceipt.from_dict(json.loads(data["receipt"])) if data else None


class _ConditionFailed(Exception):
    """A DynamoDB conditional write lost: translated to a bool by the caller."""

