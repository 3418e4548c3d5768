"""End to end, one test per surface: `make run` as a user starts it, fixtures in Meta's shapes signed and POSTed
over real HTTP, real Graph calls to the fake Graph API, alert emails read from the outbox."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from chalicelib.config import PagesConfig
from chalicelib.ingest.webhook import sign
from tests.conftest import TEST_SECRET, fixture_json, fresh_fixture_bytes
from tests.fake_graph import FakeGraph
from tests.local_app import MakeRun, http, local_env, wait_for
from tests.test_local_server import _decoded_email

PAGE = "104857600123456"


class Run:
    def __init__(self, app: MakeRun, tmp: Path, graph: FakeGraph) -> None:
        self.app, self.tmp, self.graph = app, tmp, graph
        self.pages = json.loads((tmp / "pages.json").read_text())["pages"][0]
        # the page's effective crisis reply (the example page names its country, not a reply of its own)
        self.pages["crisis_reply"] = PagesConfig.from_json((tmp / "pages.json").read_text()).pages[0].crisis_reply

    def send(self, name: str) -> None:
        body = fresh_fixture_bytes(name)
        status, answer = http(f"{self.app.base}/webhook", body,
                              {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, TEST_SECRET)})
        assert status == 200, answer

    def emails_about(self, item_id: str) -> list[str]:
        folder = self.tmp / "outbox"
        emails = [_decoded_email(p) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []
        return [e for e in emails if f"Item id: {item_id}" in e.splitlines()]

    def audit(self, item_id: str) -> dict | None:
        with sqlite3.connect(self.tmp / "state.sqlite3") as db:
            row = db.execute("SELECT data FROM audit WHERE item_id = ?", (item_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def settled(self, item_id: str) -> dict:
        assert wait_for(lambda: (self.audit(item_id) or {}).get("status") not in (None, "in_progress")), item_id
        return self.audit(item_id) or {}

    def sends_to(self, recipient: dict) -> list:
        return [r for r in self.graph.requests_for("POST", f"/{PAGE}/messages") if (r.json or {}).get("recipient") == recipient]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("surfaces")
    with FakeGraph() as graph:
        app = MakeRun(local_env(tmp, graph.url, app_secret=TEST_SECRET), tmp / "server.log")
        try:
            app.wait_ready()
        except RuntimeError as exc:
            app.stop()
            pytest.fail(str(exc))
        yield Run(app, tmp, graph)
        app.stop()


def test_a_visitor_post_is_hidden_answered_and_alerted(run: Run) -> None:
    post_id = f"{PAGE}_122098765400011"
    run.send("fb_feed_visitor_post.json")
    assert wait_for(lambda: run.emails_about(post_id))
    (hide,) = run.graph.requests_for("POST", f"/{post_id}")
    (reply,) = run.graph.requests_for("POST", f"/{post_id}/comments")
    assert hide.form == {"is_hidden": "true"} and reply.form["message"] == run.pages["contact_reply"]
    assert "a visitor's post on your page" in run.emails_about(post_id)[0]


def test_a_crisis_visitor_post_gets_a_private_reply_by_post_id_and_an_urgent_alert(run: Run) -> None:
    post_id = f"{PAGE}_122098765400022"
    run.send("fb_feed_visitor_post_crisis.json")
    assert wait_for(lambda: run.emails_about(post_id) and run.sends_to({"post_id": post_id}))
    (private,) = run.sends_to({"post_id": post_id})
    assert private.json["message"]["text"] == run.pages["crisis_reply"]
    assert "URGENT" in run.emails_about(post_id)[0]


def test_reviews_are_alerted_with_guidance_and_never_answered(run: Run) -> None:
    review, comment = "4410000000000033", "4410000000000033_5510000000000044"
    run.send("fb_ratings_review.json")
    run.send("fb_ratings_review_comment_crisis.json")
    assert wait_for(lambda: run.emails_about(review) and run.emails_about(comment))
    (sensitive,), (crisis,) = run.emails_about(review), run.emails_about(comment)
    for email in (sensitive, crisis):
        assert "Do not reply with anything that confirms a relationship" in email
        assert f"https://www.facebook.com/{PAGE}/reviews" in email
    assert "URGENT" in crisis and "URGENT" not in sensitive
    assert [r for r in run.graph.requests if review in r.path] == []
    assert run.settled(review)["surface"] == "review"


def test_a_dm_edited_into_a_crisis_gets_the_crisis_reply_after_the_contact_reply(run: Run) -> None:
    sender = {"id": "6301987654320077"}
    run.send("fb_messenger_hello.json")
    assert wait_for(lambda: run.sends_to(sender))
    run.send("fb_messenger_message_edit_crisis.json")
    assert wait_for(lambda: len(run.sends_to(sender)) == 2)
    texts = [r.json["message"]["text"] for r in run.sends_to(sender)]
    assert texts == [run.pages["contact_reply"], run.pages["crisis_reply"]]
    mid = fixture_json("fb_messenger_hello.json")["entry"][0]["messaging"][0]["message"]["mid"]
    assert wait_for(lambda: run.emails_about(mid))
    assert "URGENT" in run.emails_about(mid)[0] and "edited an earlier message" in run.emails_about(mid)[0]


def test_an_instagram_edit_without_text_is_read_from_the_graph_api_and_alerted(run: Run) -> None:
    mid = fixture_json("ig_message_edit_no_text.json")["entry"][0]["messaging"][0]["message_edit"]["mid"]
    text = "Actually my daughter is the one with anorexia, she was just discharged from the eating disorder unit."
    run.graph.set_object(f"/{mid}", {"id": mid, "message": text})
    run.send("ig_message_edit_no_text.json")
    assert wait_for(lambda: run.emails_about(mid))
    (read,) = run.graph.requests_for("GET", f"/{mid}")
    assert read.query.get("fields") == "message"
    assert run.sends_to({"id": "1234567890120088"}) == []  # an edit alerts; it is not answered again
    assert text not in (run.tmp / "server.log").read_text() and text not in run.emails_about(mid)[0]


def test_a_crisis_on_standby_is_alerted_urgently_and_not_answered(run: Run) -> None:
    mid = fixture_json("fb_messenger_standby_crisis.json")["entry"][0]["standby"][0]["message"]["mid"]
    run.send("fb_messenger_standby_crisis.json")
    assert wait_for(lambda: run.emails_about(mid))
    email = run.emails_about(mid)[0]
    assert "URGENT" in email and "on standby" in email
    assert run.settled(mid)["status"] == "done"
    assert run.sends_to({"id": "6301987654320099"}) == []


def test_old_sender_id_shapes_tell_the_page_from_a_visitor(run: Run) -> None:
    own_comment, own_photo = "122098765400011_987654321000111", f"{PAGE}_122098765400033"
    run.send("fb_feed_page_own_comment_sender_id.json")
    run.send("fb_feed_page_own_photo_sender_id.json")
    assert wait_for(lambda: run.emails_about(own_photo))
    assert "may identify a client" in run.emails_about(own_photo)[0]
    run.settled(own_comment)
    assert run.graph.requests_for("POST", f"/{own_comment}") == []
    assert run.graph.requests_for("POST", f"/{own_comment}/comments") == []
    assert run.graph.requests_for("POST", f"/{own_photo}") == []


def test_image_only_comments_are_recorded_as_not_checked_and_a_video_comment_is_moderated(run: Run) -> None:
    photo, gif, video = (f"122098765432101_987654321000{n}" for n in (166, 167, 177))
    for name in ("fb_feed_comment_photo_only.json", "fb_feed_comment_gif_only.json", "fb_feed_comment_video.json"):
        run.send(name)
    for item in (photo, gif):
        record = run.settled(item)
        assert (record["status"], record["note"]) == ("not_checked", "not checked: image only")
        assert run.graph.requests_for("POST", f"/{item}") == []
    assert wait_for(lambda: run.graph.requests_for("POST", f"/{video}"))
    assert '"attachment_types":["video"]' in run.app.logs().replace(" ", "")


def test_an_instagram_login_field_value_comment_is_hidden(run: Run) -> None:
    comment = "17890000000000188"
    run.send("ig_login_comment_field_value.json")
    assert wait_for(lambda: run.graph.requests_for("POST", f"/{comment}"))
    assert run.graph.requests_for("POST", f"/{comment}")[0].form == {"hide": "true"}
    assert wait_for(lambda: run.emails_about(comment))


def test_dms_nobody_typed_get_no_contact_reply(run: Run) -> None:
    cases = {"ig_message_story_mention.json": "1234567890120199", "ig_message_reel_share.json": "1234567890120200",
             "fb_messenger_like_sticker.json": "6301987654320211", "ig_message_dashboard_test.json": "12334"}
    for name in cases:
        run.send(name)
    for name, sender in cases.items():
        entry = fixture_json(name)["entry"][0]
        message = (entry.get("messaging") or [entry.get("changes", [{}])[0].get("value")])[0]["message"]
        if name != "ig_message_dashboard_test.json":  # Meta's fixed 2018 sample: older than the replay window
            assert run.settled(message["mid"])["status"] == "done"
        assert run.sends_to({"id": sender}) == [], name


def test_unmoderated_shapes_are_logged_by_kind(run: Run) -> None:
    run.send("fb_unmoderated_shapes.json")
    kinds = ["feed:reaction:add", "change:mention", "messaging:read", "messaging:pass_thread_control",
             "entry:id,time,uid"]
    assert wait_for(lambda: all(f'"kind":"{k}"' in run.app.logs().replace(" ", "") for k in kinds))
