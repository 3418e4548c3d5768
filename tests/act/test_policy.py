"""policy.decide: every row of the table, on both platforms, own content and edited comments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.config import PageSettings
from chalicelib.models import Action, ActionKind, Entity, Label, Platform, Surface, Verdict, WebhookEvent
from chalicelib.act.policy import OWN_CONTENT_NOTE, decide

PAGE = PageSettings(
    page_id="104857600123456",
    name="Dr Example Counselling",
    access_token="page-token",
    notify_email="dr@example.org",
    contact_reply="Thanks for reaching out. Please contact our office privately at 555-0100.",
    instagram_id="17841400000000001",
)
VISITOR_TEXT = "I was diagnosed with bipolar II, call me on 555-0199, Jordan"

OK = Verdict(Label.OK)
SENSITIVE = Verdict(Label.SENSITIVE, (Entity("MEDICAL_CONDITION", 16, 26, 0.9), Entity("PHONE_NUMBER", 36, 44, 0.8)), "MEDICAL_CONDITION, PHONE_NUMBER")
CRISIS = Verdict(Label.CRISIS, (Entity("SELF_HARM", 0, 10, 0.95),), "SELF_HARM")


def event(platform: Platform, surface: Surface = Surface.COMMENT, **overrides: object) -> WebhookEvent:
    account = PAGE.page_id if platform is Platform.FACEBOOK else PAGE.instagram_id
    values: dict[str, object] = dict(
        platform=platform,
        surface=surface,
        account_id=account,
        item_id="c1" if surface is Surface.COMMENT else "mid.1",
        sender_id="visitor-1",
        text=VISITOR_TEXT,
        created_time=1761408121.0,
        verb="add" if surface is Surface.COMMENT else "message",
    )
    values.update(overrides)
    return WebhookEvent(**values)  # type: ignore[arg-type]


BOTH = pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM])

# fmt: off
COMMENT_ROWS = [
    (OK,        ()),
    (SENSITIVE, (Action(ActionKind.HIDE), Action(ActionKind.PUBLIC_REPLY, text=PAGE.contact_reply), Action(ActionKind.ALERT))),
    (CRISIS,    (Action(ActionKind.HIDE), Action(ActionKind.PUBLIC_REPLY, text=PAGE.crisis_reply),
                 Action(ActionKind.PRIVATE_REPLY, text=PAGE.crisis_reply), Action(ActionKind.ALERT, urgent=True))),
]
MESSAGE_ROWS = [
    (OK,        (Action(ActionKind.SEND_MESSAGE, text=PAGE.contact_reply),)),
    (SENSITIVE, (Action(ActionKind.SEND_MESSAGE, text=PAGE.contact_reply), Action(ActionKind.ALERT))),
    (CRISIS,    (Action(ActionKind.SEND_MESSAGE, text=PAGE.crisis_reply), Action(ActionKind.ALERT, urgent=True))),
]
# fmt: on


@BOTH
@pytest.mark.parametrize("verdict, expected", COMMENT_ROWS, ids=["ok", "sensitive", "crisis"])
def test_visitor_comment_rows(platform: Platform, verdict: Verdict, expected: tuple[Action, ...]) -> None:
    decision = decide(PAGE, event(platform), verdict)
    assert decision.actions == expected
    assert decision.verdict == verdict


@BOTH
@pytest.mark.parametrize("verdict, expected", MESSAGE_ROWS, ids=["ok", "sensitive", "crisis"])
def test_visitor_dm_rows(platform: Platform, verdict: Verdict, expected: tuple[Action, ...]) -> None:
    assert decide(PAGE, event(platform, Surface.MESSAGE), verdict).actions == expected


@BOTH
@pytest.mark.parametrize("verb", ["edited", "edit"])
def test_when_an_edit_makes_a_comment_sensitive_then_it_is_acted_on(platform: Platform, verb: str) -> None:
    decision = decide(PAGE, event(platform, verb=verb), SENSITIVE)
    assert [a.kind for a in decision.actions] == [ActionKind.HIDE, ActionKind.PUBLIC_REPLY, ActionKind.ALERT]


@BOTH
def test_when_an_edit_makes_a_comment_harmless_then_nothing_is_undone(platform: Platform) -> None:
    assert decide(PAGE, event(platform, verb="edited"), OK).actions == ()


@BOTH
@pytest.mark.parametrize("verb", ["remove", "hide", "unhide"])
def test_when_a_comment_is_removed_or_hidden_then_nothing_happens(platform: Platform, verb: str) -> None:
    assert decide(PAGE, event(platform, verb=verb), SENSITIVE).actions == ()


@BOTH
@pytest.mark.parametrize("surface", [Surface.COMMENT, Surface.MESSAGE])
@pytest.mark.parametrize("verdict", [SENSITIVE, CRISIS], ids=["sensitive", "crisis"])
def test_own_content_is_never_hidden_or_answered_but_alerts(platform: Platform, surface: Surface, verdict: Verdict) -> None:
    decision = decide(PAGE, event(platform, surface, authored_by_page=True, sender_id=PAGE.page_id), verdict)
    assert decision.actions == (Action(ActionKind.ALERT),)
    assert OWN_CONTENT_NOTE in decision.note


@BOTH
def test_own_content_that_is_ok_does_nothing(platform: Platform) -> None:
    assert decide(PAGE, event(platform, authored_by_page=True), OK).actions == ()


@BOTH
@pytest.mark.parametrize("surface", [Surface.COMMENT, Surface.MESSAGE])
@pytest.mark.parametrize("verdict", [OK, SENSITIVE, CRISIS], ids=["ok", "sensitive", "crisis"])
def test_no_action_or_note_repeats_the_visitors_words(platform: Platform, surface: Surface, verdict: Verdict) -> None:
    decision = decide(PAGE, event(platform, surface), verdict)
    allowed = {"", PAGE.contact_reply, PAGE.crisis_reply}
    assert all(a.text in allowed for a in decision.actions)
    for fragment in ("bipolar", "555-0199", "Jordan", VISITOR_TEXT):
        assert fragment not in decision.note


def test_crisis_dm_always_gets_the_crisis_reply_even_though_contact_replies_are_rate_limited() -> None:
    # The 24 h contact-reply limit lives in the pipeline; policy returns the crisis send unconditionally.
    decision = decide(PAGE, event(Platform.FACEBOOK, Surface.MESSAGE), CRISIS)
    assert decision.actions[0] == Action(ActionKind.SEND_MESSAGE, text=PAGE.crisis_reply)


def test_a_page_with_its_own_crisis_reply_uses_it() -> None:
    page = replace(PAGE, crisis_reply="Call or text 988, or 911 if you are in danger.")
    decision = decide(page, event(Platform.INSTAGRAM), CRISIS)
    assert {a.text for a in decision.actions if a.text} == {page.crisis_reply}


def test_notes_carry_entity_types_not_text() -> None:
    note = decide(PAGE, event(Platform.FACEBOOK), SENSITIVE).note
    assert "sensitive" in note and "MEDICAL_CONDITION" in note and "PHONE_NUMBER" in note
