"""Policy: a pure function from (page settings, event, verdict) to the actions PageGuard takes.

The professional's guidance drives every row: keep client details off public threads, steer people
toward private contact, and never confirm or deny that someone is a client. Every action text is
the page's own configured wording (contact_reply / crisis_reply), never the visitor's words.

| who / where                        | ok                    | sensitive                           | crisis                                                           |
|------------------------------------|-----------------------|-------------------------------------|------------------------------------------------------------------|
| visitor comment, visitor post      | nothing               | HIDE, PUBLIC_REPLY(contact), ALERT  | HIDE, PUBLIC_REPLY(crisis), PRIVATE_REPLY(crisis), ALERT(urgent) |
| review / recommendation, or a comment on one | nothing     | ALERT (guidance)                    | ALERT(urgent, guidance)                                          |
| visitor DM a person wrote text in  | SEND_MESSAGE(contact) | SEND_MESSAGE(contact), ALERT        | SEND_MESSAGE(crisis), ALERT(urgent)                              |
| visitor DM without text (story mention, like, sticker, share, reaction), Meta's test message | nothing | ALERT | SEND_MESSAGE(crisis), ALERT(urgent) |
| DM edit (message_edit)             | nothing               | ALERT                               | SEND_MESSAGE(crisis), ALERT(urgent)                              |
| DM or edit on standby (handover)   | nothing               | ALERT                               | ALERT(urgent)                                                    |
| page's own comment/post/reply      | nothing               | ALERT ("own content may identify a client") | ALERT ("own content may identify a client")              |
| comment/post/review with no text, only an image, GIF, sticker or video | not checked: recorded as "not checked: image only" (or "video only", "attachment only") |||

An item in a language detection was not built for (not English or Spanish) is never judged "ok" in
silence: its "ok" means "not checked", so a visitor comment, post or review gets an ALERT (nothing
hidden or answered) and a visitor DM gets the contact reply (when a person typed it) plus an ALERT.
Crisis wording in such a language still takes the crisis row.
"""

from __future__ import annotations

from chalicelib.config import PageSettings
from chalicelib.models import Action, ActionKind, Decision, Label, Surface, Verdict, WebhookEvent

OWN_CONTENT_NOTE = "own content may identify a client"

# Comment verbs that carry (new) text worth acting on. Meta sends `edited` for comment edits and has
# been seen sending `edit` for visitor-post edits (REFERENCE.md §3a); `remove`/`hide`/... carry no text.
ACTIONABLE_COMMENT_VERBS = frozenset({"add", "edited", "edit"})


_LABEL_RANK = {"": 0, Label.OK.value: 0, Label.SENSITIVE.value: 1, Label.CRISIS.value: 2}
_IMAGE_TYPES = frozenset({"photo", "gif", "sticker"})


def not_checked_reason(event: WebhookEvent) -> str:
    """Why a public item cannot be checked at all ("image only"), or "" when it has text to check.

    Detection reads text only: a comment, post or review that is nothing but an image is recorded as not
    checked, so the professional can see it was not judged on its (empty) text. A DM without text (a story
    mention, a like) is decided normally: there is nothing a person wrote, and so nothing to answer.
    """
    if event.surface is Surface.MESSAGE or event.text.strip() or not event.attachment_types:
        return ""
    kinds = set(event.attachment_types)
    if kinds <= _IMAGE_TYPES:
        return "image only"
    return "video only" if kinds == {"video"} else "attachment only"


def no_less_safe(verdict: Verdict, settled_label: str) -> Verdict:
    """The verdict to act on when an item already has a settled label: an edit (or a re-delivery read
    differently) never flips a settled decision back to less safe. A comment edited from crisis to harmless
    keeps its crisis handling; its steps already ran, so nothing new happens."""
    if _LABEL_RANK.get(settled_label, 0) <= _LABEL_RANK[verdict.label.value]:
        return verdict
    return Verdict(Label(settled_label), verdict.entities, reason=f"settled earlier as {settled_label}",
                   language=verdict.language)


def person_wrote_text(event: WebhookEvent) -> bool:
    """A DM a person typed words into: not a story mention, like, sticker, share or reaction, and not the App
    Dashboard's test sample. Only those get the contact reply."""
    return bool(event.text.strip()) and not event.meta_test


def decide(page: PageSettings, event: WebhookEvent, verdict: Verdict) -> Decision:
    """Decide what to do about one event. Pure: no I/O, no clock, no state.

    Rules beyond the table in the module docstring:

    * An edited comment is decided like a new one: if the edit made it sensitive, PageGuard acts.
      An edit that made a hidden comment harmless does NOT unhide it (a human decides that).
    * DMs: the contact reply goes out at most once per sender per 24 h. That rule needs state, so
      the pipeline/store enforces it, not this function; `decide` always returns the SEND_MESSAGE.
      A crisis DM always gets the crisis reply, even when a contact reply went out earlier in the
      window: safety resources outrank "don't repeat ourselves". The pipeline keys the crisis send
      separately from the contact-reply rate limit so it is never suppressed.
    * The page's own comments and posts are never hidden or answered; when they look sensitive or
      crisis-like the professional gets a (non-urgent) alert that their own content may identify
      a client.
    * Instagram only allows replies to top-level comments (REFERENCE.md §5); which comment a
      PUBLIC_REPLY lands on is chosen by the Graph client (`graph.reply_target`), not here.
    * A visitor's post on the page's timeline is as public as a comment: the same row.
    * Reviews and recommendations cannot be hidden through the Graph API, and any public reply risks
      confirming a relationship, so they never get an automatic reply: the professional is alerted, with
      guidance, urgently for a crisis.
    * A DM edit gets the crisis path when the edit is a crisis and an alert when it is a disclosure; the
      original message already had its contact reply. Edits never make a settled decision less safe
      (`no_less_safe`, applied by the pipeline).
    * A thread on standby belongs to another app or a human agent (handover protocol): alert only.
    """
    label = verdict.label
    summary = _summary(verdict)

    if event.meta_test:
        # The App Dashboard's "Test" sample ("random_text"): no person wrote it, so nobody is answered or
        # alerted, whatever detection makes of it; it is recorded, which shows the subscription works.
        return Decision(verdict=verdict, note=f"Meta dashboard test: nothing to do ({summary})")

    if event.authored_by_page:
        if label in (Label.SENSITIVE, Label.CRISIS):
            return Decision(verdict=verdict, actions=(Action(ActionKind.ALERT),), note=f"{OWN_CONTENT_NOTE}; {summary}")
        return Decision(verdict=verdict, note="own content: nothing to do")

    if event.surface is Surface.MESSAGE:
        return _decide_message(page, event, verdict, summary)

    if event.verb not in ACTIONABLE_COMMENT_VERBS:
        return Decision(verdict=verdict, note=f"{event.surface.value} {event.verb}: nothing to do")
    if event.surface is Surface.REVIEW:
        return _alert_only(verdict, f"review {_judged(verdict, summary)}: alert only, never a public reply")
    return _decide_comment(page, event, verdict, summary)


def _alert_only(verdict: Verdict, note: str) -> Decision:
    if not _needs_alert(verdict):
        return Decision(verdict=verdict, note=note)
    return Decision(verdict=verdict, actions=(Action(ActionKind.ALERT, urgent=verdict.label is Label.CRISIS),), note=note)


def _decide_comment(page: PageSettings, event: WebhookEvent, verdict: Verdict, summary: str) -> Decision:
    where = "visitor post" if event.surface is Surface.POST else "visitor comment"
    if verdict.label is Label.SENSITIVE:
        actions = (
            Action(ActionKind.HIDE),
            Action(ActionKind.PUBLIC_REPLY, text=page.contact_reply),
            Action(ActionKind.ALERT),
        )
        return Decision(verdict=verdict, actions=actions, note=f"{where} {summary}")
    if verdict.label is Label.CRISIS:
        actions = (
            Action(ActionKind.HIDE),
            Action(ActionKind.PUBLIC_REPLY, text=page.crisis_reply),
            Action(ActionKind.PRIVATE_REPLY, text=page.crisis_reply),
            Action(ActionKind.ALERT, urgent=True),
        )
        return Decision(verdict=verdict, actions=actions, note=f"{where} {summary}")
    if verdict.unsupported_language:
        return Decision(verdict=verdict, actions=(Action(ActionKind.ALERT),), note=f"{where} {_not_checked(verdict)}")
    return Decision(verdict=verdict, note=f"{where} ok: nothing to do")


def _decide_message(page: PageSettings, event: WebhookEvent, verdict: Verdict, summary: str) -> Decision:
    if event.standby:
        return _alert_only(verdict, f"visitor DM on standby {_judged(verdict, summary)}: the thread belongs to "
                                    "another app or agent")
    if event.verb == "edit" and verdict.label is not Label.CRISIS:
        return _alert_only(verdict, f"visitor DM edit {_judged(verdict, summary)}")
    if verdict.label is Label.CRISIS:
        actions: tuple[Action, ...] = (
            Action(ActionKind.SEND_MESSAGE, text=page.crisis_reply),
            Action(ActionKind.ALERT, urgent=True),
        )
    else:
        contact = (Action(ActionKind.SEND_MESSAGE, text=page.contact_reply),) if person_wrote_text(event) else ()
        alert = (Action(ActionKind.ALERT),) if _needs_alert(verdict) else ()
        actions = contact + alert
    what = "visitor DM edit" if event.verb == "edit" else "visitor DM" if person_wrote_text(event) else "visitor DM without text"
    return Decision(verdict=verdict, actions=actions, note=f"{what} {_judged(verdict, summary)}")


def _needs_alert(verdict: Verdict) -> bool:
    """Sensitive or crisis, or an "ok" that only means "not checked" (a language detection was not built for)."""
    return verdict.label is not Label.OK or verdict.unsupported_language


def _judged(verdict: Verdict, summary: str) -> str:
    return _not_checked(verdict) if verdict.label is Label.OK and verdict.unsupported_language else summary


def _not_checked(verdict: Verdict) -> str:
    return f"not checked: unsupported language ({verdict.language})"


def _summary(verdict: Verdict) -> str:
    """Text-free summary: the label and the entity types, never the matched text."""
    types = verdict.entity_types
    return f"{verdict.label.value} ({', '.join(types)})" if types else verdict.label.value
