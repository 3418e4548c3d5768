"""Unhide: only a comment PageGuard hid, with its public reply deleted; refused for a DM or an item never hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.act.unhide import UnhideError, unhide
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import OK_TEXT, SENSITIVE_TEXT, dm, fb_comment, make_kit, replies


def test_a_comment_we_hid_is_unhidden_and_our_reply_deleted(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    [reply] = replies(fake_graph, event.item_id)
    reply_id = next(a.result_id for a in kit.store.get_audit(event.item_id).actions if a.step == "public_reply")

    result = unhide(kit.pipeline, event.item_id)

    assert (result.dry_run, result.reply_id, result.reply_error) == (False, reply_id, "")
    assert fake_graph.requests_for("DELETE", f"/{reply_id}") != []
    assert fake_graph.requests_for("POST", f"/{event.item_id}")[-1].form == {"is_hidden": "false"}
    steps = {a.step: (a.status, a.result_id) for a in kit.store.get_audit(event.item_id).actions}
    assert steps["delete_reply"] == ("done", reply_id) and steps["unhide"][0] == "done"
    with pytest.raises(UnhideError, match="already unhidden"):
        unhide(kit.pipeline, event.item_id)


def test_a_comment_never_hidden_is_refused(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(OK_TEXT)
    kit.pipeline.handle(event)
    with pytest.raises(UnhideError, match="never hidden"):
        unhide(kit.pipeline, event.item_id)
    assert fake_graph.requests_for("POST", f"/{event.item_id}") == []
    with pytest.raises(UnhideError, match="no audit record"):
        unhide(kit.pipeline, "unknown_1")


def test_a_direct_message_is_refused(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    message = dm(SENSITIVE_TEXT)
    kit.pipeline.handle(message)
    with pytest.raises(UnhideError, match="is a message: only comments and visitor posts"):
        unhide(kit.pipeline, message.item_id)
    assert "unhide" not in {a.step for a in kit.store.get_audit(message.item_id).actions}


def test_dry_run_says_what_it_would_do_and_records_nothing(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    before = kit.store.get_audit(event.item_id)
    writes = len(fake_graph.requests)

    result = unhide(kit.pipeline, event.item_id, dry_run=True)

    assert result.dry_run and result.reply_id
    assert len(fake_graph.requests) == writes  # no Graph call at all
    assert kit.store.get_audit(event.item_id) == before


def test_a_visitor_post_we_hid_is_unhidden_and_our_reply_deleted(fake_graph: FakeGraph, tmp_path: Path) -> None:
    from tests.act.test_pipeline_surfaces import visitor_post

    kit = make_kit(fake_graph, tmp_path)
    post = visitor_post(SENSITIVE_TEXT)
    kit.pipeline.handle(post)
    reply_id = next(a.result_id for a in kit.store.get_audit(post.item_id).actions if a.step == "public_reply")

    unhide(kit.pipeline, post.item_id)

    assert fake_graph.requests_for("DELETE", f"/{reply_id}") != []
    assert fake_graph.requests_for("POST", f"/{post.item_id}")[-1].form == {"is_hidden": "false"}


def test_a_sensitive_edit_after_an_unhide_is_hidden_answered_and_alerted(fake_graph: FakeGraph,
                                                                         tmp_path: Path) -> None:
    from tests.pipeline_kit import hides

    # GIVEN a sensitive comment that was hidden, answered and alerted, then unhidden by the professional
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    kit.clock.now += 60
    first_reply_id = unhide(kit.pipeline, event.item_id).reply_id
    # WHEN the commenter edits it into another disclosure
    kit.clock.now += 60
    edited = fb_comment("Update: my therapist here diagnosed me with bipolar disorder, I start lithium Monday",
                        item_id=event.item_id, verb="edited", created_time=event.created_time + 120)
    kit.pipeline.handle(edited)
    # THEN it is hidden again, answered again (the first reply was deleted) and the professional is alerted
    assert len(hides(fake_graph, event.item_id)) == 2
    assert len(replies(fake_graph, event.item_id)) == 2
    assert [a.kind for a in kit.notifier.sent].count("detection") == 2
    # AND a redelivery of the edit acts no further, while the professional can unhide the new version
    kit.pipeline.handle(edited)
    assert len(hides(fake_graph, event.item_id)) == 2 and len(replies(fake_graph, event.item_id)) == 2
    kit.clock.now += 60
    result = unhide(kit.pipeline, event.item_id)
    assert first_reply_id and result.reply_id and result.reply_id != first_reply_id
    assert fake_graph.requests_for("DELETE", f"/{result.reply_id}") != []


def test_an_edit_without_an_unhide_is_not_answered_twice(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    kit.pipeline.handle(fb_comment(SENSITIVE_TEXT + " Thanks!", item_id=event.item_id, verb="edited",
                                   created_time=event.created_time + 30))
    assert len(replies(fake_graph, event.item_id)) == 1  # one contact reply under a comment is enough
