"""The pipeline on the new surfaces: real detector and policy, HttpGraphClient against the loopback fake Graph,
SQLite store, in-memory notifier at the edge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from chalicelib.act.alerts import REVIEW_GUIDANCE, STANDBY_GUIDANCE
from chalicelib.models import Label, Platform, Surface, WebhookEvent
from chalicelib.state.records import ItemStatus
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import (
    CRISIS_TEXT, IG_ID, OK_TEXT, PAGE, PAGE_ID, SENSITIVE_TEXT, T0, dm, fb_comment, graph_writes, hides, make_kit,
    messages, replies,
)


def visitor_post(text: str, *, verb: str = "add", created_time: float = T0) -> WebhookEvent:
    post_id = f"{PAGE_ID}_1220001"
    return WebhookEvent(Platform.FACEBOOK, Surface.POST, PAGE_ID, post_id, "visitor-9", text, created_time,
                        verb=verb, post_id=post_id, field="feed")


def review(text: str, *, item_id: str = "4410001") -> WebhookEvent:
    return WebhookEvent(Platform.FACEBOOK, Surface.REVIEW, PAGE_ID, item_id, "reviewer-1", text, T0,
                        post_id="4410001", field="ratings")


def edit_dm(kit, mid: str, before: str, after: str):
    """A DM, then the same DM edited a minute later; the edit's decision."""
    original = dm(before, item_id=mid)
    kit.pipeline.handle(original)
    kit.clock.now += 60
    return kit.pipeline.handle(replace(original, text=after, verb="edit", created_time=T0 + 60))


def test_a_crisis_visitor_post_is_hidden_answered_and_privately_answered_by_post_id(
    fake_graph: FakeGraph, tmp_path: Path
) -> None:
    kit = make_kit(fake_graph, tmp_path)
    post = visitor_post(CRISIS_TEXT)
    kit.pipeline.handle(post)
    assert len(hides(fake_graph, post.item_id)) == 1 and len(replies(fake_graph, post.item_id)) == 1
    (private,) = messages(fake_graph)
    assert private.json["recipient"] == {"post_id": post.item_id}
    assert private.json["message"]["text"] == PAGE.crisis_reply
    (alert,) = kit.notifier.sent
    assert alert.urgent and alert.surface is Surface.POST


def test_a_review_is_alerted_with_guidance_and_nothing_is_sent_to_meta(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    kit.pipeline.handle(review(SENSITIVE_TEXT))
    kit.pipeline.handle(review(CRISIS_TEXT, item_id="4410002"))
    assert graph_writes(fake_graph) == []
    sensitive, crisis = kit.notifier.sent
    assert not sensitive.urgent and crisis.urgent
    assert sensitive.guidance == crisis.guidance == REVIEW_GUIDANCE
    assert sensitive.item_link == f"https://www.facebook.com/{PAGE_ID}/reviews"


def test_a_harmless_dm_edited_into_a_crisis_gets_the_crisis_reply_and_an_urgent_alert(
    fake_graph: FakeGraph, tmp_path: Path
) -> None:
    kit = make_kit(fake_graph, tmp_path)
    edit_dm(kit, "m_edit1", OK_TEXT, CRISIS_TEXT)
    contact, crisis = (r.json["message"]["text"] for r in messages(fake_graph))
    assert (contact, crisis) == (PAGE.contact_reply, PAGE.crisis_reply)
    (alert,) = kit.notifier.sent
    assert alert.urgent
    assert kit.store.get_audit("m_edit1").label == Label.CRISIS.value


def test_a_crisis_dm_edited_into_something_harmless_stays_settled_as_crisis(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    decision = edit_dm(kit, "m_edit2", CRISIS_TEXT, OK_TEXT)
    assert decision is not None and decision.verdict.label is Label.CRISIS
    assert len(messages(fake_graph)) == 1 and len(kit.notifier.sent) == 1  # nothing new, nothing undone
    assert kit.store.get_audit("m_edit2").label == Label.CRISIS.value


def test_a_crisis_comment_edited_to_sensitive_keeps_only_the_crisis_reply(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    comment = fb_comment(CRISIS_TEXT)
    kit.pipeline.handle(comment)
    kit.pipeline.handle(replace(comment, text=SENSITIVE_TEXT, verb="edited", created_time=T0 + 30))
    (reply,) = replies(fake_graph, comment.item_id)
    assert reply.form["message"] == PAGE.crisis_reply
    assert kit.store.get_audit(comment.item_id).label == Label.CRISIS.value


def test_an_instagram_edit_without_text_is_read_through_the_graph_api(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    mid = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3OD"
    fake_graph.set_object(f"/{mid}", {"id": mid, "message": SENSITIVE_TEXT})
    edit = WebhookEvent(Platform.INSTAGRAM, Surface.MESSAGE, IG_ID, mid, "igsid-1", "", T0, verb="edit",
                        field="message_edits")
    decision = kit.pipeline.handle(edit)
    (read,) = fake_graph.requests_for("GET", f"/{mid}")
    assert read.query["fields"] == "message" and read.token == PAGE.access_token
    assert decision is not None and decision.verdict.label is Label.SENSITIVE
    assert len(kit.notifier.sent) == 1 and messages(fake_graph) == []  # an edit alerts; no second contact reply


def test_an_edit_meta_will_not_show_is_recorded_as_not_checked(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    fake_graph.fail("GET", r"/m_gone", status=400, code=100)
    edit = WebhookEvent(Platform.FACEBOOK, Surface.MESSAGE, PAGE_ID, "m_gone", "psid-1", "", T0, verb="edit")
    decision = kit.pipeline.handle(edit)
    assert decision is not None and decision.note.startswith("not checked: edited message could not be read")
    record = kit.store.get_audit("m_gone")
    assert record.status == ItemStatus.NOT_CHECKED and "code 100" in record.note
    assert kit.notifier.sent == [] and graph_writes(fake_graph) == []


def test_a_crisis_on_standby_is_alerted_urgently_and_never_answered(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    kit.pipeline.handle(replace(dm(CRISIS_TEXT), standby=True))
    assert graph_writes(fake_graph) == []
    (alert,) = kit.notifier.sent
    assert alert.urgent and alert.guidance == STANDBY_GUIDANCE


def test_an_image_only_comment_is_recorded_as_not_checked(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    comment = fb_comment("", attachment_types=("photo",))
    decision = kit.pipeline.handle(comment)
    assert decision is not None and decision.note == "not checked: image only"
    record = kit.store.get_audit(comment.item_id)
    assert (record.status, record.note, record.label) == (ItemStatus.NOT_CHECKED, "not checked: image only", "")
    assert graph_writes(fake_graph) == [] and kit.notifier.sent == []


def test_a_story_mention_gets_no_contact_reply_but_a_typed_dm_does(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    kit.pipeline.handle(replace(dm("", sender_id="psid-a"), attachment_types=("story_mention",)))
    kit.pipeline.handle(replace(dm("random_text", sender_id="psid-b"), meta_test=True))
    assert messages(fake_graph) == []
    kit.pipeline.handle(dm(OK_TEXT, sender_id="psid-c"))
    (reply,) = messages(fake_graph)
    assert reply.json["recipient"] == {"id": "psid-c"}


def test_an_edit_whose_id_is_not_a_graph_id_is_never_read(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    edit = WebhookEvent(Platform.FACEBOOK, Surface.MESSAGE, PAGE_ID, "../me/subscribed_apps", "psid-1", "", T0,
                        verb="edit")
    decision = kit.pipeline.handle(edit)
    assert decision is not None and decision.note.startswith("not checked: edited message could not be read")
    assert fake_graph.requests == []
