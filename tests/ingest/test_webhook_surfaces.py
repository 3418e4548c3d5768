"""Parsing every place a visitor's words reach the page, from fixtures in Meta's documented shapes."""

from __future__ import annotations

import logging

import pytest

from chalicelib.ingest.webhook import parse_events
from chalicelib.models import Platform, Surface, WebhookEvent
from tests.conftest import fixture_json

PAGE = "104857600123456"
IG = "17841400000000001"


def only(name: str) -> WebhookEvent:
    (event,) = parse_events(fixture_json(name)).all_events
    return event


def test_a_visitor_post_on_the_timeline_is_a_post_by_a_visitor() -> None:
    post = only("fb_feed_visitor_post.json")
    assert (post.surface, post.authored_by_page, post.verb) == (Surface.POST, False, "add")
    assert post.item_id == post.post_id == f"{PAGE}_122098765400011"
    assert post.sender_id == "7204518836005511" and "OCD" in post.text


@pytest.mark.parametrize("verb, expected", [("add", "add"), ("edited", "edited"), ("edit", "edited")])
def test_a_visitor_post_edit_with_either_verb_is_an_edit(verb: str, expected: str) -> None:
    payload = fixture_json("fb_feed_visitor_post.json")
    payload["entry"][0]["changes"][0]["value"]["verb"] = verb
    (post,) = parse_events(payload).events
    assert post.verb == expected


def test_a_recommendation_with_review_text_is_a_review() -> None:
    review = only("fb_ratings_review.json")
    assert (review.surface, review.field, review.item_id) == (Surface.REVIEW, "ratings", "4410000000000033")
    assert review.sender_id == "7204518836005533" and not review.authored_by_page
    assert "PTSD" in review.text


def test_a_recommendation_delivered_as_a_feed_item_is_a_review_too() -> None:
    payload = fixture_json("fb_ratings_review.json")
    payload["entry"][0]["changes"][0]["field"] = "feed"
    (review,) = parse_events(payload).events
    assert (review.surface, review.item_id) == (Surface.REVIEW, "4410000000000033")


def test_a_comment_under_a_recommendation_is_a_review_item_too() -> None:
    comment = only("fb_ratings_review_comment_crisis.json")
    assert (comment.surface, comment.item_id, comment.parent_id) == (
        Surface.REVIEW, "4410000000000033_5510000000000044", "4410000000000033")


def test_a_recommendation_with_no_text_and_the_newer_reviewer_object_is_logged_not_moderated(caplog) -> None:
    payload = fixture_json("fb_ratings_review.json")
    value = payload["entry"][0]["changes"][0]["value"]
    del value["review_text"], value["reviewer_id"]
    value["reviewer"] = {"id": "7204518836005533", "name": "Alex Example"}
    with caplog.at_level(logging.INFO):
        result = parse_events(payload)
    assert result.all_events == () and result.skipped_kinds == ("ratings:rating:add",)


def test_a_messenger_edit_carries_the_new_text_and_is_an_edit() -> None:
    edit = only("fb_messenger_message_edit_crisis.json")
    original = only("fb_messenger_hello.json")
    assert (edit.surface, edit.verb, edit.field) == (Surface.MESSAGE, "edit", "message_edits")
    assert edit.item_id == original.item_id and edit.event_key != original.event_key
    assert "kill myself" in edit.text


def test_an_instagram_edit_with_only_mid_and_num_edit_is_kept_without_text() -> None:
    edit = only("ig_message_edit_no_text.json")
    assert (edit.platform, edit.verb, edit.text) == (Platform.INSTAGRAM, "edit", "")


def test_a_message_on_standby_is_checked_and_marked_standby() -> None:
    message = only("fb_messenger_standby_crisis.json")
    assert message.standby and message.surface is Surface.MESSAGE and "lithium" in message.text


def test_an_echo_on_standby_is_skipped() -> None:
    payload = fixture_json("fb_messenger_standby_crisis.json")
    payload["entry"][0]["standby"][0]["message"]["is_echo"] = True
    assert parse_events(payload).skipped_kinds == ("standby:message",)


def test_old_shapes_with_sender_id_know_the_page_from_a_visitor() -> None:
    own_comment = only("fb_feed_page_own_comment_sender_id.json")
    own_photo = only("fb_feed_page_own_photo_sender_id.json")
    assert own_comment.authored_by_page and own_comment.surface is Surface.COMMENT
    assert own_photo.authored_by_page and own_photo.surface is Surface.POST
    assert own_photo.attachment_types == ("photo",) and "Sam Rivera" in own_photo.text


def test_a_post_with_no_author_at_all_is_logged_not_guessed() -> None:
    payload = fixture_json("fb_feed_visitor_post.json")
    del payload["entry"][0]["changes"][0]["value"]["from"]
    result = parse_events(payload)
    assert result.all_events == () and result.skipped_kinds == ("feed:status:add",)


@pytest.mark.parametrize(
    "name, types",
    [("fb_feed_comment_photo_only.json", ("photo",)), ("fb_feed_comment_gif_only.json", ("gif",)),
     ("fb_feed_comment_video.json", ("video",))],
)
def test_comment_attachments_are_typed(name: str, types: tuple) -> None:
    assert only(name).attachment_types == types


@pytest.mark.parametrize(
    "attachment, types",
    [({"type": "sticker"}, ("sticker",)), ({"type": "animated_image_share"}, ("gif",)),
     ({"type": "video_inline"}, ("video",)), ({"type": "share"}, ("share",)), ({"type": "new_kind"}, ("other",))],
)
def test_graph_style_comment_attachments_are_typed(attachment: dict, types: tuple) -> None:
    payload = fixture_json("fb_feed_comment_photo_only.json")
    value = payload["entry"][0]["changes"][0]["value"]
    del value["photo"]
    value["attachment"] = attachment
    (comment,) = parse_events(payload).events
    assert comment.attachment_types == types


def test_the_instagram_login_field_value_entry_is_parsed() -> None:
    comment = only("ig_login_comment_field_value.json")
    assert (comment.platform, comment.item_id, comment.field) == (Platform.INSTAGRAM, "17890000000000188", "comments")
    assert "borderline" in comment.text


@pytest.mark.parametrize(
    "name, attachments",
    [("ig_message_story_mention.json", ("story_mention",)), ("ig_message_reel_share.json", ("ig_reel",)),
     ("fb_messenger_like_sticker.json", ("photo", "sticker"))],
)
def test_dms_without_text_keep_their_kind(name: str, attachments: tuple) -> None:
    message = only(name)
    assert message.text == "" and message.attachment_types == attachments and not message.meta_test


def test_the_dashboard_test_message_is_marked_as_a_test() -> None:
    message = only("ig_message_dashboard_test.json")
    assert message.meta_test and message.text == "random_text"


def test_every_unmoderated_shape_is_logged_by_kind_and_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        result = parse_events(fixture_json("fb_unmoderated_shapes.json"))
    expected = ["change:mention", "entry:id,time,uid", "feed:reaction:add", "messaging:pass_thread_control",
                "messaging:read"]
    assert result.all_events == () and sorted(result.skipped_kinds) == expected and result.skipped == 5
    logged = sorted(r.kind for r in caplog.records if r.getMessage() == "webhook item skipped")
    assert logged == expected
    assert all(getattr(r, "account_id", PAGE) == PAGE for r in caplog.records)


def test_the_round_trip_keeps_standby_and_test_flags() -> None:
    for name in ("fb_messenger_standby_crisis.json", "ig_message_dashboard_test.json"):
        event = only(name)
        assert WebhookEvent.from_dict(event.to_dict()) == event
