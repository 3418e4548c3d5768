"""Shared test set-up: environment for Powertools and a clean local stage, fixture loading and signing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "pageguard")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "PageGuard")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# Act-once is what the reliability tests prove: never let a developer's shell switch it off.
os.environ.pop("POWERTOOLS_IDEMPOTENCY_DISABLED", None)
# Tests never reach real AWS.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

FIXTURES = Path(__file__).parent / "fixtures" / "meta"
TEST_SECRET = "test-app-secret"
TEST_VERIFY_TOKEN = "test-verify-token"


def fixture_bytes(name: str) -> bytes:
    """A Meta payload fixture exactly as stored, for signing over raw bytes."""
    return (FIXTURES / name).read_bytes()


def fresh_fixture_bytes(name: str) -> bytes:
    """A fixture with its times moved to now (scripts/retime.py): what the app's intake must act on. The stored
    fixtures are from 2025, older than the replay window, so stored bytes are skipped as replays."""
    from scripts.retime import retime

    return retime(fixture_bytes(name))


def fixture_json(name: str) -> dict:
    return json.loads(fixture_bytes(name))


@pytest.fixture
def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.glob("*.json"))

# Fake Graph API server (real HTTP on loopback) and moto server mode for SES: issue 4's fixtures.
from tests.fake_graph import fake_graph, fake_graph_server  # noqa: E402,F401
from tests.aws_fixtures import moto_server, ses_client  # noqa: E402,F401
