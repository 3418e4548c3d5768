"""One setting decides the Graph API version: the default URL, the deployed stages, the fake Graph API and
the version the payload fixtures were checked against must all agree (docs/deploy.md, section 12)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chalicelib.config import DEFAULT_GRAPH_API_URL, GRAPH_API_VERSION
from tests import fake_graph

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "meta"


def test_the_version_is_a_graph_version_and_the_default_url_uses_it() -> None:
    assert re.fullmatch(r"v\d+\.0", GRAPH_API_VERSION)
    assert DEFAULT_GRAPH_API_URL == f"https://graph.facebook.com/{GRAPH_API_VERSION}"


def test_the_fake_graph_api_serves_the_same_version() -> None:
    assert fake_graph.DEFAULT_VERSION == GRAPH_API_VERSION
    with fake_graph.FakeGraph() as fake:
        assert fake.url.endswith(f"/{GRAPH_API_VERSION}")


def test_the_fixtures_were_checked_against_this_version() -> None:
    recorded = (FIXTURES / "GRAPH_VERSION").read_text().strip()
    assert recorded == GRAPH_API_VERSION, (
        f"tests/fixtures/meta/ were checked against {recorded}, the app now calls {GRAPH_API_VERSION}: read Meta's "
        "changelog for the webhook payloads, update the fixtures, then write the new version in GRAPH_VERSION")


def test_no_stage_pins_another_version() -> None:
    stages = json.loads((REPO / ".chalice" / "config.json").read_text())["stages"]
    for name, stage in stages.items():
        url = stage.get("environment_variables", {}).get("GRAPH_API_URL")
        assert url is None, f"stage {name} sets GRAPH_API_URL; leave it to GRAPH_API_VERSION"
