"""Store contract: the same behaviour tests run against SqliteStore and DynamoStore (moto server mode).

Step idempotency is part of the contract: Powertools' idempotency runs over SqlitePersistenceLayer and
DynamoDBPersistenceLayer through the same StepRunner.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Iterator

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from chalicelib.errors import ConfigError
from chalicelib.state.idempotency import StepRunner
from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.state.dynamo_store import DynamoStore
from chalicelib.state.records import DAY, ActionRecord, AuditRecord, DeletionReceipt
from chalicelib.state.sqlite_store import SqliteStore
from chalicelib.state.store import Store
from chalicelib.wiring import build_store

from tests.aws_fixtures import aws_client

NOW = 1_750_000_000.0


def _event(item_id: str = "c1", text: str = "hello") -> WebhookEvent:
    return WebhookEvent(Platform.FACEBOOK, Surface.COMMENT, "page1", item_id, "u1", text, NOW)


class StoreContract:
    """Behaviour every Store must have. Subclasses provide the `store` fixture."""

    store: Store

    # audit ------------------------------------------------------------------------------------------

    def test_audit_round_trip(self, store: Store) -> None:
        record = AuditRecord(
            item_id="c1", account_id="page1", platform="facebook", surface="comment", label="sensitive",
            entity_types=("PHONE_NUMBER",), actions=(ActionRecord("hide", "done", NOW, result_id=""),),
            first_seen_at=NOW, updated_at=NOW,
        )
        assert store.get_audit("c1") is None
        store.save_audit(record)
        assert store.get_audit("c1") == record
        assert store.get_audit("c1") is not None
        assert store.get_audit("missing") is None

    def test_claim_once_is_true_only_for_the_first_caller_until_it_expires(self, store: Store) -> None:
        assert store.claim_once("link#n1", NOW, 60) is True
        assert store.claim_once("link#n1", NOW + 1, 60) is False
        assert store.claim_once("link#n2", NOW + 1, 60) is True
        assert store.claim_once("link#n1", NOW + 61, 60) is True  # expired: the key may be taken again

    def test_a_released_once_key_may_be_taken_again(self, store: Store) -> None:
        assert store.claim_once("send#c1#public_reply", NOW, 60) is True
        store.release_once("send#c1#public_reply")
        assert store.claim_once("send#c1#public_reply", NOW + 1, 60) is True
        assert store.claim_once("send#c1#public_reply", NOW + 2, 60) is False
        store.release_once("send#never-taken")  # nothing to release: no error

    def test_page_prefs_round_trip_and_replace(self, store: Store) -> None:
        assert store.get_page_prefs("p1") is None
        store.save_page_prefs("p1", {"country": "IE", "recipients": ["a@example.org", "b@example.org"]})
        store.save_page_prefs("p1", {"country": "NZ", "mode": "observe"})
        assert store.get_page_prefs("p1") == {"country": "NZ", "mode": "observe"}
        assert store.get_page_prefs("p2") is None
        store.save_page_health("p1", {"token_ok": False, "checked_at": NOW})
        assert store.get_page_health("p1") == {"token_ok": False, "checked_at": NOW}
        assert store.get_page_prefs("p1") == {"country": "NZ", "mode": "observe"}

    def test_list_audit_is_newest_first_and_limited(self, store: Store) -> None:
        for i in range(5):
            store.save_audit(AuditRecord(item_id=f"c{i}", account_id="p", platform="facebook", surface="comment",
                                         updated_at=NOW + i))
        listed = store.list_audit(limit=3)
        assert [r.item_id for r in listed] == ["c4", "c3", "c2"]

    def test_saving_again_updates_the_one_record(self, store: Store) -> None:
        base = AuditRecord(item_id="c1", account_id="p", platform="facebook", surface="comment", updated_at=NOW)
        store.save_audit(base)
        store.save_audit(base.with_action(ActionRecord("hide", "done", NOW + 1)).__class__(
            **{**base.__dict__, "status": "done", "updated_at": NOW + 1}))
        assert [r.status for r in store.list_audit()] == ["done"]

    def test_with_action_replaces_the_same_step(self) -> None:
        base = AuditRecord(item_id="c1", account_id="p", platform="facebook", surface="comment")
        rec = base.with_action(ActionRecord("hide", "retrying", 1)).with_action(ActionRecord("hide", "done", 2))
        assert [(a.step, a.status) for a in rec.actions] == [("hide", "done")]

    # DM window --------------------------------------------------------------------------------------

    def test_dm_reply_claim_once_per_window(self, store: Store) -> None:
        assert store.claim_dm_reply("acct", "sender", NOW, owner="m1")
        assert not store.claim_dm_reply("acct", "sender", NOW + 60, owner="m2")
        assert store.claim_dm_reply("acct", "other", NOW + 60, owner="m3")
        assert store.claim_dm_reply("acct", "sender", NOW + DAY + 1, owner="m4")

    def test_dm_reply_claim_is_reentrant_for_its_owner(self, store: Store) -> None:
        # A retried delivery of the same message must still be allowed to send.
        assert store.claim_dm_reply("acct", "sender", NOW, owner="m1")
        assert store.claim_dm_reply("acct", "sender", NOW + 5, owner="m1")

    def test_dm_reply_release_frees_the_slot_only_for_its_owner(self, store: Store) -> None:
        # GIVEN m1 holds the sender's slot
        assert store.claim_dm_reply("acct", "sender", NOW, owner="m1")
        # WHEN another message tries to release it THEN nothing changes
        store.release_dm_reply("acct", "sender", owner="m2")
        store.release_dm_reply("acct", "sender", owner="")
        assert not store.claim_dm_reply("acct", "sender", NOW + 60, owner="m3")
        # WHEN its owner releases it (its send failed for good) THEN the next message may take it
        store.release_dm_reply("acct", "sender", owner="m1")
        assert store.claim_dm_reply("acct", "sender", NOW + 60, owner="m3")
        # AND releasing a slot nobody holds is harmless
        store.release_dm_reply("acct", "nobody", owner="m1")

    def test_dm_reply_claim_is_atomic_under_concurrency(self, store: Store) -> None:
        results: list[bool] = []
        lock = threading.Lock()

        def claim(i: int) -> None:
            ok = store.claim_dm_reply("acct", "racer", NOW, owner=f"m{i}")
            with lock:
                results.append(ok)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results.count(True) == 1

    # ours -------------------------------------------------------------------------------------------

    def test_remember_ours(self, store: Store) -> None:
        assert not store.is_ours("reply1")
        store.remember_ours("reply1", NOW)
        assert store.is_ours("reply1")

    # ordering ---------------------------------------------------------------------------------------

    def test_older_version_after_newer_is_rejected(self, store: Store) -> None:
        assert store.record_version("c1", NOW + 10, "edited", NOW)
        assert not store.record_version("c1", NOW, "add", NOW)
        # the same version again (a duplicate delivery) is still "newest"
        assert store.record_version("c1", NOW + 10, "edited", NOW)

    def test_edit_with_same_timestamp_is_newer_than_add(self, store: Store) -> None:
        assert store.record_version("c2", NOW, "edited", NOW)
        assert not store.record_version("c2", NOW, "add", NOW)
        assert store.record_version("c2", NOW, "remove", NOW)

    # dead letters -----------------------------------------------------------------------------------

    def test_park_list_delete(self, store: Store) -> None:
        first = store.park(_event("c1"), "GraphRetryableError", 5, NOW)
        second = store.park(_event("c2").to_dict(), "NotifierError", 3, NOW + 1)
        letters = store.list_dead_letters(now=NOW + 2)
        assert [(d.letter_id, d.reason, d.attempts) for d in letters] == [
            (first, "GraphRetryableError", 5), (second, "NotifierError", 3)]
        assert WebhookEvent.from_dict(letters[0].event) == _event("c1")
        store.delete_dead_letter(first)
        assert [d.letter_id for d in store.list_dead_letters(now=NOW + 2)] == [second]

    def test_dead_letter_repr_hides_the_event(self, store: Store) -> None:
        store.park(_event("c1", text="call me at 555 0100"), "x", 1, NOW)
        assert "555" not in repr(store.list_dead_letters(now=NOW)[0])

    def test_expired_dead_letters_are_not_listed(self, store: Store) -> None:
        # GIVEN a letter past its retention that the backend has not deleted yet (DynamoDB TTL runs late)
        old = store.park(_event("c1"), "GraphRetryableError", 5, NOW)
        recent = store.park(_event("c2"), "GraphRetryableError", 5, NOW + 10 * DAY)
        # WHEN listing after the first one's retention ended THEN only the live letter is listed
        assert [d.letter_id for d in store.list_dead_letters(now=NOW + 14 * DAY + 1)] == [recent]
        assert [d.letter_id for d in store.list_dead_letters(now=NOW + 1)] == [old, recent]
        # AND the limit counts live letters only
        assert [d.letter_id for d in store.list_dead_letters(limit=1, now=NOW + 14 * DAY + 1)] == [recent]

    # step idempotency (Powertools over this backend) ------------------------------------------------

    def test_step_runs_once_and_replays_its_result(self, store: Store) -> None:
        runner = StepRunner(store.persistence_layer(), expires_after_seconds=3600)
        key = f"{uuid.uuid4()}#hide"
        calls: list[int] = []

        def step() -> dict[str, Any]:
            calls.append(1)
            return {"status": "done", "n": len(calls)}

        assert runner.run(key, step) == {"status": "done", "n": 1}
        assert runner.run(key, step) == {"status": "done", "n": 1}
        assert len(calls) == 1
        assert runner.run(f"{key}-other", step)["n"] == 2

    def test_failed_step_runs_again(self, store: Store) -> None:
        runner = StepRunner(store.persistence_layer(), expires_after_seconds=3600)
        key = f"{uuid.uuid4()}#reply"
        attempts: list[int] = []

        def flaky() -> dict[str, Any]:
            attempts.append(1)
            if len(attempts) < 3:
                raise RuntimeError("boom")
            return {"status": "done"}

        for _ in range(2):
            with pytest.raises(RuntimeError):
                runner.run(key, flaky)
        assert runner.run(key, flaky) == {"status": "done"}
        assert runner.run(key, flaky) == {"status": "done"}
        assert len(attempts) == 3

    def test_step_in_progress_elsewhere_is_refused_until_its_lease_ends(self, store: Store) -> None:
        # GIVEN a worker that took the step and died (its record stays INPROGRESS)
        key = f"{uuid.uuid4()}#hide"
        dying = StepRunner(store.persistence_layer(), expires_after_seconds=3600, lease_seconds=1)

        class Crash(BaseException):
            pass

        def crash() -> dict[str, Any]:
            # Simulate the process dying: Powertools only cleans up on Exception, not BaseException
            raise Crash()

        with pytest.raises(Crash):
            dying.run(key, crash)
        # WHEN another worker tries at once THEN it is refused (retryable)
        other = StepRunner(store.persistence_layer(), expires_after_seconds=3600)
        with pytest.raises(IdempotencyAlreadyInProgressError):
            other.run(key, lambda: {"status": "done"})
        # WHEN the lease has passed THEN the step runs
        time.sleep(1.2)
        assert other.run(key, lambda: {"status": "done"}) == {"status": "done"}

    # data deletion (Meta's callback) -----------------------------------------------------------------

    def test_forget_sender_deletes_only_that_senders_records(self, store: Store) -> None:
        for item, sender in (("m1", "4242"), ("m2", "4242"), ("c3", "99"), ("c4", "14242")):
            store.save_audit(AuditRecord(item_id=item, account_id="page1", platform="facebook", surface="message",
                                         sender_id=sender, updated_at=NOW))
        assert store.claim_dm_reply("page1", "4242", NOW, owner="m1")
        assert store.claim_dm_reply("page1", "14242", NOW, owner="c4")
        store.park(WebhookEvent(Platform.FACEBOOK, Surface.MESSAGE, "page1", "m9", "4242", "hi", NOW), "X", 5, now=NOW)
        store.park(_event("c9"), "X", 5, now=NOW)

        counts = store.forget_sender("4242")

        assert counts == {"audit_records": 2, "dm_reply_slots": 1, "dead_letters": 1}
        assert store.get_audit("m1") is None and store.get_audit("m2") is None
        assert store.get_audit("c3") is not None and store.get_audit("c4") is not None
        assert store.forget_sender("4242") == {"audit_records": 0, "dm_reply_slots": 0, "dead_letters": 0}
        assert store.claim_dm_reply("page1", "4242", NOW + 1, owner="new")  # the slot is free again
        assert not store.claim_dm_reply("page1", "14242", NOW + 1, owner="other")  # a longer id untouched
        assert [d.event["item_id"] for d in store.list_dead_letters(now=NOW)] == ["c9"]

    def test_deletion_receipt_round_trip(self, store: Store) -> None:
        receipt = DeletionReceipt(code="abcDEF123_-abcDEF123", requested_at=NOW, completed_at=NOW, audit_records=2)
        store.save_deletion_receipt(receipt)
        assert store.get_deletion_receipt(receipt.code) == receipt
        assert store.get_deletion_receipt("unknown-code-0000000") is None


    # alert recipients ------------------------------------------------------------------------------

    def test_recipient_marks_are_per_mailbox_and_can_be_cleared(self, store: Store) -> None:
        assert store.recipient_mark("dr@example.test") == ""
        store.mark_recipient(" Dr@Example.test ", "bounce", time.time())
        assert store.recipient_mark("dr@example.test") == "bounce"
        assert store.recipient_mark("other@example.test") == ""
        store.mark_recipient("dr@example.test", "complaint", time.time())
        assert store.recipient_mark("DR@example.test") == "complaint"
        store.clear_recipient("dr@example.test")
        assert store.recipient_mark("dr@example.test") == ""

    def test_an_expired_recipient_mark_no_longer_counts(self, store: Store) -> None:
        store.mark_recipient("old@example.test", "bounce", time.time() - store.retention_seconds - 10)
        assert store.recipient_mark("old@example.test") == ""


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Any) -> Iterator[Store]:
        yield SqliteStore(tmp_path / "store.sqlite3")

    def test_purge_drops_expired_rows(self, tmp_path: Any) -> None:
        store = SqliteStore(tmp_path / "s.sqlite3", retention_seconds=10)
        store.save_audit(AuditRecord(item_id="c1", account_id="p", platform="facebook", surface="comment",
                                     updated_at=NOW))
        store.remember_ours("r1", NOW)
        assert store.purge(NOW + 5) == 0
        assert store.purge(NOW + 11) == 2
        assert store.get_audit("c1") is None and not store.is_ours("r1")


class TestDynamoStore(StoreContract):
    @pytest.fixture
    def store(self, moto_server: str) -> Iterator[Store]:
        import boto3

        resource = boto3.resource("dynamodb", endpoint_url=moto_server, region_name="us-east-1")
        table = DynamoStore.create_table(resource, f"pageguard-{uuid.uuid4().hex[:8]}")
        yield DynamoStore(table, client=aws_client("dynamodb", moto_server))
        table.delete()


def test_retention_defaults_to_90_days_and_reads_env() -> None:
    from chalicelib.config import Settings

    assert Settings.from_env({}).audit_retention_days == 90
    assert Settings.from_env({"AUDIT_RETENTION_DAYS": "7"}).audit_retention_days == 7
    for bad in ("soon", "0", "-3"):
        with pytest.raises(ConfigError):
            Settings.from_env({"AUDIT_RETENTION_DAYS": bad})


def test_build_store_is_sqlite_locally(tmp_path: Any) -> None:
    from chalicelib.config import Settings

    settings = Settings.from_env({"PAGEGUARD_STAGE": "local", "STORE_PATH": str(tmp_path / "x.sqlite3")})
    assert isinstance(build_store(settings), SqliteStore)
