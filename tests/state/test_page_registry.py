"""Page registry contract: the same tests against SqlitePageRegistry (key file) and DynamoPageRegistry (moto
server: DynamoDB table built from the store's key schema, SSM SecureStrings). Then the directory's cache
and the one-time import of a pages JSON."""

from __future__ import annotations

import json
import stat
import uuid
from typing import Any, Iterator

import pytest

from chalicelib.config import PagesConfig
from chalicelib.errors import ConfigError
from chalicelib.state.dynamo_store import DynamoStore
from chalicelib.state.page_directory import PageDirectory
from chalicelib.state.page_import import import_pages_json
from chalicelib.state.page_registry import (
    DynamoPageRegistry,
    InMemoryPageRegistry,
    PageRecord,
    PageRegistry,
    SqlitePageRegistry,
    TokenCipher,
    token_parameter_name,
)
from tests.aws_fixtures import aws_client

NOW = 1_780_000_000.0


def _record(page_id: str = "1001", **changes: Any) -> PageRecord:
    base = PageRecord(page_id=page_id, name=f"Practice {page_id}", notify_email=f"p{page_id}@practice.example",
                      contact_reply="Call 555-0100.", connected_at=NOW)
    return base.with_changes(**changes)


class RegistryContract:
    def test_record_round_trip_without_the_token(self, registry: PageRegistry) -> None:
        record = _record(instagram_id="178414", mode="observe", declined_permissions=("pages_messaging",))
        registry.save_page(record)
        stored = registry.get_page("1001")
        assert stored.with_changes(updated_at=0.0) == record.with_changes(updated_at=0.0)
        assert stored.updated_at > 0
        assert registry.get_page("9999") is None

    def test_find_by_page_id_or_instagram_id(self, registry: PageRegistry) -> None:
        registry.save_page(_record("1001", instagram_id="178414"))
        registry.save_page(_record("1002"))
        assert registry.find_page("178414").page_id == "1001"
        assert registry.find_page("1002").page_id == "1002"
        assert registry.find_page("") is None and registry.find_page("555") is None

    def test_a_changed_instagram_link_no_longer_finds_the_old_account(self, registry: PageRegistry) -> None:
        registry.save_page(_record("1001", instagram_id="178414"))
        registry.save_page(_record("1001", instagram_id="178999"))
        assert registry.find_page("178414") is None
        assert registry.find_page("178999").page_id == "1001"

    def test_list_is_ordered_and_complete_past_one_query_page(self, registry: PageRegistry) -> None:
        ids = [str(2000 + i) for i in range(30)]
        for page_id in reversed(ids):
            registry.save_page(_record(page_id))
        assert [r.page_id for r in registry.list_pages()] == ids

    def test_token_put_get_overwrite_and_missing(self, registry: PageRegistry) -> None:
        assert registry.get_token("1001") == ""
        registry.put_token("1001", "EAAfirst")
        registry.put_token("1001", "EAAsecond")
        assert registry.get_token("1001") == "EAAsecond"

    def test_delete_removes_record_link_and_token(self, registry: PageRegistry) -> None:
        registry.save_page(_record("1001", instagram_id="178414"))
        registry.put_token("1001", "EAAtoken")
        registry.delete_page("1001")
        assert registry.get_page("1001") is None and registry.find_page("178414") is None
        assert registry.get_token("1001") == ""

    def test_claim_once_is_single_use_until_it_expires(self, registry: PageRegistry) -> None:
        assert registry.claim_once("state#abc", NOW + 600, now=NOW)
        assert not registry.claim_once("state#abc", NOW + 600, now=NOW + 1)
        assert registry.claim_once("state#abc", NOW + 2000, now=NOW + 601)
        assert registry.claim_once("state#other", NOW + 600, now=NOW)


class TestSqlitePageRegistry(RegistryContract):
    @pytest.fixture
    def registry(self, tmp_path: Any) -> Iterator[PageRegistry]:
        yield SqlitePageRegistry(tmp_path / "store.sqlite3", TokenCipher.from_key_file(tmp_path / "cfg" / "token.key"))

    def test_tokens_are_sealed_on_disk_and_the_key_file_is_private(self, tmp_path: Any) -> None:
        key_file = tmp_path / "cfg" / "token.key"
        registry = SqlitePageRegistry(tmp_path / "s.sqlite3", TokenCipher.from_key_file(key_file))
        registry.put_token("1001", "EAAsecret-page-token")
        assert b"EAAsecret-page-token" not in (tmp_path / "s.sqlite3").read_bytes()
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        # the same key file opens it again (a restart); another key cannot
        again = SqlitePageRegistry(tmp_path / "s.sqlite3", TokenCipher.from_key_file(key_file))
        assert again.get_token("1001") == "EAAsecret-page-token"
        other = SqlitePageRegistry(tmp_path / "s.sqlite3", TokenCipher.from_key_file(tmp_path / "other.key"))
        with pytest.raises(ConfigError):
            other.get_token("1001")


class TestDynamoPageRegistry(RegistryContract):
    @pytest.fixture
    def registry(self, moto_server: str) -> Iterator[PageRegistry]:
        import boto3

        resource = boto3.resource("dynamodb", endpoint_url=moto_server, region_name="us-east-1")
        table = DynamoStore.create_table(resource, f"pageguard-{uuid.uuid4().hex[:8]}")
        self.ssm = aws_client("ssm", moto_server)
        self.stage = f"t{uuid.uuid4().hex[:6]}"
        yield DynamoPageRegistry(table, self.ssm, stage=self.stage)
        table.delete()

    def test_each_token_is_its_own_securestring(self, registry: PageRegistry) -> None:
        registry.put_token("1001", "EAAtoken")
        name = token_parameter_name(self.stage, "1001")
        described = self.ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
        assert [p["Type"] for p in described] == ["SecureString"]


def test_page_record_refuses_ids_that_are_not_graph_ids() -> None:
    with pytest.raises(ConfigError):
        _record("../1001")
    with pytest.raises(ConfigError):
        _record("1001", mode="aggressive")


# --- the directory: one read view, short cache -------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_directory_caches_lookups_for_max_age_then_reads_again() -> None:
    registry, clock = InMemoryPageRegistry(), Clock()
    registry.save_page(_record("1001", instagram_id="178414"))
    registry.put_token("1001", "EAAold")
    directory = PageDirectory(registry, max_age=60, clock=clock)
    assert directory.for_account("178414").access_token == "EAAold"
    reads = registry.reads
    registry.put_token("1001", "EAAnew")
    clock.now = 59
    assert directory.for_account("178414").access_token == "EAAold" and registry.reads == reads
    clock.now = 61
    assert directory.for_account("178414").access_token == "EAAnew"


def test_directory_asks_again_soon_for_an_unknown_account() -> None:
    registry, clock = InMemoryPageRegistry(), Clock()
    directory = PageDirectory(registry, max_age=60, clock=clock)
    assert directory.for_account("1001") is None
    registry.save_page(_record("1001"))
    clock.now = 6
    assert directory.for_account("1001") is not None


def test_directory_leaves_out_pages_without_settings_and_marks_observe_mode() -> None:
    registry = InMemoryPageRegistry()
    registry.save_page(_record("1001", notify_email=""))
    registry.save_page(_record("1002", mode="observe"))
    directory = PageDirectory(registry)
    assert directory.for_account("1001") is None
    assert [p.page_id for p in directory.pages] == ["1002"] and directory.pages[0].observe


def test_directory_falls_back_to_the_legacy_parameter_for_unknown_accounts() -> None:
    legacy = PagesConfig.from_json(json.dumps({"pages": [_legacy_page("3001")]}))
    directory = PageDirectory(InMemoryPageRegistry(), legacy=lambda: legacy)
    assert directory.for_account("3001").access_token == "EAA3001"
    assert [p.page_id for p in directory.pages] == ["3001"]


# --- migration: a pages JSON imported once -----------------------------------------------------------


def _legacy_page(page_id: str, token: str | None = None) -> dict[str, str]:
    return {"page_id": page_id, "name": f"Practice {page_id}", "access_token": token or f"EAA{page_id}",
            "notify_email": "a@practice.example", "contact_reply": "Call 555-0100.", "instagram_id": ""}


def test_import_writes_each_page_and_its_token_once() -> None:
    registry = InMemoryPageRegistry()
    text = json.dumps({"pages": [_legacy_page("3001"), _legacy_page("3002")]})
    report = import_pages_json(text, registry, overwrite=False, now=NOW)
    assert report.imported == ("3001", "3002")
    assert registry.get_token("3002") == "EAA3002"
    # the console changes a page; the same JSON at the next cold start or setup changes nothing
    registry.save_page(registry.get_page("3001").with_changes(mode="observe"))
    again = import_pages_json(text, registry, overwrite=False, now=NOW + 1)
    assert again.already_imported and registry.get_page("3001").mode == "observe"


def test_import_without_overwrite_keeps_pages_connected_since() -> None:
    registry = InMemoryPageRegistry()
    registry.save_page(_record("3001", notify_email="new@practice.example"))
    registry.put_token("3001", "EAAfromConnect")
    report = import_pages_json(json.dumps({"pages": [_legacy_page("3001"), _legacy_page("3002")]}), registry,
                               overwrite=False)
    assert report.kept == ("3001",) and report.imported == ("3002",)
    assert registry.get_token("3001") == "EAAfromConnect"


def test_a_malformed_json_is_refused_and_can_be_fixed_and_imported() -> None:
    registry = InMemoryPageRegistry()
    with pytest.raises(ConfigError):
        import_pages_json('{"pages": [{"page_id": "1"}]}', registry, overwrite=False)
    assert import_pages_json(json.dumps({"pages": [_legacy_page("3001")]}), registry, overwrite=False).imported


def test_a_page_in_observe_mode_is_never_acted_on_even_with_a_token() -> None:
    from chalicelib.config import Settings

    registry = InMemoryPageRegistry()
    registry.save_page(_record("1001", mode="observe"))
    registry.put_token("1001", "EAAtoken")
    page = PageDirectory(registry).for_account("1001")
    assert page.access_token == "EAAtoken"
    assert Settings.from_env({"DRY_RUN": "false"}).dry_run_for(page) is True
    assert Settings.from_env({"DRY_RUN": "false"}).dry_run_for(page.__class__(**{**page.__dict__, "mode": "protect"})) is False
    assert page.observe and page.observing  # one meaning of observe mode: PageSettings.mode == "observe"
