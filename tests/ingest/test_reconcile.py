"""Reconciliation: comments no webhook brought are listed through Graph and moderated once."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path


from chalicelib import wiring
from chalicelib.ingest.reconcile import reconcile, run_scheduled
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import IG_ID, OK_TEXT, PAGE_ID, SENSITIVE_TEXT, T0, fb_comment, hides, make_kit, replies


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _listings(fake_graph: FakeGraph) -> None:
    post = f"{PAGE_ID}_post9"
    fake_graph.set_listing(f"/{PAGE_ID}/published_posts", [{"id": post, "created_time": _iso(T0 - 86400)}])
    fake_graph.set_listing(f"/{post}/comments", [
        {"id": "post9_c3", "from": {"id": "u3"}, "message": SENSITIVE_TEXT, "created_time": _iso(T0 - 60)},
        {"id": "post9_c2", "from": {"id": "u2"}, "message": OK_TEXT, "created_time": _iso(T0 - 120)},
        {"id": "post9_c1", "from": {"id": "u1"}, "message": SENSITIVE_TEXT, "created_time": _iso(T0 - 99999)},
    ])
    fake_graph.set_listing(f"/{IG_ID}/media", [{"id": "media9", "permalink": "https://www.instagram.com/p/x/"}])
    fake_graph.set_listing("/media9/comments", [
        {"id": "17900001", "from": {"id": "igu"}, "text": SENSITIVE_TEXT, "timestamp": _iso(T0 - 30)},
    ])


def test_unseen_recent_comments_are_moderated_once(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    _listings(fake_graph)
    # GIVEN the webhook for post9_c3 did arrive and was handled
    kit.pipeline.handle(fb_comment(SENSITIVE_TEXT, item_id="post9_c3", created_time=T0 - 60))
    # WHEN the sweep runs
    report = reconcile(kit.pipeline, kit.pipeline.pages, kit.pipeline.graph_for, kit.store, clock=kit.clock)
    # THEN the two missed comments are moderated, the seen one and the old one are left alone
    assert (report.listed, report.already_seen, report.handled, report.errors) == (3, 1, 2, [])
    assert len(hides(fake_graph, "post9_c3")) == 1
    assert hides(fake_graph, "post9_c2") == [] and kit.store.get_audit("post9_c2").label == "ok"
    assert len(hides(fake_graph, "17900001")) == 1
    assert kit.store.get_audit("post9_c1") is None  # older than the look-back window
    # AND a second sweep does nothing new
    again = reconcile(kit.pipeline, kit.pipeline.pages, kit.pipeline.graph_for, kit.store, clock=kit.clock)
    assert again.handled == 0 and again.already_seen == 3
    assert len(kit.notifier.sent) == 2


def test_an_item_left_in_progress_is_completed_by_the_sweep(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    _listings(fake_graph)
    fake_graph.fail("POST", "/post9_c3/comments", status=500, times=1)
    first = reconcile(kit.pipeline, kit.pipeline.pages, kit.pipeline.graph_for, kit.store, clock=kit.clock)
    assert first.errors == ["post9_c3: GraphRetryableError"]
    second = reconcile(kit.pipeline, kit.pipeline.pages, kit.pipeline.graph_for, kit.store, clock=kit.clock)
    assert second.handled == 1
    assert len(hides(fake_graph, "post9_c3")) == 1 and len(replies(fake_graph, "post9_c3")) == 2


def test_listing_failure_is_reported_and_other_pages_continue(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    fake_graph.fail("GET", f"/{PAGE_ID}/published_posts", status=401, code=190)
    report = reconcile(kit.pipeline, kit.pipeline.pages, kit.pipeline.graph_for, kit.store, clock=kit.clock)
    assert report.errors == [f"{PAGE_ID}: GraphTokenExpiredError"]
    assert report.swept == {PAGE_ID: "GraphTokenExpiredError"}  # kept for the health panel (console/watch.py)


def test_run_scheduled_uses_the_wired_pipeline(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    kit.clock.now = datetime.now(timezone.utc).timestamp()
    post = f"{PAGE_ID}_post7"
    fake_graph.set_listing(f"/{PAGE_ID}/published_posts", [{"id": post}])
    fake_graph.set_listing(f"/{post}/comments", [
        {"id": "post7_c1", "from": {"id": "u"}, "message": SENSITIVE_TEXT, "created_time": _iso(kit.clock.now - 60)}])
    wiring.use(wiring.Deps(settings=kit.settings, _pipeline=kit.pipeline, _store=kit.store))
    try:
        report = run_scheduled(wiring.deps().pipeline, wiring.deps().store)
    finally:
        wiring.use(None)
    assert report.handled == 1 and len(hides(fake_graph, "post7_c1")) == 1
