"""`scan --since 30d`: back-fill over the fake Graph server with the real detector, policy and (with --apply) pipeline."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ops import scan
from chalicelib.errors import ConfigError
from chalicelib.act.graph import HttpGraphClient
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import IG_ID, OK_TEXT, PAGE, PAGE_ID, SENSITIVE_TEXT, T0, detector, hides, make_kit

DAY = 86400.0


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _listings(fake_graph: FakeGraph) -> None:
    post = f"{PAGE_ID}_post7"
    fake_graph.set_listing(f"/{PAGE_ID}/published_posts", [{"id": post, "created_time": _iso(T0 - 40 * DAY)}])
    fake_graph.set_listing(f"/{post}/comments", [
        {"id": "post7_c3", "from": {"id": "u3"}, "message": SENSITIVE_TEXT, "created_time": _iso(T0 - 2 * DAY)},
        {"id": "post7_c2", "from": {"id": "u2"}, "message": OK_TEXT, "created_time": _iso(T0 - 10 * DAY)},
        {"id": "post7_c1", "from": {"id": "u1"}, "message": SENSITIVE_TEXT, "created_time": _iso(T0 - 45 * DAY)},
    ])
    fake_graph.set_listing(f"/{IG_ID}/media", [{"id": "media7", "permalink": "https://www.instagram.com/p/y/"}])
    fake_graph.set_listing("/media7/comments", [
        {"id": "17900077", "from": {"id": "igu"}, "text": SENSITIVE_TEXT, "timestamp": _iso(T0 - 3 * DAY)},
    ])


@pytest.mark.parametrize(
    "value, expected",
    [("30d", T0 - 30 * DAY), ("12h", T0 - 12 * 3600), ("90m", T0 - 5400), ("2w", T0 - 14 * DAY),
     ("2025-06-01", datetime(2025, 6, 1, tzinfo=timezone.utc).timestamp())],
)
def test_since_accepts_durations_and_dates(value: str, expected: float) -> None:
    assert scan.parse_since(value, T0) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["yesterday", "30x", "2999-01-01", "800d"])
def test_since_refuses_nonsense_future_and_too_far(value: str) -> None:
    with pytest.raises(ConfigError):
        scan.parse_since(value, T0)


def test_dry_run_reports_what_it_would_hide_and_changes_nothing(fake_graph: FakeGraph) -> None:
    # GIVEN a page with comments from 2, 10 and 45 days ago and one Instagram comment
    _listings(fake_graph)
    graph = HttpGraphClient(fake_graph.url, timeout=2.0)
    lines: list[scan.ScanLine] = []
    # WHEN scanning 30 days back without --apply
    report = scan.scan(scan.PagesConfig(pages=(PAGE,)), lambda page: graph, detector(), T0 - 30 * DAY, emit=lines.append)
    # THEN the three comments inside the window are assessed and the sensitive ones would be hidden
    by_id = {line.item_id: line for line in lines}
    assert set(by_id) == {"post7_c3", "post7_c2", "17900077"}
    assert by_id["post7_c3"].would_hide and by_id["post7_c3"].label == "sensitive"
    assert by_id["post7_c3"].entity_types and "hide" in by_id["post7_c3"].actions
    assert not by_id["post7_c2"].would_hide and by_id["post7_c2"].label == "ok"
    assert by_id["17900077"].would_hide
    assert {line.outcome for line in lines} == {"dry-run"}
    assert report.summary() == {"pages": 1, "comments": 3, "flagged": 2, "would_hide": 2, "applied": 0,
                                "already_handled": 0, "errors": 0}
    # AND nothing was written to Meta
    assert fake_graph.requests_for("POST") == []
    # AND no line carries the comment text
    assert all(SENSITIVE_TEXT[:20] not in line.render() for line in lines)


def test_apply_moderates_through_the_pipeline_once(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    _listings(fake_graph)
    graph = HttpGraphClient(fake_graph.url, timeout=2.0)
    pages = kit.pipeline.pages
    first = scan.scan(pages, lambda page: graph, detector(), T0 - 30 * DAY, apply_with=kit.pipeline)
    assert (first.applied, first.skipped, first.errors) == (3, 0, [])
    assert len(hides(fake_graph, "post7_c3")) == 1 and len(hides(fake_graph, "17900077")) == 1
    assert hides(fake_graph, "post7_c2") == []
    assert kit.store.get_audit("post7_c3") is not None
    # A second run finds everything handled.
    again = scan.scan(pages, lambda page: graph, detector(), T0 - 30 * DAY, apply_with=kit.pipeline)
    assert (again.applied, again.skipped) == (0, 3)
    assert len(hides(fake_graph, "post7_c3")) == 1


def test_a_listing_failure_is_reported_and_the_scan_goes_on(fake_graph: FakeGraph) -> None:
    fake_graph.fail("GET", rf"/{PAGE_ID}/published_posts", status=400, code=190)
    graph = HttpGraphClient(fake_graph.url, timeout=2.0)
    report = scan.scan(scan.PagesConfig(pages=(PAGE,)), lambda page: graph, detector(), T0 - 30 * DAY)
    assert report.errors == [f"{PAGE_ID}: GraphTokenExpiredError"]


def test_progress_on_a_pipe_prints_a_line_per_tenth() -> None:
    stream = io.StringIO()
    progress = scan.Progress(stream)
    for i in range(1, 21):
        progress.update(i, 20, "Practice")
    lines = stream.getvalue().splitlines()
    assert lines[-1] == "progress: 20/20 (100%) Practice" and 10 <= len(lines) <= 11


def test_cli_dry_run_prints_a_table_and_a_summary(fake_graph: FakeGraph, tmp_path: Path) -> None:
    _listings(fake_graph)
    pages_file = tmp_path / "pages.json"
    pages_file.write_text(json.dumps({"pages": [asdict(PAGE)]}), encoding="utf-8")
    args = scan.ScanOptions(pages_file=pages_file, graph_api_url=fake_graph.url, since="30d")
    out, err = io.StringIO(), io.StringIO()
    rc = scan.run(args, out=out, err=err, clock=lambda: T0)
    assert rc == 0
    table = out.getvalue().splitlines()
    assert len(table) == 3 and any("post7_c3" in row and "would-hide=yes" in row for row in table)
    summary = json.loads([line for line in err.getvalue().splitlines() if line.startswith("{")][-1])
    assert summary["would_hide"] == 2
    assert "dry run" in err.getvalue()
    assert fake_graph.requests_for("POST") == []
