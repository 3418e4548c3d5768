"""policy for the surfaces beyond comments and DMs: visitor posts, reviews, DM edits, standby threads,
DMs nobody typed, image-only items, and the rule that edits never make a settled decision less safe."""

from __future__ import annotations

import pytest

from chalicelib.act.policy import decide, no_less_safe, not_checked_reason, person_wrote_text
from chalicelib.models import Action, ActionKind, Label, Platform, Surface, Verdict
from tests.act.test_policy import CRISIS, OK, PAGE, SENSITIVE, event

CONTACT = Action(ActionKind.SEND_MESSAGE, text=PAGE.contact_reply)
CRISIS_DM = Action(ActionKind.SEND_MESSAGE, text=PAGE.crisis_reply)
ALERT = Action(ActionKind.ALERT)
URGENT = Action(ActionKind.ALERT, urgent=True)

# fmt: off
POST_ROWS = [
    (OK,        ()),
    (SENSITIVE, (Action(ActionKind.HIDE), Action(ActionKind.PUBLIC_REPLY, text=PAGE.contact_reply), ALERT)),
    (CRISIS,    (Action(ActionKind.HIDE), Action(ActionKind.PUBLIC_REPLY, text=PAGE.crisis_reply),
                 Action(ActionKind.PRIVATE_REPLY, text=PAGE.crisis_reply), URGENT)),
]
ALERT_ONLY_ROWS = [(OK, ()), (SENSITIVE, (ALERT,)), (CRISIS, (URGENT,))]
EDIT_ROWS = [(OK, ()), (SENSITIVE, (ALERT,)), (CRISIS, (CRISIS_DM, URGENT))]
NO_TEXT_DM_ROWS = [(OK, ()), (SENSITIVE, (ALERT,)), (CRISIS, (CRISIS_DM, URGENT))]
# fmt: on
IDS = ["ok", "sensitive", "crisis"]


@pytest.mark.parametrize("verdict, expected", POST_ROWS, ids=IDS)
@pytest.mark.parametrize("verb", ["add", "edited"])
def test_a_visitor_post_is_moderated_like_a_comment(verdict: Verdict, expected: tuple, verb: str) -> None:
    decision = decide(PAGE, event(Platform.FACEBOOK, Surface.POST, item_id="1048_1220", verb=verb), verdict)
    assert decision.actions == expected
    assert decision.note.startswith("visitor post")


@pytest.mark.parametrize("verdict, expected", ALERT_ONLY_ROWS, ids=IDS)
@pytest.mark.parametrize("verb", ["add", "edited"])
def test_a_review_is_never_hidden_or_answered_only_alerted(verdict: Verdict, expected: tuple, verb: str) -> None:
    decision = decide(PAGE, event(Platform.FACEBOOK, Surface.REVIEW, item_id="4410", verb=verb), verdict)
    assert decision.actions == expected
    assert {a.kind for a in decision.actions} <= {ActionKind.ALERT}


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM])
@pytest.mark.parametrize("verdict, expected", ALERT_ONLY_ROWS, ids=IDS)
@pytest.mark.parametrize("verb", ["message", "edit"])
def test_a_standby_thread_is_alerted_never_answered(platform: Platform, verdict: Verdict, expected: tuple, verb: str) -> None:
    assert decide(PAGE, event(platform, Surface.MESSAGE, standby=True, verb=verb), verdict).actions == expected


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM])
@pytest.mark.parametrize("verdict, expected", EDIT_ROWS, ids=IDS)
def test_a_dm_edit_gets_the_crisis_path_or_an_alert_never_a_second_contact_reply(
    platform: Platform, verdict: Verdict, expected: tuple
) -> None:
    assert decide(PAGE, event(platform, Surface.MESSAGE, verb="edit"), verdict).actions == expected


@pytest.mark.parametrize("verdict, expected", NO_TEXT_DM_ROWS, ids=IDS)
@pytest.mark.parametrize(
    "what",
    [dict(text="", attachment_types=("story_mention",)), dict(text="", attachment_types=("photo", "sticker")),
     dict(text="", attachment_types=("ig_reel",)), dict(text="  ")],
    ids=["story mention", "like sticker", "reel share", "blank"],
)
def test_no_contact_reply_when_no_person_wrote_text(verdict: Verdict, expected: tuple, what: dict) -> None:
    dm = event(Platform.INSTAGRAM, Surface.MESSAGE, **what)
    assert not person_wrote_text(dm)
    assert decide(PAGE, dm, verdict).actions == expected


@pytest.mark.parametrize("verdict", [OK, *[v for v, _ in NO_TEXT_DM_ROWS]], ids=["ok", *IDS])
def test_the_dashboard_test_sample_is_recorded_and_nothing_else(verdict: Verdict) -> None:
    # "random_text" reads as a crisis to the learned stage; no person wrote it, so nobody is answered or alerted.
    dm = event(Platform.INSTAGRAM, Surface.MESSAGE, text="random_text", meta_test=True)
    assert not person_wrote_text(dm)
    assert decide(PAGE, dm, verdict).actions == ()


def test_a_dm_a_person_typed_still_gets_the_contact_reply() -> None:
    dm = event(Platform.INSTAGRAM, Surface.MESSAGE, text="hi, are you open saturday?", attachment_types=("share",))
    assert decide(PAGE, dm, OK).actions == (CONTACT,)


@pytest.mark.parametrize(
    "surface, attachments, text, reason",
    [
        (Surface.COMMENT, ("photo",), "", "image only"),
        (Surface.COMMENT, ("gif",), " ", "image only"),
        (Surface.COMMENT, ("sticker",), "", "image only"),
        (Surface.POST, ("photo",), "", "image only"),
        (Surface.COMMENT, ("video",), "", "video only"),
        (Surface.COMMENT, ("share",), "", "attachment only"),
        (Surface.COMMENT, ("photo",), "look at this", ""),
        (Surface.COMMENT, (), "", ""),
        (Surface.MESSAGE, ("photo",), "", ""),
    ],
)
def test_items_with_nothing_to_read_are_not_checked(surface: Surface, attachments: tuple, text: str, reason: str) -> None:
    assert not_checked_reason(event(Platform.FACEBOOK, surface, attachment_types=attachments, text=text)) == reason


# fmt: off
@pytest.mark.parametrize("settled, new, expected", [
    ("",          Label.OK,        Label.OK),
    ("ok",        Label.SENSITIVE, Label.SENSITIVE),
    ("sensitive", Label.CRISIS,    Label.CRISIS),
    ("sensitive", Label.OK,        Label.SENSITIVE),
    ("crisis",    Label.SENSITIVE, Label.CRISIS),
    ("crisis",    Label.OK,        Label.CRISIS),
])
# fmt: on
def test_an_edit_never_flips_a_settled_label_to_less_safe(settled: str, new: Label, expected: Label) -> None:
    assert no_less_safe(Verdict(new), settled).label is expected


def test_a_comment_settled_as_crisis_and_edited_to_sensitive_gets_no_contact_reply_on_top() -> None:
    # The crisis steps ran already; deciding on the sensitive edit would add a contact reply under a crisis.
    decision = decide(PAGE, event(Platform.FACEBOOK, verb="edited"), no_less_safe(SENSITIVE, "crisis"))
    replies = [a for a in decision.actions if a.kind is ActionKind.PUBLIC_REPLY]
    assert replies == [Action(ActionKind.PUBLIC_REPLY, text=PAGE.crisis_reply)]


@pytest.mark.parametrize(
    "item",
    [event(Platform.FACEBOOK, Surface.POST, item_id="1048_1220", verb="add"),
     event(Platform.FACEBOOK, Surface.REVIEW, verb="add"),
     event(Platform.FACEBOOK, Surface.MESSAGE, standby=True), event(Platform.INSTAGRAM, Surface.MESSAGE, verb="edit")],
    ids=["visitor post", "review", "standby", "dm edit"],
)
def test_an_ok_that_only_means_not_checked_language_alerts_on_every_new_surface(item) -> None:
    decision = decide(PAGE, item, Verdict(Label.OK, language="fr"))
    assert decision.actions == (ALERT,)
    assert "not checked: unsupported language (fr)" in decision.note
